// withHttpSignature against the JumpServer emulator: python3-httpsig's HeaderVerifier with JumpServer's
// header rebuilding (required (request-target) and date, path with query, Django META names).
import type { SigningOptions } from '@httpsig/core';
import axios, { AxiosError } from 'axios';
import type { AxiosInstance } from 'axios';
import { Agent } from 'node:http';
import {
  EMULATOR_KEY_ID, EMULATOR_KEY_SECRET, ORG_DEFAULT, startJumpServerEmulator,
} from '../../../test-support/jumpserver-emulator.mjs';
import type { JumpServerEmulator } from '../../../test-support/jumpserver-emulator.mjs';
import { withHttpSignature } from '../src/index.js';

// JumpServer's documented signing defaults.
const jms: SigningOptions = {
  keyId: EMULATOR_KEY_ID, key: EMULATOR_KEY_SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'],
};

interface Echo { method: string; path: string; query: string; headers: Record<string, string>; body: string }

let emulator: JumpServerEmulator;
let client: AxiosInstance;
// The emulator (Python's socketserver) listens with a backlog of 5: requests share 10 keep-alive connections.
const httpAgent = new Agent({ keepAlive: true, maxSockets: 10 });
beforeAll(async () => {
  emulator = await startJumpServerEmulator();
  client = axios.create({ baseURL: `${emulator.origin}/api/v1/`, headers: { Accept: 'application/json' }, httpAgent });
  withHttpSignature(client, jms);
});
afterAll(async () => {
  httpAgent.destroy();
  await emulator.close();
});

describe('withHttpSignature against the JumpServer emulator', () => {
  test('GET with params', async () => {
    const { data } = await client.get<Echo>('echo/users/', { params: { limit: 10, search: 'a b' } });
    expect([data.path, data.query]).toEqual(['/api/v1/echo/users/', 'limit=10&search=a+b']);
    expect(data.headers['authorization']).toMatch(/headers="\(request-target\) accept date"/);
  });

  test('X-JMS-ORG signed too', async () => {
    const org = axios.create({ baseURL: `${emulator.origin}/api/v1/`, headers: { Accept: 'application/json', 'X-JMS-ORG': ORG_DEFAULT }, httpAgent });
    withHttpSignature(org, { ...jms, headers: ['(request-target)', 'accept', 'date', 'x-jms-org'] });
    const { data } = await org.get<Echo>('echo/org/');
    expect(data.headers['x-jms-org']).toBe(ORG_DEFAULT);
  });

  test('POST JSON (content-type and content-length sent, never signed)', async () => {
    const { data } = await client.post<Echo>('echo/assets/', { name: 'web-01', address: '10.0.0.1' });
    expect(data.method).toBe('POST');
    expect(JSON.parse(data.body)).toEqual({ name: 'web-01', address: '10.0.0.1' });
    expect(data.headers['content-type']).toBe('application/json');
  });

  test('PUT form, DELETE, HEAD', async () => {
    const put = await client.put<Echo>('echo/assets/1/', new URLSearchParams({ name: 'x y' }));
    expect(put.data.body).toBe('name=x+y');
    expect((await client.delete<Echo>('echo/assets/1/')).data.method).toBe('DELETE');
    expect((await client.head('echo/assets/1/')).status).toBe(200);
  });

  test('a non-default port with host signed', async () => {
    const withHost = axios.create({ baseURL: `${emulator.origin}/api/v1/`, headers: { Accept: 'application/json' }, httpAgent });
    withHttpSignature(withHost, { ...jms, headers: ['(request-target)', 'host', 'accept', 'date'] });
    const { data } = await withHost.get<Echo>('echo/host/');
    expect(data.headers['host']).toBe(`127.0.0.1:${emulator.port}`);
  });

  test('a 301 to the trailing-slash path (query kept) is re-signed', async () => {
    const { data } = await client.get<Echo>('echo/users', { params: { limit: 1 } });
    expect([data.path, data.query]).toEqual(['/api/v1/echo/users/', 'limit=1']);
  });

  test('100 concurrent requests', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      client.get<Echo>('echo/c/', { params: { i } }).then((r) => [r.status, r.data.query])));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => [200, `i=${i}`]));
  });

  test('a wrong secret is axios\'s normal 401 error with JumpServer\'s body', async () => {
    const wrong = axios.create({ baseURL: `${emulator.origin}/api/v1/`, headers: { Accept: 'application/json' }, httpAgent });
    withHttpSignature(wrong, { ...jms, key: 'wrong-secret-0123456789abcdefghijkl' });
    const error = await wrong.get('echo/users/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).response?.status).toBe(401);
    expect((error as AxiosError).response?.data).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
  });

  test('signing content-type reproduces JumpServer\'s 500 (why the defaults never sign it)', async () => {
    const bad = axios.create({ baseURL: `${emulator.origin}/api/v1/`, httpAgent });
    withHttpSignature(bad, { ...jms, headers: ['(request-target)', 'date', 'content-type'] });
    const error = await bad.post('echo/x/', { a: 1 }).catch((e: unknown) => e);
    expect((error as AxiosError).response?.status).toBe(500);
  });
});

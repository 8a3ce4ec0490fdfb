// httpSignature (got hooks) against the JumpServer emulator: python3-httpsig's HeaderVerifier with
// JumpServer's header rebuilding (required (request-target) and date, path with query, Django META names).
import type { SigningOptions } from '@httpsig/core';
import got, { HTTPError } from 'got';
import type { Got } from 'got';
import { Agent } from 'node:http';
import {
  EMULATOR_KEY_ID, EMULATOR_KEY_SECRET, ORG_DEFAULT, startJumpServerEmulator,
} from '../../../test-support/jumpserver-emulator.mjs';
import type { JumpServerEmulator } from '../../../test-support/jumpserver-emulator.mjs';
import { httpSignature } from '../src/index.js';

// JumpServer's documented signing defaults.
const jms: SigningOptions = {
  keyId: EMULATOR_KEY_ID, key: EMULATOR_KEY_SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'],
};

interface Echo { method: string; path: string; query: string; headers: Record<string, string>; body: string }

let emulator: JumpServerEmulator;
let client: Got;
// The emulator (Python's socketserver) listens with a backlog of 5: requests share 10 keep-alive connections.
const agent = new Agent({ keepAlive: true, maxSockets: 10 });
const extend = (options: SigningOptions, headers: Record<string, string> = {}): Got =>
  got.extend({
    prefixUrl: `${emulator.origin}/api/v1`, headers: { accept: 'application/json', ...headers }, agent: { http: agent }, retry: { limit: 0 },
  }, httpSignature(options));
beforeAll(async () => {
  emulator = await startJumpServerEmulator();
  client = extend(jms);
});
afterAll(async () => {
  agent.destroy();
  await emulator.close();
});

describe('httpSignature against the JumpServer emulator', () => {
  test('GET with searchParams', async () => {
    const echo = await client.get('echo/users/', { searchParams: { limit: 10, search: 'a b' } }).json<Echo>();
    expect([echo.path, echo.query]).toEqual(['/api/v1/echo/users/', 'limit=10&search=a+b']);
    expect(echo.headers['authorization']).toMatch(/headers="\(request-target\) accept date"/);
  });

  test('X-JMS-ORG signed too', async () => {
    const org = extend({ ...jms, headers: ['(request-target)', 'accept', 'date', 'x-jms-org'] }, { 'x-jms-org': ORG_DEFAULT });
    expect((await org.get('echo/org/').json<Echo>()).headers['x-jms-org']).toBe(ORG_DEFAULT);
  });

  test('POST json (content-type and content-length sent, never signed)', async () => {
    const echo = await client.post('echo/assets/', { json: { name: 'web-01' } }).json<Echo>();
    expect([echo.method, echo.body, echo.headers['content-type']]).toEqual(['POST', '{"name":"web-01"}', 'application/json']);
  });

  test('PUT form, DELETE, HEAD', async () => {
    expect((await client.put('echo/assets/1/', { form: { name: 'x y' } }).json<Echo>()).body).toBe('name=x+y');
    expect((await client.delete('echo/assets/1/').json<Echo>()).method).toBe('DELETE');
    expect((await client.head('echo/assets/1/')).statusCode).toBe(200);
  });

  test('a non-default port with host signed', async () => {
    const withHost = extend({ ...jms, headers: ['(request-target)', 'host', 'accept', 'date'] });
    expect((await withHost.get('echo/host/').json<Echo>()).headers['host']).toBe(`127.0.0.1:${emulator.port}`);
  });

  test('a 301 to the trailing-slash path (query kept) is re-signed', async () => {
    const echo = await client.get('echo/users', { searchParams: { limit: 1 } }).json<Echo>();
    expect([echo.path, echo.query]).toEqual(['/api/v1/echo/users/', 'limit=1']);
  });

  test('100 concurrent requests', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      client.get('echo/c/', { searchParams: { i } }).json<Echo>().then((e) => e.query)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => `i=${i}`));
  });

  test('a wrong secret is got\'s normal HTTPError 401 with JumpServer\'s body', async () => {
    const wrong = extend({ ...jms, key: 'wrong-secret-0123456789abcdefghijkl' });
    const error = await wrong.get('echo/users/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.statusCode).toBe(401);
    expect(JSON.parse(String((error as HTTPError).response.body))).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
  });

  test('signing content-type reproduces JumpServer\'s 500 (why the defaults never sign it)', async () => {
    const bad = extend({ ...jms, headers: ['(request-target)', 'date', 'content-type'] });
    const error = await bad.post('echo/x/', { json: { a: 1 } }).catch((e: unknown) => e);
    expect((error as HTTPError).response.statusCode).toBe(500);
  });
});

// signedFetch against the JumpServer emulator: python3-httpsig's HeaderVerifier with JumpServer's header
// rebuilding (required (request-target) and date, path with query, Django META names).
import type { SigningOptions } from '@httpsig/core';
import {
  EMULATOR_KEY_ID, EMULATOR_KEY_SECRET, ORG_DEFAULT, startJumpServerEmulator,
} from '../../../test-support/jumpserver-emulator.mjs';
import type { JumpServerEmulator } from '../../../test-support/jumpserver-emulator.mjs';
import { Agent, fetch as undiciFetch } from 'undici';
import { signedFetch } from '../src/index.js';
import type { FetchLike } from '../src/index.js';

// JumpServer's documented signing defaults.
const jms: SigningOptions = {
  keyId: EMULATOR_KEY_ID, key: EMULATOR_KEY_SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'],
};
const ACCEPT = { Accept: 'application/json' };

interface Echo { method: string; path: string; query: string; headers: Record<string, string>; body: string }

let emulator: JumpServerEmulator;
beforeAll(async () => { emulator = await startJumpServerEmulator(); });
afterAll(async () => { await emulator.close(); });

describe('signedFetch against the JumpServer emulator', () => {
  const f = signedFetch(jms);

  test('GET with a query', async () => {
    const res = await f(`${emulator.origin}/api/v1/echo/users/?limit=10&search=a%20b`, { headers: ACCEPT });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.path).toBe('/api/v1/echo/users/');
    expect(echo.query).toBe('limit=10&search=a%20b');
    expect(echo.headers['authorization']).toMatch(/^Signature keyId="b5fd8a7c-1111-4e6b-9a1f-0123456789ab",algorithm="hmac-sha256",headers="\(request-target\) accept date"/);
  });

  test('X-JMS-ORG signed too', async () => {
    const g = signedFetch({ ...jms, headers: ['(request-target)', 'accept', 'date', 'x-jms-org'] });
    const res = await g(`${emulator.origin}/api/v1/echo/org/`, { headers: { ...ACCEPT, 'X-JMS-ORG': ORG_DEFAULT } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).headers['x-jms-org']).toBe(ORG_DEFAULT);
  });

  test('POST JSON (content-type sent, not signed)', async () => {
    const body = JSON.stringify({ name: 'web-01', address: '10.0.0.1' });
    const res = await f(`${emulator.origin}/api/v1/echo/assets/`, {
      method: 'POST', body, headers: { ...ACCEPT, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.method).toBe('POST');
    expect(echo.body).toBe(body);
  });

  test('POST JSON with a signed digest (JumpServer ignores it but it must not break)', async () => {
    const g = signedFetch({ ...jms, digest: 'SHA-256' });
    const res = await g(`${emulator.origin}/api/v1/echo/assets/`, { method: 'POST', body: '{"a":1}', headers: ACCEPT });
    expect(res.status).toBe(200);
  });

  test('PUT form, DELETE, HEAD', async () => {
    const put = await f(`${emulator.origin}/api/v1/echo/assets/1/`, { method: 'PUT', body: new URLSearchParams({ name: 'x y' }), headers: ACCEPT });
    expect(put.status).toBe(200);
    expect(((await put.json()) as Echo).body).toBe('name=x+y');
    const del = await f(`${emulator.origin}/api/v1/echo/assets/1/`, { method: 'DELETE', headers: ACCEPT });
    expect(del.status).toBe(200);
    const head = await f(`${emulator.origin}/api/v1/echo/assets/1/`, { method: 'HEAD', headers: ACCEPT });
    expect(head.status).toBe(200);
  });

  test('a non-default port with host signed', async () => {
    const g = signedFetch({ ...jms, headers: ['(request-target)', 'host', 'accept', 'date'] });
    const res = await g(`${emulator.origin}/api/v1/echo/host/`, { headers: ACCEPT });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).headers['host']).toBe(`127.0.0.1:${emulator.port}`);
  });

  test('a 301 to the trailing-slash path (query kept) is re-signed', async () => {
    const res = await f(`${emulator.origin}/api/v1/echo/users?limit=1`, { headers: ACCEPT });
    expect(res.status).toBe(200);
    expect(res.redirected).toBe(true);
    const echo = (await res.json()) as Echo;
    expect([echo.path, echo.query]).toEqual(['/api/v1/echo/users/', 'limit=1']);
  });

  test('100 concurrent requests', async () => {
    // The emulator (Python's socketserver) listens with a backlog of 5: 100 fresh connections at once are
    // slowed down by SYN retries, so the 100 requests share a pool of 10 keep-alive connections.
    const dispatcher = new Agent({ connections: 10 });
    const u = signedFetch(jms, undiciFetch as unknown as FetchLike);
    try {
      const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
        u(`${emulator.origin}/api/v1/echo/c/?i=${i}`, { headers: ACCEPT, dispatcher } as RequestInit)
          .then(async (r) => { const echo = (await r.json()) as Echo; return [r.status, echo.query]; })));
      expect(statuses).toEqual(Array.from({ length: 100 }, (_, i) => [200, `i=${i}`]));
    } finally {
      await dispatcher.close();
    }
  });

  test('a wrong secret is JumpServer\'s 401', async () => {
    const wrong = signedFetch({ ...jms, key: 'wrong-secret-0123456789abcdefghijkl' });
    const res = await wrong(`${emulator.origin}/api/v1/echo/users/`, { headers: ACCEPT });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
  });

  test('signing content-type reproduces JumpServer\'s 500 (why the defaults never sign it)', async () => {
    const bad = signedFetch({ ...jms, headers: ['(request-target)', 'date', 'content-type'] });
    const res = await bad(`${emulator.origin}/api/v1/echo/x/`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(500);
  });
});

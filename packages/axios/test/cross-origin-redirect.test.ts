// Redirects to another origin (another loopback port, or https -> http) are followed without a signature
// unless signCrossOriginRedirects is set; an https -> http downgrade is never signed.
import { verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import axios from 'axios';
import { Agent } from 'node:https';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { startCrossOriginServers } from '../../../test-support/redirect-server.mjs';
import type { CrossOriginServers, RedirectServer } from '../../../test-support/redirect-server.mjs';
import { withHttpSignature } from '../src/index.js';
import type { AxiosSignatureOptions } from '../src/index.js';

const KEY_ID = 'axios-redirect-key';
const SECRET = 'axios-redirect-secret-0123456789abcdef';
// JumpServer's documented header set: no host, so a signature is valid at any origin for the same path.
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'] };

let servers: CrossOriginServers;
let other: CoreServer;
let origin: RedirectServer;
let tlsOrigin: RedirectServer;
const insecure = new Agent({ rejectUnauthorized: false });
beforeAll(async () => {
  servers = await startCrossOriginServers({ verify, keyId: KEY_ID, secret: SECRET });
  ({ other, origin, tlsOrigin } = servers);
});
afterAll(async () => {
  insecure.destroy();
  await servers.close();
});
beforeEach(() => { servers.forget(); });

const only = (server: { requests: Array<{ headers: Record<string, unknown> }> }) => {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
};
const client = (options: AxiosSignatureOptions, adapter?: 'http' | 'fetch') => {
  const instance = axios.create({ headers: { Accept: 'application/json' }, validateStatus: null, httpsAgent: insecure, ...(adapter ? { adapter } : {}) });
  withHttpSignature(instance, options);
  return instance;
};

describe('withHttpSignature and redirects to another origin', () => {
  test('307 to another port: the first hop is signed, the other origin gets no signature or credential', async () => {
    const res = await client(base).post(`${origin.origin}/api/v1/users/users/?limit=1`, { a: 1 }, { headers: { Cookie: 'a=1' } });
    expect(String(only(origin).headers['authorization'])).toMatch(/^Signature keyId="axios-redirect-key"/);
    const received = only(other);
    expect(received.headers['authorization']).toBeUndefined();
    expect(received.headers['signature']).toBeUndefined();
    expect(received.headers['cookie']).toBeUndefined();
    expect(res.status).toBe(401);
  });

  test('basic `auth` (with the Signature scheme) is not sent to the other origin either', async () => {
    await client({ ...base, scheme: 'signature' }).get(`${origin.origin}/api/x/`, { auth: { username: 'u', password: 'p' } });
    expect(only(origin).headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(only(origin).headers['signature']).toBeDefined();
    expect(only(other).headers['authorization']).toBeUndefined();
    expect(only(other).headers['signature']).toBeUndefined();
  });

  test('the fetch adapter and the Signature scheme are covered too', async () => {
    await client({ ...base, scheme: 'signature' }, 'fetch').get(`${origin.origin}/api/x/`);
    expect(only(origin).headers['signature']).toBeDefined();
    expect(only(other).headers['signature']).toBeUndefined();
  });

  test.each([
    ['authorization', 'http'], ['signature', 'http'], ['authorization', 'fetch'],
  ] as const)('a chain that left the origin stays unsigned on its later same-origin hops (scheme %s, %s adapter)', async (scheme, adapter) => {
    // origin -> other/api/x (307, another origin) -> other/api/x/ (301, other's own trailing-slash redirect).
    const res = await client({ ...base, scheme }, adapter).get(`${origin.origin}/api/x`);
    expect(only(origin).headers[scheme]).toBeDefined();
    expect(other.requests.map((r) => r.url)).toEqual(['/api/x', '/api/x/']);
    for (const received of other.requests) {
      expect(received.headers['authorization']).toBeUndefined();
      expect(received.headers['signature']).toBeUndefined();
    }
    expect(res.status).toBe(401);
  });

  test('signCrossOriginRedirects: true signs the other origin\'s hop', async () => {
    const res = await client({ ...base, signCrossOriginRedirects: true }).get(`${origin.origin}/api/v1/users/users/?limit=1`);
    expect(res.status).toBe(200);
    expect(other.requests[0]?.verified?.signingString).toContain('(request-target): get /api/v1/users/users/?limit=1');
  });

  test('an https -> http downgrade is never signed, even with signCrossOriginRedirects', async () => {
    const res = await client({ ...base, signCrossOriginRedirects: true }).get(`${tlsOrigin.origin}/api/v1/x/`);
    expect(String(only(tlsOrigin).headers['authorization'])).toMatch(/^Signature /);
    expect(only(other).headers['authorization']).toBeUndefined();
    expect(res.status).toBe(401);
  });

  test('an invalid signCrossOriginRedirects is refused up front', () => {
    expect(() => client({ ...base, signCrossOriginRedirects: 1 as unknown as boolean })).toThrow(TypeError);
  });
});

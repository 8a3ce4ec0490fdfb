// Redirects to another origin (another loopback port, or https -> http) are followed without a signature
// unless signCrossOriginRedirects is set; an https -> http downgrade is never signed.
import { verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import { Agent, fetch as undiciFetch } from 'undici';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { startCrossOriginServers } from '../../../test-support/redirect-server.mjs';
import type { CrossOriginServers, RedirectServer } from '../../../test-support/redirect-server.mjs';
import { signedFetch } from '../src/index.js';
import type { FetchLike } from '../src/index.js';

const KEY_ID = 'fetch-redirect-key';
const SECRET = 'fetch-redirect-secret-0123456789abcdef';
// JumpServer's documented header set: no host, so a signature is valid at any origin for the same path.
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'] };
const init = { headers: { Accept: 'application/json' } };

let servers: CrossOriginServers;
let other: CoreServer;
let origin: RedirectServer;
let tlsOrigin: RedirectServer;
let insecure: Agent;
beforeAll(async () => {
  servers = await startCrossOriginServers({ verify, keyId: KEY_ID, secret: SECRET });
  ({ other, origin, tlsOrigin } = servers);
  insecure = new Agent({ connect: { rejectUnauthorized: false } });
});
afterAll(async () => {
  await Promise.all([servers.close(), insecure.close()]);
});
beforeEach(() => { servers.forget(); });

const only = (server: { requests: Array<{ headers: Record<string, unknown> }> }) => {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
};

describe('signedFetch and redirects to another origin', () => {
  test('307 to another port: the first hop is signed, the other origin gets no signature or credential', async () => {
    const f = signedFetch(base);
    const res = await f(`${origin.origin}/api/v1/users/users/?limit=1`, { headers: { ...init.headers, Authorization: 'Bearer caller', Cookie: 'a=1' } });
    expect(String(only(origin).headers['authorization'])).toMatch(/^Signature keyId="fetch-redirect-key"/);
    const received = only(other);
    expect(received.headers['authorization']).toBeUndefined();
    expect(received.headers['signature']).toBeUndefined();
    expect(received.headers['cookie']).toBeUndefined();
    expect(res.status).toBe(401);
    expect(res.redirected).toBe(true);
  });

  test('the Signature scheme is dropped across origins as well', async () => {
    const f = signedFetch({ ...base, scheme: 'signature' });
    await f(`${origin.origin}/api/x/`, init);
    expect(only(origin).headers['signature']).toBeDefined();
    expect(only(other).headers['signature']).toBeUndefined();
  });

  test.each(['authorization', 'signature'] as const)('a chain that left the origin stays unsigned on its later same-origin hops (scheme %s)', async (scheme) => {
    // origin -> other/api/x (307, another origin) -> other/api/x/ (301, other's own trailing-slash redirect).
    const res = await signedFetch({ ...base, scheme })(`${origin.origin}/api/x`, init);
    expect(only(origin).headers[scheme]).toBeDefined();
    expect(other.requests.map((r) => r.url)).toEqual(['/api/x', '/api/x/']);
    for (const received of other.requests) {
      expect(received.headers['authorization']).toBeUndefined();
      expect(received.headers['signature']).toBeUndefined();
    }
    expect(res.status).toBe(401);
  });

  test('signCrossOriginRedirects: true signs the other origin\'s hop', async () => {
    const f = signedFetch({ ...base, signCrossOriginRedirects: true });
    const res = await f(`${origin.origin}/api/v1/users/users/?limit=1`, init);
    expect(res.status).toBe(200);
    const received = other.requests[0];
    expect(received?.verified?.signingString).toContain('(request-target): get /api/v1/users/users/?limit=1');
  });

  test('an https -> http downgrade is never signed, even with signCrossOriginRedirects', async () => {
    const f = signedFetch({ ...base, signCrossOriginRedirects: true }, undiciFetch as unknown as FetchLike);
    const res = await f(`${tlsOrigin.origin}/api/v1/x/`, { ...init, dispatcher: insecure } as RequestInit);
    expect(String(only(tlsOrigin).headers['authorization'])).toMatch(/^Signature /);
    expect(only(other).headers['authorization']).toBeUndefined();
    expect(res.status).toBe(401);
  });

  test('an invalid signCrossOriginRedirects is refused up front', () => {
    expect(() => signedFetch({ ...base, signCrossOriginRedirects: 'yes' as unknown as boolean })).toThrow(TypeError);
  });
});

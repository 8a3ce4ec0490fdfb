// Redirects to another origin (another loopback port, or https -> http) are followed without a signature
// unless signCrossOriginRedirects is set; an https -> http downgrade is never signed.
import { verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import got from 'got';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { selfSignedCertificate, startCrossOriginServers } from '../../../test-support/redirect-server.mjs';
import type { CrossOriginServers, RedirectServer } from '../../../test-support/redirect-server.mjs';
import { httpSignature } from '../src/index.js';
import type { GotSignatureOptions } from '../src/index.js';

const KEY_ID = 'got-redirect-key';
const SECRET = 'got-redirect-secret-0123456789abcdef';
// JumpServer's documented header set: no host, so a signature is valid at any origin for the same path.
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'] };

let servers: CrossOriginServers;
let other: CoreServer;
let origin: RedirectServer;
let tlsOrigin: RedirectServer;
beforeAll(async () => {
  servers = await startCrossOriginServers({ verify, keyId: KEY_ID, secret: SECRET });
  ({ other, origin, tlsOrigin } = servers);
});
afterAll(async () => {
  await servers.close();
});
beforeEach(() => { servers.forget(); });

const only = (server: { requests: Array<{ headers: Record<string, unknown> }> }) => {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
};
const client = (options: GotSignatureOptions) => got.extend({
  headers: { accept: 'application/json' }, throwHttpErrors: false, https: { rejectUnauthorized: false },
}, httpSignature(options));

describe('httpSignature and redirects to another origin', () => {
  test('307 to another port: the first hop is signed, the other origin gets no signature or credential', async () => {
    const res = await client({ ...base, digest: 'SHA-256' }).post(`${origin.origin}/api/v1/users/users/?limit=1`, {
      json: { a: 1 }, headers: { cookie: 'a=1' },
    });
    expect(String(only(origin).headers['authorization'])).toMatch(/^Signature keyId="got-redirect-key"/);
    expect(only(origin).headers['digest']).toBeDefined();
    const received = only(other);
    expect(received.headers['authorization']).toBeUndefined();
    expect(received.headers['signature']).toBeUndefined();
    expect(received.headers['cookie']).toBeUndefined();
    expect(res.statusCode).toBe(401);
  });

  test.each(['authorization', 'signature'] as const)('a chain that left the origin stays unsigned on its later same-origin hops (scheme %s)', async (scheme) => {
    // origin -> other/api/x (307, another origin) -> other/api/x/ (301, other's own trailing-slash redirect).
    const res = await client({ ...base, scheme }).get(`${origin.origin}/api/x`);
    expect(only(origin).headers[scheme]).toBeDefined();
    expect(other.requests.map((r) => r.url)).toEqual(['/api/x', '/api/x/']);
    for (const received of other.requests) {
      expect(received.headers['authorization']).toBeUndefined();
      expect(received.headers['signature']).toBeUndefined();
    }
    expect(res.statusCode).toBe(401);
  });

  test('the Signature scheme is dropped across origins as well', async () => {
    await client({ ...base, scheme: 'signature' }).get(`${origin.origin}/api/x/`);
    expect(only(origin).headers['signature']).toBeDefined();
    expect(only(other).headers['signature']).toBeUndefined();
  });

  test('a retry of the unsigned hop stays unsigned', async () => {
    // The other origin answers 401 here; make got retry it and check that no attempt carries a signature.
    const retrying = got.extend({
      headers: { accept: 'application/json' }, throwHttpErrors: false,
      retry: { limit: 1, statusCodes: [401], methods: ['GET'], calculateDelay: ({ computedValue }) => (computedValue === 0 ? 0 : 1) },
    }, httpSignature(base));
    await retrying.get(`${origin.origin}/api/retry/`);
    // got retries the redirected hop itself (its options, the other origin's URL), not the first request.
    expect(origin.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(2);
    for (const record of other.requests) expect(record.headers['authorization']).toBeUndefined();
  });

  test('signCrossOriginRedirects: true signs the other origin\'s hop', async () => {
    const res = await client({ ...base, signCrossOriginRedirects: true }).get(`${origin.origin}/api/v1/users/users/?limit=1`);
    expect(res.statusCode).toBe(200);
    expect(other.requests[0]?.verified?.signingString).toContain('(request-target): get /api/v1/users/users/?limit=1');
  });

  test('an https -> http downgrade is never signed, even with signCrossOriginRedirects', async () => {
    const res = await client({ ...base, signCrossOriginRedirects: true }).get(`${tlsOrigin.origin}/api/v1/x/`);
    expect(String(only(tlsOrigin).headers['authorization'])).toMatch(/^Signature /);
    expect(only(other).headers['authorization']).toBeUndefined();
    expect(res.statusCode).toBe(401);
  });

  test('an https -> http downgrade on the same host and port carries no basic credentials or cookie', async () => {
    // One port speaking TLS and plain HTTP (told apart by the first byte), so only the scheme changes: got
    // itself drops credentials only when the host or port changes.
    const received: Array<Record<string, unknown>> = [];
    let port = 0;
    const plain = http.createServer((req, res) => { received.push({ ...req.headers }); res.end('plain'); });
    const secure = https.createServer(selfSignedCertificate(), (req, res) => {
      received.push({ ...req.headers });
      res.writeHead(302, { location: `http://127.0.0.1:${port}/down`, 'content-length': 0 }).end();
    });
    const sockets = new Set<net.Socket>();
    const front = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('readable', () => {
        const first = socket.read(1) as Buffer | null;
        if (first === null) { socket.destroy(); return; }
        socket.unshift(first);
        (first[0] === 0x16 ? secure : plain).emit('connection', socket);
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    port = (front.address() as AddressInfo).port;
    try {
      const res = await client({ ...base, scheme: 'signature', signCrossOriginRedirects: true })
        .get(`https://127.0.0.1:${port}/up`, { username: 'u', password: 'p', headers: { cookie: 'sid=secret' } });
      expect(res.body).toBe('plain');
      expect(received).toHaveLength(2);
      expect(received[0]).toMatchObject({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, cookie: 'sid=secret' });
      expect(received[0]?.['signature']).toBeDefined();
      expect(received[1]?.['authorization']).toBeUndefined();
      expect(received[1]?.['cookie']).toBeUndefined();
      expect(received[1]?.['signature']).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  test('an invalid signCrossOriginRedirects is refused up front', () => {
    expect(() => httpSignature({ ...base, signCrossOriginRedirects: 'no' as unknown as boolean })).toThrow(TypeError);
  });
});

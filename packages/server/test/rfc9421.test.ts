// RFC 9421 through every server entry point (scheme: 'rfc9421'), and RFC 9421 response signing.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign, verify, type Rfc9421SigningOptions } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import express from 'express';
import { MemoryReplayStore, signFetchResponse, signNodeResponse, type Rfc9421ServerVerifyOptions } from '../src/index.js';
import { SERVER_KINDS, startServer, type Running } from './support/servers.js';
import { send } from './support/helpers.js';

const SECRET = 'rfc9421-server-secret-0123456789abcdef';
const signing: Rfc9421SigningOptions = {
  scheme: 'rfc9421', keyId: 'k9421', key: SECRET, algorithm: 'hmac-sha256',
  headers: ['@method', '@authority', '@path', '@query', 'content-digest'], digest: 'SHA-256',
};
const options: Rfc9421ServerVerifyOptions = {
  scheme: 'rfc9421',
  keyLookup: (keyId) => (keyId === 'k9421' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
  requiredComponents: ['@method', '@authority', '@path', '@query'],
};

async function signedRequest(url: string, body: string, extra: Partial<Rfc9421SigningOptions> = {}): Promise<Record<string, string>> {
  const host = new URL(url).host;
  const { headers } = await sign({ method: 'POST', url, headers: { host, 'content-type': 'application/json' } }, { ...signing, ...extra, body });
  return { 'content-type': 'application/json', ...headers };
}

describe.each(SERVER_KINDS)('%s server with scheme rfc9421', (kind) => {
  let server: Running;
  let replaying: Running;
  beforeAll(async () => {
    server = await startServer(kind, options);
    replaying = await startServer(kind, { ...options, replay: true });
  });
  afterAll(async () => { await server.close(); await replaying.close(); });

  test('a signed POST with a content-digest verifies; the body still reaches the handler', async () => {
    const url = `${server.url}/orders?dry=1`;
    const body = JSON.stringify({ item: 'café', n: 2 });
    const res = await fetch(url, { method: 'POST', body, headers: await signedRequest(url, body) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('café');
  });

  test('a changed query or body is refused with its code and an Accept-Signature challenge', async () => {
    const url = `${server.url}/orders?dry=1`;
    const body = '{"n":1}';
    const headers = await signedRequest(url, body);
    const query = await fetch(`${server.url}/orders?dry=0`, { method: 'POST', body, headers });
    expect(query.status).toBe(401);
    expect((await query.json() as { code: string }).code).toBe('ERR_SIGNATURE_MISMATCH');
    expect(query.headers.get('accept-signature')).toBe('sig1=("@method" "@authority" "@path" "@query");created');
    const tampered = await fetch(url, { method: 'POST', body: '{"n":2}', headers });
    expect((await tampered.json() as { code: string }).code).toBe('ERR_DIGEST_MISMATCH');
  });

  test('replay protection refuses the same RFC 9421 signature twice', async () => {
    const url = `${replaying.url}/orders?dry=1`;
    const body = '{"n":3}';
    const headers = await signedRequest(url, body);
    expect((await fetch(url, { method: 'POST', body, headers })).status).toBe(200);
    const again = await fetch(url, { method: 'POST', body, headers });
    expect(again.status).toBe(401);
    expect((await again.json() as { code: string }).code).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('signedFetch with scheme rfc9421 passes through', async () => {
    const res = await signedFetch(signing)(`${server.url}/orders?from=adapter`, { method: 'POST', body: '{"n":4}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });
});

describe.each(SERVER_KINDS)('%s server: @scheme and @target-uri', (kind) => {
  let server: Running;
  beforeAll(async () => { server = await startServer(kind, { ...options, requiredComponents: ['@method', '@target-uri'] }); });
  afterAll(async () => { await server.close(); });

  test('a signature over @method and @target-uri verifies (the server knows its scheme)', async () => {
    const url = `${server.url}/orders?dry=1`;
    const body = '{"n":5}';
    const headers = await signedRequest(url, body, { headers: ['@method', '@target-uri', '@scheme', 'content-digest'] });
    const res = await fetch(url, { method: 'POST', body, headers });
    expect(res.status).toBe(200);
    // The same signature claimed for https:// does not verify on this plain-http listener.
    const https = await signedRequest(url.replace('http:', 'https:'), body, { headers: ['@method', '@target-uri', 'content-digest'] });
    const refused = await fetch(url, { method: 'POST', body, headers: https });
    expect((await refused.json() as { code: string }).code).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

describe('RFC 9421 replay window: the entry lives as long as core accepts the signature', () => {
  const created = Math.floor(Date.now() / 1000);
  const skew = 30;
  async function replayAt(store: MemoryReplayStore, extra: Partial<Rfc9421ServerVerifyOptions>, laterMs: number, sign9421: Partial<Rfc9421SigningOptions> = {}): Promise<[number, string]> {
    const base = { ...options, clockSkew: skew, replay: store, ...extra };
    const early = await startServer('node', { ...base, now: created * 1000 });
    const late = await startServer('node', { ...base, now: laterMs });
    try {
      const url = `${early.url}/pay?to=bob`;
      const body = '{"amount":1}';
      const headers = await signedRequest(url, body, { created, ...sign9421 });
      expect((await fetch(url, { method: 'POST', body, headers })).status).toBe(200);
      // Same Host as signed (the late server listens elsewhere): send to it with the early server's authority.
      const again = await send(late.url, { method: 'POST', path: '/pay?to=bob', headers: { ...headers, host: new URL(early.url).host }, body });
      return [again.status, String(again.json.code)];
    } finally {
      await early.close();
      await late.close();
    }
  }

  test('with maxAge: a replay at created + maxAge + skew - 1 s is refused', async () => {
    const [status, code] = await replayAt(new MemoryReplayStore({ maxEntries: 10 }), { maxAge: 60 }, (created + 60 + skew - 1) * 1000);
    expect([status, code]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });

  test('with maxAge: a replay at exactly created + maxAge + skew (still accepted by core) is refused', async () => {
    const [status, code] = await replayAt(new MemoryReplayStore({ maxEntries: 10 }), { maxAge: 60 }, (created + 60 + skew) * 1000);
    expect([status, code]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });

  test('with expires and maxAge: the earlier end (expires + skew) bounds it, replayed at its last moment', async () => {
    const [status, code] = await replayAt(new MemoryReplayStore({ maxEntries: 10 }), { maxAge: 600 }, (created + 20 + skew) * 1000, { expires: created + 20 });
    expect([status, code]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });

  test('created only: a replay at exactly created + skew is refused', async () => {
    const [status, code] = await replayAt(new MemoryReplayStore({ maxEntries: 10 }), {}, (created + skew) * 1000);
    expect([status, code]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });
});

describe('signNodeResponse under an Express router mounted at /api', () => {
  test('"@path";req is the path the client sent (req.originalUrl), not the router-relative req.url', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const app = express();
    const router = express.Router();
    router.get('/things/:id', (req, res, next) => {
      res.status(200).setHeader('content-type', 'application/json');
      signNodeResponse(req, res, { keyId: 'server-key', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'ed25519' })
        .then(() => res.end(JSON.stringify({ id: req.params.id, url: req.url })), next);
    });
    app.use('/api', router);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${origin}/api/things/7?x=1`);
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({ id: '7', url: '/things/7?x=1' });
      const response = { status: res.status, headers: [...res.headers], request: { method: 'GET', url: `${origin}/api/things/7?x=1`, headers: [] } };
      const lookup = { scheme: 'rfc9421' as const, keyLookup: () => ({ key: publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['ed25519' as const] }) };
      const result = await verify(response, { ...lookup, requiredComponents: ['@status', '"@path";req'] });
      expect(result.keyId).toBe('server-key');
    } finally {
      server.close();
    }
  });
});

describe('response signing bound to the request', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const responseKey = { keyId: 'server-key', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'ed25519' as const };
  const lookup = { scheme: 'rfc9421' as const, keyLookup: () => ({ key: publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['ed25519' as const] }) };

  test('signNodeResponse: the client verifies @status, the body digest and the request it sent (;req)', async () => {
    const server = http.createServer((req, res) => {
      const body = JSON.stringify({ ok: true, path: req.url });
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json');
      void signNodeResponse(req, res, { ...responseKey, body, digest: 'SHA-256' }).then(() => res.end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const requestHeaders = { host: new URL(origin).host, accept: 'application/json' };
      const res = await fetch(`${origin}/things/7?x=1`, { headers: requestHeaders });
      const body = await res.text();
      const response = { status: res.status, headers: [...res.headers], request: { method: 'GET', url: `${origin}/things/7?x=1`, headers: requestHeaders } };
      const result = await verify(response, { ...lookup, body, requiredComponents: ['@status', '"@method";req', '"@path";req', 'content-digest'] });
      expect(result.components).toEqual(['"@status"', '"content-type"', '"@method";req', '"@path";req', '"@query";req', '"content-digest"']);
      // The same answer does not verify against another request.
      await expect(verify({ ...response, request: { ...response.request, url: `${origin}/things/8?x=1` } }, { ...lookup, body }))
        .rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
      // Nor with another status.
      await expect(verify({ ...response, status: 200 }, { ...lookup, body })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
    } finally {
      server.close();
    }
  });

  test('by default, the answer to /loan?account=alice does not verify as the answer to /loan?account=bob', async () => {
    const server = http.createServer((req, res) => {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      void signNodeResponse(req, res, responseKey).then(() => res.end(JSON.stringify({ url: req.url })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${origin}/loan?account=alice`);
      await res.text();
      const answer = (url: string) => ({ status: res.status, headers: [...res.headers], request: { method: 'GET', url, headers: [] } });
      await expect(verify(answer(`${origin}/loan?account=alice`), lookup)).resolves.toMatchObject({ keyId: 'server-key' });
      await expect(verify(answer(`${origin}/loan?account=bob`), lookup)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
      await expect(verify(answer(`${origin}/loan`), lookup)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
    } finally {
      server.close();
    }
    // signFetchResponse the same.
    const request = new Request('https://bank.example/loan?account=alice');
    const signed = await signFetchResponse(request, Response.json({ balance: 1 }), responseKey);
    const fetched = (url: string) => ({ status: signed.status, headers: [...signed.headers], request: { method: 'GET', url, headers: [] } });
    await expect(verify(fetched('https://bank.example/loan?account=alice'), lookup)).resolves.toMatchObject({ keyId: 'server-key' });
    await expect(verify(fetched('https://bank.example/loan?account=bob'), lookup)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('signFetchResponse signs a web Response the same way', async () => {
    const request = new Request('https://api.example.com/things/7', { method: 'DELETE' });
    const signed = await signFetchResponse(request, new Response('{"deleted":true}', { status: 200, headers: { 'content-type': 'application/json' } }), { ...responseKey, digest: 'SHA-256' });
    const body = await signed.text();
    expect(body).toBe('{"deleted":true}');
    const result = await verify({ status: signed.status, headers: [...signed.headers], request: { method: 'DELETE', url: request.url, headers: [] } }, { ...lookup, body });
    expect(result.keyId).toBe('server-key');
  });
});

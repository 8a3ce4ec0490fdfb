// RFC 9421 through every server entry point (scheme: 'rfc9421'), and RFC 9421 response signing.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign, verify, type Rfc9421SigningOptions } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { signFetchResponse, signNodeResponse, type Rfc9421ServerVerifyOptions } from '../src/index.js';
import { SERVER_KINDS, startServer, type Running } from './servers.js';

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
      expect(result.components).toEqual(['"@status"', '"content-type"', '"@method";req', '"@path";req', '"content-digest"']);
      // The same answer does not verify against another request.
      await expect(verify({ ...response, request: { ...response.request, url: `${origin}/things/8?x=1` } }, { ...lookup, body }))
        .rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
      // Nor with another status.
      await expect(verify({ ...response, status: 200 }, { ...lookup, body })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
    } finally {
      server.close();
    }
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

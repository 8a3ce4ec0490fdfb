// signedFetch against a node:http server that verifies with @httpsig/core, over loopback.
import { MissingHeaderError, verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import { fetch as undiciFetch } from 'undici';
import { startCoreServer } from '../../../test-support/core-server.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { signedFetch } from '../src/index.js';
import type { FetchLike } from '../src/index.js';

const KEY_ID = 'fetch-test-key';
const SECRET = 'fetch-test-secret-0123456789abcdef';
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', digest: 'SHA-256' };

let server: CoreServer;
beforeAll(async () => {
  server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, requiredHeaders: ['(request-target)', 'host', 'date'] });
});
afterAll(async () => { await server.close(); });
beforeEach(() => { server.requests.length = 0; });

const last = () => {
  const record = server.requests[server.requests.length - 1];
  if (record === undefined) throw new Error('no request recorded');
  return record;
};

describe('signedFetch against a core verifier', () => {
  const f = signedFetch(base);

  test('GET with a query signs the path and query as sent', async () => {
    const res = await f(`${server.origin}/api/items/?q=a%20b&x=1&x=2#frag`);
    expect(res.status).toBe(200);
    const record = last();
    expect(record.url).toBe('/api/items/?q=a%20b&x=1&x=2');
    expect(record.verified?.signingString).toContain('(request-target): get /api/items/?q=a%20b&x=1&x=2');
    expect(record.verified?.headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
  });

  test('a URL object with non-ASCII query is signed as percent-encoded on the wire', async () => {
    const res = await f(new URL(`${server.origin}/api/items/?name=zoë space`));
    expect(res.status).toBe(200);
    expect(last().url).toBe('/api/items/?name=zo%C3%AB%20space');
  });

  test('POST JSON: the digest covers the exact bytes sent', async () => {
    const body = JSON.stringify({ name: 'zoë', n: 1 });
    const res = await f(`${server.origin}/api/items/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const record = last();
    expect(new TextDecoder().decode(record.body)).toBe(body);
    expect(record.headers['digest']).toBe(`SHA-256=${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64')}`);
    expect(record.headers['content-type']).toBe('application/json');
  });

  test('PUT form (URLSearchParams) gets fetch\'s content type and a matching digest', async () => {
    const res = await f(`${server.origin}/api/items/7/`, { method: 'PUT', body: new URLSearchParams({ a: '1 2', b: 'é' }) });
    expect(res.status).toBe(200);
    const record = last();
    expect(record.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(new TextDecoder().decode(record.body)).toBe('a=1+2&b=%C3%A9');
    expect(record.verified).toBeDefined();
  });

  test('DELETE and HEAD', async () => {
    const del = await f(`${server.origin}/api/items/7/`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(last().verified?.signingString).toContain('(request-target): delete /api/items/7/');
    const head = await f(`${server.origin}/api/items/7/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(last().method).toBe('HEAD');
    expect(last().verified?.signingString).toContain('(request-target): head /api/items/7/');
  });

  test('Host carries the non-default port', async () => {
    await f(`${server.origin}/api/port/`);
    expect(last().headers['host']).toBe(`127.0.0.1:${server.port}`);
    expect(last().verified?.signingString).toContain(`host: 127.0.0.1:${server.port}`);
  });

  test('a 301 to the trailing-slash path is followed and the new hop is signed again', async () => {
    const res = await f(`${server.origin}/api/items?limit=5`);
    expect(res.status).toBe(200);
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${server.origin}/api/items/?limit=5`);
    expect(server.requests.map((r) => [r.status, r.url])).toEqual([[301, '/api/items?limit=5'], [200, '/api/items/?limit=5']]);
    expect(last().verified?.signingString).toContain('(request-target): get /api/items/?limit=5');
  });

  test('a POST answered with 301 continues as a signed GET without body (fetch rules)', async () => {
    const res = await f(`${server.origin}/api/items`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(last().method).toBe('GET');
    expect(last().body.byteLength).toBe(0);
    expect(last().headers['content-type']).toBeUndefined();
  });

  test('redirect: "manual" returns the 301 itself', async () => {
    const res = await f(`${server.origin}/api/items`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(server.requests).toHaveLength(1);
  });

  test('redirect: "error" rejects on a redirect', async () => {
    await expect(f(`${server.origin}/api/items`, { redirect: 'error' })).rejects.toThrow(TypeError);
  });

  test('more redirects than maxRedirects is a TypeError, like fetch', async () => {
    const noRedirects = signedFetch({ ...base, maxRedirects: 0 });
    await expect(noRedirects(`${server.origin}/api/items`)).rejects.toThrow('redirect count exceeded');
    expect(server.requests).toHaveLength(1);
  });

  test('100 concurrent requests all verify', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      f(`${server.origin}/api/c/${i}/?i=${i}`, { method: 'POST', body: `{"i":${i}}` }).then((r) => r.status)));
    expect(results).toEqual(Array.from({ length: 100 }, () => 200));
    expect(server.requests.filter((r) => r.verified !== undefined)).toHaveLength(100);
  });

  test('a wrong secret surfaces as fetch\'s normal 401 response', async () => {
    const wrong = signedFetch({ ...base, key: 'not-the-secret-0123456789abcdef' });
    const res = await wrong(`${server.origin}/api/items/`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid signature.', code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('a header to sign that the request lacks is a typed error and nothing is sent', async () => {
    const strict = signedFetch({ ...base, headers: ['(request-target)', 'host', 'date', 'x-request-id'] });
    const attempt = strict(`${server.origin}/api/items/`);
    await expect(attempt).rejects.toBeInstanceOf(MissingHeaderError);
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: 'x-request-id' });
    expect(server.requests).toHaveLength(0);
    const ok = await strict(`${server.origin}/api/items/`, { headers: { 'X-Request-Id': 'r-1' } });
    expect(ok.status).toBe(200);
    expect(last().verified?.headers).toContain('x-request-id');
  });
});

describe('signedFetch bodies and inputs', () => {
  const f = signedFetch(base);

  test('a Request input: its body is read from a clone and digested; the Request stays unused', async () => {
    const request = new Request(`${server.origin}/api/req/?a=1`, {
      method: 'POST', body: '{"from":"request"}', headers: { 'content-type': 'application/json', 'x-trace': 't1' },
    });
    const res = await f(request);
    expect(res.status).toBe(200);
    expect(request.bodyUsed).toBe(false);
    expect(last().url).toBe('/api/req/?a=1');
    expect(new TextDecoder().decode(last().body)).toBe('{"from":"request"}');
    expect(last().headers['x-trace']).toBe('t1');
  });

  test('init overrides a Request\'s method and body', async () => {
    const request = new Request(`${server.origin}/api/req/`, { method: 'POST', body: 'old' });
    const res = await f(request, { method: 'PUT', body: 'new' });
    expect(res.status).toBe(200);
    expect(last().method).toBe('PUT');
    expect(new TextDecoder().decode(last().body)).toBe('new');
  });

  test('a null init body keeps the Request\'s body, as fetch does; it is sent and digested', async () => {
    const request = new Request(`${server.origin}/api/req/`, { method: 'POST', body: 'kept' });
    const res = await f(request, { method: 'PUT', body: null });
    expect(res.status).toBe(200);
    expect(last().method).toBe('PUT');
    expect(new TextDecoder().decode(last().body)).toBe('kept');
    expect(last().verified?.headers).toContain('digest');
  });

  test('bytes, Blob and FormData bodies are digested as sent', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect((await f(`${server.origin}/api/b/`, { method: 'POST', body: bytes.subarray(1, 4) })).status).toBe(200);
    expect([...last().body]).toEqual([1, 2, 250]);
    const blob = new Blob(['blob ', 'body'], { type: 'text/x-test' });
    expect((await f(`${server.origin}/api/b/`, { method: 'POST', body: blob })).status).toBe(200);
    expect(last().headers['content-type']).toBe('text/x-test');
    const form = new FormData();
    form.append('field', 'value');
    form.append('file', new Blob(['file-content'], { type: 'text/plain' }), 'a.txt');
    expect((await f(`${server.origin}/api/b/`, { method: 'POST', body: form })).status).toBe(200);
    expect(String(last().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(new TextDecoder().decode(last().body)).toContain('file-content');
  });

  test('a stream body is buffered up to the limit, and refused beyond it before sending', async () => {
    const stream = (size: number) => new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < size; i += 1000) controller.enqueue(new Uint8Array(Math.min(1000, size - i)).fill(97));
        controller.close();
      },
    });
    const limited = signedFetch({ ...base, maxBodyBytes: 5000 });
    const ok = await limited(`${server.origin}/api/s/`, { method: 'POST', body: stream(5000), duplex: 'half' } as RequestInit);
    expect(ok.status).toBe(200);
    expect(last().body.byteLength).toBe(5000);
    server.requests.length = 0;
    await expect(limited(`${server.origin}/api/s/`, { method: 'POST', body: stream(5001), duplex: 'half' } as RequestInit))
      .rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 5000 });
    expect(server.requests).toHaveLength(0);
  });

  test('works with undici\'s fetch as the implementation', async () => {
    const u = signedFetch(base, undiciFetch as unknown as FetchLike);
    const res = await u(`${server.origin}/api/undici?x=1`, { method: 'PUT', body: 'payload' });
    expect(res.status).toBe(200);
    expect(last().url).toBe('/api/undici/?x=1');
    expect(last().method).toBe('PUT');
    expect(new TextDecoder().decode(last().body)).toBe('payload');
  });

  test('the Signature scheme and content-digest are passed through to core', async () => {
    const g = signedFetch({ ...base, scheme: 'signature', digest: 'SHA-512', digestHeader: 'content-digest' });
    const res = await g(`${server.origin}/api/scheme/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(last().headers['signature']).toMatch(/^keyId="fetch-test-key"/);
    expect(last().headers['authorization']).toBeUndefined();
    expect(String(last().headers['content-digest'])).toMatch(/^sha-512=:/);
  });

  test('invalid limits are refused up front', () => {
    expect(() => signedFetch({ ...base, maxBodyBytes: -1 })).toThrow(RangeError);
  });
});

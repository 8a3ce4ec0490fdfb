// withHttpSignature against a node:http server that verifies with @httpsig/core, over loopback.
import { MissingHeaderError, verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import axios, { AxiosError } from 'axios';
import type { AxiosInstance } from 'axios';
import { Readable } from 'node:stream';
import { startCoreServer } from '../../../test-support/core-server.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { withHttpSignature } from '../src/index.js';

const KEY_ID = 'axios-test-key';
const SECRET = 'axios-test-secret-0123456789abcdef';
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', digest: 'SHA-256' };

let server: CoreServer;
let client: AxiosInstance;
beforeAll(async () => {
  server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, requiredHeaders: ['(request-target)', 'host', 'date'] });
  client = axios.create({ baseURL: `${server.origin}/api/` });
  withHttpSignature(client, base);
});
afterAll(async () => { await server.close(); });
beforeEach(() => { server.requests.length = 0; });

const last = () => {
  const record = server.requests[server.requests.length - 1];
  if (record === undefined) throw new Error('no request recorded');
  return record;
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('withHttpSignature against a core verifier', () => {
  test('GET: baseURL + url + params (axios serializer) are signed as sent', async () => {
    const res = await client.get('items/', { params: { q: 'a b', list: [1, 2], skip: undefined } });
    expect(res.status).toBe(200);
    // axios 1.x encodes the brackets of array params.
    expect(last().url).toBe('/api/items/?q=a+b&list%5B%5D=1&list%5B%5D=2');
    expect(last().verified?.signingString).toContain('(request-target): get /api/items/?q=a+b&list%5B%5D=1&list%5B%5D=2');
    expect(last().verified?.headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
  });

  test('GET: a url that already has a query, plus params and the caller\'s paramsSerializer', async () => {
    const res = await client.get('items/?fixed=1', {
      params: { b: 2, a: 'x y' },
      paramsSerializer: { serialize: (p: Record<string, unknown>) => Object.keys(p).sort().map((k) => `${k}=${encodeURIComponent(String(p[k]))}`).join('&') },
    });
    expect(res.status).toBe(200);
    expect(last().url).toBe('/api/items/?fixed=1&a=x%20y&b=2');
  });

  test('an absolute url ignores baseURL as axios does', async () => {
    const res = await client.get(`${server.origin}/other/?z=1`);
    expect(res.status).toBe(200);
    expect(last().url).toBe('/other/?z=1');
  });

  test('POST JSON: the digest covers the bytes after transformRequest', async () => {
    const res = await client.post('items/', { name: 'zoë', n: 1 });
    expect(res.status).toBe(200);
    expect(text(last().body)).toBe('{"name":"zoë","n":1}');
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().verified?.headers).toContain('digest');
  });

  test('a custom transformRequest changes the bytes, and the digest follows', async () => {
    const res = await client.post('items/', { a: 1 }, {
      transformRequest: [(data: unknown, headers) => { headers.setContentType('text/plain'); return `payload:${JSON.stringify(data)}\n`; }],
    });
    expect(res.status).toBe(200);
    expect(text(last().body)).toBe('payload:{"a":1}\n');
  });

  test('PUT form: URLSearchParams and an object sent as x-www-form-urlencoded', async () => {
    expect((await client.put('items/7/', new URLSearchParams({ a: '1 2', b: 'é' }))).status).toBe(200);
    expect(text(last().body)).toBe('a=1+2&b=%C3%A9');
    expect(String(last().headers['content-type'])).toMatch(/^application\/x-www-form-urlencoded/);
    const res = await client.put('items/7/', { x: 'y', n: 3 }, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    expect(text(last().body)).toBe('x=y&n=3');
  });

  test('multipart form (putForm) is serialised once and digested as sent', async () => {
    const res = await client.putForm('items/8/', { field: 'value', other: 'ö' });
    expect(res.status).toBe(200);
    expect(String(last().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(text(last().body)).toContain('name="other"');
  });

  test('DELETE and HEAD', async () => {
    expect((await client.delete('items/7/')).status).toBe(200);
    expect(last().verified?.signingString).toContain('(request-target): delete /api/items/7/');
    const head = await client.head('items/7/');
    expect(head.status).toBe(200);
    expect(last().method).toBe('HEAD');
  });

  test('Host carries the non-default port', async () => {
    await client.get('port/');
    expect(last().headers['host']).toBe(`127.0.0.1:${server.port}`);
    expect(last().verified?.signingString).toContain(`host: 127.0.0.1:${server.port}`);
  });

  test('a 301 to the trailing-slash path is followed and re-signed', async () => {
    const res = await client.get('items', { params: { limit: 5 } });
    expect(res.status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.url])).toEqual([[301, '/api/items?limit=5'], [200, '/api/items/?limit=5']]);
    expect(last().verified?.signingString).toContain('(request-target): get /api/items/?limit=5');
  });

  test('a 307-style body keeps its digest; a POST answered by 301 continues as GET', async () => {
    const res = await client.post('items', { a: 1 });
    expect(res.status).toBe(200);
    expect(last().method).toBe('GET');
    expect(last().body.byteLength).toBe(0);
  });

  test('maxRedirects: 0 keeps axios\'s meaning: the 301 is an error response', async () => {
    const error = await client.get('items', { maxRedirects: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).response?.status).toBe(301);
    expect(server.requests).toHaveLength(1);
  });

  test('the fetch adapter is signed and its redirects re-signed too', async () => {
    const res = await client.get('fetched', { adapter: 'fetch', params: { a: 1 } });
    expect(res.status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.url])).toEqual([[301, '/api/fetched?a=1'], [200, '/api/fetched/?a=1']]);
  });

  test('100 concurrent requests all verify', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      client.post(`c/${i}/`, { i }, { params: { i } }).then((r) => r.status)));
    expect(results).toEqual(Array.from({ length: 100 }, () => 200));
    expect(server.requests.filter((r) => r.verified !== undefined)).toHaveLength(100);
  });

  test('a wrong secret surfaces as axios\'s normal 401 AxiosError', async () => {
    const wrong = axios.create({ baseURL: `${server.origin}/api/` });
    withHttpSignature(wrong, { ...base, key: 'not-the-secret-0123456789abcdef' });
    const error = await wrong.get('items/').catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect((error as AxiosError).response?.status).toBe(401);
    expect((error as AxiosError).response?.data).toEqual({ detail: 'Invalid signature.', code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('a header to sign that the request lacks is a typed error and nothing is sent', async () => {
    const strict = axios.create({ baseURL: `${server.origin}/api/` });
    withHttpSignature(strict, { ...base, headers: ['(request-target)', 'host', 'date', 'x-request-id'] });
    const attempt = strict.get('items/');
    await expect(attempt).rejects.toBeInstanceOf(MissingHeaderError);
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: 'x-request-id' });
    expect(server.requests).toHaveLength(0);
    expect((await strict.get('items/', { headers: { 'X-Request-Id': 'r1' } })).status).toBe(200);
  });

  test('the returned function detaches the interceptor', async () => {
    const temp = axios.create({ baseURL: `${server.origin}/api/`, validateStatus: () => true });
    const detach = withHttpSignature(temp, base);
    expect((await temp.get('items/')).status).toBe(200);
    detach();
    const res = await temp.get('items/');
    expect(res.status).toBe(401);
    expect(res.data).toEqual({ detail: 'Invalid signature.', code: 'ERR_SIGNATURE_MISSING' });
  });

  test('a config re-sent through the instance (e.g. a retry) is signed once, with a fresh signature', async () => {
    const first = await client.get('items/');
    const again = await client.request(first.config);
    expect(again.status).toBe(200);
    expect(server.requests.filter((r) => r.verified !== undefined)).toHaveLength(2);
  });
});

describe('withHttpSignature bodies', () => {
  test('a stream body is buffered up to the limit, and refused beyond it before sending', async () => {
    const limited = axios.create({ baseURL: `${server.origin}/api/` });
    withHttpSignature(limited, { ...base, maxBodyBytes: 5000 });
    const chunks = (size: number) => Readable.from(Array.from({ length: Math.ceil(size / 1000) }, (_, i) => Buffer.alloc(Math.min(1000, size - i * 1000), 97)));
    const res = await limited.post('s/', chunks(5000), { headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status).toBe(200);
    expect(last().body.byteLength).toBe(5000);
    expect(last().headers['content-length']).toBe('5000');
    server.requests.length = 0;
    await expect(limited.post('s/', chunks(5001))).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 5000 });
    expect(server.requests).toHaveLength(0);
  });

  test('bytes and Blob bodies', async () => {
    const bytes = new Uint8Array([9, 8, 7, 6]);
    expect((await client.post('b/', bytes.buffer, { headers: { 'Content-Type': 'application/octet-stream' } })).status).toBe(200);
    expect([...last().body]).toEqual([9, 8, 7, 6]);
    expect((await client.post('b/', new Blob(['blob-body'], { type: 'text/x-blob' }))).status).toBe(200);
    expect(last().headers['content-type']).toBe('text/x-blob');
    expect(text(last().body)).toBe('blob-body');
  });

  test('the Signature scheme and content-digest are passed through to core', async () => {
    const other = axios.create({ baseURL: `${server.origin}/api/` });
    withHttpSignature(other, { ...base, scheme: 'signature', digest: 'SHA-512', digestHeader: 'content-digest' });
    expect((await other.post('scheme/', 'x', { headers: { 'Content-Type': 'text/plain' } })).status).toBe(200);
    expect(last().headers['signature']).toMatch(/^keyId="axios-test-key"/);
    expect(String(last().headers['content-digest'])).toMatch(/^sha-512=:/);
  });
});

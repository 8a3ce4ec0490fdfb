// httpSignature (got hooks) against a node:http server that verifies with @httpsig/core, over loopback.
import { MissingHeaderError, verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import got, { HTTPError, RequestError } from 'got';
import type { Got } from 'got';
import { Readable } from 'node:stream';
import { startCoreServer } from '../../../test-support/core-server.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { httpSignature } from '../src/index.js';

const KEY_ID = 'got-test-key';
const SECRET = 'got-test-secret-0123456789abcdef';
const base: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', digest: 'SHA-256' };

let server: CoreServer;
let client: Got;
beforeAll(async () => {
  server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, requiredHeaders: ['(request-target)', 'host', 'date'] });
  client = got.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 0 } }, httpSignature(base));
});
afterAll(async () => { await server.close(); });
beforeEach(() => { server.requests.length = 0; });

const last = () => {
  const record = server.requests[server.requests.length - 1];
  if (record === undefined) throw new Error('no request recorded');
  return record;
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('httpSignature against a core verifier', () => {
  test('GET: prefixUrl + url + searchParams are signed as sent', async () => {
    const res = await client.get('items/', { searchParams: { q: 'a b', list: 'x,y' } });
    expect(res.statusCode).toBe(200);
    expect(last().url).toBe('/api/items/?q=a+b&list=x%2Cy');
    expect(last().verified?.signingString).toContain('(request-target): get /api/items/?q=a+b&list=x%2Cy');
    expect(last().verified?.headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
  });

  test('a URLSearchParams / string query', async () => {
    await client.get('items/', { searchParams: new URLSearchParams([['k', '1'], ['k', '2']]) });
    expect(last().url).toBe('/api/items/?k=1&k=2');
    await client.get('items/?raw=%7Ex');
    expect(last().url).toBe('/api/items/?raw=%7Ex');
    expect(last().verified).toBeDefined();
  });

  test('POST json: the digest covers the bytes got serialised', async () => {
    const res = await client.post('items/', { json: { name: 'zoë', n: 1 } });
    expect(res.statusCode).toBe(200);
    expect(text(last().body)).toBe('{"name":"zoë","n":1}');
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().verified?.headers).toContain('digest');
  });

  test('PUT form, and a raw body', async () => {
    expect((await client.put('items/7/', { form: { a: '1 2', b: 'é' } })).statusCode).toBe(200);
    expect(text(last().body)).toBe('a=1+2&b=%C3%A9');
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect((await client.put('items/7/', { body: Buffer.from([1, 2, 3]) })).statusCode).toBe(200);
    expect([...last().body]).toEqual([1, 2, 3]);
  });

  test('multipart FormData is encoded once and digested as sent', async () => {
    const form = new FormData();
    form.append('field', 'value');
    form.append('file', new Blob(['file-content'], { type: 'text/plain' }), 'a.txt');
    expect((await client.post('items/', { body: form })).statusCode).toBe(200);
    expect(String(last().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(text(last().body)).toContain('file-content');
  });

  test('DELETE and HEAD', async () => {
    expect((await client.delete('items/7/')).statusCode).toBe(200);
    expect(last().verified?.signingString).toContain('(request-target): delete /api/items/7/');
    expect((await client.head('items/7/')).statusCode).toBe(200);
    expect(last().method).toBe('HEAD');
  });

  test('Host carries the non-default port', async () => {
    await client.get('port/');
    expect(last().headers['host']).toBe(`127.0.0.1:${server.port}`);
    expect(last().verified?.signingString).toContain(`host: 127.0.0.1:${server.port}`);
  });

  test('a 301 to the trailing-slash path is followed and re-signed', async () => {
    const res = await client.get('items', { searchParams: { limit: 5 } });
    expect(res.statusCode).toBe(200);
    expect(res.redirectUrls.map(String)).toEqual([`${server.origin}/api/items/?limit=5`]);
    expect(server.requests.map((r) => [r.status, r.url])).toEqual([[301, '/api/items?limit=5'], [200, '/api/items/?limit=5']]);
    expect(last().verified?.signingString).toContain('(request-target): get /api/items/?limit=5');
  });

  test('a POST answered by 301 is re-sent with its body (got\'s methodRewriting: false) and re-signed', async () => {
    const res = await client.post('items', { json: { a: 1 } });
    expect(res.statusCode).toBe(200);
    expect(server.requests.map((r) => [r.status, r.method, r.url])).toEqual([[301, 'POST', '/api/items'], [200, 'POST', '/api/items/']]);
    expect(text(last().body)).toBe('{"a":1}');
    expect(last().verified?.headers).toContain('digest');
  });

  test('with methodRewriting a POST answered by 301 continues as a signed GET without digest of the old body', async () => {
    const res = await client.post('items', { json: { a: 1 }, methodRewriting: true });
    expect(res.statusCode).toBe(200);
    expect(last().method).toBe('GET');
    expect(last().body.byteLength).toBe(0);
    expect(last().verified).toBeDefined();
  });

  test('a stream body survives a 301 (buffered once, re-sent and re-signed)', async () => {
    const res = await client.put('streamed', { body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
    expect(res.statusCode).toBe(200);
    expect(text(last().body)).toBe('abcdef');
  });

  test('100 concurrent requests all verify', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      client.post(`c/${i}/`, { json: { i }, searchParams: { i } }).then((r) => r.statusCode)));
    expect(results).toEqual(Array.from({ length: 100 }, () => 200));
    expect(server.requests.filter((r) => r.verified !== undefined)).toHaveLength(100);
  });

  test('a wrong secret surfaces as got\'s normal HTTPError 401', async () => {
    const wrong = got.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 0 } }, httpSignature({ ...base, key: 'not-the-secret-0123456789abcdef' }));
    const error = await wrong.get('items/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.statusCode).toBe(401);
    expect(JSON.parse(String((error as HTTPError).response.body))).toEqual({ detail: 'Invalid signature.', code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('a header to sign that the request lacks is a typed error and nothing is sent', async () => {
    const strict = got.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 0 } }, httpSignature({ ...base, headers: ['(request-target)', 'host', 'date', 'x-request-id'] }));
    const error = await strict.get('items/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).code).toBe('ERR_MISSING_HEADER');
    expect((error as RequestError).cause).toBeInstanceOf(MissingHeaderError);
    expect(server.requests).toHaveLength(0);
    expect((await strict.get('items/', { headers: { 'x-request-id': 'r1' } })).statusCode).toBe(200);
  });

  test('a retry is signed again with a fresh Date', async () => {
    let calls = 0;
    const retrying = got.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 1, methods: ['GET'], statusCodes: [401], calculateDelay: ({ attemptCount }) => (attemptCount <= 1 ? 1100 : 0) } },
      httpSignature({ ...base, key: 'not-the-secret-0123456789abcdef' }),
      { hooks: { beforeRequest: [() => { calls += 1; }] } });
    await retrying.get('items/').catch(() => undefined);
    expect(calls).toBe(2);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.headers['date']).not.toBe(second?.headers['date']);
  });
});

describe('httpSignature bodies', () => {
  test('a stream body is buffered up to the limit, and refused beyond it before sending', async () => {
    const limited = got.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 0 } }, httpSignature({ ...base, maxBodyBytes: 5000 }));
    const chunks = (size: number) => Readable.from(Array.from({ length: Math.ceil(size / 1000) }, (_, i) => Buffer.alloc(Math.min(1000, size - i * 1000), 97)));
    const res = await limited.post('s/', { body: chunks(5000) });
    expect(res.statusCode).toBe(200);
    expect(last().body.byteLength).toBe(5000);
    expect(last().headers['content-length']).toBe('5000');
    server.requests.length = 0;
    const error = await limited.post('s/', { body: chunks(5001) }).catch((e: unknown) => e);
    expect((error as RequestError).cause).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 5000 });
    expect(server.requests).toHaveLength(0);
  });

  test('the Signature scheme and content-digest are passed through to core', async () => {
    const other = got.extend({ prefixUrl: `${server.origin}/api` }, httpSignature({ ...base, scheme: 'signature', digest: 'SHA-512', digestHeader: 'content-digest' }));
    expect((await other.post('scheme/', { body: 'x' })).statusCode).toBe(200);
    expect(last().headers['signature']).toMatch(/^keyId="got-test-key"/);
    expect(String(last().headers['content-digest'])).toMatch(/^sha-512=:/);
  });
});

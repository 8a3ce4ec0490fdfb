// Every server kind, signed by core `sign`: the happy paths, body capture, and each refusal with its stable code.
import { createHmac } from 'node:crypto';
import { formatHttpDate } from '@httpsig/core/adapter';
import { buildSigningString, formatSignatureHeader } from '@httpsig/core/cavage';
import { HMAC_KEY_ID, RSA_KEY_ID, RSA_PUBLIC, SECRET, keyLookup, send, signFor, signedSend } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';

describe.each(SERVER_KINDS)('%s server', (kind) => {
  let server: Running;
  beforeAll(async () => { server = await startServer(kind, { keyLookup, realm: 'test-api' }); });
  afterAll(async () => { await server.close(); });

  test('accepts a signed GET with a query and reports the keyId', async () => {
    const answer = await signedSend(server.url, { path: '/items?page=2&sort=name' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID, algorithm: 'hmac-sha256', body: null });
  });

  test('accepts rsa-sha256', async () => {
    const { RSA_PRIVATE } = await import('./support/helpers.js');
    const answer = await signedSend(server.url, { path: '/rsa' }, { keyId: RSA_KEY_ID, key: RSA_PRIVATE, algorithm: 'rsa-sha256' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ keyId: RSA_KEY_ID, algorithm: 'rsa-sha256' });
  });

  test('verifies the digest of a JSON body and the app still parses the body', async () => {
    const body = JSON.stringify({ amount: 12, note: 'é ✓' });
    const answer = await signedSend(server.url, { method: 'POST', path: '/orders?x=1', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID, body: { amount: 12, note: 'é ✓' } });
  });

  test('reads a chunked body arriving in two parts and re-exposes it', async () => {
    const body = 'x'.repeat(70_000);
    const request = { method: 'PUT', path: '/blob', headers: { 'content-type': 'text/plain' }, body };
    const headers = await signFor(server.url, request);
    const answer = await send(server.url, { ...request, headers, chunked: true });
    expect(answer.status).toBe(200);
    expect(answer.json.body).toBe(body);
  });

  test('takes (request-target) from the raw request line (percent-encodings kept as sent)', async () => {
    const path = '/files/%7euser/a%2Fb?q=%20x&y=a+b';
    const answer = await signedSend(server.url, { path });
    expect(answer.status).toBe(200);
  });

  test('a refusal is 401 with a JSON code and a WWW-Authenticate challenge', async () => {
    const answer = await send(server.url, { path: '/nothing' });
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['www-authenticate']).toBe('Signature realm="test-api",headers="(request-target) date"');
    expect(answer.json).toEqual({ code: 'ERR_SIGNATURE_MISSING', message: expect.any(String) as string });
  });

  // --- Negative cases: a tampered or unacceptable request is refused with its stable code.
  const expectCode = (answer: { status: number; json: Record<string, unknown> }, status: number, code: string): void => {
    expect({ status: answer.status, code: answer.json.code }).toEqual({ status, code });
  };

  test('tampered path', async () => {
    const headers = await signFor(server.url, { path: '/accounts/1' });
    expectCode(await send(server.url, { path: '/accounts/2', headers }), 401, 'ERR_SIGNATURE_MISMATCH');
  });

  test('tampered query', async () => {
    const headers = await signFor(server.url, { path: '/pay?amount=10' });
    expectCode(await send(server.url, { path: '/pay?amount=1000', headers }), 401, 'ERR_SIGNATURE_MISMATCH');
  });

  test('tampered signed header', async () => {
    const request = { path: '/h', headers: { 'x-account': 'alice' } };
    const headers = await signFor(server.url, request, { headers: ['(request-target)', 'host', 'date', 'x-account'] });
    expectCode(await send(server.url, { path: '/h', headers: { ...headers, 'x-account': 'mallory' } }), 401, 'ERR_SIGNATURE_MISMATCH');
  });

  test('tampered host', async () => {
    const headers = await signFor(server.url, { path: '/h' });
    expectCode(await send(server.url, { path: '/h', headers: { ...headers, host: 'other.example:80' } }), 401, 'ERR_SIGNATURE_MISMATCH');
  });

  test('tampered body (digest no longer matches)', async () => {
    const request = { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"amount":10}' };
    const headers = await signFor(server.url, request);
    expectCode(await send(server.url, { ...request, headers, body: '{"amount":99}' }), 401, 'ERR_DIGEST_MISMATCH');
  });

  test('body stripped while the signed digest stays', async () => {
    const request = { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"amount":10}' };
    const headers = await signFor(server.url, request);
    delete headers['content-length'];
    expectCode(await send(server.url, { method: 'POST', path: '/orders', headers: { ...headers, 'content-length': '0' } }), 401, 'ERR_DIGEST_MISMATCH');
  });

  test('body without a signed digest', async () => {
    const request = { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"amount":10}' };
    const headers = await signFor(server.url, request, { digest: false });
    expectCode(await send(server.url, { ...request, headers }), 401, 'ERR_DIGEST_MISSING');
  });

  test('stale Date', async () => {
    const answer = await signedSend(server.url, { path: '/old' }, { now: Date.now() - 3600_000 });
    expectCode(answer, 401, 'ERR_SIGNATURE_EXPIRED');
  });

  test('Date in the future', async () => {
    const answer = await signedSend(server.url, { path: '/future' }, { now: Date.now() + 3600_000 });
    expectCode(answer, 401, 'ERR_SIGNATURE_NOT_YET_VALID');
  });

  test('Date that is not an HTTP date', async () => {
    const answer = await signedSend(server.url, { path: '/d', headers: { date: 'yesterday at noon' } });
    expectCode(answer, 401, 'ERR_INVALID_DATE');
  });

  test('unknown key', async () => {
    expectCode(await signedSend(server.url, { path: '/k' }, { keyId: 'nobody' }), 401, 'ERR_UNKNOWN_KEY');
  });

  test('wrong algorithm for the key (HMAC with the RSA public key as secret)', async () => {
    // core's sign refuses PEM text as an HMAC secret, so the forger computes the HMAC by hand.
    const names = ['(request-target)', 'host', 'date'];
    const headers = { host: new URL(server.url).host, date: formatHttpDate(Date.now()) };
    const mac = createHmac('sha256', RSA_PUBLIC).update(buildSigningString({ method: 'GET', url: '/alg', headers }, names)).digest('base64');
    const authorization = formatSignatureHeader({ keyId: RSA_KEY_ID, algorithm: 'hmac-sha256', headers: names, signature: mac });
    const answer = await send(server.url, { path: '/alg', headers: { ...headers, authorization } });
    expectCode(answer, 401, 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  test('wrong secret', async () => {
    expectCode(await signedSend(server.url, { path: '/k' }, { key: `${SECRET}x` }), 401, 'ERR_SIGNATURE_MISMATCH');
  });

  test('malformed signature header', async () => {
    const headers = { host: new URL(server.url).host, date: formatHttpDate(Date.now()), authorization: 'Signature keyId="a",,signature' };
    expectCode(await send(server.url, { path: '/m', headers }), 401, 'ERR_MALFORMED_SIGNATURE');
  });

  test('oversized signature header', async () => {
    const headers = { date: formatHttpDate(Date.now()), authorization: `Signature keyId="${'k'.repeat(9000)}",signature="AAAA"` };
    expectCode(await send(server.url, { path: '/m', headers }), 401, 'ERR_HEADER_TOO_LARGE');
  });

  test('required header not signed', async () => {
    expectCode(await signedSend(server.url, { path: '/n' }, { headers: ['host', 'date'] }), 401, 'ERR_HEADER_NOT_SIGNED');
  });

  test('signed header missing from the request', async () => {
    const request = { path: '/x', headers: { 'x-tenant': 't1' } };
    const headers = await signFor(server.url, request, { headers: ['(request-target)', 'date', 'x-tenant'] });
    delete headers['x-tenant'];
    expectCode(await send(server.url, { path: '/x', headers }), 401, 'ERR_MISSING_HEADER');
  });

  test('a key the server cannot use is a 500 with ERR_INVALID_KEY', async () => {
    const { RSA_PRIVATE } = await import('./support/helpers.js');
    const answer = await signedSend(server.url, { path: '/b' }, { keyId: 'broken-key', key: RSA_PRIVATE, algorithm: 'rsa-sha256' });
    expectCode(answer, 500, 'ERR_INVALID_KEY');
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  test('messages never echo the signature, the secret or the keyId material', async () => {
    const headers = await signFor(server.url, { path: '/accounts/1' });
    const answer = await send(server.url, { path: '/accounts/2', headers });
    const signature = /signature="([^"]+)"/.exec(headers.authorization ?? '')?.[1] ?? 'missing';
    expect(answer.text).not.toContain(signature);
    expect(answer.text).not.toContain(SECRET);
  });
});

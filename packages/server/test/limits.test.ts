// Body limits and the digest policy: maxBodySize (declared and chunked bodies), requireDigest.
import type { VerificationFailedEvent } from '../src/index.js';
import { keyLookup, send, signFor, signedSend } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';

describe.each(SERVER_KINDS)('%s server: body limit and digest policy', (kind) => {
  let server: Running;
  let lenient: Running;
  const failed: VerificationFailedEvent[] = [];
  beforeAll(async () => {
    server = await startServer(kind, { keyLookup, maxBodySize: 100, onError: (event) => { failed.push(event); } });
    lenient = await startServer(kind, { keyLookup, requireDigest: false });
  });
  afterAll(async () => {
    await server.close();
    await lenient.close();
  });

  test('a body at the limit is accepted', async () => {
    const body = 'a'.repeat(100);
    const answer = await signedSend(server.url, { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body });
    expect(answer.status).toBe(200);
    expect(answer.json.body).toBe(body);
  });

  test('a declared body over the limit is 413 ERR_BODY_TOO_LARGE without reading it', async () => {
    const answer = await signedSend(server.url, { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body: 'a'.repeat(101) });
    expect(answer.status).toBe(413);
    expect(answer.json.code).toBe('ERR_BODY_TOO_LARGE');
    expect(failed.at(-1)).toEqual({ code: 'ERR_BODY_TOO_LARGE', keyId: undefined, status: 413 });
  });

  test('a chunked body growing over the limit is 413 ERR_BODY_TOO_LARGE', async () => {
    const request = { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body: 'a'.repeat(300) };
    const headers = await signFor(server.url, request);
    delete headers['content-length'];
    const answer = await send(server.url, { ...request, headers: { ...headers, 'transfer-encoding': 'chunked' }, chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.json.code).toBe('ERR_BODY_TOO_LARGE');
  });

  test('requireDigest: false accepts a body without a digest header', async () => {
    const request = { method: 'POST', path: '/nd', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const answer = await signedSend(lenient.url, request, { digest: false });
    expect(answer.status).toBe(200);
    expect(answer.json.body).toEqual({ a: 1 });
  });

  test('requireDigest: false still checks a digest that is present', async () => {
    const request = { method: 'POST', path: '/nd', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const headers = await signFor(lenient.url, request);
    expect((await send(lenient.url, { ...request, headers, body: '{"a":2}' })).json.code).toBe('ERR_DIGEST_MISMATCH');
  });
});

// `scheme: 'auto'` through every server entry point, on real loopback servers: draft-cavage or RFC 9421 chosen by
// `Signature-Input`, with a Fediverse preset of core spread in; two credentials, conflicting or oversized fields
// refused over raw sockets.
import { fedifySignOptions, fediverseVerifyOptions, mastodonSignOptions, sign, type SigningOptions } from '@httpsig/core';
import { expressMiddleware, fastifyPlugin, type AutoServerVerifyOptions } from '../src/index.js';
import Fastify from 'fastify';
import { SERVER_KINDS, startServer, type Running } from './support/servers.js';
import { RSA_KEY_ID, RSA_PRIVATE, RSA_PUBLIC, keyLookup, rawSend, send, type Answer } from './support/helpers.js';

const options: AutoServerVerifyOptions = fediverseVerifyOptions({
  cavage: keyLookup,
  rfc9421: (keyId) => (keyId === RSA_KEY_ID ? { key: RSA_PUBLIC, algorithms: ['rsa-v1_5-sha256'] } : null),
});
const signer = { keyId: RSA_KEY_ID, key: RSA_PRIVATE };
const ACTIVITY = JSON.stringify({ type: 'Follow', actor: 'https://a.example/users/alice' });

/** Signs `method base+path` with the signing options; returns the headers to send. */
async function signedHeaders(base: string, path: string, signing: SigningOptions, method = 'POST', body = ACTIVITY): Promise<Record<string, string>> {
  const host = new URL(base).host;
  const headers = { host, 'content-type': 'application/json' };
  const result = await sign({ method, url: `${base}${path}`, headers }, { ...signing, body: new TextEncoder().encode(method === 'GET' ? '' : body) });
  return { ...headers, ...result.headers };
}
const deliver = async (server: Running, signing: SigningOptions, path = '/inbox', method = 'POST'): Promise<Answer> =>
  send(server.url, { method, path, headers: await signedHeaders(server.url, path, signing, method), ...(method === 'GET' ? {} : { body: ACTIVITY }) });
const codeOf = (answer: Answer): unknown => answer.json['code'];

/** A raw HTTP/1.1 request to the server with the given header lines. */
function raw(server: Running, path: string, lines: string[], body = ''): Promise<Answer> {
  const host = new URL(server.url).host;
  const length = body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`, 'Content-Type: application/json'];
  return rawSend(server.url, [`POST ${path} HTTP/1.1`, `Host: ${host}`, ...length, ...lines, 'Connection: close', '', body].join('\r\n'));
}
/** The header lines of a signed delivery, as `Name: value`. */
const linesOf = (headers: Record<string, string>): string[] => Object.entries(headers).filter(([name]) => name !== 'host').map(([name, value]) => `${name}: ${value}`);

describe.each(SERVER_KINDS)('%s server with scheme auto', (kind) => {
  let server: Running;
  let replaying: Running;
  beforeAll(async () => {
    server = await startServer(kind, options);
    replaying = await startServer(kind, { ...options, replay: true });
  });
  afterAll(async () => { await server.close(); await replaying.close(); });

  test('a draft-cavage delivery (Signature header) and an RFC 9421 one verify; the body reaches the handler', async () => {
    const cavage = await deliver(server, mastodonSignOptions(signer));
    expect(cavage.status).toBe(200);
    expect(cavage.json).toMatchObject({ scheme: 'cavage', keyId: RSA_KEY_ID, algorithm: 'rsa-sha256', body: { type: 'Follow' } });
    const rfc = await deliver(server, mastodonSignOptions(signer, 'rfc9421'));
    expect(rfc.status).toBe(200);
    expect(rfc.json).toMatchObject({ scheme: 'rfc9421', keyId: RSA_KEY_ID, algorithm: 'rsa-v1_5-sha256', body: { type: 'Follow' } });
  });

  test("Fedify's query-less (request-target) and ?-less @query verify, and the handler sees which", async () => {
    const cavage = await deliver(server, fedifySignOptions(signer), '/users/bob/outbox?page=true', 'GET');
    expect(cavage.json).toMatchObject({ scheme: 'cavage', queryUnsigned: true });
    const withQuery: SigningOptions = { ...fedifySignOptions(signer, 'rfc9421'), headers: ['@method', '@target-uri', '@query'] };
    const rfc = await deliver(server, withQuery, '/users/bob/outbox?page=true', 'GET');
    expect(rfc.json).toMatchObject({ scheme: 'rfc9421', queryComponent: 'without-question-mark' });
  });

  test('a changed body is refused by either scheme; a 401 names what each scheme must sign', async () => {
    for (const spec of ['cavage', 'rfc9421'] as const) {
      const headers = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer, spec as 'cavage'));
      const answer = await send(server.url, { method: 'POST', path: '/inbox', headers, body: ACTIVITY.replace('alice', 'mallory') });
      expect({ spec, status: answer.status, code: codeOf(answer) }).toEqual({ spec, status: 401, code: 'ERR_DIGEST_MISMATCH' });
    }
    const none = await send(server.url, { method: 'POST', path: '/inbox', headers: { 'content-type': 'application/json' }, body: ACTIVITY });
    expect(codeOf(none)).toBe('ERR_SIGNATURE_MISSING');
    expect(none.headers['www-authenticate']).toBe('Signature realm="api",headers="(request-target) host date"');
    expect(none.headers['accept-signature']).toBe('sig1=("@method" "@target-uri");created');
  });

  test('replay protection covers both schemes', async () => {
    for (const spec of ['cavage', 'rfc9421'] as const) {
      const headers = await signedHeaders(replaying.url, '/inbox', mastodonSignOptions(signer, spec as 'cavage'));
      const first = await send(replaying.url, { method: 'POST', path: '/inbox', headers, body: ACTIVITY });
      const again = await send(replaying.url, { method: 'POST', path: '/inbox', headers, body: ACTIVITY });
      expect({ spec, first: first.status, again: codeOf(again) }).toEqual({ spec, first: 200, again: 'ERR_SIGNATURE_REPLAYED' });
    }
  });

  describe('hostile requests over a raw socket', () => {
    test('an RFC 9421 signature beside Authorization: Signature is refused, even when both verify', async () => {
      const rfc = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer, 'rfc9421'));
      const cavage = await signedHeaders(server.url, '/inbox', { ...mastodonSignOptions(signer), scheme: 'authorization' });
      const answer = await raw(server, '/inbox', [...linesOf(rfc), `AUTHORIZATION: ${cavage['authorization'] as string}`], ACTIVITY);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 401, code: 'ERR_MALFORMED_SIGNATURE' });
    });

    test('a Signature-Input beside a draft-cavage Signature is malformed, not verified as draft-cavage', async () => {
      const cavage = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer));
      const answer = await raw(server, '/inbox', [...linesOf(cavage), 'Signature-Input: sig1=("@method");created=1;keyid="rsa-key"'], ACTIVITY);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 401, code: 'ERR_MALFORMED_SIGNATURE' });
    });

    test('an oversized Signature-Input or Signature is refused before parsing', async () => {
      const rfc = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer, 'rfc9421'));
      const big = linesOf({ ...rfc, 'signature-input': `${rfc['signature-input'] as string}, x=("${'a'.repeat(9000)}")` });
      expect(codeOf(await raw(server, '/inbox', big, ACTIVITY))).toBe('ERR_HEADER_TOO_LARGE');
      const cavage = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer));
      const long = linesOf({ ...cavage, signature: `${cavage['signature'] as string},x="${'a'.repeat(9000)}"` });
      expect(codeOf(await raw(server, '/inbox', long, ACTIVITY))).toBe('ERR_HEADER_TOO_LARGE');
    });

    test('a second Signature-Input line joins the first: an extra member cannot hide the valid one, a broken one fails closed', async () => {
      const rfc = await signedHeaders(server.url, '/inbox', mastodonSignOptions(signer, 'rfc9421'));
      const broken = await raw(server, '/inbox', [...linesOf(rfc), 'Signature-Input: sig1=(']);
      expect({ status: broken.status, code: codeOf(broken) }).toEqual({ status: 401, code: 'ERR_MALFORMED_SIGNATURE' });
    });
  });
});

test("a middleware with scheme: 'auto' and one scheme's options missing fails at set-up", async () => {
  expect(() => expressMiddleware({ scheme: 'auto', cavage: options.cavage } as never)).toThrow(TypeError);
  const app = Fastify();
  await expect(app.register(fastifyPlugin, { scheme: 'auto', rfc9421: options.rfc9421 } as never).ready()).rejects.toThrow(TypeError);
  await app.close();
});

test("Fedify's ?-less @query is not tried for a query starting with '?': a standard signature for /x?a would pass for /x??a", async () => {
  // `"@query": ?dryRun=true` is the RFC form for `/outbox?dryRun=true` and Fedify's form for `/outbox??dryRun=true`,
  // where the application reads a parameter named `?dryRun`, not `dryRun`.
  const components = ['@method', '@authority', '@path', '@query'];
  const running = await startServer('node', { ...options, rfc9421: { ...options.rfc9421, requiredComponents: components } });
  try {
    const headers = await signedHeaders(running.url, '/outbox?dryRun=true', { ...mastodonSignOptions(signer, 'rfc9421'), headers: components }, 'GET');
    const get = (target: string): Promise<Answer> => rawSend(running.url, [`GET ${target} HTTP/1.1`, `Host: ${new URL(running.url).host}`, ...linesOf(headers), 'Connection: close', '', ''].join('\r\n'));
    expect((await get('/outbox?dryRun=true')).status).toBe(200);
    const moved = await get('/outbox??dryRun=true');
    expect({ status: moved.status, code: codeOf(moved) }).toEqual({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
  } finally {
    await running.close();
  }
});

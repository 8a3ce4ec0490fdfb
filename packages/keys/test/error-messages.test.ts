// What a client learns from a refused key fetch: servers send the error's message, so each ERR_KEY_FETCH_* code has
// one generic message; the detail (address class, HTTP status, which rule) stays on the error for logs, in
// properties a JSON answer does not carry. Real Express app and https actor host on loopback.
import { sign } from '@httpsig/core';
import { expressMiddleware } from '@httpsig/server';
import express from 'express';
import { createServer, type ServerResponse } from 'node:http';
import { KEY_FETCH_ERROR_CODES, KEY_FETCH_MESSAGES, RemoteKeys, remoteKeyLookup, type KeyFetchErrorCode, type RemoteKeysOptions } from '../src/index.js';
import { listenOnLoopback } from '../../../test-support/loopback.mjs';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, startActorHost, type ActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let key: TestKey;
const held: ServerResponse[] = [];
beforeAll(async () => {
  host = await startActorHost(tls);
  key = rsaKey();
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await host.close();
});

/** Routes of the actor host, one per failure. */
function serveFailures(): void {
  host.routes.set('/users/ok', json(actor(`${host.origin()}/users/ok`, key)));
  host.routes.set('/users/broken', json({ detail: 'internal stack' }, { status: 503 }));
  host.routes.set('/users/html', json({}, { type: 'text/html' }));
  host.routes.set('/users/large', json({ ...actor(`${host.origin()}/users/large`, key), padding: 'x'.repeat(8192) }));
  host.routes.set('/users/hang', (_req, res) => { held.push(res); });
  const impostor = `${host.origin()}/users/impostor`;
  host.routes.set('/users/impostor', json({ ...actor(impostor, key), publicKey: { id: `${impostor}#main-key`, owner: `${host.origin()}/users/ok`, publicKeyPem: key.publicPem } }));
}

const cases: Array<[KeyFetchErrorCode, string, RemoteKeysOptions]> = [
  ['ERR_KEY_FETCH_REFUSED_URL', 'http://actor.test/users/ok#main-key', {}],
  ['ERR_KEY_FETCH_REFUSED_ADDRESS', 'https://internal.test/users/x#main-key', {}],
  ['ERR_KEY_FETCH_TIMEOUT', 'ACTOR/users/hang#main-key', { timeout: 300 }],
  ['ERR_KEY_FETCH_TOO_LARGE', 'ACTOR/users/large#main-key', { maxBytes: 4096 }],
  ['ERR_KEY_FETCH_FAILED', 'ACTOR/users/broken#main-key', {}],
  ['ERR_KEY_FETCH_BAD_DOCUMENT', 'ACTOR/users/html#main-key', {}],
  ['ERR_KEY_FETCH_OWNER_MISMATCH', 'ACTOR/users/impostor#main-key', {}],
  ['ERR_KEY_FETCH_RATE_LIMITED', 'ACTOR/users/html#main-key', { fetchesPerOrigin: 1 }],
];

test('every key fetch code has a generic message', () => {
  expect(Object.keys(KEY_FETCH_MESSAGES).sort()).toEqual([...KEY_FETCH_ERROR_CODES].sort());
  for (const message of Object.values(KEY_FETCH_MESSAGES)) expect(message).not.toMatch(/\d|\(|private|loopback|status|answered/);
});

test.each(cases)('%s: the 401 body names the code and the generic message, no address class, status, host or limit', async (code, template, options) => {
  serveFailures();
  const guard = guardFor(host, tls.cert);
  const lookup = remoteKeyLookup({
    ...guard,
    lookup: async (name) => [{ address: name === 'internal.test' ? '10.1.2.3' : '127.0.0.1', family: 4 }],
    ...options,
  });
  if (code === 'ERR_KEY_FETCH_RATE_LIMITED') await lookup(`${host.origin()}/users/ok#main-key`, { keyId: '', headers: [], headersGiven: false, signature: '' });
  const app = express();
  app.use(expressMiddleware({ keyLookup: lookup }));
  app.all('/inbox', (_req, res) => { res.json({ ok: true }); });
  const server = await listenOnLoopback(createServer(app));
  try {
    const keyId = template.replace('ACTOR', host.origin());
    const headers: Record<string, string> = { host: new URL(server.origin).host };
    const signed = await sign({ method: 'GET', url: '/inbox', headers }, { keyId, key: key.privatePem, algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date'] });
    const { host: _host, ...sent } = { ...headers, ...signed.headers };
    const response = await fetch(`${server.origin}/inbox`, { headers: sent });
    const body = await response.text();
    expect(response.status).toBe(401);
    expect(JSON.parse(body)).toEqual({ code, message: KEY_FETCH_MESSAGES[code] });
    for (const leak of ['private', '10.1.2.3', 'internal', 'actor.test', String(host.port), '503', '4096', 'html', 'refused address', 'answered']) {
      expect(body).not.toContain(leak);
    }
  } finally { await server.close(); }
});

test('the detail stays on the error for logs, out of its JSON and its enumerable properties', async () => {
  host.routes.set('/users/gone', json({}, { status: 410 }));
  const keys = new RemoteKeys({ ...guardFor(host, tls.cert), lookup: async (name) => [{ address: name === 'internal.test' ? '10.1.2.3' : '127.0.0.1', family: 4 }] });
  const failed = await keys.resolve(`${host.origin()}/users/gone#k`).catch((e: unknown) => e) as Record<string, unknown>;
  expect(failed).toMatchObject({ code: 'ERR_KEY_FETCH_FAILED', message: KEY_FETCH_MESSAGES.ERR_KEY_FETCH_FAILED, detail: 'The key host answered 410', status: 410 });
  const refused = await keys.resolve('https://internal.test/users/x#k').catch((e: unknown) => e) as Record<string, unknown>;
  expect(refused).toMatchObject({ addressClass: 'private', message: KEY_FETCH_MESSAGES.ERR_KEY_FETCH_REFUSED_ADDRESS });
  expect(String(refused['detail'])).toContain('private');
  for (const error of [failed, refused]) {
    expect(JSON.stringify(error)).not.toMatch(/private|answered|"status"|"detail"|"addressClass"/);
    expect(Object.keys(error)).not.toContain('detail');
    expect(Object.keys(error)).not.toContain('status');
    expect(Object.keys(error)).not.toContain('addressClass');
  }
});

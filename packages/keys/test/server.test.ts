// remoteKeyLookup in @httpsig/server's Express middleware, against a real https actor host: a fetched key verifies;
// a key fetch failure is a typed error the server answers 401 with its code; onError can refresh a rotated key.
import { sign } from '@httpsig/core';
import { signRfc9421 } from '@httpsig/core/rfc9421';
import { expressMiddleware, sendSignatureError, verifyNodeRequest, type ServerVerifyOptions, type VerificationFailedEvent } from '@httpsig/server';
import express from 'express';
import { createServer } from 'node:http';
import { remoteKeyLookup } from '../src/index.js';
import { listenOnLoopback } from '../../../test-support/loopback.mjs';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, useActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const key: TestKey = rsaKey();

/** Sends a GET with the signed headers (fetch sets the same Host the signature covers); status and JSON body. */
async function send(base: string, request: { path: string; headers: Record<string, string> }): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const { host: _host, ...headers } = request.headers;
  const response = await fetch(`${base}${request.path}`, { headers });
  return { status: response.status, headers: response.headers, json: await response.json() as Record<string, unknown> };
}

/** An Express app verifying with the options; answers the verified keyId. */
async function app(options: ServerVerifyOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const application = express();
  application.use(expressMiddleware(options));
  application.all('/inbox', (req, res) => { res.json({ keyId: req.signature?.keyId }); });
  const listening = await listenOnLoopback(createServer(application));
  return { url: listening.origin, close: listening.close };
}

/** A node:http server verifying with verifyNodeRequest. */
async function nodeApp(options: ServerVerifyOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const listening = await listenOnLoopback(createServer((req, res) => {
    verifyNodeRequest(req, options).then((result) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keyId: result.keyId }));
    }, (error: unknown) => { sendSignatureError(res, error, options); });
  }));
  return { url: listening.origin, close: listening.close };
}

async function cavageHeaders(base: string, keyId: string, signer: TestKey): Promise<Record<string, string>> {
  const headers: Record<string, string> = { host: new URL(base).host };
  const result = await sign({ method: 'GET', url: '/inbox', headers }, { keyId, key: signer.privatePem, algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date'] });
  return { ...headers, ...result.headers };
}

test('a signature by an actor\'s key fetched over https verifies (draft-cavage)', async () => {
  const id = `${host.origin()}/users/alice`;
  host.routes.set('/users/alice', json(actor(id, key)));
  const server = await app({ keyLookup: remoteKeyLookup(guardFor(host, tls.cert)) });
  try {
    const answer = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, `${id}#main-key`, key) });
    expect(answer.status).toBe(200);
    expect(answer.json.keyId).toBe(`${id}#main-key`);
  } finally { await server.close(); }
});

test('verifyNodeRequest takes the same lookup: a fetched key verifies; a refused keyId is 401 with its code', async () => {
  const id = `${host.origin()}/users/alice`;
  host.routes.set('/users/alice', json(actor(id, key)));
  const server = await nodeApp({ keyLookup: remoteKeyLookup(guardFor(host, tls.cert)) });
  try {
    const ok = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, `${id}#main-key`, key) });
    expect(ok.status).toBe(200);
    const refused = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, 'https://127.0.0.1/users/x#main-key', key) });
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('ERR_KEY_FETCH_REFUSED_ADDRESS');
  } finally { await server.close(); }
});

test('RFC 9421 with the rfc9421 lookup', async () => {
  const id = `${host.origin()}/users/alice`;
  host.routes.set('/users/alice', json(actor(id, key)));
  const server = await app({ scheme: 'rfc9421', keyLookup: remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' }) });
  try {
    const headers = { host: new URL(server.url).host };
    const signed = await signRfc9421({ method: 'GET', url: `${server.url}/inbox`, headers }, { key: key.privatePem, algorithm: 'rsa-v1_5-sha256', keyId: `${id}#main-key` });
    const answer = await send(server.url, { path: '/inbox', headers: { ...headers, ...signed.headers } });
    expect(answer.status).toBe(200);
  } finally { await server.close(); }
});

test.each([
  ['a keyId on a host resolving to a private address', 'https://internal.test/users/x#main-key', 'ERR_KEY_FETCH_REFUSED_ADDRESS'],
  ['an http keyId', 'http://actor.test/users/x#main-key', 'ERR_KEY_FETCH_REFUSED_URL'],
  ['a keyId whose host answers 500', 'ACTOR/users/broken#main-key', 'ERR_KEY_FETCH_FAILED'],
  ['a keyId whose actor names another owner', 'ACTOR/users/impostor#main-key', 'ERR_KEY_FETCH_OWNER_MISMATCH'],
])('%s: the server answers 401 with the key fetch code and a challenge', async (_name, keyIdTemplate, code) => {
  host.routes.set('/users/broken', json({}, { status: 500 }));
  const impostor = `${host.origin()}/users/impostor`;
  host.routes.set('/users/impostor', json({ ...actor(impostor, key), publicKey: { id: `${impostor}#main-key`, owner: `${host.origin()}/users/alice`, publicKeyPem: key.publicPem } }));
  const guard = guardFor(host, tls.cert);
  const events: VerificationFailedEvent[] = [];
  const server = await app({
    keyLookup: remoteKeyLookup({
      ...guard,
      lookup: async (name) => [{ address: name === 'internal.test' ? '10.0.0.1' : '127.0.0.1', family: 4 }],
    }),
    onError: (event) => { events.push(event); },
  });
  try {
    const keyId = keyIdTemplate.replace('ACTOR', host.origin());
    const answer = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, keyId, key) });
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe(code);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Signature realm=/);
    expect(events).toEqual([{ code, keyId, status: 401 }]);
  } finally { await server.close(); }
});

test('onError refreshing the key on ERR_SIGNATURE_MISMATCH: the sender\'s retry after a key rotation is accepted', async () => {
  let t = 1_800_000_000_000;
  const id = `${host.origin()}/users/rotating`;
  host.routes.set('/users/rotating', json(actor(id, key)));
  const keyLookup = remoteKeyLookup({ ...guardFor(host, tls.cert), now: () => t });
  const server = await app({
    keyLookup,
    onError: async ({ code, keyId }) => { if (code === 'ERR_SIGNATURE_MISMATCH' && keyId !== undefined) await keyLookup.refresh(keyId); },
  });
  try {
    const keyId = `${id}#main-key`;
    expect((await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, keyId, key) })).status).toBe(200);
    const rotated = rsaKey();
    host.routes.set('/users/rotating', json(actor(id, rotated)));
    t += 61_000;
    const first = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, keyId, rotated) });
    expect(first.json.code).toBe('ERR_SIGNATURE_MISMATCH');
    const retry = await send(server.url, { path: '/inbox', headers: await cavageHeaders(server.url, keyId, rotated) });
    expect(retry.status).toBe(200);
    expect(host.count('/users/rotating')).toBe(2);
  } finally { await server.close(); }
});

// draft-cavage between us and Fedify 2.3.6 (run under Node 22), both directions: requests our fetch client signs
// are verified by Fedify's verifyRequestDetailed on its loopback server (the actor served by its document loader);
// requests Fedify's signRequest signs are verified by core verify and by our Express middleware, with
// remoteKeyLookup fetching the actor from a loopback actor host. RSA throughout: Fedify signs RSA only.
// Where Fedify and our strict defaults disagree, the failure is shown first, then the Fediverse profile's option or
// preset that makes it work.
import { fedifySignOptions, fediverseVerifyOptions, verify } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { remoteKeyLookup } from '@httpsig/keys';
import { useFedify } from './support/fedify.js';
import { actor, certificateForTestHosts, ed25519Key, guardFor, json, ourServer, rsaKey, sendSigned, useActorHost, verdictOf } from './support/ours.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const fedify = useFedify();
const ours = rsaKey();
const theirs = rsaKey();
/** Dave: our Ed25519 actor. */
const ed = ed25519Key();
const dave = (): string => `${host.origin()}/users/dave`;
/** Our actor (we sign as alice) and Fedify's (it signs as bob), both on the loopback actor host. */
const alice = (): string => `${host.origin()}/users/alice`;
const bob = (): string => `${host.origin()}/users/bob`;

/** Our key lookup: the actor fetched from the loopback actor host (the guard allows its port only). */
const lookup = () => remoteKeyLookup(guardFor(host, tls.cert));

beforeEach(async () => {
  host.routes.set('/users/bob', json(actor(bob(), theirs)));
  await fedify.serve({ [alice()]: actor(alice(), ours), [dave()]: actor(dave(), ed) });
});

/** Our fetch client signing as alice, with the `Signature` header Fedify reads. */
const ourClient = (extra: Record<string, unknown> = {}): ReturnType<typeof signedFetch> => signedFetch({
  keyId: `${alice()}#main-key`, key: ours.privatePem, algorithm: 'rsa-sha256', scheme: 'signature', ...extra,
});

describe('we sign, Fedify verifies', () => {
  test('a GET', async () => {
    const response = await ourClient()(`${fedify.origin}/users/bob/outbox`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('a POST with its body digested (Digest, signed)', async () => {
    const client = ourClient({ headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256' });
    const response = await client(`${fedify.origin}/users/bob/inbox`, {
      method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify({ type: 'Follow', actor: alice() }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('a POST whose body is not the one digested fails in Fedify', async () => {
    // A fetch that swaps the body after our client signed and digested it.
    const tampering = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => fetch(url, { ...init, body: '{"type":"Delete"}' });
    const client = signedFetch({ keyId: `${alice()}#main-key`, key: ours.privatePem, algorithm: 'rsa-sha256', scheme: 'signature', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256' }, tampering);
    const response = await client(`${fedify.origin}/users/bob/inbox`, { method: 'POST', body: '{"type":"Follow"}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ verified: false, reason: 'invalidSignature' });
  });

  test('with our default Authorization: Signature header, Fedify finds no signature (it reads only Signature)', async () => {
    const client = signedFetch({ keyId: `${alice()}#main-key`, key: ours.privatePem, algorithm: 'rsa-sha256' });
    const response = await client(`${fedify.origin}/users/bob/outbox`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ verified: false, reason: 'noSignature' });
  });

  test('Ed25519 fails in Fedify: its draft-cavage verification is RSASSA-PKCS1-v1_5 only, and throws on an Ed25519 key', async () => {
    const client = signedFetch({ keyId: `${dave()}#main-key`, key: ed.privatePem, algorithm: 'ed25519', scheme: 'signature' });
    const response = await client(`${fedify.origin}/users/bob/outbox`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ verified: false, error: expect.stringMatching(/^InvalidAccessError/) as unknown });
  });

  test('a GET with a query fails in Fedify: it rebuilds (request-target) from the path without the query', async () => {
    const response = await ourClient()(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ verified: false, reason: 'invalidSignature' });
  });
});

describe('Fedify signs, we verify', () => {

  test('a GET, through our Express middleware with the actor fetched by remoteKeyLookup', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const answer = await fedify.send({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: `${server.origin}/users/alice/outbox`, keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      expect(host.count('/users/bob')).toBe(1);
    } finally { await server.close(); }
  });

  test('a POST: its Digest is checked against the body', async () => {
    const server = await ourServer({ keyLookup: lookup(), requiredHeaders: ['(request-target)', 'host', 'date', 'digest'] });
    try {
      const answer = await fedify.send({
        spec: 'draft-cavage-http-signatures-12', method: 'POST', url: `${server.origin}/users/alice/inbox`,
        headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify({ type: 'Follow', actor: bob() }),
        keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem,
      });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key` });
    } finally { await server.close(); }
  });

  test('a POST whose body is not the one Fedify digested is ERR_DIGEST_MISMATCH', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const headers = await fedify.sign({
        spec: 'draft-cavage-http-signatures-12', method: 'POST', url: `${server.origin}/users/alice/inbox`,
        body: '{"type":"Follow"}', keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem,
      });
      const verdict = await sendSigned(`${server.origin}/users/alice/inbox`, { method: 'POST', headers, body: '{"type":"Delete"}' });
      expect(verdict).toMatchObject({ status: 401, code: 'ERR_DIGEST_MISMATCH' });
    } finally { await server.close(); }
  });

  test('core verify, with the key in a local table', async () => {
    const url = 'https://inbox.example/users/alice/inbox';
    const body = '{"type":"Like"}';
    const headers = await fedify.sign({ spec: 'draft-cavage-http-signatures-12', method: 'POST', url, body, keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
    const result = await verify({ method: 'POST', url: '/users/alice/inbox', headers }, {
      keyLookup: (keyId) => (keyId === `${bob()}#main-key` ? { key: theirs.publicPem, algorithms: ['rsa-sha256'] } : null),
      requiredHeaders: ['(request-target)', 'host', 'date', 'digest'],
      body,
    });
    expect(result.keyId).toBe(`${bob()}#main-key`);
    // Fedify covers (request-target) and every header the request has, in Headers' (sorted) order.
    expect(result.headers).toEqual(['(request-target)', 'content-type', 'date', 'digest', 'host']);
  });

  test('a GET with a query is ERR_SIGNATURE_MISMATCH under our defaults: Fedify signed (request-target) without the query', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const answer = await fedify.send({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: `${server.origin}/users/alice/outbox?page=true`, keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
      expect(await verdictOf(answer)).toMatchObject({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
    } finally { await server.close(); }
    const headers = await fedify.sign({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: 'https://inbox.example/users/alice/outbox?page=true', keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
    await expect(verify({ method: 'GET', url: '/users/alice/outbox?page=true', headers }, {
      keyLookup: () => ({ key: theirs.publicPem, algorithms: ['rsa-sha256'] }),
    })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });
});

describe('with the Fediverse profile', () => {
  const lookups = () => ({ cavage: lookup(), rfc9421: remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' }) });
  const signer = (): { keyId: string; key: string } => ({ keyId: `${alice()}#main-key`, key: ours.privatePem });

  test('fedifySignOptions: a GET with a query verifies in Fedify ((request-target) without the query, in the Signature header)', async () => {
    const response = await signedFetch(fedifySignOptions(signer()))(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
    expect(response.status).toBe(200);
  });

  test('fedifySignOptions: a POST, its Digest signed', async () => {
    const response = await signedFetch(fedifySignOptions(signer()))(`${fedify.origin}/users/bob/inbox`, {
      method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify({ type: 'Follow', actor: alice() }),
    });
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('requestTarget: \'with-or-without-query\' verifies Fedify\'s GET with a query, and the result says the query was not signed', async () => {
    const server = await ourServer({ keyLookup: lookup(), requestTarget: 'with-or-without-query' });
    try {
      const answer = await fedify.send({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: `${server.origin}/users/alice/outbox?page=true`, keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key`, queryUnsigned: true });
    } finally { await server.close(); }
    const headers = await fedify.sign({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: 'https://inbox.example/users/alice/outbox?page=true', keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
    const result = await verify({ method: 'GET', url: '/users/alice/outbox?page=true', headers }, {
      keyLookup: () => ({ key: theirs.publicPem, algorithms: ['rsa-sha256'] }), requestTarget: 'with-or-without-query',
    });
    expect(result).toMatchObject({ keyId: `${bob()}#main-key`, queryUnsigned: true });
  });

  test('under the compat mode the path stays signed: Fedify\'s signature for another path is ERR_SIGNATURE_MISMATCH', async () => {
    const headers = await fedify.sign({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: 'https://inbox.example/users/alice/outbox?page=true', keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
    await expect(verify({ method: 'GET', url: '/users/alice/followers?page=true', headers }, {
      keyLookup: () => ({ key: theirs.publicPem, algorithms: ['rsa-sha256'] }), requestTarget: 'with-or-without-query',
    })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('fediverseVerifyOptions in our Express middleware: Fedify\'s GET with a query and its POST verify', async () => {
    const server = await ourServer(fediverseVerifyOptions(lookups()));
    try {
      const get = await fedify.send({ spec: 'draft-cavage-http-signatures-12', method: 'GET', url: `${server.origin}/users/alice/outbox?page=true`, keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem });
      expect(await verdictOf(get)).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage', queryUnsigned: true });
      const post = await fedify.send({
        spec: 'draft-cavage-http-signatures-12', method: 'POST', url: `${server.origin}/users/alice/inbox`,
        headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify({ type: 'Follow', actor: bob() }),
        keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem,
      });
      expect(await verdictOf(post)).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage' });
    } finally { await server.close(); }
  });
});

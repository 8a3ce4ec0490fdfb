// RFC 9421 between us and Fedify 2.3.6 (run under Node 22), both directions, RSA (rsa-v1_5-sha256: Fedify signs
// RSA only). Fedify signs `@method @target-uri @authority host date` (+ `content-digest` on a body) with
// `created`; it verifies whatever is covered, with the key from its document loader. Where Fedify and our strict
// defaults disagree, the failure is shown first, then the Fediverse profile's option or preset that makes it work.
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
/** Dave: our Ed25519 actor (Fedify signs RSA only, but verifies RFC 9421 Ed25519). */
const ed = ed25519Key();
const dave = (): string => `${host.origin()}/users/dave`;
const alice = (): string => `${host.origin()}/users/alice`;
const bob = (): string => `${host.origin()}/users/bob`;
const SPEC = 'rfc9421';

/** Our RFC 9421 key lookup: the actor fetched from the loopback actor host (the guard allows its port only). */
const lookup = () => remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' });

beforeEach(async () => {
  host.routes.set('/users/bob', json(actor(bob(), theirs)));
  await fedify.serve({ [alice()]: actor(alice(), ours), [dave()]: actor(dave(), ed) });
});

/** Our fetch client signing RFC 9421 as alice. */
const ourClient = (extra: Record<string, unknown> = {}): ReturnType<typeof signedFetch> => signedFetch({
  scheme: 'rfc9421', keyId: `${alice()}#main-key`, key: ours.privatePem, algorithm: 'rsa-v1_5-sha256', ...extra,
});

describe('we sign, Fedify verifies', () => {
  test('a GET with our default components (@method @authority @path)', async () => {
    const response = await ourClient()(`${fedify.origin}/users/bob/outbox`);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
    expect(response.status).toBe(200);
  });

  test('a GET with a query, covered by @target-uri', async () => {
    const response = await ourClient({ components: ['@method', '@target-uri'] })(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('a POST with Content-Digest, signed', async () => {
    const client = ourClient({ components: ['@method', '@target-uri', 'content-digest'], digest: 'SHA-256' });
    const response = await client(`${fedify.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('Ed25519: a POST signed with ed25519', async () => {
    const client = signedFetch({ scheme: 'rfc9421', keyId: `${dave()}#main-key`, key: ed.privatePem, algorithm: 'ed25519', components: ['@method', '@target-uri', 'content-digest'], digest: 'SHA-256' });
    const response = await client(`${fedify.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: dave() }) });
    expect(await response.json()).toEqual({ verified: true, keyId: `${dave()}#main-key` });
  });

  test('a POST whose body is not the one digested fails in Fedify', async () => {
    const tampering = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => fetch(url, { ...init, body: '{"type":"Delete"}' });
    const client = signedFetch({ scheme: 'rfc9421', keyId: `${alice()}#main-key`, key: ours.privatePem, algorithm: 'rsa-v1_5-sha256', components: ['@method', '@target-uri', 'content-digest'], digest: 'SHA-256' }, tampering);
    const response = await client(`${fedify.origin}/users/bob/inbox`, { method: 'POST', body: '{"type":"Follow"}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ verified: false, reason: 'invalidSignature' });
  });

  test('a GET with a query and our default components (@query with its "?") fails in Fedify, which serializes @query without the "?"', async () => {
    const response = await ourClient()(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ verified: false, reason: 'invalidSignature' });
  });
});

describe('Fedify signs, we verify', () => {
  const sign = { spec: SPEC, keyId: '', privateKeyPem: theirs.privatePem } as const;

  test('Fedify\'s default components verify under our default policy: its @target-uri covers the required @path and @authority', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup() });
    try {
      const answer = await fedify.send({ ...sign, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox?page=true` });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key` });
    } finally { await server.close(); }
  });

  test('a signature covering neither @path nor @target-uri is still ERR_HEADER_NOT_SIGNED', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup() });
    try {
      const answer = await fedify.send({ ...sign, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox`, components: ['@method', '@authority', 'date'] });
      expect(await verdictOf(answer)).toMatchObject({ status: 401, code: 'ERR_HEADER_NOT_SIGNED' });
    } finally { await server.close(); }
  });

  test('a GET with a query, through our Express middleware and remoteKeyLookup, when the policy asks for @target-uri', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup(), requiredComponents: ['@method', '@target-uri'] });
    try {
      const answer = await fedify.send({ ...sign, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox?page=true` });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      expect(host.count('/users/bob')).toBe(1);
    } finally { await server.close(); }
  });

  test('a POST: its Content-Digest is checked against the body', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup(), requiredComponents: ['@method', '@target-uri', 'content-digest'] });
    try {
      const url = `${server.origin}/users/alice/inbox`;
      const body = JSON.stringify({ type: 'Follow', actor: bob() });
      const answer = await fedify.send({ ...sign, keyId: `${bob()}#main-key`, method: 'POST', url, body });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      const headers = await fedify.sign({ ...sign, keyId: `${bob()}#main-key`, method: 'POST', url, body });
      expect(await sendSigned(url, { method: 'POST', headers, body: '{"type":"Delete"}' })).toMatchObject({ status: 401, code: 'ERR_DIGEST_MISMATCH' });
    } finally { await server.close(); }
  });

  test('core verify, with the key in a local table', async () => {
    const url = 'https://inbox.example/users/alice/outbox?page=true';
    const headers = await fedify.sign({ ...sign, keyId: `${bob()}#main-key`, method: 'GET', url });
    const result = await verify({ method: 'GET', url, headers }, {
      scheme: 'rfc9421',
      keyLookup: (keyId) => (keyId === `${bob()}#main-key` ? { key: theirs.publicPem, algorithms: ['rsa-v1_5-sha256'] } : null),
      requiredComponents: ['@method', '@target-uri'],
    });
    expect(result).toMatchObject({ keyId: `${bob()}#main-key`, algorithm: 'rsa-v1_5-sha256', components: ['"@method"', '"@target-uri"', '"@authority"', '"host"', '"date"'] });
  });

  test('a signature covering @query, which Fedify serializes without the "?", is ERR_SIGNATURE_MISMATCH under our defaults', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup() });
    try {
      const answer = await fedify.send({
        ...sign, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox?page=true`,
        components: ['@method', '@authority', '@path', '@query'],
      });
      expect(await verdictOf(answer)).toMatchObject({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
    } finally { await server.close(); }
  });
});

describe('with the Fediverse profile', () => {
  const signer = (): { keyId: string; key: string } => ({ keyId: `${alice()}#main-key`, key: ours.privatePem });
  const fedifySigned = { spec: SPEC, privateKeyPem: theirs.privatePem, components: ['@method', '@authority', '@path', '@query'] } as const;

  test('queryComponent: \'without-question-mark\': our GET covering @query verifies in Fedify', async () => {
    const response = await ourClient({ queryComponent: 'without-question-mark' })(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(await response.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
    expect(response.status).toBe(200);
  });

  test('fedifySignOptions (rfc9421): a GET with a query and a POST verify in Fedify', async () => {
    const client = signedFetch(fedifySignOptions(signer(), 'rfc9421'));
    const get = await client(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(await get.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
    const post = await client(`${fedify.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
    expect(await post.json()).toEqual({ verified: true, keyId: `${alice()}#main-key` });
  });

  test('fedifySignOptions (rfc9421, ed25519): Fedify verifies an Ed25519 key over RFC 9421', async () => {
    const client = signedFetch(fedifySignOptions({ keyId: `${dave()}#main-key`, key: ed.privatePem, keyType: 'ed25519' }, 'rfc9421'));
    const response = await client(`${fedify.origin}/users/bob/outbox?page=true`);
    expect(await response.json()).toEqual({ verified: true, keyId: `${dave()}#main-key` });
  });

  test('queryComponent: \'rfc9421-or-without-question-mark\' verifies Fedify\'s @query, and the result says which form', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup(), queryComponent: 'rfc9421-or-without-question-mark' });
    try {
      const answer = await fedify.send({ ...fedifySigned, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox?page=true` });
      expect(await verdictOf(answer)).toEqual({ status: 200, keyId: `${bob()}#main-key`, queryComponent: 'without-question-mark' });
    } finally { await server.close(); }
  });

  test('under the compat mode the query stays signed: Fedify\'s @query for another query is ERR_SIGNATURE_MISMATCH', async () => {
    const headers = await fedify.sign({ ...fedifySigned, keyId: `${bob()}#main-key`, method: 'GET', url: 'https://inbox.example/users/alice/outbox?page=true' });
    await expect(verify({ method: 'GET', url: 'https://inbox.example/users/alice/outbox?page=false', headers }, {
      scheme: 'rfc9421', keyLookup: () => ({ key: theirs.publicPem, algorithms: ['rsa-v1_5-sha256'] }), queryComponent: 'rfc9421-or-without-question-mark',
    })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });

  test('fediverseVerifyOptions in our Express middleware: Fedify\'s draft-cavage and RFC 9421 requests verify at one endpoint', async () => {
    const server = await ourServer(fediverseVerifyOptions({ cavage: remoteKeyLookup(guardFor(host, tls.cert)), rfc9421: lookup() }));
    try {
      const url = `${server.origin}/users/alice/inbox`;
      const body = JSON.stringify({ type: 'Follow', actor: bob() });
      const base = { keyId: `${bob()}#main-key`, privateKeyPem: theirs.privatePem, method: 'POST', url, body } as const;
      expect(await verdictOf(await fedify.send({ ...base, spec: 'rfc9421' }))).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'rfc9421' });
      expect(await verdictOf(await fedify.send({ ...base, spec: 'draft-cavage-http-signatures-12' }))).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage' });
      const query = await fedify.send({ ...fedifySigned, keyId: `${bob()}#main-key`, method: 'GET', url: `${server.origin}/users/alice/outbox?page=true`, components: ['@method', '@target-uri', '@query'] });
      expect(await verdictOf(query)).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'rfc9421', queryComponent: 'without-question-mark' });
    } finally { await server.close(); }
  });
});

// draft-cavage between us and Misskey's library (@misskey-dev/node-http-message-signatures 0.0.10), both
// directions, RSA and Ed25519: requests our fetch client signs are verified by a loopback server running Misskey's
// parseRequestSignature / verifyDraftSignature / verifyDigestHeader; requests Misskey's signAsDraftToRequest signs
// are verified by core verify and by our Express middleware with remoteKeyLookup on a loopback actor host. Where
// Misskey and our strict defaults disagree, the failure is shown first, then the Fediverse profile's option or
// preset that makes it work.
import { misskeySignOptions, misskeyVerifyOptions, verify } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { remoteKeyLookup } from '@httpsig/keys';
import { misskeyServer, misskeySignDraft, misskeyVerdict } from './support/misskey.js';
import { actor, certificateForTestHosts, ed25519Key, guardFor, json, ourServer, rsaKey, sendSigned, useActorHost } from './support/ours.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const rsa = { ours: rsaKey(), theirs: rsaKey() };
const ed = { ours: ed25519Key(), theirs: ed25519Key() };
const alice = (): string => `${host.origin()}/users/alice`;
const bob = (): string => `${host.origin()}/users/bob`;
const carol = (): string => `${host.origin()}/users/carol`;
/** What Misskey's inbox requires a signature to cover. */
const MISSKEY_REQUIRED = ['(request-target)', 'date', 'host', 'digest'];

/** Our key lookup: the actor fetched from the loopback actor host (the guard allows its port only). */
const lookup = () => remoteKeyLookup(guardFor(host, tls.cert));

beforeEach(() => {
  host.routes.set('/users/bob', json(actor(bob(), rsa.theirs)));
  host.routes.set('/users/carol', json(actor(carol(), ed.theirs)));
});

/** The public keys Misskey's verifying server knows (Misskey's inbox resolves them from the actor). */
const misskeyKeys = (): Map<string, string> => new Map([[`${alice()}#main-key`, rsa.ours.publicPem], [`${alice()}#ed25519-key`, ed.ours.publicPem]]);

describe('we sign, Misskey verifies', () => {
  test('a GET with a query (RSA, our default Authorization header): Misskey reads the query from the request line', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const client = signedFetch({ keyId: `${alice()}#main-key`, key: rsa.ours.privatePem, algorithm: 'rsa-sha256' });
      expect(await misskeyVerdict(await client(`${server.origin}/users/bob/outbox?page=true`))).toEqual({ status: 200, verified: true, keyId: `${alice()}#main-key` });
    } finally { await server.close(); }
  });

  test.each([
    ['RSA', 'rsa-sha256', 'main-key'],
    ['Ed25519', 'ed25519', 'ed25519-key'],
  ] as const)('a POST with its Digest (%s), as Misskey\'s inbox requires', async (_name, algorithm, fragment) => {
    const server = await misskeyServer(misskeyKeys(), MISSKEY_REQUIRED);
    try {
      const client = signedFetch({
        keyId: `${alice()}#${fragment}`, key: (algorithm === 'ed25519' ? ed : rsa).ours.privatePem, algorithm,
        headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256', scheme: 'signature',
      });
      const response = await client(`${server.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
      expect(await misskeyVerdict(response)).toEqual({ status: 200, verified: true, keyId: `${alice()}#${fragment}` });
    } finally { await server.close(); }
  });

  test('a POST whose body is not the one digested fails Misskey\'s digest check', async () => {
    const server = await misskeyServer(misskeyKeys(), MISSKEY_REQUIRED);
    try {
      const tampering = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => fetch(url, { ...init, body: '{"type":"Delete"}' });
      const client = signedFetch({ keyId: `${alice()}#main-key`, key: rsa.ours.privatePem, algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256' }, tampering);
      const response = await client(`${server.origin}/users/bob/inbox`, { method: 'POST', body: '{"type":"Follow"}' });
      expect(await misskeyVerdict(response)).toEqual({ status: 401, verified: false, reason: 'digest' });
    } finally { await server.close(); }
  });
});

describe('Misskey signs, we verify', () => {

  test('a GET with a query given as a path (RSA), through our Express middleware and remoteKeyLookup', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const url = new URL('/users/alice/outbox?page=true', server.origin);
      const headers = await misskeySignDraft({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { date: new Date().toUTCString(), host: url.host } },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(await sendSigned(url.href, { headers })).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      expect(host.count('/users/bob')).toBe(1);
    } finally { await server.close(); }
  });

  test('a POST with Digest (RSA), the body checked', async () => {
    const server = await ourServer({ keyLookup: lookup(), requiredHeaders: MISSKEY_REQUIRED });
    try {
      const url = new URL('/users/alice/inbox', server.origin);
      const body = JSON.stringify({ type: 'Follow', actor: bob() });
      const headers = await misskeySignDraft({ method: 'POST', url: url.href, headers: { date: new Date().toUTCString(), host: url.host }, body },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, MISSKEY_REQUIRED);
      expect(headers.Signature).toContain('algorithm="rsa-sha256"');
      expect(await sendSigned(url.href, { method: 'POST', headers, body })).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      expect(await sendSigned(url.href, { method: 'POST', headers, body: '{"type":"Delete"}' })).toMatchObject({ status: 401, code: 'ERR_DIGEST_MISMATCH' });
    } finally { await server.close(); }
  });

  test('core verify, with the key in a local table', async () => {
    const headers = await misskeySignDraft({ method: 'GET', url: '/users/alice/outbox', headers: { date: new Date().toUTCString(), host: 'inbox.example' } },
      { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
    const result = await verify({ method: 'GET', url: '/users/alice/outbox', headers }, {
      keyLookup: (keyId) => (keyId === `${bob()}#main-key` ? { key: rsa.theirs.publicPem, algorithms: ['rsa-sha256'] } : null),
    });
    expect(result).toMatchObject({ keyId: `${bob()}#main-key`, algorithm: 'rsa-sha256', headers: ['(request-target)', 'date', 'host'] });
  });

  test('Ed25519: Misskey names the algorithm "ed25519-sha512", accepted as ed25519 by our defaults', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const url = new URL('/users/alice/outbox', server.origin);
      const headers = await misskeySignDraft({ method: 'GET', url: url.pathname, headers: { date: new Date().toUTCString(), host: url.host } },
        { keyId: `${carol()}#main-key`, privateKeyPem: ed.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(headers.Signature).toContain('algorithm="ed25519-sha512"');
      expect(await sendSigned(url.href, { headers })).toEqual({ status: 200, keyId: `${carol()}#main-key` });
      const result = await verify({ method: 'GET', url: url.pathname, headers }, { keyLookup: () => ({ key: ed.theirs.publicPem, algorithms: ['ed25519'] }) });
      expect(result.algorithm).toBe('ed25519');
    } finally { await server.close(); }
  });

  test('a GET with a query given as an absolute URL: Misskey signs (request-target) without the query, ERR_SIGNATURE_MISMATCH under our defaults', async () => {
    const server = await ourServer({ keyLookup: lookup() });
    try {
      const url = new URL('/users/alice/outbox?page=true', server.origin);
      const headers = await misskeySignDraft({ method: 'GET', url: url.href, headers: { date: new Date().toUTCString(), host: url.host } },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(await sendSigned(url.href, { headers })).toMatchObject({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
    } finally { await server.close(); }
  });
});

describe('with the Fediverse profile', () => {
  test('we can name Ed25519 "ed25519-sha512" as Misskey does; Misskey verifies it', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const client = signedFetch({ keyId: `${alice()}#ed25519-key`, key: ed.ours.privatePem, algorithm: 'ed25519-sha512' });
      expect(await misskeyVerdict(await client(`${server.origin}/users/bob/outbox`))).toEqual({ status: 200, verified: true, keyId: `${alice()}#ed25519-key` });
    } finally { await server.close(); }
  });

  test.each(['rsa', 'ed25519'] as const)('misskeySignOptions (%s): a POST verifies in Misskey\'s inbox', async (keyType) => {
    const server = await misskeyServer(misskeyKeys(), MISSKEY_REQUIRED);
    try {
      const keyId = `${alice()}#${keyType === 'rsa' ? 'main-key' : 'ed25519-key'}`;
      const client = signedFetch(misskeySignOptions({ keyId, key: (keyType === 'rsa' ? rsa : ed).ours.privatePem, keyType }));
      const response = await client(`${server.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
      expect(await misskeyVerdict(response)).toEqual({ status: 200, verified: true, keyId });
    } finally { await server.close(); }
  });

  test('misskeyVerifyOptions in our Express middleware: Misskey\'s GET with a query given as an absolute URL verifies, its query unsigned', async () => {
    const server = await ourServer(misskeyVerifyOptions({ cavage: lookup(), rfc9421: remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' }) }));
    try {
      const url = new URL('/users/alice/outbox?page=true', server.origin);
      const headers = await misskeySignDraft({ method: 'GET', url: url.href, headers: { date: new Date().toUTCString(), host: url.host } },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(await sendSigned(url.href, { headers })).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage', queryUnsigned: true });
      const given = await misskeySignDraft({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { date: new Date().toUTCString(), host: url.host } },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(await sendSigned(url.href, { headers: given })).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage' });
    } finally { await server.close(); }
  });
});

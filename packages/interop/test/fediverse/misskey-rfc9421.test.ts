// RFC 9421 between us and Misskey's library (0.0.10), both directions, RSA and Ed25519. The library has no RFC 9421
// sign or verify entry point yet: its side is RFC9421SignatureBaseFactory (the signature base, from a node:http
// request or a RequestLike), its Signature-Input serializer and its key import, with WebCrypto over the base it
// built (see support/misskey.ts). Then the Fediverse profile's Misskey presets, each way.
import { misskeySignOptions, misskeyVerifyOptions, verify } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { remoteKeyLookup } from '@httpsig/keys';
import { misskeyServer, misskeySignDraft, misskeySignRfc9421, misskeyVerdict } from './support/misskey.js';
import { actor, certificateForTestHosts, ed25519Key, guardFor, json, ourServer, rsaKey, sendSigned, useActorHost } from './support/ours.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const rsa = { ours: rsaKey(), theirs: rsaKey() };
const ed = { ours: ed25519Key(), theirs: ed25519Key() };
const alice = (): string => `${host.origin()}/users/alice`;
const bob = (): string => `${host.origin()}/users/bob`;
const carol = (): string => `${host.origin()}/users/carol`;

beforeEach(() => {
  host.routes.set('/users/bob', json(actor(bob(), rsa.theirs)));
  host.routes.set('/users/carol', json(actor(carol(), ed.theirs)));
});

/** The public keys Misskey's verifying server knows (Misskey's inbox resolves them from the actor). */
const misskeyKeys = (): Map<string, string> => new Map([[`${alice()}#main-key`, rsa.ours.publicPem], [`${alice()}#ed25519-key`, ed.ours.publicPem]]);
/** Our RFC 9421 key lookup: the actor fetched from the loopback actor host (the guard allows its port only). */
const lookup = () => remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' });

describe('we sign, Misskey verifies', () => {
  const rsaClient = (extra: Record<string, unknown> = {}): ReturnType<typeof signedFetch> => signedFetch({
    scheme: 'rfc9421', keyId: `${alice()}#main-key`, key: rsa.ours.privatePem, algorithm: 'rsa-v1_5-sha256', ...extra,
  });

  test('a GET with a query and our default components (@method @authority @path @query)', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      expect(await misskeyVerdict(await rsaClient()(`${server.origin}/users/bob/outbox?page=true`))).toEqual({ status: 200, verified: true, keyId: `${alice()}#main-key` });
    } finally { await server.close(); }
  });

  test('a GET covered by @target-uri', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const response = await rsaClient({ components: ['@method', '@target-uri'] })(`${server.origin}/users/bob/outbox?page=true`);
      expect(await misskeyVerdict(response)).toEqual({ status: 200, verified: true, keyId: `${alice()}#main-key` });
    } finally { await server.close(); }
  });

  test('a POST with Content-Digest, Ed25519', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const client = signedFetch({
        scheme: 'rfc9421', keyId: `${alice()}#ed25519-key`, key: ed.ours.privatePem, algorithm: 'ed25519',
        components: ['@method', '@authority', '@path', 'content-digest'], digest: 'SHA-256',
      });
      const response = await client(`${server.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
      expect(await misskeyVerdict(response)).toEqual({ status: 200, verified: true, keyId: `${alice()}#ed25519-key` });
    } finally { await server.close(); }
  });

  test('@request-target fails in Misskey, which serializes it in the draft\'s form ("get /path", no query; RFC 9421 §2.2.5 has "/path?query")', async () => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const response = await rsaClient({ components: ['@method', '@authority', '@request-target'] })(`${server.origin}/users/bob/outbox?page=true`);
      expect(await misskeyVerdict(response)).toEqual({ status: 401, verified: false, reason: 'signature' });
    } finally { await server.close(); }
  });
});

describe('Misskey signs, we verify', () => {

  test('a GET with a query (RSA), through our Express middleware and remoteKeyLookup', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup() });
    try {
      const url = new URL('/users/alice/outbox?page=true', server.origin);
      const headers = await misskeySignRfc9421({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } }, rsa.theirs.privatePem,
        ['@method', '@authority', '@path', '@query'], { keyId: `${bob()}#main-key`, alg: 'rsa-v1_5-sha256' });
      expect(await sendSigned(url.href, { headers })).toEqual({ status: 200, keyId: `${bob()}#main-key` });
      expect(host.count('/users/bob')).toBe(1);
    } finally { await server.close(); }
  });

  test('a POST with Content-Digest (Ed25519), the body checked', async () => {
    const server = await ourServer({ scheme: 'rfc9421', keyLookup: lookup(), requiredComponents: ['@method', '@authority', '@path', 'content-digest'] });
    try {
      const url = new URL('/users/alice/inbox', server.origin);
      const body = JSON.stringify({ type: 'Follow', actor: carol() });
      const headers = await misskeySignRfc9421({ method: 'POST', url: url.href, headers: { host: url.host }, body }, ed.theirs.privatePem,
        ['@method', '@authority', '@path', 'content-digest'], { keyId: `${carol()}#main-key`, alg: 'ed25519' });
      expect(await sendSigned(url.href, { method: 'POST', headers, body })).toEqual({ status: 200, keyId: `${carol()}#main-key` });
      expect(await sendSigned(url.href, { method: 'POST', headers, body: '{"type":"Delete"}' })).toMatchObject({ status: 401, code: 'ERR_DIGEST_MISMATCH' });
    } finally { await server.close(); }
  });

  test('core verify, with the key in a local table, @target-uri built by Misskey from an absolute URL', async () => {
    const url = 'https://inbox.example/users/alice/outbox?page=true';
    const headers = await misskeySignRfc9421({ method: 'GET', url, headers: { host: 'inbox.example' } }, rsa.theirs.privatePem,
      ['@method', '@target-uri', '@authority', '@path', '@query'], { keyId: `${bob()}#main-key`, alg: 'rsa-v1_5-sha256' });
    const result = await verify({ method: 'GET', url, headers }, {
      scheme: 'rfc9421',
      keyLookup: (keyId) => (keyId === `${bob()}#main-key` ? { key: rsa.theirs.publicPem, algorithms: ['rsa-v1_5-sha256'] } : null),
    });
    expect(result).toMatchObject({ keyId: `${bob()}#main-key`, algorithm: 'rsa-v1_5-sha256' });
  });

  test('Misskey\'s @request-target in the draft\'s form ("get /path", no query) is ERR_SIGNATURE_MISMATCH', async () => {
    const url = 'https://inbox.example/users/alice/outbox?page=true';
    const headers = await misskeySignRfc9421({ method: 'GET', url, headers: { host: 'inbox.example' } }, rsa.theirs.privatePem,
      ['@method', '@authority', '@path', '@request-target'], { keyId: `${bob()}#main-key`, alg: 'rsa-v1_5-sha256' });
    await expect(verify({ method: 'GET', url, headers }, {
      scheme: 'rfc9421', keyLookup: () => ({ key: rsa.theirs.publicPem, algorithms: ['rsa-v1_5-sha256'] }),
    })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });
});

describe('with the Fediverse profile', () => {
  test.each(['rsa', 'ed25519'] as const)('misskeySignOptions (rfc9421, %s): a GET with a query and a POST verify with Misskey\'s signature base', async (keyType) => {
    const server = await misskeyServer(misskeyKeys());
    try {
      const keyId = `${alice()}#${keyType === 'rsa' ? 'main-key' : 'ed25519-key'}`;
      const client = signedFetch(misskeySignOptions({ keyId, key: (keyType === 'rsa' ? rsa : ed).ours.privatePem, keyType }, 'rfc9421'));
      expect(await misskeyVerdict(await client(`${server.origin}/users/bob/outbox?page=true`))).toEqual({ status: 200, verified: true, keyId });
      const post = await client(`${server.origin}/users/bob/inbox`, { method: 'POST', body: JSON.stringify({ type: 'Follow', actor: alice() }) });
      expect(await misskeyVerdict(post)).toEqual({ status: 200, verified: true, keyId });
    } finally { await server.close(); }
  });

  test('misskeyVerifyOptions in our Express middleware: Misskey\'s RFC 9421 POST (@method @target-uri content-digest) and draft-cavage GET verify at one endpoint', async () => {
    const server = await ourServer(misskeyVerifyOptions({ cavage: remoteKeyLookup(guardFor(host, tls.cert)), rfc9421: lookup() }));
    try {
      const inbox = new URL('/users/alice/inbox', server.origin);
      const body = JSON.stringify({ type: 'Follow', actor: carol() });
      const headers = await misskeySignRfc9421({ method: 'POST', url: inbox.href, headers: { host: inbox.host }, body }, ed.theirs.privatePem,
        ['@method', '@target-uri', 'content-digest'], { keyId: `${carol()}#main-key`, alg: 'ed25519' });
      expect(await sendSigned(inbox.href, { method: 'POST', headers, body })).toEqual({ status: 200, keyId: `${carol()}#main-key`, scheme: 'rfc9421' });
      const outbox = new URL('/users/alice/outbox?page=true', server.origin);
      const draft = await misskeySignDraft({ method: 'GET', url: `${outbox.pathname}${outbox.search}`, headers: { date: new Date().toUTCString(), host: outbox.host } },
        { keyId: `${bob()}#main-key`, privateKeyPem: rsa.theirs.privatePem }, ['(request-target)', 'date', 'host']);
      expect(await sendSigned(outbox.href, { headers: draft })).toEqual({ status: 200, keyId: `${bob()}#main-key`, scheme: 'cavage' });
    } finally { await server.close(); }
  });
});

// Resolving keyIds against real https actor hosts on loopback: ActivityPub actors and key documents, FEP-521a
// Multikey, JWK sets, resolver hooks; the document must vouch for the key (owner, origin).
import { verify } from '@httpsig/core';
import { generateKeyPairSync } from 'node:crypto';
import { RemoteKeys, remoteKeyLookup, KeyFetchBadDocumentError, KeyFetchOwnerMismatchError, keyFromMultibase } from '../src/index.js';
import {
  actor, base58, certificateForTestHosts, ed25519Key, ed25519Multibase, guardFor, json, rsaKey, signedRequest, startActorHost,
  type ActorHost, type TestKey,
} from './support/actor-host.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let rsa: TestKey;
let ed: TestKey;
beforeAll(async () => {
  host = await startActorHost(tls);
  rsa = rsaKey();
  ed = ed25519Key();
});
afterAll(async () => { await host.close(); });
beforeEach(() => { host.routes.clear(); host.requests.length = 0; });

const keys = (): RemoteKeys => new RemoteKeys(guardFor(host, tls.cert));

describe('ActivityPub actors and key documents', () => {
  test('an actor\'s publicKey named by the keyId fragment verifies a cavage signature (fetched over TLS with SNI and Host of the name)', async () => {
    const id = `${host.origin()}/users/alice`;
    host.routes.set('/users/alice', json(actor(id, rsa)));
    const keyLookup = remoteKeyLookup(guardFor(host, tls.cert));
    const result = await verify(await signedRequest(`${id}#main-key`, rsa.privatePem), { keyLookup, requiredHeaders: ['(request-target)', 'date'] });
    expect(result.keyId).toBe(`${id}#main-key`);
    expect(host.requests).toHaveLength(1);
    const [received] = host.requests;
    expect(received?.path).toBe('/users/alice'); // the fragment is not sent
    expect(received?.host).toBe('actor.test');
    expect(received?.servername).toBe('actor.test');
    expect(received?.headers.accept).toContain('application/activity+json');
  });

  test('the algorithms come from the key type: RSA allows rsa-sha256 and hs2019 (rsa-sha256), never an HMAC the client names', async () => {
    const id = `${host.origin()}/users/alice`;
    host.routes.set('/users/alice', json(actor(id, rsa)));
    const keyLookup = remoteKeyLookup(guardFor(host, tls.cert));
    const entry = await keyLookup(`${id}#main-key`, { keyId: `${id}#main-key`, headers: [], headersGiven: false, signature: '' });
    expect(entry?.algorithms).toEqual(['rsa-sha256', 'hs2019']);
    expect(entry?.hs2019).toBe('rsa-sha256');
    await expect(verify(await signedRequest(`${id}#main-key`, 'a-secret-the-client-chose-0123456789', 'hmac-sha256'), { keyLookup }))
      .rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    const rfc = remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' });
    expect((await rfc(`${id}#main-key`, {}))?.algorithms).toEqual(['rsa-v1_5-sha256', 'rsa-pss-sha512']);
    const custom = remoteKeyLookup({ ...guardFor(host, tls.cert), algorithms: { rsa: ['rsa-sha256'] } });
    expect((await custom(`${id}#main-key`, { keyId: '', headers: [], headersGiven: false, signature: '' }))?.algorithms).toEqual(['rsa-sha256']);
  });

  test('publicKey may be an array: the entry whose id is the keyId is used', async () => {
    const id = `${host.origin()}/users/bob`;
    const other = rsaKey();
    host.routes.set('/users/bob', json({
      ...actor(id, rsa),
      publicKey: [
        { id: `${id}#old-key`, owner: id, publicKeyPem: other.publicPem },
        { id: `${id}#main-key`, owner: id, publicKeyPem: rsa.publicPem },
      ],
    }, { type: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"' }));
    const found = await keys().resolve(`${id}#main-key`);
    expect(found?.pem).toBe(rsa.publicPem);
    expect(found?.owner).toBe(id);
  });

  test('a standalone key document (id = keyId): its owner\'s actor document must list the key', async () => {
    const keyId = `${host.origin()}/keys/1`;
    const owner = `${host.origin()}/users/kd-owner`;
    host.routes.set('/keys/1', json({ id: keyId, type: 'CryptographicKey', owner, publicKeyPem: rsa.publicPem }));
    host.routes.set('/users/kd-owner', json({ ...actor(owner, rsa), publicKey: keyId }));
    expect((await keys().resolve(keyId))?.owner).toBe(owner);
    expect(host.requests.map((r) => r.path)).toEqual(['/keys/1', '/users/kd-owner']);
  });

  test('a key document whose owner does not list it: ERR_KEY_FETCH_OWNER_MISMATCH (confirmOwner: false resolves it without an owner)', async () => {
    const keyId = `${host.origin()}/keys/claimed`;
    const owner = `${host.origin()}/users/victim`;
    host.routes.set('/keys/claimed', json({ id: keyId, owner, publicKeyPem: rsa.publicPem }));
    host.routes.set('/users/victim', json(actor(owner, ed25519Key())));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
    const trusting = new RemoteKeys({ ...guardFor(host, tls.cert), confirmOwner: false });
    const unconfirmed = await trusting.resolve(keyId);
    expect(unconfirmed?.pem).toBe(rsa.publicPem);
    expect(unconfirmed?.owner).toBeUndefined();
  });

  test('a keyId the actor does not list is an unknown key (the lookup returns null: ERR_UNKNOWN_KEY)', async () => {
    const id = `${host.origin()}/users/alice`;
    host.routes.set('/users/alice', json(actor(id, rsa)));
    await expect(keys().resolve(`${id}#other-key`)).resolves.toBeNull();
    const keyLookup = remoteKeyLookup(guardFor(host, tls.cert));
    await expect(verify(await signedRequest(`${id}#other-key`, rsa.privatePem), { keyLookup })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_KEY' });
  });
});

describe('a document that does not vouch for the key is refused', () => {
  test('a key whose owner is another actor: ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    const id = `${host.origin()}/users/alice`;
    host.routes.set('/users/alice', json({ ...actor(id, rsa), publicKey: { id: `${id}#main-key`, owner: `${host.origin()}/users/mallory`, publicKeyPem: rsa.publicPem } }));
    const error = await keys().resolve(`${id}#main-key`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyFetchOwnerMismatchError);
    expect(error).toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH', keyId: `${id}#main-key` });
  });

  test('a document whose id is on another origin than the keyId: ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    const claimed = `${host.origin('other.test')}/users/alice`;
    // Served by actor.test, claiming to be other.test's actor (with a key id on actor.test).
    host.routes.set('actor.test /users/alice', json({ ...actor(claimed, rsa), publicKey: { id: `${host.origin()}/users/alice#main-key`, owner: claimed, publicKeyPem: rsa.publicPem } }));
    await expect(keys().resolve(`${host.origin()}/users/alice#main-key`)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('a key document whose owner is on another origin: ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    const keyId = `${host.origin()}/keys/2`;
    host.routes.set('/keys/2', json({ id: keyId, owner: `${host.origin('other.test')}/users/alice`, publicKeyPem: rsa.publicPem }));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('unreadable key material, a private JWK, a weak RSA key, non-JSON and an unknown format are ERR_KEY_FETCH_BAD_DOCUMENT, without echoing the document', async () => {
    const id = `${host.origin()}/users/alice`;
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const cases: Array<[string, (req: never, res: import('node:http').ServerResponse) => void]> = [
      ['/a', json({ ...actor(id, rsa), id: `${host.origin()}/a`, publicKey: { id: `${host.origin()}/a#k`, owner: `${host.origin()}/a`, publicKeyPem: 'SECRET-LOOKING-CONTENT' } })],
      ['/b', json({ ...actor(id, rsa), id: `${host.origin()}/b`, publicKey: { id: `${host.origin()}/b#k`, owner: `${host.origin()}/b`, publicKeyPem: weak } })],
      ['/c', json({ keys: [{ kid: 'k', ...(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })) }] }, { type: 'application/jwk-set+json' })],
      ['/d', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"SECRET-LOOKING-CONTENT'); }],
      ['/e', json({ id: `${host.origin()}/e`, name: 'SECRET-LOOKING-CONTENT' })],
    ];
    for (const [path, route] of cases) host.routes.set(path, route as never);
    for (const [path] of cases) {
      const error = await keys().resolve(`${host.origin()}${path}#k`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyFetchBadDocumentError);
      expect((error as Error).message).not.toContain('SECRET');
    }
  });
});

describe('FEP-521a Multikey and JWK sets', () => {
  test('an assertionMethod Multikey with an Ed25519 publicKeyMultibase verifies an ed25519 signature', async () => {
    const id = `${host.origin()}/users/carol`;
    host.routes.set('/users/carol', json({
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/data-integrity/v1'],
      id, type: 'Person',
      assertionMethod: [{ id: `${id}#ed25519-key`, type: 'Multikey', controller: id, publicKeyMultibase: ed25519Multibase(ed.publicKey) }],
    }));
    const keyLookup = remoteKeyLookup(guardFor(host, tls.cert));
    const result = await verify(await signedRequest(`${id}#ed25519-key`, ed.privatePem, 'ed25519'), { keyLookup });
    expect(result.algorithm).toBe('ed25519');
    expect((await keyLookup(`${id}#ed25519-key`, { keyId: '', headers: [], headersGiven: false, signature: '' }))?.algorithms).toEqual(['ed25519', 'hs2019']);
  });

  test('a Multikey whose controller is another actor: ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    const id = `${host.origin()}/users/carol`;
    host.routes.set('/users/carol', json({ id, type: 'Person', assertionMethod: { id: `${id}#k`, type: 'Multikey', controller: `${host.origin()}/users/eve`, publicKeyMultibase: ed25519Multibase(ed.publicKey) } }));
    await expect(keys().resolve(`${id}#k`)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('Multikey decoding: Ed25519 (0xed01), RSA (0x1205, PKCS#1 DER), P-256 (0x1200, compressed); other prefixes and bad text are refused', () => {
    expect(keyFromMultibase(ed25519Multibase(ed.publicKey))?.pem).toBe(ed.publicPem);
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'der' });
    expect(keyFromMultibase(`z${base58(Uint8Array.from([0x85, 0x24, ...pkcs1]))}`)?.pem).toBe(rsa.publicPem);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const jwk = p256.export({ format: 'jwk' });
    const y = Buffer.from(jwk.y as string, 'base64url');
    const compressed = [(y[y.length - 1] as number) & 1 ? 3 : 2, ...Buffer.from(jwk.x as string, 'base64url')];
    expect(keyFromMultibase(`z${base58(Uint8Array.from([0x80, 0x24, ...compressed]))}`)).toEqual({ kind: 'ec-p256', pem: p256.export({ type: 'spki', format: 'pem' }).toString() });
    expect(keyFromMultibase(`z${base58(Uint8Array.from([0xe7, 0x01, ...new Array<number>(33).fill(2)]))}`)).toBeUndefined(); // secp256k1
    expect(keyFromMultibase('z0OIl')).toBeUndefined();
    expect(keyFromMultibase(`u${ed25519Multibase(ed.publicKey).slice(1)}`)).toBeUndefined();
    expect(keyFromMultibase(`z${base58(Uint8Array.from([0xed, 0x01, 1, 2, 3]))}`)).toBeUndefined();
  });

  test('a JWK set: the key whose kid is the keyId fragment verifies an RFC 9421 signature', async () => {
    const { signRfc9421 } = await import('@httpsig/core/rfc9421');
    host.routes.set('keys.test /jwks.json', json({ keys: [
      { kid: 'other', ...rsa.publicKey.export({ format: 'jwk' }) },
      { kid: 'ed-1', ...ed.publicKey.export({ format: 'jwk' }) },
    ] }, { type: 'application/jwk-set+json' }));
    const keyId = `${host.origin('keys.test')}/jwks.json#ed-1`;
    const message = { method: 'POST', url: 'https://inbox.example/inbox', headers: { host: 'inbox.example' } };
    const signed = await signRfc9421(message, { key: ed.privatePem, algorithm: 'ed25519', keyId });
    const keyLookup = remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421' });
    const result = await verify({ ...message, headers: { ...message.headers, ...signed.headers } }, { scheme: 'rfc9421', keyLookup });
    expect(result.algorithm).toBe('ed25519');
    await expect(keys().resolve(`${host.origin('keys.test')}/jwks.json#absent`)).resolves.toBeNull();
  });

  test('a resolver hook reads another format; its owner must be on the keyId\'s origin and list the key', async () => {
    host.routes.set('/custom', json({ format: 'custom', pem: rsa.publicPem, account: `${host.origin()}/users/dave` }, { type: 'application/json' }));
    host.routes.set('/users/dave', json({ ...actor(`${host.origin()}/users/dave`, rsa), publicKey: `${host.origin()}/custom` }));
    host.routes.set('/custom-foreign', json({ format: 'custom', pem: rsa.publicPem, account: `${host.origin('other.test')}/users/dave` }, { type: 'application/json' }));
    const resolvers = [(doc: unknown) => {
      const d = doc as { format?: string; pem?: string; account?: string };
      return d.format === 'custom' ? { key: d.pem as string, owner: d.account } : undefined;
    }];
    const remote = new RemoteKeys({ ...guardFor(host, tls.cert), resolvers });
    expect((await remote.resolve(`${host.origin()}/custom`))?.owner).toBe(`${host.origin()}/users/dave`);
    await expect(remote.resolve(`${host.origin()}/custom-foreign`)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });
});

// Which document may speak for a keyId: the one read (after redirects) from the keyId's origin, whose id is the URL
// it was read from (else it is fetched again by its id), holding a key whose id is the keyId, owned by an actor
// whose own document lists that key. Real https actor hosts on loopback; the attacker's documents are served by
// the same kind of host, under another name or as an "uploaded file" on the victim's host.
import { verify } from '@httpsig/core';
import { RemoteKeys, remoteKeyLookup } from '../src/index.js';
import {
  actor, certificateForTestHosts, ed25519Key, guardFor, json, rsaKey, signedRequest, startActorHost, type ActorHost, type Route, type TestKey,
} from './support/actor-host.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let alice: TestKey;
let mallory: TestKey;
beforeAll(async () => {
  host = await startActorHost(tls);
  alice = rsaKey();
  mallory = rsaKey();
});
afterAll(async () => { await host.close(); });
beforeEach(() => { host.routes.clear(); host.requests.length = 0; });

const keys = (): RemoteKeys => new RemoteKeys(guardFor(host, tls.cert));

/** An open redirect on the host: `/redirect?to=<url>` answers 302 to that URL. */
const openRedirect: Route = (req, res) => {
  const to = new URL(req.url ?? '/', 'https://x.invalid').searchParams.get('to') ?? '/';
  res.writeHead(302, { location: to });
  res.end();
};

function serveAlice(): string {
  const id = `${host.origin()}/users/alice`;
  host.routes.set('actor.test /users/alice', json(actor(id, alice)));
  return id;
}

describe('a document read through an open redirect', () => {
  test('an attacker\'s document claiming the victim\'s actor, reached by a redirect to another origin, is refused', async () => {
    const aliceId = serveAlice();
    const redirect = `/redirect?to=${encodeURIComponent(`${host.origin('other.test')}/doc`)}`;
    host.routes.set(`actor.test ${redirect}`, openRedirect);
    const keyId = `${host.origin()}${redirect}`;
    host.routes.set('other.test /doc', json({ id: aliceId, publicKey: { id: keyId, owner: aliceId, publicKeyPem: mallory.publicPem } }));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
    // and a signature by mallory's key does not verify as anyone
    const keyLookup = remoteKeyLookup(guardFor(host, tls.cert));
    await expect(verify(await signedRequest(keyId, mallory.privatePem), { keyLookup })).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('a same-origin redirect to an uploaded file claiming the actor: the actor\'s own document is fetched and does not list the key', async () => {
    const aliceId = serveAlice();
    const redirect = `/redirect?to=${encodeURIComponent('/uploads/x.json')}`;
    host.routes.set(`actor.test ${redirect}`, openRedirect);
    const keyId = `${host.origin()}${redirect}`;
    host.routes.set('actor.test /uploads/x.json', json({ id: aliceId, publicKey: { id: keyId, owner: aliceId, publicKeyPem: mallory.publicPem } }, { type: 'application/json' }));
    await expect(keys().resolve(keyId)).resolves.toBeNull();
    expect(host.count('/users/alice')).toBe(1);
  });
});

describe('a user-uploaded JSON file on the victim\'s host', () => {
  test('claiming to be the actor (id = the actor, key id = the upload): refetched by its id, the actor does not list the key', async () => {
    const aliceId = serveAlice();
    const keyId = `${host.origin()}/uploads/x.json#k`;
    host.routes.set('actor.test /uploads/x.json', json({ id: aliceId, publicKey: { id: keyId, owner: aliceId, publicKeyPem: mallory.publicPem } }, { type: 'application/json' }));
    await expect(keys().resolve(keyId)).resolves.toBeNull();
    expect(host.requests.map((r) => r.path)).toEqual(['/uploads/x.json', '/users/alice']);
  });

  test('a key document of its own (id = its URL) naming the actor as owner: refused, the actor does not list it', async () => {
    const aliceId = serveAlice();
    const keyId = `${host.origin()}/uploads/z.json`;
    host.routes.set('actor.test /uploads/z.json', json({ id: keyId, owner: aliceId, publicKeyPem: mallory.publicPem }, { type: 'application/json' }));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('a key document whose owner lists the key id but with other key material: refused', async () => {
    const ownerId = `${host.origin()}/users/kd`;
    const keyId = `${host.origin()}/keys/kd`;
    host.routes.set('/keys/kd', json({ id: keyId, owner: ownerId, publicKeyPem: mallory.publicPem }));
    host.routes.set('/users/kd', json({ ...actor(ownerId, alice), publicKey: { id: keyId, owner: ownerId, publicKeyPem: alice.publicPem } }));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });

  test('an owner document read through a redirect from the owner\'s URL does not confirm the key', async () => {
    const ownerId = `${host.origin()}/users/moved`;
    const keyId = `${host.origin()}/keys/moved`;
    host.routes.set('/keys/moved', json({ id: keyId, owner: ownerId, publicKeyPem: mallory.publicPem }));
    host.routes.set('/users/moved', (_req, res) => { res.writeHead(302, { location: '/uploads/owner.json' }); res.end(); });
    host.routes.set('/uploads/owner.json', json({ ...actor(ownerId, mallory), publicKey: keyId }, { type: 'application/json' }));
    await expect(keys().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
  });
});

describe('documents that legitimately differ from the keyId\'s URL', () => {
  test('a key URL serving a stub whose id is the actor (as some servers do): the actor is fetched by its id and lists the key', async () => {
    const id = `${host.origin()}/users/stub`;
    const keyId = `${id}/main-key`;
    const ed = ed25519Key();
    host.routes.set('/users/stub/main-key', json({ id, type: 'Person', publicKey: { id: keyId, owner: id, publicKeyPem: ed.publicPem } }));
    host.routes.set('/users/stub', json({ ...actor(id, ed), publicKey: { id: keyId, owner: id, publicKeyPem: ed.publicPem } }));
    const found = await keys().resolve(keyId);
    expect(found).toMatchObject({ owner: id, pem: ed.publicPem });
    expect(host.requests.map((r) => r.path)).toEqual(['/users/stub/main-key', '/users/stub']);
  });

  test('a same-origin redirect to the actor\'s canonical URL is followed (the id is the final URL)', async () => {
    const aliceId = serveAlice();
    host.routes.set('actor.test /@alice', (_req, res) => { res.writeHead(301, { location: '/users/alice' }); res.end(); });
    host.routes.set('actor.test /users/alice', json({ ...actor(aliceId, alice), publicKey: { id: `${host.origin()}/@alice#main-key`, owner: aliceId, publicKeyPem: alice.publicPem } }));
    const found = await keys().resolve(`${host.origin()}/@alice#main-key`);
    expect(found).toMatchObject({ owner: aliceId, pem: alice.publicPem });
  });
});

// Caching of fetched keys against a real https actor host: TTL from max-age (clamped; no-store), expiry on an
// injected clock, negative caching, single-flight, the LRU bound.
import { MemoryKeyCache, RemoteKeys, type RemoteKeysOptions } from '../src/index.js';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, useActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const key: TestKey = rsaKey();

/** A clock the test moves. */
function clock(start = 1_800_000_000_000): { now: () => number; advance: (seconds: number) => void } {
  let t = start;
  return { now: () => t, advance: (seconds) => { t += seconds * 1000; } };
}

function serveActor(path: string, cacheControl?: string): string {
  const id = `${host.origin()}${path}`;
  host.routes.set(path, json(actor(id, key), cacheControl === undefined ? {} : { cacheControl }));
  return `${id}#main-key`;
}

const remote = (options: RemoteKeysOptions = {}): RemoteKeys => new RemoteKeys({ ...guardFor(host, tls.cert), ...options });

describe('TTL', () => {
  test('a key is kept for max-age, then fetched again', async () => {
    const c = clock();
    const keyId = serveActor('/users/ttl', 'public, max-age=600');
    const keys = remote({ now: c.now });
    await keys.resolve(keyId);
    c.advance(599);
    await keys.resolve(keyId);
    expect(host.count('/users/ttl')).toBe(1);
    c.advance(2);
    await keys.resolve(keyId);
    expect(host.count('/users/ttl')).toBe(2);
  });

  test.each([
    ['max-age=5 is raised to minTtl (60 s)', 'max-age=5', 60],
    ['max-age=999999 is lowered to maxTtl (1 h here)', 'max-age=999999', 3600],
    ['no max-age uses defaultTtl (120 s here)', undefined, 120],
    ['no-store keeps the key for minTtl only', 'no-store, max-age=3000', 60],
  ])('%s', async (_name, cacheControl, ttlSeconds) => {
    const c = clock();
    const path = `/users/ttl-${ttlSeconds}-${cacheControl ?? 'none'}`.replace(/[^a-z0-9/-]/gi, '');
    const keyId = serveActor(path, cacheControl);
    const keys = remote({ now: c.now, maxTtl: 3600, defaultTtl: 120 });
    await keys.resolve(keyId);
    c.advance(ttlSeconds - 1);
    await keys.resolve(keyId);
    expect(host.count(path)).toBe(1);
    c.advance(1);
    await keys.resolve(keyId);
    expect(host.count(path)).toBe(2);
  });

  test('time options are checked', () => {
    expect(() => new RemoteKeys({ minTtl: -1 })).toThrow(RangeError);
    expect(() => new RemoteKeys({ minTtl: 100, maxTtl: 10 })).toThrow(RangeError);
    expect(() => new RemoteKeys({ refreshInterval: Number.NaN })).toThrow(RangeError);
  });
});

describe('negative caching', () => {
  test('a failure is answered from the cache for negativeTtl, with the same code, then fetched again', async () => {
    const c = clock();
    host.routes.set('/users/gone', json({}, { status: 410 }));
    const keys = remote({ now: c.now, negativeTtl: 30 });
    const keyId = `${host.origin()}/users/gone#main-key`;
    await expect(keys.resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED', status: 410 });
    c.advance(29);
    await expect(keys.resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED', keyId });
    expect(host.count('/users/gone')).toBe(1);
    c.advance(1);
    await expect(keys.resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
    expect(host.count('/users/gone')).toBe(2);
  });

  test('a document without the key is remembered as unknown (null) for negativeTtl', async () => {
    const c = clock();
    const keyId = serveActor('/users/nokey').replace('#main-key', '#absent');
    const keys = remote({ now: c.now });
    await expect(keys.resolve(keyId)).resolves.toBeNull();
    await expect(keys.resolve(keyId)).resolves.toBeNull();
    expect(host.count('/users/nokey')).toBe(1);
  });

  test('a bad document is remembered too', async () => {
    host.routes.set('/users/html', json({}, { type: 'text/html' }));
    const keys = remote();
    const keyId = `${host.origin()}/users/html#k`;
    for (let i = 0; i < 3; i += 1) await expect(keys.resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_BAD_DOCUMENT' });
    expect(host.count('/users/html')).toBe(1);
  });
});

describe('one document per URL', () => {
  test('keyIds that differ only in their fragment share one fetch of the document; the fragment selects the key', async () => {
    const keyId = serveActor('/users/fragments');
    const keys = remote();
    await expect(keys.resolve(keyId)).resolves.toMatchObject({ pem: key.publicPem });
    for (let i = 0; i < 20; i += 1) await expect(keys.resolve(keyId.replace('#main-key', `#a${i}`))).resolves.toBeNull();
    expect(host.count('/users/fragments')).toBe(1);
  });

  test('a failed document is remembered by its URL too: other fragments get the same code without a fetch', async () => {
    host.routes.set('/users/gone-doc', json({}, { status: 410 }));
    const keys = remote();
    for (let i = 0; i < 10; i += 1) {
      await expect(keys.resolve(`${host.origin()}/users/gone-doc#k${i}`)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
    }
    expect(host.count('/users/gone-doc')).toBe(1);
  });

  test('the document is kept for its TTL and a refresh fetches it again', async () => {
    const c = clock();
    const keyId = serveActor('/users/doc-ttl', 'max-age=600');
    const keys = remote({ now: c.now, refreshInterval: 60 });
    await keys.resolve(keyId);
    c.advance(599);
    await keys.resolve(keyId.replace('#main-key', '#other'));
    expect(host.count('/users/doc-ttl')).toBe(1);
    await keys.refresh(keyId);
    expect(host.count('/users/doc-ttl')).toBe(2);
  });

  test('the owner document of key documents is fetched once for all its keys', async () => {
    const owner = `${host.origin()}/users/many-keys`;
    host.routes.set('/users/many-keys', json({ ...actor(owner, key), publicKey: [`${host.origin()}/keys/m1`, `${host.origin()}/keys/m2`] }));
    host.routes.set('/keys/m1', json({ id: `${host.origin()}/keys/m1`, owner, publicKeyPem: key.publicPem }));
    host.routes.set('/keys/m2', json({ id: `${host.origin()}/keys/m2`, owner, publicKeyPem: key.publicPem }));
    const keys = remote();
    await keys.resolve(`${host.origin()}/keys/m1`);
    await keys.resolve(`${host.origin()}/keys/m2`);
    expect(host.count('/users/many-keys')).toBe(1);
  });
});

describe('single-flight', () => {
  test('20 concurrent lookups of one keyId make one request', async () => {
    const id = `${host.origin()}/users/busy`;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let arrived: () => void = () => undefined;
    const request = new Promise<void>((resolve) => { arrived = resolve; });
    host.routes.set('/users/busy', (req, res) => { arrived(); void gate.then(() => json(actor(id, key))(req, res)); });
    const keys = remote();
    const all = Promise.all(Array.from({ length: 20 }, () => keys.resolve(`${id}#main-key`)));
    await request; // the host holds the one request until every lookup has started
    release();
    const results = await all;
    expect(new Set(results.map((r) => r?.pem))).toEqual(new Set([key.publicPem]));
    expect(host.count('/users/busy')).toBe(1);
  });

  test('concurrent lookups of a failing keyId share the one failure', async () => {
    host.routes.set('/users/fail', json({}, { status: 500 }));
    const keys = remote();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => keys.resolve(`${host.origin()}/users/fail#k`)));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(host.count('/users/fail')).toBe(1);
  });
});

describe('MemoryKeyCache', () => {
  test('holds at most maxEntries, evicting the least recently used', () => {
    const cache = new MemoryKeyCache({ maxEntries: 2 });
    const entry = (keyId: string) => ({ keyId, error: 'ERR_UNKNOWN_KEY' as const, fetchedAt: 0, expiresAt: 100 });
    cache.set(entry('a'));
    cache.set(entry('b'));
    expect(cache.get('a', 1)).toBeDefined(); // a is now the most recent
    cache.set(entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.get('a', 100)).toBeUndefined(); // expired
    expect(() => new MemoryKeyCache({ maxEntries: 0 })).toThrow(RangeError);
  });

  test('keeps at most maxFailuresPerOrigin failures per origin: one host\'s made-up keyIds cannot push other keys out', () => {
    const cache = new MemoryKeyCache({ maxEntries: 10, maxFailuresPerOrigin: 3 });
    const failure = (keyId: string) => ({ keyId, error: 'ERR_UNKNOWN_KEY' as const, fetchedAt: 0, expiresAt: 100 });
    cache.set({ keyId: 'https://good.example/users/a#main-key', kind: 'rsa', pem: key.publicPem, fetchedAt: 0, expiresAt: 100 });
    cache.set(failure('https://other.example/x'));
    for (let i = 0; i < 50; i += 1) cache.set(failure(`https://noisy.example/users/a#k${i}`));
    expect(cache.size).toBe(5); // the key, other.example's failure, the last 3 of noisy.example
    expect(cache.get('https://good.example/users/a#main-key', 1)).toMatchObject({ pem: key.publicPem });
    expect(cache.get('https://other.example/x', 1)).toBeDefined();
    expect(cache.get('https://noisy.example/users/a#k46', 1)).toBeUndefined();
    expect(cache.get('https://noisy.example/users/a#k49', 1)).toBeDefined();
    expect(() => new MemoryKeyCache({ maxFailuresPerOrigin: 0 })).toThrow(RangeError);
  });
});

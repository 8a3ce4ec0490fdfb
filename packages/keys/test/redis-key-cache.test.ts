// The Redis key cache against a real redis-server: verifiers share fetched keys; a garbled or poisoned value is
// ignored and the key fetched; Redis being down only costs fetches.
import Redis from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createServer, type Socket } from 'node:net';
import { listenOnLoopback } from '../../../test-support/loopback.mjs';
import { RedisKeyCache, RemoteKeys, type RemoteKeysOptions } from '../src/index.js';
import { startRedis, type RedisServer } from '../../../test-support/redis-server.mjs';
import { actor, certificateForTestHosts, ed25519Key, guardFor, json, rsaKey, startActorHost, type ActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let redis: RedisServer;
let client: Redis;
let key: TestKey;
let prefixCount = 0;
let prefix = '';
beforeAll(async () => {
  [host, redis] = await Promise.all([startActorHost(tls), startRedis()]);
  client = new Redis({ host: '127.0.0.1', port: redis.port });
  key = rsaKey();
});
afterAll(async () => {
  await client.quit();
  await Promise.all([host.close(), redis.stop()]);
});
beforeEach(() => {
  host.routes.clear();
  host.requests.length = 0;
  prefixCount += 1;
  prefix = `t${prefixCount}:`;
});

/** One verifier process: its own memory cache, the shared Redis cache. */
const verifier = (options: RemoteKeysOptions = {}): RemoteKeys =>
  new RemoteKeys({ ...guardFor(host, tls.cert), sharedCache: new RedisKeyCache({ client, prefix }), ...options });

function serve(path: string, served: TestKey = key, cacheControl = 'max-age=600'): string {
  const id = `${host.origin()}${path}`;
  host.routes.set(path, json(actor(id, served), { cacheControl }));
  return `${id}#main-key`;
}

test('a key fetched by one verifier is used by another without fetching; Redis holds the extracted key, not the document', async () => {
  const keyId = serve('/users/shared');
  expect((await verifier().resolve(keyId))?.pem).toBe(key.publicPem);
  expect((await verifier().resolve(keyId))?.pem).toBe(key.publicPem);
  expect(host.count('/users/shared')).toBe(1);
  const stored = JSON.parse(await client.get(`${prefix}${keyId}`) as string) as Record<string, unknown>;
  expect(Object.keys(stored).sort()).toEqual(['expiresAt', 'fetchedAt', 'keyId', 'kind', 'owner', 'pem']);
  expect(stored.kind).toBe('rsa');
  const ttl = await client.pttl(`${prefix}${keyId}`);
  expect(ttl).toBeGreaterThan(590_000);
  expect(ttl).toBeLessThanOrEqual(600_000);
});

test('ioredis 6 (the other supported major) shares a fetched key the same way', async () => {
  const client6 = new Redis6({ host: '127.0.0.1', port: redis.port });
  try {
    const keyId = serve('/users/shared-6');
    const viaSix = (): RemoteKeys => new RemoteKeys({ ...guardFor(host, tls.cert), sharedCache: new RedisKeyCache({ client: client6, prefix }) });
    expect((await viaSix().resolve(keyId))?.pem).toBe(key.publicPem);
    expect((await viaSix().resolve(keyId))?.pem).toBe(key.publicPem);
    expect((await verifier().resolve(keyId))?.pem).toBe(key.publicPem);
    expect(host.count('/users/shared-6')).toBe(1);
  } finally {
    await client6.quit();
  }
});

test('a failure is shared too (negative caching across verifiers)', async () => {
  host.routes.set('/users/missing', json({}, { status: 404 }));
  const keyId = `${host.origin()}/users/missing#main-key`;
  await expect(verifier().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
  await expect(verifier().resolve(keyId)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
  expect(host.count('/users/missing')).toBe(1);
});

describe('a garbled or poisoned Redis value is ignored: the key is fetched and the value replaced', () => {
  const other = ed25519Key();
  const now = Date.now();
  const cases: Array<[string, (keyId: string) => string]> = [
    ['not JSON', () => '{"pem":'],
    ['JSON of another shape', () => '[1,2,3]'],
    ['an entry for another keyId', (keyId) => JSON.stringify({ keyId: `${keyId}x`, kind: 'ed25519', pem: other.publicPem, fetchedAt: now, expiresAt: now + 600_000 })],
    ['a PEM of another kind than claimed', (keyId) => JSON.stringify({ keyId, kind: 'rsa', pem: other.publicPem, fetchedAt: now, expiresAt: now + 600_000 })],
    ['a PEM that is not a key', (keyId) => JSON.stringify({ keyId, kind: 'rsa', pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', fetchedAt: now, expiresAt: now + 600_000 })],
    ['a private key', (keyId) => JSON.stringify({ keyId, kind: 'ed25519', pem: other.privatePem, fetchedAt: now, expiresAt: now + 600_000 })],
    ['an expired entry', (keyId) => JSON.stringify({ keyId, kind: 'ed25519', pem: other.publicPem, fetchedAt: now - 700_000, expiresAt: now - 100_000 })],
    ['an unknown error code', (keyId) => JSON.stringify({ keyId, error: 'ERR_SOMETHING', fetchedAt: now, expiresAt: now + 600_000 })],
  ];
  test.each(cases)('%s', async (name, value) => {
    const path = `/users/${name.replace(/\W+/g, '-')}`;
    const keyId = serve(path);
    await client.set(`${prefix}${keyId}`, value(keyId));
    expect((await verifier().resolve(keyId))?.pem).toBe(key.publicPem);
    expect(host.count(path)).toBe(1);
    const replaced = JSON.parse(await client.get(`${prefix}${keyId}`) as string) as { pem: string };
    expect(replaced.pem).toBe(key.publicPem);
  });
});

test('an entry read from Redis lives no longer here than this verifier\'s own bounds (maxTtl, negativeTtl)', async () => {
  let t = Date.now();
  const now = (): number => t;
  const keyId = serve('/users/forever');
  const keys = verifier({ now, maxTtl: 600 });
  await client.set(`${prefix}${keyId}`, JSON.stringify({ keyId, kind: 'rsa', pem: key.publicPem, fetchedAt: t, expiresAt: t + 365 * 86_400_000 }));
  await keys.resolve(keyId);
  expect(host.count('/users/forever')).toBe(0);
  t += 601_000;
  await client.del(`${prefix}${keyId}`);
  await keys.resolve(keyId);
  expect(host.count('/users/forever')).toBe(1);
  const failing = `${host.origin()}/users/failing-forever#k`;
  await client.set(`${prefix}${failing}`, JSON.stringify({ keyId: failing, error: 'ERR_KEY_FETCH_FAILED', fetchedAt: t, expiresAt: t + 365 * 86_400_000 }));
  await expect(keys.resolve(failing)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
  t += 61_000;
  await client.del(`${prefix}${failing}`);
  host.routes.set('/users/failing-forever', json(actor(`${host.origin()}/users/failing-forever`, key)));
  await expect(keys.resolve(failing)).resolves.toBeNull(); // fetched: the actor has no key #k
});

test('a rotated key refetched by one verifier is taken from Redis by another on refresh, without fetching', async () => {
  let t = Date.now();
  const now = (): number => t;
  const keyId = serve('/users/rotor');
  const a = verifier({ now });
  const b = verifier({ now });
  await a.resolve(keyId);
  await b.resolve(keyId);
  const rotated = rsaKey();
  serve('/users/rotor', rotated);
  t += 61_000;
  expect(await a.refresh(keyId)).toBe(true);
  expect(host.count('/users/rotor')).toBe(2);
  expect(await b.refresh(keyId)).toBe(true);
  expect(host.count('/users/rotor')).toBe(2);
  expect((await b.resolve(keyId))?.pem).toBe(rotated.publicPem);
});

test('with Redis not answering, keys are still fetched and verification goes on (after the cache timeout)', async () => {
  // A TCP server that accepts and never answers: a hung Redis, met by the real client.
  const sockets: Socket[] = [];
  const tarpit = createServer((socket) => { sockets.push(socket); });
  const listening = await listenOnLoopback(tarpit as never);
  const hung = new Redis({ host: '127.0.0.1', port: listening.port, maxRetriesPerRequest: 0, enableReadyCheck: false });
  hung.on('error', () => undefined);
  try {
    const keyId = serve('/users/noredis');
    const keys = new RemoteKeys({ ...guardFor(host, tls.cert), sharedCache: new RedisKeyCache({ client: hung, timeout: 200 }) });
    expect((await keys.resolve(keyId))?.pem).toBe(key.publicPem);
    expect(host.count('/users/noredis')).toBe(1);
  } finally {
    hung.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => tarpit.close(resolve));
  }
});

test('RedisKeyCache checks its options', () => {
  expect(() => new RedisKeyCache({ client: {} as never })).toThrow(TypeError);
  expect(() => new RedisKeyCache({ client, timeout: 0 })).toThrow(RangeError);
});

// The fetch budget of a lookup: at most `fetchesPerOrigin` fetches per origin per `fetchWindow` (a token bucket on
// the lookup's clock) and at most `maxConcurrentFetches` running at once; over it, ERR_KEY_FETCH_RATE_LIMITED
// without fetching, not remembered as a failure. Real https actor host on loopback.
import type { ServerResponse } from 'node:http';
import { KeyFetchRateLimitedError, RemoteKeys, remoteKeyLookup, type RemoteKeysOptions } from '../src/index.js';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, useActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const key: TestKey = rsaKey();

const remote = (options: RemoteKeysOptions): RemoteKeys => new RemoteKeys({ ...guardFor(host, tls.cert), ...options });

function serveActors(count: number, name = 'actor.test'): string[] {
  const keyIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `${host.origin(name)}/users/u${i}`;
    host.routes.set(`${name} /users/u${i}`, json(actor(id, key)));
    keyIds.push(`${id}#main-key`);
  }
  return keyIds;
}

test('an origin\'s fetches beyond fetchesPerOrigin in the window are refused without fetching, then allowed as the bucket refills', async () => {
  let t = 1_800_000_000_000;
  const keys = remote({ fetchesPerOrigin: 2, fetchWindow: 60, now: () => t });
  const [a, b, c] = serveActors(3);
  await keys.resolve(a as string);
  await keys.resolve(b as string);
  const error = await keys.resolve(c as string).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(KeyFetchRateLimitedError);
  expect(error).toMatchObject({ code: 'ERR_KEY_FETCH_RATE_LIMITED', keyId: c });
  expect(host.count('/users/u2')).toBe(0);
  // another origin has its own bucket
  const [other] = serveActors(1, 'other.test');
  await expect(keys.resolve(other as string)).resolves.toMatchObject({ pem: key.publicPem });
  // not remembered as a failure: once a token is back (window / fetchesPerOrigin = 30 s), the key is fetched
  t += 29_000;
  await expect(keys.resolve(c as string)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_RATE_LIMITED' });
  t += 1_000;
  await expect(keys.resolve(c as string)).resolves.toMatchObject({ pem: key.publicPem });
  expect(host.count('/users/u2')).toBe(1);
});

test('cached keys cost no budget', async () => {
  const keys = remote({ fetchesPerOrigin: 1 });
  const [a] = serveActors(1);
  for (let i = 0; i < 5; i += 1) await keys.resolve(a as string);
  expect(host.count('/users/u0')).toBe(1);
});

test('beyond maxConcurrentFetches running fetches, another fetch is refused at once', async () => {
  const held: ServerResponse[] = [];
  const slow = `${host.origin()}/users/slow`;
  host.routes.set('actor.test /users/slow', (_req, res) => { held.push(res); });
  const [other] = serveActors(1, 'other.test');
  const keys = remote({ maxConcurrentFetches: 1 });
  const first = keys.resolve(`${slow}#main-key`);
  while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
  await expect(keys.resolve(other as string)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_RATE_LIMITED' });
  expect(host.count('/users/u0')).toBe(0);
  json(actor(slow, key))(undefined as never, held[0] as ServerResponse);
  await expect(first).resolves.toMatchObject({ pem: key.publicPem });
  await expect(keys.resolve(other as string)).resolves.toMatchObject({ pem: key.publicPem });
});

test('one request naming many keyIds on one host: fetches stop at the budget (the lookup refuses the rest)', async () => {
  const keyLookup = remoteKeyLookup({ ...guardFor(host, tls.cert), scheme: 'rfc9421', fetchesPerOrigin: 4 });
  const codes: string[] = [];
  for (let i = 0; i < 16; i += 1) {
    await Promise.resolve(keyLookup(`${host.origin()}/k${i}`, {})).catch((e: { code: string }) => { codes.push(e.code); });
  }
  expect(host.requests).toHaveLength(4);
  expect(codes.filter((c) => c === 'ERR_KEY_FETCH_RATE_LIMITED')).toHaveLength(12);
});

test('budget options out of range are a RangeError', () => {
  expect(() => remote({ fetchesPerOrigin: 0 })).toThrow(RangeError);
  expect(() => remote({ maxConcurrentFetches: 1.5 })).toThrow(RangeError);
  expect(() => remote({ fetchWindow: 0 })).toThrow(RangeError);
});

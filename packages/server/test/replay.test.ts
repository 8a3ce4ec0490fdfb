// Replay protection: the bounded in-memory store and the Redis store, through every server kind.
import { sign } from '@httpsig/core';
import { MemoryReplayStore, RedisReplayStore, expressMiddleware, fastifyPlugin } from '../src/index.js';
import Fastify from 'fastify';
import type { ReplayEntry, ReplayStore, VerificationFailedEvent } from '../src/index.js';
import { startRedis, type RedisServer } from '../../../test-support/redis-server.mjs';
import { HMAC_KEY_ID, SECRET, entryAt, keyLookup, send, signFor, signedSend } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';
import Redis from 'ioredis';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

describe.each(SERVER_KINDS)('in-memory replay protection, %s server', (kind) => {
  let server: Running;
  const failures: VerificationFailedEvent[] = [];
  beforeAll(async () => {
    server = await startServer(kind, { keyLookup, replay: new MemoryReplayStore({ maxEntries: 1000 }), onError: (e) => { failures.push(e); } });
  });
  afterAll(async () => { await server.close(); });

  test('the same signed request is accepted once, then refused as a replay', async () => {
    const headers = await signFor(server.url, { path: '/transfer?to=bob' });
    const first = await send(server.url, { path: '/transfer?to=bob', headers });
    const second = await send(server.url, { path: '/transfer?to=bob', headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(second.json.code).toBe('ERR_SIGNATURE_REPLAYED');
    expect(second.headers['www-authenticate']).toMatch(/^Signature realm="api"/);
    expect(failures.at(-1)).toEqual({ code: 'ERR_SIGNATURE_REPLAYED', keyId: HMAC_KEY_ID, status: 401 });
  });

  test('a replayed POST with its body is refused too', async () => {
    const request = { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"n":1}' };
    const headers = await signFor(server.url, request);
    expect((await send(server.url, { ...request, headers })).status).toBe(200);
    expect((await send(server.url, { ...request, headers })).json.code).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('distinct signatures in the same second are all accepted', async () => {
    const answers = await Promise.all([1, 2, 3].map((n) => signedSend(server.url, { path: `/n/${n}` })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  });

  test('a forged signature does not burn the slot of the genuine one', async () => {
    const headers = await signFor(server.url, { path: '/once' });
    const forged = { ...headers, authorization: (headers.authorization ?? '').replace(/signature="[^"]+"/, 'signature="AAAA"') };
    expect((await send(server.url, { path: '/once', headers: forged })).json.code).toBe('ERR_SIGNATURE_MISMATCH');
    expect((await send(server.url, { path: '/once', headers })).status).toBe(200);
  });
});

describe('replay protection policy', () => {
  test('`replay: true` uses the process-wide store', async () => {
    const server = await startServer('node', { keyLookup, replay: true });
    try {
      const headers = await signFor(server.url, { path: '/default-store' });
      expect((await send(server.url, { path: '/default-store', headers })).status).toBe(200);
      expect((await send(server.url, { path: '/default-store', headers })).json.code).toBe('ERR_SIGNATURE_REPLAYED');
    } finally { await server.close(); }
  });

  test('a signature bounded by nothing in time cannot be replay-checked and is refused', async () => {
    const server = await startServer('express', { keyLookup, replay: true, requiredHeaders: ['(request-target)'] });
    try {
      const answer = await signedSend(server.url, { path: '/timeless' }, { headers: ['(request-target)', 'host'] });
      expect(answer.json).toMatchObject({ code: 'ERR_HEADER_NOT_SIGNED' });
      expect(answer.json.message).toContain('"date"');
    } finally { await server.close(); }
  });

  test('a signature bounded only by an old (created) is expired (core only checks its future side)', async () => {
    const server = await startServer('fastify', { keyLookup, requiredHeaders: ['(request-target)'] });
    try {
      const now = Math.floor(Date.now() / 1000);
      const old = await signedSend(server.url, { path: '/c' }, { headers: ['(request-target)', '(created)'], created: now - 3600 });
      expect(old.json.code).toBe('ERR_SIGNATURE_EXPIRED');
      const fresh = await signedSend(server.url, { path: '/c' }, { headers: ['(request-target)', '(created)'], created: now });
      expect(fresh.status).toBe(200);
    } finally { await server.close(); }
  });

  test('an entry lives through the whole validity window (expires + clock skew)', async () => {
    const store = new MemoryReplayStore({ maxEntries: 10 });
    const now = Date.now();
    const expires = Math.floor(now / 1000) + 2;
    const end = (expires + 300) * 1000; // expires + default skew
    const options = { keyLookup, replay: store, requiredHeaders: ['(request-target)'] };
    const early = await startServer('node', { ...options, now });
    const late = await startServer('node', { ...options, now: end - 1000 });
    try {
      const headers = await signFor(early.url, { path: '/e' }, { headers: ['(request-target)', '(expires)'], expires, now });
      expect((await send(early.url, { path: '/e', headers })).status).toBe(200);
      expect((await send(late.url, { path: '/e', headers })).json.code).toBe('ERR_SIGNATURE_REPLAYED');
    } finally {
      await early.close();
      await late.close();
    }
  });
});

describe('replay window cap (maxReplayWindow)', () => {
  const options = { keyLookup, requiredHeaders: ['(request-target)'] };
  const sendExpiring = async (url: string, path: string, expires: number): Promise<Awaited<ReturnType<typeof send>>> => {
    const headers = await signFor(url, { path }, { headers: ['(request-target)', '(expires)'], expires });
    return send(url, { path, headers });
  };

  test.each(SERVER_KINDS)('%s server: a far-future expires is refused before anything is stored; within the window it is kept', async (kind) => {
    const store = new MemoryReplayStore({ maxEntries: 10 });
    const server = await startServer(kind, { ...options, replay: store });
    try {
      const now = Math.floor(Date.now() / 1000);
      const far = await sendExpiring(server.url, '/far', now + 10 * 365 * 24 * 3600);
      expect([far.status, far.json.code]).toEqual([401, 'ERR_REPLAY_WINDOW_TOO_LONG']);
      expect(far.json.message).toBe('The signature stays valid for longer than the server keeps replay records');
      expect(store.size).toBe(0);
      expect((await sendExpiring(server.url, '/ok', now + 3000)).status).toBe(200);
      expect(store.size).toBe(1);
    } finally { await server.close(); }
  });

  test('the default window is one hour: expires + clock skew may end exactly then, not a second later', async () => {
    const now = 1_800_000_000; // a fixed server clock, in seconds
    const server = await startServer('node', { ...options, replay: new MemoryReplayStore(), now: now * 1000 });
    try {
      const at = async (expires: number): Promise<Awaited<ReturnType<typeof send>>> => {
        const headers = await signFor(server.url, { path: '/edge' }, { headers: ['(request-target)', '(expires)'], expires, now: now * 1000 });
        return send(server.url, { path: '/edge', headers });
      };
      expect((await at(now + 3600 - 300 + 1)).json.code).toBe('ERR_REPLAY_WINDOW_TOO_LONG');
      expect((await at(now + 3600 - 300)).status).toBe(200);
    } finally { await server.close(); }
  });

  test('the window never refuses what the server\'s own clock policy accepts (2 × clockSkew + maxAge)', async () => {
    const now = Math.floor(Date.now() / 1000);
    // draft-cavage: a Date one skew ahead stays valid for two skews.
    const wideSkew = await startServer('express', { keyLookup, replay: new MemoryReplayStore(), clockSkew: 3000, now: now * 1000 });
    try {
      const ahead = (now + 2990) * 1000;
      const headers = await signFor(wideSkew.url, { path: '/ahead' }, { now: ahead });
      expect((await send(wideSkew.url, { path: '/ahead', headers })).status).toBe(200);
    } finally { await wideSkew.close(); }
    // RFC 9421 with maxAge over an hour and no expires.
    const secret = 'rfc9421-window-secret-0123456789';
    const longAge = await startServer('fastify', {
      scheme: 'rfc9421', replay: new MemoryReplayStore(), requiredComponents: ['@method', '@path'], maxAge: 2 * 3600,
      keyLookup: (keyId) => (keyId === 'w' ? { key: secret, algorithms: ['hmac-sha256'] } : null),
    });
    try {
      const { headers } = await sign({ method: 'GET', url: `${longAge.url}/aged`, headers: {} }, {
        scheme: 'rfc9421', keyId: 'w', key: secret, algorithm: 'hmac-sha256', headers: ['@method', '@path'],
      });
      expect((await send(longAge.url, { path: '/aged', headers })).status).toBe(200);
    } finally { await longAge.close(); }
  });

  test('express and fastify check maxReplayWindow when they are set up', async () => {
    expect(() => expressMiddleware({ keyLookup, maxReplayWindow: -1 })).toThrow(RangeError);
    expect(() => expressMiddleware({ keyLookup, maxReplayWindow: Number.NaN })).toThrow('maxReplayWindow must be a finite number');
    const app = Fastify();
    await expect(app.register(fastifyPlugin, { keyLookup, maxReplayWindow: Number.POSITIVE_INFINITY }).ready()).rejects.toThrow(RangeError);
    await app.close();
  });

  test('maxReplayWindow sets the window; without replay protection it does not apply', async () => {
    const now = Math.floor(Date.now() / 1000);
    const longer = await startServer('express', { ...options, replay: new MemoryReplayStore(), maxReplayWindow: 2 * 24 * 3600 });
    const shorter = await startServer('node', { ...options, replay: new MemoryReplayStore(), maxReplayWindow: 60 });
    const off = await startServer('fastify', { ...options, maxReplayWindow: 60 });
    try {
      expect((await sendExpiring(longer.url, '/day', now + 24 * 3600)).status).toBe(200);
      // 60 s is below 2 × clockSkew (600 s), which is the window then: expires + 300 s must end within 600 s.
      expect((await sendExpiring(shorter.url, '/minutes', now + 250)).status).toBe(200);
      expect((await sendExpiring(shorter.url, '/more', now + 400)).json.code).toBe('ERR_REPLAY_WINDOW_TOO_LONG');
      expect((await sendExpiring(off.url, '/minutes', now + 24 * 3600)).status).toBe(200);
    } finally {
      await longer.close();
      await shorter.close();
      await off.close();
    }
  });

  test('a bad maxReplayWindow is a RangeError (a server error, not a 401)', async () => {
    for (const maxReplayWindow of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const server = await startServer('node', { ...options, replay: new MemoryReplayStore(), maxReplayWindow });
      try {
        const now = Math.floor(Date.now() / 1000);
        const answer = await sendExpiring(server.url, '/bad', now + 60);
        expect(answer.status).toBe(500);
        expect(answer.json.code).toBeUndefined();
      } finally { await server.close(); }
    }
  });

  test('RFC 9421 without maxAge and with a far expires is refused; with maxAge the window is bounded by created', async () => {
    const secret = 'rfc9421-window-secret-0123456789';
    const rfc = {
      scheme: 'rfc9421' as const, replay: new MemoryReplayStore(), requiredComponents: ['@method', '@path'],
      keyLookup: (keyId: string | undefined) => (keyId === 'w' ? { key: secret, algorithms: ['hmac-sha256' as const] } : null),
    };
    const server = await startServer('express', rfc);
    const bounded = await startServer('express', { ...rfc, maxAge: 60 });
    try {
      const now = Math.floor(Date.now() / 1000);
      const signAt = async (url: string, path: string): Promise<Record<string, string>> => (await sign({ method: 'GET', url: `${url}${path}`, headers: {} }, {
        scheme: 'rfc9421', keyId: 'w', key: secret, algorithm: 'hmac-sha256', headers: ['@method', '@path'], created: now, expires: now + 30 * 24 * 3600,
      })).headers;
      const far = await send(server.url, { path: '/far', headers: await signAt(server.url, '/far') });
      expect(far.json.code).toBe('ERR_REPLAY_WINDOW_TOO_LONG');
      const capped = await send(bounded.url, { path: '/far', headers: await signAt(bounded.url, '/far') });
      expect(capped.status).toBe(200);
    } finally {
      await server.close();
      await bounded.close();
    }
  });
});

test('requireNonce: true asked of RFC 9421 (alone or under scheme auto) is kept with replay protection, not turned off', async () => {
  const secret = 'rfc9421-nonce-secret-0123456789ab';
  const rfc9421 = {
    requiredComponents: ['@method', '@path'], requireNonce: true,
    keyLookup: (keyId: string | undefined) => (keyId === 'n' ? { key: secret, algorithms: ['hmac-sha256' as const] } : null),
  };
  const alone = await startServer('node', { scheme: 'rfc9421', ...rfc9421, replay: new MemoryReplayStore() });
  const auto = await startServer('node', { scheme: 'auto', cavage: { keyLookup }, rfc9421, replay: new MemoryReplayStore() });
  try {
    for (const server of [alone, auto]) {
      const signAt = async (path: string, nonce?: string): Promise<Record<string, string>> => (await sign({ method: 'GET', url: `${server.url}${path}`, headers: {} }, {
        scheme: 'rfc9421', keyId: 'n', key: secret, algorithm: 'hmac-sha256', headers: ['@method', '@path'], ...(nonce === undefined ? {} : { nonce }),
      })).headers;
      const without = await send(server.url, { path: '/a', headers: await signAt('/a') });
      expect([without.status, without.json.code]).toEqual([401, 'ERR_HEADER_NOT_SIGNED']);
      expect((await send(server.url, { path: '/b', headers: await signAt('/b', 'n-1') })).status).toBe(200);
    }
  } finally {
    await alone.close();
    await auto.close();
  }
});

/** The same request with another keyId text (draft-cavage does not sign the keyId). */
function withKeyId(headers: Record<string, string>, keyId: string): Record<string, string> {
  const name = headers.authorization !== undefined ? 'authorization' : 'signature';
  return { ...headers, [name]: (headers[name] as string).replace(/keyId="[^"]*"/, `keyId="${keyId}"`) };
}

describe.each(SERVER_KINDS)('replay records are keyed on the key that verified, %s server', (kind) => {
  test('a lookup that normalises the keyId: another spelling of it is still a replay', async () => {
    const normalising: typeof keyLookup = (id, params) => keyLookup(id.trim().toLowerCase(), params);
    const server = await startServer(kind, { keyLookup: normalising, replay: new MemoryReplayStore() });
    try {
      const headers = await signFor(server.url, { path: '/pay' });
      expect((await send(server.url, { path: '/pay', headers })).status).toBe(200);
      for (const variant of [HMAC_KEY_ID.toUpperCase(), ` ${HMAC_KEY_ID}`, `${HMAC_KEY_ID} `]) {
        const replay = await send(server.url, { path: '/pay', headers: withKeyId(headers, variant) });
        expect(replay.json.code).toBe('ERR_SIGNATURE_REPLAYED');
      }
    } finally { await server.close(); }
  });

  test('a single-key server: a replay under any keyId is refused', async () => {
    const server = await startServer(kind, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'] }), replay: new MemoryReplayStore() });
    try {
      const headers = await signFor(server.url, { path: '/pay' });
      expect((await send(server.url, { path: '/pay', headers })).status).toBe(200);
      expect((await send(server.url, { path: '/pay', headers: withKeyId(headers, 'someone-else') })).json.code).toBe('ERR_SIGNATURE_REPLAYED');
    } finally { await server.close(); }
  });
});

describe('a key holder cannot fill the replay store for everyone', () => {
  const OTHER_SECRET = 'another-client-secret-0123456789abcdef';
  const twoKeys: typeof keyLookup = (id, params) => (id === 'other' ? { key: OTHER_SECRET, algorithms: ['hmac-sha256'] } : keyLookup(id, params));

  test.each(SERVER_KINDS)('memory store, %s server: over its share one key gets 503, another key still gets through', async (kind) => {
    const server = await startServer(kind, { keyLookup: twoKeys, replay: new MemoryReplayStore({ maxEntries: 8, maxEntriesPerKey: 3 }) });
    try {
      const flood = [];
      for (let i = 0; i < 4; i++) flood.push((await signedSend(server.url, { path: `/flood/${i}` })).status);
      expect(flood).toEqual([200, 200, 200, 503]);
      const other = await signedSend(server.url, { path: '/other' }, { keyId: 'other', key: OTHER_SECRET });
      expect(other.status).toBe(200);
    } finally { await server.close(); }
  });

  test('MemoryReplayStore: default share is a quarter; expired entries give it back', () => {
    const store = new MemoryReplayStore({ maxEntries: 8 });
    expect(store.maxEntriesPerKey).toBe(2);
    expect(store.record(entryAt('a1', 100, 0, 'A'))).toBe('stored');
    expect(store.record(entryAt('a2', 200, 0, 'A'))).toBe('stored');
    expect(() => store.record(entryAt('a3', 100, 0, 'A'))).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_STORE_UNAVAILABLE' }) as Error);
    expect(store.record(entryAt('b1', 100, 0, 'B'))).toBe('stored');
    expect(store.record(entryAt('a3', 300, 150, 'A'))).toBe('stored'); // a1 expired at 100
    expect(store.rejections).toBe(1);
    expect(() => new MemoryReplayStore({ maxEntriesPerKey: 0 })).toThrow(RangeError);
  });
});

describe('MemoryReplayStore', () => {
  test('refuses a key until it expires, then accepts it again', () => {
    const store = new MemoryReplayStore({ maxEntries: 4 });
    expect(store.record(entryAt('a', 1000, 0))).toBe('stored');
    expect(store.record(entryAt('a', 1000, 999))).toBe('replayed');
    expect(store.record(entryAt('a', 2000, 1000))).toBe('stored');
    expect(store.record(entryAt('a', 2000, 1500))).toBe('replayed');
  });

  test('stays bounded and never forgets an unexpired entry: full of live entries, a new key throws', () => {
    const store = new MemoryReplayStore({ maxEntries: 1000 });
    for (let i = 0; i < 1000; i++) expect(store.record(entryAt(`k${i}`, 10_000, 0))).toBe('stored');
    for (let i = 0; i < 50; i++) {
      expect(() => store.record(entryAt(`flood${i}`, 10_000, 1))).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_STORE_UNAVAILABLE' }) as Error);
    }
    expect(store.size).toBe(1000);
    expect(store.rejections).toBe(50);
    for (let i = 0; i < 1000; i++) expect(store.record(entryAt(`k${i}`, 10_000, 2))).toBe('replayed');
    // Once the window has passed, the slots are reused.
    for (let i = 0; i < 1000; i++) expect(store.record(entryAt(`later${i}`, 20_000, 10_000))).toBe('stored');
    expect(store.size).toBe(1000);
  });

  test('an expired entry is reclaimed even behind longer-lived older ones (ordered by expiry)', () => {
    const store = new MemoryReplayStore({ maxEntries: 3 });
    expect(store.record(entryAt('long', 1_000_000, 0))).toBe('stored');
    expect(store.record(entryAt('short', 10, 0))).toBe('stored');
    expect(store.record(entryAt('mid', 5000, 0))).toBe('stored');
    expect(store.record(entryAt('new', 6000, 20))).toBe('stored'); // 'short' expired: its slot is reused
    expect(() => store.record(entryAt('more', 6000, 20))).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_STORE_UNAVAILABLE' }) as Error);
    expect(store.record(entryAt('long', 1_000_000, 20))).toBe('replayed');
    expect(store.record(entryAt('mid', 5000, 4999))).toBe('replayed');
    expect(store.record(entryAt('new', 6000, 5999))).toBe('replayed');
    // An expired key re-added moves to its new place in the order.
    expect(store.record(entryAt('mid', 7000, 5000))).toBe('stored');
    expect(store.record(entryAt('more', 8000, 6000))).toBe('stored'); // 'new' expired at 6000
    expect(store.record(entryAt('mid', 7000, 6999))).toBe('replayed');
    expect(store.record(entryAt('more', 8000, 7999))).toBe('replayed');
  });

  test('through a server: a flood of fresh signatures cannot flush a victim\'s entry; it is refused with 503', async () => {
    const store = new MemoryReplayStore({ maxEntries: 2, maxEntriesPerKey: 2 });
    const events: VerificationFailedEvent[] = [];
    const server = await startServer('express', { keyLookup, replay: store, onError: (e) => { events.push(e); } });
    try {
      const victim = await signFor(server.url, { path: '/victim' });
      expect((await send(server.url, { path: '/victim', headers: victim })).status).toBe(200);
      expect((await signedSend(server.url, { path: '/attacker/1' })).status).toBe(200);
      const flood = await signedSend(server.url, { path: '/attacker/2' });
      expect(flood.status).toBe(503);
      expect(flood.json.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      const replay = await send(server.url, { path: '/victim', headers: victim });
      expect(replay.status).toBe(401);
      expect(replay.json.code).toBe('ERR_SIGNATURE_REPLAYED');
      expect(events.map((e) => e.code)).toEqual(['ERR_REPLAY_STORE_UNAVAILABLE', 'ERR_SIGNATURE_REPLAYED']);
    } finally { await server.close(); }
  });

  test('expired entries are dropped as new ones arrive (no eviction counted)', () => {
    const store = new MemoryReplayStore({ maxEntries: 100 });
    for (let i = 0; i < 100; i++) store.record(entryAt(`old${i}`, 50, 0));
    for (let i = 0; i < 100; i++) store.record(entryAt(`new${i}`, 500, 100));
    expect(store.size).toBe(100);
    expect(store.rejections).toBe(0);
    for (let i = 0; i < 100; i++) expect(store.record(entryAt(`new${i}`, 500, 200))).toBe('replayed');
  });

  test('clear() forgets everything; bad capacities are refused', () => {
    const store = new MemoryReplayStore({ maxEntries: 2 });
    store.record(entryAt('x', 10, 0));
    store.clear();
    expect(store.size).toBe(0);
    expect(store.record(entryAt('x', 10, 0))).toBe('stored');
    expect(() => new MemoryReplayStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new MemoryReplayStore({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe('one replay contract', () => {
  test('a store of a former contract (add, checkAndStore) is refused when the middleware is set up, never used', async () => {
    for (const replay of [{ add: () => true }, { checkAndStore: () => true }, {}] as unknown as ReplayStore[]) {
      expect(() => expressMiddleware({ keyLookup, replay })).toThrow(TypeError);
      const app = Fastify();
      await expect(app.register(fastifyPlugin, { keyLookup, replay }).ready()).rejects.toThrow(TypeError);
      await app.close();
    }
  });

  test('a custom record(entry) store gets what core records, in Unix ms, for both schemes', async () => {
    const entries: ReplayEntry[] = [];
    const replay: ReplayStore = { record: async (entry) => { entries.push(entry); return entries.length > 1 ? 'replayed' : 'stored'; } };
    const server = await startServer('express', { keyLookup, replay });
    try {
      const before = Date.now();
      expect((await signedSend(server.url, { path: '/a' })).status).toBe(200);
      const again = await signedSend(server.url, { path: '/b' });
      expect([again.status, again.json.code]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
      const [first] = entries as [ReplayEntry];
      expect(first.now).toBeGreaterThanOrEqual(before);
      // A Date-bounded signature: kept through the last second of Date + clockSkew (300 s).
      expect(first.expiresAt - first.now).toBeGreaterThan(299_000);
      expect(first.expiresAt - first.now).toBeLessThanOrEqual(301_001);
    } finally { await server.close(); }
  });
});

describe('Redis replay store (real redis-server)', () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis({ host: '127.0.0.1', port: redis.port });
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  test.each(SERVER_KINDS)('%s server: a replay is refused; the key expires with the validity window', async (kind) => {
    const server = await startServer(kind, { keyLookup, clockSkew: 30, replay: new RedisReplayStore({ client, prefix: `t:${kind}:` }) });
    try {
      const headers = await signFor(server.url, { path: '/r' });
      expect((await send(server.url, { path: '/r', headers })).status).toBe(200);
      const again = await send(server.url, { path: '/r', headers });
      expect(again.json.code).toBe('ERR_SIGNATURE_REPLAYED');
      const keys = (await client.keys(`t:${kind}:*`)).filter((k) => !k.startsWith(`t:${kind}:owner:`));
      expect(keys).toHaveLength(1);
      // The key's counter of records (its share) expires with its last record.
      const [owner] = await client.keys(`t:${kind}:owner:*`);
      expect(await client.zcard(owner as string)).toBe(1);
      expect(await client.pttl(owner as string)).toBeLessThanOrEqual(30_000);
      const ttl = await client.pttl(keys[0] as string);
      expect(ttl).toBeGreaterThan(25_000); // Date (≤ 1 s old) + 30 s skew
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally { await server.close(); }
  });

  test('two server processes sharing Redis: a signature accepted by one is refused by the other', async () => {
    const fixture = path.join(__dirname, 'fixtures', 'replay-server.mjs');
    const children: ChildProcessWithoutNullStreams[] = [];
    const startChild = (kind: string): Promise<string> => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [fixture, kind, String(redis.port), SECRET]);
      children.push(child);
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 15_000);
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /LISTENING (\S+)/.exec(out);
        if (match) { clearTimeout(timer); resolve(match[1] as string); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited ${String(code)}: ${err}`)); });
    });
    try {
      const [a, b, c] = await Promise.all([startChild('express'), startChild('fastify'), startChild('node')]);
      const targets = [a, b, c] as string[];
      // The same Host for all three, as behind one load balancer.
      const signedFor = targets[0] as string;
      for (const [first, second] of [[0, 1], [1, 2], [2, 0]] as const) {
        const headers = await signFor(signedFor, { path: `/fleet/${first}` });
        const accepted = await send(targets[first] as string, { path: `/fleet/${first}`, headers });
        const replayed = await send(targets[second] as string, { path: `/fleet/${first}`, headers });
        expect(accepted.status).toBe(200);
        expect(replayed.status).toBe(401);
        expect(replayed.json.code).toBe('ERR_SIGNATURE_REPLAYED');
        expect(accepted.json.pid).not.toBe(process.pid);
      }
      // Concurrent: the same signature sent to all three at once is accepted exactly once.
      const headers = await signFor(signedFor, { path: '/race' });
      const answers = await Promise.all(targets.map((t) => send(t, { path: '/race', headers })));
      expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
      expect(answers.filter((x) => x.json.code === 'ERR_SIGNATURE_REPLAYED')).toHaveLength(2);
    } finally {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) { resolve(); return; }
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })));
    }
  });

  test('Redis down: fails closed with 503 ERR_REPLAY_STORE_UNAVAILABLE', async () => {
    const own = await startRedis();
    const ownClient = new Redis({ host: '127.0.0.1', port: own.port, maxRetriesPerRequest: 1 });
    const events: VerificationFailedEvent[] = [];
    const server = await startServer('express', {
      keyLookup, replay: new RedisReplayStore({ client: ownClient, timeout: 300 }), onError: (e) => { events.push(e); },
    });
    try {
      expect((await signedSend(server.url, { path: '/up' })).status).toBe(200);
      await own.stop();
      const down = await signedSend(server.url, { path: '/down' });
      expect(down.status).toBe(503);
      expect(down.json.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      expect(down.headers['www-authenticate']).toBeUndefined();
      expect(events).toEqual([{ code: 'ERR_REPLAY_STORE_UNAVAILABLE', keyId: HMAC_KEY_ID, status: 503 }]);
    } finally {
      ownClient.disconnect();
      await server.close();
    }
  });

  test('the store refuses a client without eval() and bad numbers', () => {
    expect(() => new RedisReplayStore({ client: {} as never })).toThrow(TypeError);
    expect(() => new RedisReplayStore({ client, timeout: 0 })).toThrow(RangeError);
    expect(() => new RedisReplayStore({ client, maxEntriesPerKey: 0 })).toThrow(RangeError);
  });

  test('a key over its share is refused (503) while another key is recorded; its share frees as records expire', async () => {
    const store = new RedisReplayStore({ client, prefix: 'share:', maxEntriesPerKey: 2 });
    expect(await store.record(entryAt('a1', 1_000, 0, 'A'))).toBe('stored');
    expect(await store.record(entryAt('a2', 60_000, 0, 'A'))).toBe('stored');
    await expect(store.record(entryAt('a3', 60_000, 0, 'A'))).rejects.toMatchObject({ code: 'ERR_REPLAY_STORE_UNAVAILABLE', cause: { message: expect.stringMatching(/share/) as string } });
    expect(await store.record(entryAt('b1', 60_000, 0, 'B'))).toBe('stored');
    expect(await store.record(entryAt('a1', 60_000, 0, 'A'))).toBe('replayed');
    // At 1 s a1 has expired (by the verifier's clock): A may record one more.
    expect(await store.record(entryAt('a3', 61_000, 1_000, 'A'))).toBe('stored');
    const server = await startServer('express', {
      keyLookup, replay: new RedisReplayStore({ client, prefix: 'share-http:', maxEntriesPerKey: 1 }),
    });
    try {
      expect((await signedSend(server.url, { path: '/one' })).status).toBe(200);
      const over = await signedSend(server.url, { path: '/two' });
      expect(over.status).toBe(503);
      expect(over.json.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    } finally { await server.close(); }
  });
});

describe('Redis eviction must not resurrect replays', () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis(['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru']);
    client = new Redis({ host: '127.0.0.1', port: redis.port });
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  test('under allkeys-lru, cache traffic evicts a record: without the check a refused replay is accepted again', async () => {
    const store = new RedisReplayStore({ client, prefix: 'ev:', checkEvictionPolicy: false });
    expect(await store.record(entryAt('victim', Date.now() + 60_000, Date.now()))).toBe('stored');
    expect(await store.record(entryAt('victim', Date.now() + 60_000, Date.now()))).toBe('replayed');
    // Cache traffic until Redis evicts the record (LRU is sampled: the oldest key goes soon, not at a set point).
    const filler = 'x'.repeat(10_000);
    for (let i = 0; i < 5000 && await client.exists('ev:victim') === 1; i++) await client.set(`cache:${i}`, filler);
    expect(await client.exists('ev:victim')).toBe(0);
    expect(await store.record(entryAt('victim', Date.now() + 60_000, Date.now()))).toBe('stored'); // the replay the check prevents
  });

  test('the store refuses to record under an evicting policy: ready() throws, a request gets 503', async () => {
    const store = new RedisReplayStore({ client, prefix: 'ev2:' });
    await expect(store.ready()).rejects.toThrow(/allkeys-lru/);
    await expect(store.record(entryAt('k', Date.now() + 60_000, Date.now()))).rejects.toMatchObject({ code: 'ERR_REPLAY_STORE_UNAVAILABLE', cause: { message: expect.stringMatching(/maxmemory-policy/) as string } });
    const server = await startServer('node', { keyLookup, replay: store });
    try {
      const answer = await signedSend(server.url, { path: '/x' });
      expect(answer.status).toBe(503);
      expect(answer.json.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      // Fixed at run time: the next request passes the check.
      await client.config('SET', 'maxmemory-policy', 'noeviction');
      expect((await signedSend(server.url, { path: '/y' })).status).toBe(200);
      await store.ready();
    } finally {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await server.close();
    }
  });

  test('CONFIG disabled (as on managed Redis): the check fails closed unless turned off', async () => {
    const noConfig = { eval: client.eval.bind(client), config: () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as never;
    await expect(new RedisReplayStore({ client: noConfig }).ready()).rejects.toThrow(/CONFIG GET/);
    const unchecked = new RedisReplayStore({ client: noConfig, prefix: 'ev3:', checkEvictionPolicy: false });
    await expect(unchecked.ready()).resolves.toBeUndefined();
    expect(await unchecked.record(entryAt('k', Date.now() + 60_000, Date.now()))).toBe('stored');
  });
});

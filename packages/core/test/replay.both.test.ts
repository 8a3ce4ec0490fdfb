// Replay records: keyed on the key that verified (not the unsigned keyId text) and the signed content, kept
// until the signature's validUntil; each key holds at most its share of a memory store.
import crypto from 'node:crypto';
import {
  MemoryReplayStore, createMemoryReplayStore, isHttpSignatureError, sign, verify,
  type ReplayStore, type VerifyOptions, type VerifyRfc9421Options,
} from '../src/index.js';
import { signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf } from './rfc9421-helpers.js';
import { codeOf } from './support/outcome.js';
import { entry, outcomeOf, recordingStore } from './support/replay-entries.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const SECRET = 'a-secret-of-the-server';

async function cavage(keyId = 'AK', key: string | Uint8Array = SECRET) {
  const request = { method: 'GET', url: '/x', headers: { host: 'h' } };
  const { headers } = await sign(request, { keyId, key, algorithm: 'hmac-sha256', now });
  return { ...request, headers: { ...request.headers, ...headers } };
}

/** The same request with another keyId text in its Signature header (keyId is not part of the signing string). */
function withKeyId<T extends { headers: Record<string, string> }>(request: T, keyId: string): T {
  const name = 'authorization' in request.headers ? 'authorization' : 'signature';
  return { ...request, headers: { ...request.headers, [name]: (request.headers[name] as string).replace(/keyId="[^"]*"/, `keyId="${keyId}"`) } };
}

describe('draft-cavage replay records', () => {
  test('a lookup that normalises the keyId cannot be used to replay under another spelling', async () => {
    const replayStore = createMemoryReplayStore();
    const keyLookup: VerifyOptions['keyLookup'] = (id) => (id.trim().toLowerCase() === 'ak' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null);
    const captured = await cavage('AK');
    await expect(verify(captured, { keyLookup, now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verify(captured, { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_REPLAYED');
    for (const variant of ['ak', 'Ak', ' AK', 'AK ']) {
      expect(await codeOf(verify(withKeyId(captured, variant), { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_REPLAYED');
    }
  });

  test('a single-key server: any keyId resolves to the key, none replays', async () => {
    const replayStore = createMemoryReplayStore();
    const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: new TextEncoder().encode(SECRET), algorithms: ['hmac-sha256'] });
    const captured = await cavage('client');
    await expect(verify(captured, { keyLookup, now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verify(withKeyId(captured, 'anything-else'), { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('the store gets a one-way record, the key identity and validUntil; never the secret', async () => {
    const replayStore = recordingStore();
    const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: SECRET, algorithms: ['hmac-sha256'] });
    const result = await verify(await cavage(), { keyLookup, now, replayStore });
    expect(result.validUntil).toBe(now / 1000 + 300);
    expect(replayStore.entries).toHaveLength(1);
    const [{ key: record, owner, expiresAt, now: clock }] = replayStore.entries as [{ key: string; owner: string; expiresAt: number; now: number }];
    // Kept through the whole last second, in milliseconds on the verifier's clock.
    expect(expiresAt).toBe((now / 1000 + 300) * 1000 + 1);
    expect(clock).toBe(now);
    expect(record).toMatch(/^[\w-]{43}$/);
    expect(owner).toMatch(/^[\w-]{43}$/);
    expect(`${record}${owner}`).not.toContain(SECRET);
    expect(`${record}${owner}`).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 10));
  });

  test('an explicit id names the key; two keys are two identities', async () => {
    const owners: string[] = [];
    const replayStore: ReplayStore = { record: ({ owner }) => { owners.push(owner); return 'stored'; } };
    const request = await cavage();
    await verify(request, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'], id: 'db-17' }), now, replayStore });
    await verify(request, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'], id: 'db-17' }), now, replayStore });
    await verify(request, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'] }), now, replayStore });
    const other = await cavage('AK', 'another-secret');
    await verify(other, { keyLookup: () => ({ key: 'another-secret', algorithms: ['hmac-sha256'] }), now, replayStore });
    expect(owners[0]).toBe(owners[1]);
    expect(new Set(owners).size).toBe(3);
  });

  test('a signature that nothing signed bounds in time is refused with a replay store', async () => {
    const request = { method: 'GET', url: '/x', headers: { host: 'h' } };
    const { headers } = await sign(request, { keyId: 'AK', key: SECRET, algorithm: 'hmac-sha256', now, headers: ['(request-target)', 'host'] });
    const options = { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256' as const] }), now, requiredHeaders: ['(request-target)'] };
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, options)).resolves.toMatchObject({ validUntil: undefined });
    const replayStore = createMemoryReplayStore();
    expect(await codeOf(verify({ ...request, headers: { ...request.headers, ...headers } }, { ...options, replayStore }))).toBe('ERR_HEADER_NOT_SIGNED');
  });
});

describe('RFC 9421 replay records', () => {
  const pair = crypto.generateKeyPairSync('ed25519');
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const signed = async (keyId: string) => {
    const request = { method: 'GET', url: 'https://example.com/x', headers: { host: 'example.com' } };
    const { headers } = await signRfc9421(request, { keyId, key: pair.privateKey, algorithm: 'ed25519', now, nonce: 'n1' });
    return { ...request, headers: { ...request.headers, ...headers } };
  };

  test('the same key as a KeyObject (public or private half) or a JWK is one identity; a replay is refused whichever the lookup returns', async () => {
    const replayStore = createMemoryReplayStore();
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const keys = [publicPem, pair.publicKey, pair.privateKey, { ...jwk }];
    const request = await signed('k');
    const options = (key: unknown): VerifyRfc9421Options => ({ keyLookup: () => ({ key: key as string, algorithms: ['ed25519'] }), now, replayStore });
    await expect(verifyRfc9421(request, options(keys[1]))).resolves.toBeDefined();
    for (const key of keys.slice(2)) expect(await codeOf(verifyRfc9421(request, options(key)))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('requireNonce: false records signatures without a nonce (keyed on the signature base)', async () => {
    const request = { method: 'GET', url: 'https://example.com/x', headers: { host: 'example.com' } };
    const { headers } = await signRfc9421(request, { keyId: 'k', key: pair.privateKey, algorithm: 'ed25519', now });
    const message = { ...request, headers: { ...request.headers, ...headers } };
    const replayStore = createMemoryReplayStore();
    const options: VerifyRfc9421Options = { keyLookup: () => ({ key: publicPem, algorithms: ['ed25519'] }), now, replayStore };
    expect(await codeOf(verifyRfc9421(message, options))).toBe('ERR_HEADER_NOT_SIGNED');
    await expect(verifyRfc9421(message, { ...options, requireNonce: false })).resolves.toBeDefined();
    expect(await codeOf(verifyRfc9421(message, { ...options, requireNonce: false }))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('a non-extractable CryptoKey needs an id for replay protection', async () => {
    const key = await crypto.webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), { name: 'Ed25519' }, false, ['verify']);
    const request = await signed('k');
    const lookup = (id?: string): VerifyRfc9421Options['keyLookup'] => () => ({ key: key as CryptoKey, algorithms: ['ed25519'], id });
    await expect(verifyRfc9421(request, { keyLookup: lookup(), now })).resolves.toBeDefined();
    const replayStore = createMemoryReplayStore();
    expect(await codeOf(verifyRfc9421(request, { keyLookup: lookup(), now, replayStore }))).toBe('ERR_INVALID_KEY');
    await expect(verifyRfc9421(request, { keyLookup: lookup('client-7'), now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verifyRfc9421(request, { keyLookup: lookup('client-7'), now, replayStore }))).toBe('ERR_SIGNATURE_REPLAYED');
  });
});

describe('createMemoryReplayStore per-key share', () => {
  test('a key over its share is refused while other keys are still recorded', () => {
    const store = createMemoryReplayStore({ maxEntries: 4, maxEntriesPerKey: 2 });
    expect(outcomeOf(store, entry('a1', 10, 0, 'A'))).toBe('stored');
    expect(outcomeOf(store, entry('a2', 10, 0, 'A'))).toBe('stored');
    expect(outcomeOf(store, entry('a3', 10, 0, 'A'))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(outcomeOf(store, entry('b1', 10, 0, 'B'))).toBe('stored');
    expect(outcomeOf(store, entry('b2', 10, 0, 'B'))).toBe('stored');
  });

  test('by default a key holds at most a quarter of the store', () => {
    const store = createMemoryReplayStore({ maxEntries: 8 });
    expect([1, 2, 3].map((i) => outcomeOf(store, entry(`a${i}`, 10, 0, 'A')))).toEqual(['stored', 'stored', 'ERR_REPLAY_STORE_UNAVAILABLE']);
    expect(outcomeOf(store, entry('b1', 10, 0, 'B'))).toBe('stored');
  });

  test('expired entries free the share', () => {
    const store = createMemoryReplayStore({ maxEntries: 4, maxEntriesPerKey: 1 });
    expect(outcomeOf(store, entry('a1', 10, 0, 'A'))).toBe('stored');
    expect(outcomeOf(store, entry('a2', 20, 0, 'A'))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(outcomeOf(store, entry('a2', 20, 11_000, 'A'))).toBe('stored');
    expect(() => createMemoryReplayStore({ maxEntriesPerKey: 0 })).toThrow(RangeError);
  });
});

describe('replayShare: keys one party controls share one share of the store', () => {
  test('keys minted by one party cannot each take a full share; another party keeps working', async () => {
    const replayStore = createMemoryReplayStore({ maxEntries: 8, maxEntriesPerKey: 2 });
    // Each keyId is its own secret (a fresh key, as anyone publishing keys could mint), all from one origin.
    const keyLookup: VerifyOptions['keyLookup'] = (id) => ({
      key: `secret-of-${id}`, algorithms: ['hmac-sha256'], replayShare: id.startsWith('mallory') ? 'https://mallory.example' : undefined,
    });
    const signed = async (keyId: string, path: string) => {
      const request = { method: 'GET', url: path, headers: { host: 'h' } };
      const { headers } = await sign(request, { keyId, key: `secret-of-${keyId}`, algorithm: 'hmac-sha256', now });
      return { ...request, headers: { ...request.headers, ...headers } };
    };
    expect(await codeOf(verify(await signed('mallory-1', '/a'), { keyLookup, now, replayStore }))).toBe('resolved');
    expect(await codeOf(verify(await signed('mallory-2', '/b'), { keyLookup, now, replayStore }))).toBe('resolved');
    // A third fresh key of the same party is over the party's share.
    expect(await codeOf(verify(await signed('mallory-3', '/c'), { keyLookup, now, replayStore }))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(await codeOf(verify(await signed('alice', '/a'), { keyLookup, now, replayStore }))).toBe('resolved');
    expect(await codeOf(verify(await signed('bob', '/a'), { keyLookup, now, replayStore }))).toBe('resolved');
    // The record still names the key: the same signed content from another key of the party is not a replay of it.
    const empty = createMemoryReplayStore({ maxEntries: 8, maxEntriesPerKey: 4 });
    const mintedA = await signed('mallory-a', '/same');
    const mintedB = await signed('mallory-b', '/same');
    expect(await codeOf(verify(mintedA, { keyLookup, now, replayStore: empty }))).toBe('resolved');
    expect(await codeOf(verify(mintedB, { keyLookup, now, replayStore: empty }))).toBe('resolved');
    expect(await codeOf(verify(mintedA, { keyLookup, now, replayStore: empty }))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('an empty replayShare is refused', async () => {
    const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: SECRET, algorithms: ['hmac-sha256'], replayShare: '' });
    expect(await codeOf(verify(await cavage(), { keyLookup, now, replayStore: createMemoryReplayStore() }))).toBe('ERR_INVALID_KEY');
  });
});

describe('the replay contract, for both schemes', () => {
  const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: SECRET, algorithms: ['hmac-sha256'] });
  const pair = crypto.generateKeyPairSync('ed25519');
  const rfc9421 = async (extra: { expires?: number } = {}) => {
    const request = { method: 'GET', url: 'https://example.com/x', headers: { host: 'example.com' } };
    const { headers } = await signRfc9421(request, { keyId: 'k', key: pair.privateKey, algorithm: 'ed25519', now, nonce: 'n1', ...extra });
    return { ...request, headers: { ...request.headers, ...headers } };
  };
  const rfc9421Lookup: VerifyRfc9421Options['keyLookup'] = () => ({ key: pair.publicKey, algorithms: ['ed25519'] });

  test('a store that throws (sync or async) fails closed with ERR_REPLAY_STORE_UNAVAILABLE, its error as the cause', async () => {
    const down = new Error('backend down');
    for (const replayStore of [{ record: () => { throw down; } }, { record: () => Promise.reject(down) }] as ReplayStore[]) {
      const cavageError = await verify(await cavage(), { keyLookup, now, replayStore }).then(() => undefined, (e: unknown) => e);
      expect(cavageError).toMatchObject({ code: 'ERR_REPLAY_STORE_UNAVAILABLE', keyId: 'AK', cause: down });
      const rfcError = await verifyRfc9421(await rfc9421(), { keyLookup: rfc9421Lookup, now, replayStore }).then(() => undefined, (e: unknown) => e);
      expect(rfcError).toMatchObject({ code: 'ERR_REPLAY_STORE_UNAVAILABLE', keyId: 'k', cause: down });
    }
  });

  test('a replay carries the keyId and is a ReplayedSignatureError', async () => {
    const replayStore: ReplayStore = { record: () => 'replayed' };
    await expect(verify(await cavage(), { keyLookup, now, replayStore })).rejects.toMatchObject({ name: 'ReplayedSignatureError', code: 'ERR_SIGNATURE_REPLAYED', keyId: 'AK' });
    await expect(verifyRfc9421(await rfc9421(), { keyLookup: rfc9421Lookup, now, replayStore })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_REPLAYED', keyId: 'k' });
  });

  test('maxReplayWindow refuses a signature valid for longer before anything is stored; never below 2 × skew + maxAge', async () => {
    const replayStore = recordingStore();
    const far = await rfc9421({ expires: now / 1000 + 7200 });
    expect(await codeOf(verifyRfc9421(far, { keyLookup: rfc9421Lookup, now, replayStore, maxReplayWindow: 3600 }))).toBe('ERR_REPLAY_WINDOW_TOO_LONG');
    expect(replayStore.entries).toHaveLength(0);
    // Valid until expires + one skew.
    await expect(verifyRfc9421(far, { keyLookup: rfc9421Lookup, now, replayStore, maxReplayWindow: 7200 + 300 })).resolves.toBeDefined();
    // A Date-bounded draft-cavage signature is valid for one skew (300 s); a window of 0 is raised to 2 × skew.
    await expect(verify(await cavage(), { keyLookup, now, replayStore, maxReplayWindow: 0 })).resolves.toBeDefined();
    expect(await codeOf(verify(await cavage(), { keyLookup, now, replayStore, maxReplayWindow: -1 }))).toBe('untyped RangeError: RangeError: maxReplayWindow must be a finite number of seconds, 0 or more');
  });
});

describe('RFC 9421 with the memory replay store: a live entry is never dropped', () => {
  const NOW = 1_700_000_000;
  const SKEW = 300;
  const edSign = pemOf('rfc9421-test-key-ed25519.private.pem');
  const lookup: VerifyRfc9421Options['keyLookup'] = (id) => (id === 'k' ? { key: pemOf('rfc9421-test-key-ed25519.public.pem'), algorithms: ['ed25519'] } : null);
  const request = { method: 'POST', url: 'https://example.com/foo?a=1', headers: { host: 'example.com', 'content-type': 'application/json' } };
  const signed = async (extra: { nonce?: string } = {}) => {
    const { headers } = await signRfc9421(request, { key: edSign, algorithm: 'ed25519', keyId: 'k', now: NOW * 1000, ...extra });
    return { ...request, headers: { ...request.headers, ...headers } };
  };
  const at = (seconds: number, extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options => ({ keyLookup: lookup, now: seconds * 1000, ...extra });
  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    if (isHttpSignatureError(error)) return error.code;
    return error instanceof Error ? error.name : 'no error';
  };

  test('the replay store keeps the nonce until created + skew', async () => {
    const store = recordingStore();
    await verifyRfc9421(await signed({ nonce: 'n1' }), at(NOW + 5, { replayStore: store }));
    expect(store.entries).toEqual([expect.objectContaining({ key: expect.stringMatching(/^[\w-]{43}$/), expiresAt: (NOW + SKEW) * 1000 + 1 })]);
  });
  test('when full of live entries it refuses new keys, and accepts again once some expire', () => {
    const store = createMemoryReplayStore({ maxEntries: 2 });
    expect(outcomeOf(store, entry('a', 10))).toBe('stored');
    expect(outcomeOf(store, entry('b', 20))).toBe('stored');
    expect(outcomeOf(store, entry('c', 10))).toBe('ERR_REPLAY_STORE_UNAVAILABLE'); // full: refused, nothing evicted
    expect(outcomeOf(store, entry('a', 10))).toBe('replayed'); // a is still remembered
    expect(outcomeOf(store, entry('b', 20))).toBe('replayed');
    // a expired
    expect(outcomeOf(store, entry('c', 30, 11_000))).toBe('stored');
    expect(outcomeOf(store, entry('b', 20, 11_000))).toBe('replayed');
    expect(outcomeOf(store, entry('d', 30, 11_000))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(outcomeOf(store, entry('a', 40, 11_000))).toBe('ERR_REPLAY_STORE_UNAVAILABLE'); // a was swept to make room for c; the store is full again
    // b expired
    expect(outcomeOf(store, entry('a', 40, 21_000))).toBe('stored');
    expect(outcomeOf(store, entry('c', 30, 21_000))).toBe('replayed');
  });

  test('an expired entry of the same key is replaced even when full', () => {
    const store = createMemoryReplayStore({ maxEntries: 1 });
    expect(outcomeOf(store, entry('a', 10))).toBe('stored');
    expect(outcomeOf(store, entry('a', 20, 11_000))).toBe('stored');
    expect(outcomeOf(store, entry('a', 20, 11_000))).toBe('replayed');
  });

  test('an expiry that is not a number is refused', () => {
    const store = createMemoryReplayStore();
    expect(() => store.record({ ...entry('a', 10), expiresAt: Number.NaN })).toThrow(TypeError);
    expect(() => store.record({ ...entry('a', 10), expiresAt: 'soon' as unknown as number })).toThrow(TypeError);
    expect(outcomeOf(store, entry('a', 10))).toBe('stored');
  });

  test('a key holder cannot flush a victim\'s nonce to replay it', async () => {
    const replayStore = createMemoryReplayStore({ maxEntries: 1 });
    const victim = await signed({ nonce: 'victim' });
    await expect(verifyRfc9421(victim, at(NOW, { replayStore }))).resolves.toBeDefined();
    const flood = verifyRfc9421(await signed({ nonce: 'attacker-1' }), at(NOW, { replayStore }));
    const error = await flood.then(() => undefined, (e: unknown) => e);
    expect(isHttpSignatureError(error) && error.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect((error as Error).message).toBe('The replay store is unavailable');
    expect(await refusal(verifyRfc9421(victim, at(NOW, { replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('a store answering anything but stored or replayed refuses', async () => {
    for (const answer of [true, 1, 'ok', undefined]) {
      const replayStore = { record: () => answer as unknown as 'stored' };
      expect(await refusal(verifyRfc9421(await signed({ nonce: 'n' }), at(NOW, { replayStore })))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      const asynchronous = { record: async () => answer as unknown as 'stored' };
      expect(await refusal(verifyRfc9421(await signed({ nonce: 'n' }), at(NOW, { replayStore: asynchronous })))).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    }
  });

  test('a store of the former checkAndStore contract is refused with a TypeError, never accepted', async () => {
    const replayStore = { checkAndStore: () => true } as unknown as VerifyRfc9421Options['replayStore'];
    expect(await refusal(verifyRfc9421(await signed({ nonce: 'n' }), at(NOW, { replayStore })))).toBe('TypeError');
  });
});

describe('MemoryReplayStore: an expired record taken over by another owner', () => {
  test('counts against the new owner\'s share (it is not re-recorded in place past that share)', () => {
    const store = new MemoryReplayStore({ maxEntries: 8, maxEntriesPerKey: 1 });
    expect(outcomeOf(store, { key: 'x', owner: 'B', expiresAt: 10, now: 0 })).toBe('stored');
    expect(outcomeOf(store, { key: 'a1', owner: 'A', expiresAt: 100, now: 0 })).toBe('stored');
    expect(outcomeOf(store, { key: 'x', owner: 'A', expiresAt: 100, now: 20 })).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    // B's share was given back with its expired record; the same owner re-records an expired key in place.
    expect(outcomeOf(store, { key: 'b1', owner: 'B', expiresAt: 100, now: 20 })).toBe('stored');
    expect(outcomeOf(store, { key: 'a1', owner: 'A', expiresAt: 200, now: 150 })).toBe('stored');
    expect(outcomeOf(store, { key: 'a1', owner: 'A', expiresAt: 200, now: 160 })).toBe('replayed');
  });
});

describe('MemoryReplayStore under a random workload (seeded, simulated clock)', () => {
  test('never forgets a live entry, never exceeds a share or the capacity, and gives every share back once all expired', () => {
    const maxEntries = 16;
    const maxEntriesPerKey = 5;
    const owners = ['A', 'B', 'C', 'D', 'E'];
    const store = new MemoryReplayStore({ maxEntries, maxEntriesPerKey });
    let seed = 0x2545f491;
    const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    // What the store must still remember: every stored entry until its expiry.
    const live = new Map<string, { owner: string; expiresAt: number }>();
    const liveOf = (owner: string): number => [...live.values()].filter((e) => e.owner === owner).length;
    let now = 0;
    let stored = 0;
    for (let step = 0; step < 4000; step++) {
      now += random(40);
      for (const [key, recorded] of live) if (recorded.expiresAt <= now) live.delete(key);
      const key = `k${random(60)}`;
      const owner = owners[random(owners.length)] as string;
      const expiresAt = now + 1 + random(400);
      const outcome = outcomeOf(store, { key, owner, expiresAt, now });
      if (live.has(key)) {
        expect({ step, outcome }).toEqual({ step, outcome: 'replayed' });
        continue;
      }
      expect({ step, outcome: outcome === 'stored' || outcome === 'ERR_REPLAY_STORE_UNAVAILABLE' }).toEqual({ step, outcome: true });
      if (outcome !== 'stored') continue;
      stored++;
      live.set(key, { owner, expiresAt });
      expect(liveOf(owner)).toBeLessThanOrEqual(maxEntriesPerKey);
      expect(live.size).toBeLessThanOrEqual(maxEntries);
    }
    expect(stored).toBeGreaterThan(500);
    // Once everything expired, every key has its whole share again and the store its whole capacity.
    now += 1000;
    for (const owner of owners.slice(0, 3)) {
      for (let i = 0; i < maxEntriesPerKey; i++) expect(outcomeOf(store, { key: `${owner}-after-${i}`, owner, expiresAt: now + 100, now })).toBe('stored');
      expect(outcomeOf(store, { key: `${owner}-over`, owner, expiresAt: now + 100, now })).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    }
    expect(outcomeOf(store, { key: 'D-last', owner: 'D', expiresAt: now + 100, now })).toBe('stored');
    expect(outcomeOf(store, { key: 'E-full', owner: 'E', expiresAt: now + 100, now })).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(store.size).toBe(maxEntries);
  });
});

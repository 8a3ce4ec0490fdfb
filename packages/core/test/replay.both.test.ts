// Replay records: keyed on the key that verified (not the unsigned keyId text) and the signed content, kept
// until the signature's validUntil; each key holds at most its share of a memory store.
import crypto from 'node:crypto';
import { createMemoryReplayStore, sign, verify, type ReplayStore, type VerifyOptions, type VerifyRfc9421Options, isHttpSignatureError } from '../src/index.js';
import { signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { codeOf, refusal } from './support/outcome.js';
import * as edFixture from './support/rfc9421-fixture.js';

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
    const replayStore = createMemoryReplayStore({ now: () => now });
    const keyLookup: VerifyOptions['keyLookup'] = (id) => (id.trim().toLowerCase() === 'ak' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null);
    const captured = await cavage('AK');
    await expect(verify(captured, { keyLookup, now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verify(captured, { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_EXPIRED');
    for (const variant of ['ak', 'Ak', ' AK', 'AK ']) {
      expect(await codeOf(verify(withKeyId(captured, variant), { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_EXPIRED');
    }
  });

  test('a single-key server: any keyId resolves to the key, none replays', async () => {
    const replayStore = createMemoryReplayStore({ now: () => now });
    const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: new TextEncoder().encode(SECRET), algorithms: ['hmac-sha256'] });
    const captured = await cavage('client');
    await expect(verify(captured, { keyLookup, now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verify(withKeyId(captured, 'anything-else'), { keyLookup, now, replayStore }))).toBe('ERR_SIGNATURE_EXPIRED');
  });

  test('the store gets a one-way record, the key identity and validUntil; never the secret', async () => {
    const calls: [string, number, string | undefined][] = [];
    const replayStore: ReplayStore = { checkAndStore: (key, until, owner) => { calls.push([key, until, owner]); return true; } };
    const keyLookup: VerifyOptions['keyLookup'] = () => ({ key: SECRET, algorithms: ['hmac-sha256'] });
    const result = await verify(await cavage(), { keyLookup, now, replayStore });
    expect(result.validUntil).toBe(now / 1000 + 300);
    const [[record, until, owner]] = calls as [[string, number, string]];
    expect(until).toBe(now / 1000 + 300);
    expect(record).toMatch(/^[\w-]{43}$/);
    expect(owner).toMatch(/^[\w-]{43}$/);
    expect(`${record}${owner}`).not.toContain(SECRET);
    expect(`${record}${owner}`).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 10));
  });

  test('an explicit id names the key; two keys are two identities', async () => {
    const owners: (string | undefined)[] = [];
    const replayStore: ReplayStore = { checkAndStore: (_key, _until, owner) => { owners.push(owner); return true; } };
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
    const replayStore = createMemoryReplayStore({ now: () => now });
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
    const replayStore = createMemoryReplayStore({ now: () => now });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const keys = [publicPem, pair.publicKey, pair.privateKey, { ...jwk }];
    const request = await signed('k');
    const options = (key: unknown): VerifyRfc9421Options => ({ keyLookup: () => ({ key: key as string, algorithms: ['ed25519'] }), now, replayStore });
    await expect(verifyRfc9421(request, options(keys[1]))).resolves.toBeDefined();
    for (const key of keys.slice(2)) expect(await codeOf(verifyRfc9421(request, options(key)))).toBe('ERR_SIGNATURE_EXPIRED');
  });

  test('requireNonce: false records signatures without a nonce (keyed on the signature base)', async () => {
    const request = { method: 'GET', url: 'https://example.com/x', headers: { host: 'example.com' } };
    const { headers } = await signRfc9421(request, { keyId: 'k', key: pair.privateKey, algorithm: 'ed25519', now });
    const message = { ...request, headers: { ...request.headers, ...headers } };
    const replayStore = createMemoryReplayStore({ now: () => now });
    const options: VerifyRfc9421Options = { keyLookup: () => ({ key: publicPem, algorithms: ['ed25519'] }), now, replayStore };
    expect(await codeOf(verifyRfc9421(message, options))).toBe('ERR_HEADER_NOT_SIGNED');
    await expect(verifyRfc9421(message, { ...options, requireNonce: false })).resolves.toBeDefined();
    expect(await codeOf(verifyRfc9421(message, { ...options, requireNonce: false }))).toBe('ERR_SIGNATURE_EXPIRED');
  });

  test('a non-extractable CryptoKey needs an id for replay protection', async () => {
    const key = await crypto.webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), { name: 'Ed25519' }, false, ['verify']);
    const request = await signed('k');
    const lookup = (id?: string): VerifyRfc9421Options['keyLookup'] => () => ({ key: key as CryptoKey, algorithms: ['ed25519'], id });
    await expect(verifyRfc9421(request, { keyLookup: lookup(), now })).resolves.toBeDefined();
    const replayStore = createMemoryReplayStore({ now: () => now });
    expect(await codeOf(verifyRfc9421(request, { keyLookup: lookup(), now, replayStore }))).toBe('ERR_INVALID_KEY');
    await expect(verifyRfc9421(request, { keyLookup: lookup('client-7'), now, replayStore })).resolves.toBeDefined();
    expect(await codeOf(verifyRfc9421(request, { keyLookup: lookup('client-7'), now, replayStore }))).toBe('ERR_SIGNATURE_EXPIRED');
  });
});

describe('createMemoryReplayStore per-key share', () => {
  test('a key over its share is refused while other keys are still recorded', () => {
    const store = createMemoryReplayStore({ maxEntries: 4, maxEntriesPerKey: 2, now: () => 0 });
    expect(store.checkAndStore('a1', 10, 'A')).toBe(true);
    expect(store.checkAndStore('a2', 10, 'A')).toBe(true);
    expect(store.checkAndStore('a3', 10, 'A')).toBe(false);
    expect(store.checkAndStore('b1', 10, 'B')).toBe(true);
    expect(store.checkAndStore('b2', 10, 'B')).toBe(true);
  });

  test('by default a key holds at most a quarter of the store', () => {
    const store = createMemoryReplayStore({ maxEntries: 8, now: () => 0 });
    expect([1, 2, 3].map((i) => store.checkAndStore(`a${i}`, 10, 'A'))).toEqual([true, true, false]);
    expect(store.checkAndStore('b1', 10, 'B')).toBe(true);
  });

  test('expired entries free the share', () => {
    let clock = 0;
    const store = createMemoryReplayStore({ maxEntries: 4, maxEntriesPerKey: 1, now: () => clock });
    expect(store.checkAndStore('a1', 10, 'A')).toBe(true);
    expect(store.checkAndStore('a2', 20, 'A')).toBe(false);
    clock = 11_000;
    expect(store.checkAndStore('a2', 20, 'A')).toBe(true);
    expect(() => createMemoryReplayStore({ maxEntriesPerKey: 0 })).toThrow(RangeError);
  });
});

describe('the RFC 9421 memory replay store never drops an unexpired entry', () => {
  const { NOW, signed, at } = edFixture;
  test('when full of live entries it refuses new keys, and accepts again once some expire', () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now });
    expect(store.checkAndStore('a', 10)).toBe(true);
    expect(store.checkAndStore('b', 20)).toBe(true);
    expect(store.checkAndStore('c', 10)).toBe(false); // full: refused, nothing evicted
    expect(store.checkAndStore('a', 10)).toBe(false); // a is still remembered
    expect(store.checkAndStore('b', 20)).toBe(false);
    now = 11_000; // a expired
    expect(store.checkAndStore('c', 30)).toBe(true);
    expect(store.checkAndStore('b', 20)).toBe(false);
    expect(store.checkAndStore('d', 30)).toBe(false);
    expect(store.checkAndStore('a', 40)).toBe(false); // a was swept to make room for c; the store is full again
    now = 21_000; // b expired
    expect(store.checkAndStore('a', 40)).toBe(true);
    expect(store.checkAndStore('c', 30)).toBe(false);
  });

  test('an expired entry of the same key is replaced even when full', () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 1, now: () => now });
    expect(store.checkAndStore('a', 10)).toBe(true);
    now = 11_000;
    expect(store.checkAndStore('a', 20)).toBe(true);
    expect(store.checkAndStore('a', 20)).toBe(false);
  });

  test('an expiry that is not a number is refused', () => {
    const store = createMemoryReplayStore({ now: () => 0 });
    expect(store.checkAndStore('a', Number.NaN)).toBe(false);
    expect(store.checkAndStore('a', 'soon' as unknown as number)).toBe(false);
  });

  test('a key holder cannot flush a victim\'s nonce to replay it', async () => {
    const replayStore = createMemoryReplayStore({ maxEntries: 1, now: () => NOW * 1000 });
    const victim = await signed({ nonce: 'victim' });
    await expect(verifyRfc9421(victim, at(NOW, { replayStore }))).resolves.toBeDefined();
    const flood = verifyRfc9421(await signed({ nonce: 'attacker-1' }), at(NOW, { replayStore }));
    const error = await flood.then(() => undefined, (e: unknown) => e);
    expect(isHttpSignatureError(error) && error.code).toBe('ERR_SIGNATURE_EXPIRED');
    expect((error as Error).message).toBe('The signature was already used, or the replay store cannot record it');
    expect(await refusal(verifyRfc9421(victim, at(NOW, { replayStore })))).toBe('ERR_SIGNATURE_EXPIRED');
  });

  test('a store answering anything but true refuses', async () => {
    const replayStore = { checkAndStore: () => 1 as unknown as boolean };
    expect(await refusal(verifyRfc9421(await signed({ nonce: 'n' }), at(NOW, { replayStore })))).toBe('ERR_SIGNATURE_EXPIRED');
  });
});

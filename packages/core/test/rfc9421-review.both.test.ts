// Security-review findings on the RFC 9421 verifier and signer, on both crypto backends: signatures without
// `expires`/`maxAge` age out at created + skew, the memory replay store never evicts live nonces, thenable key
// lookups, CR/LF in covered values, empty HMAC secrets, and an invalid `now`.
import crypto from 'node:crypto';
import { isHttpSignatureError } from '../src/errors.js';
import { createMemoryReplayStore } from '../src/index.js';
import { type Rfc9421Message, type Rfc9421Request, type SignRfc9421Options, type VerifyRfc9421Options } from '../src/rfc9421/index.js';
import { buildSignatureBase, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf, withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

const NOW = 1_700_000_000;
const SKEW = 300;
const ED_SIGN = pemOf('rfc9421-test-key-ed25519.private.pem');
const ED_VERIFY = pemOf('rfc9421-test-key-ed25519.public.pem');
const SECRET = new Uint8Array(crypto.randomBytes(32));

const request: Rfc9421Request = {
  method: 'POST', url: 'https://example.com/foo?a=1',
  headers: [['Host', 'example.com'], ['Content-Type', 'application/json']],
};
const lookup: VerifyRfc9421Options['keyLookup'] = (id) => (id === 'k' ? { key: ED_VERIFY, algorithms: ['ed25519'] } : null);
const sign = (extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request) =>
  signRfc9421(message, { key: ED_SIGN, algorithm: 'ed25519', keyId: 'k', now: NOW * 1000, ...extra } as SignRfc9421Options);
const signed = async (extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request) =>
  withHeaders(message, (await sign(extra, message)).headers);
const at = (seconds: number, extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options =>
  ({ keyLookup: lookup, now: seconds * 1000, ...extra });

/** A replay store that records what the verifier asks it to keep. */
function recordingStore(): { calls: [string, number][]; checkAndStore: (key: string, until: number) => boolean } {
  const calls: [string, number][] = [];
  return { calls, checkAndStore: (key, until) => { calls.push([key, until]); return true; } };
}

describe('1. a signature bounded by neither expires nor maxAge ages out at created + clockSkew', () => {
  test('accepted until created + skew, expired one second later', async () => {
    const message = await signed();
    await expect(verifyRfc9421(message, at(NOW + SKEW))).resolves.toBeDefined();
    expect(await refusal(verifyRfc9421(message, at(NOW + SKEW + 1)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verifyRfc9421(message, at(NOW + 86_400 * 365)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verifyRfc9421(message, at(NOW + 11, { clockSkew: 10 })))).toBe('ERR_SIGNATURE_EXPIRED');
    await expect(verifyRfc9421(message, at(NOW + 10, { clockSkew: 10 }))).resolves.toBeDefined();
  });

  test('maxAge or expires still widen the window', async () => {
    await expect(verifyRfc9421(await signed(), at(NOW + 3600, { maxAge: 3600 }))).resolves.toBeDefined();
    await expect(verifyRfc9421(await signed({ expires: NOW + 3600 }), at(NOW + 3600))).resolves.toBeDefined();
  });

  test('a signature with neither created nor expires is refused', async () => {
    const message = await signed({ created: false });
    expect(await refusal(verifyRfc9421(message, at(NOW, { requiredParameters: ['keyid'] })))).toBe('ERR_HEADER_NOT_SIGNED');
    // With expires, created is not needed.
    await expect(verifyRfc9421(await signed({ created: false, expires: NOW + 60 }), at(NOW, { requiredParameters: ['keyid'] }))).resolves.toBeDefined();
  });

  test('the replay store keeps the nonce until created + skew', async () => {
    const store = recordingStore();
    await verifyRfc9421(await signed({ nonce: 'n1' }), at(NOW + 5, { replayStore: store }));
    expect(store.calls).toEqual([[expect.stringMatching(/^[\w-]{43}$/), NOW + SKEW]]);
  });
});

describe('2. the memory replay store never drops an unexpired entry', () => {
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

describe('3. keyLookup may return any thenable', () => {
  test('a non-Promise thenable is awaited', async () => {
    const thenable = { then: (resolve: (value: unknown) => void) => { resolve({ key: ED_VERIFY, algorithms: ['ed25519'] }); } };
    const result = await verifyRfc9421(await signed(), at(NOW, { keyLookup: () => thenable as never }));
    expect(result.keyId).toBe('k');
    const empty = { then: (resolve: (value: unknown) => void) => { resolve(null); } };
    expect(await refusal(verifyRfc9421(await signed(), at(NOW, { keyLookup: () => empty as never })))).toBe('ERR_UNKNOWN_KEY');
  });
});

describe('4. CR and LF in covered values', () => {
  const withField = (value: string): Rfc9421Message => ({ ...request, headers: [...(request.headers as [string, string][]), ['X-A', value]] });

  test('a field value with a line break cannot inject a line into the signature base', async () => {
    const injected = 'v\n"@path": /p';
    expect(await refusal(sign({ components: ['@method', 'x-a'] }, withField(injected)))).toMatch(/^(TypeError|ERR_MALFORMED_SIGNATURE)$/);
    const honest = await signed({ components: ['@method', '@authority', '@path', 'x-a'] }, withField('v'));
    for (const bad of [injected, 'v\r"@path": /p', 'v\r\n', 'v\n']) {
      const forged = withHeaders(honest, { 'x-a': bad });
      expect(await refusal(verifyRfc9421(forged, at(NOW)))).toBe('ERR_MALFORMED_SIGNATURE');
      let thrown: unknown;
      try {
        buildSignatureBase(forged, '("x-a");created=1');
      } catch (error) {
        thrown = error;
      }
      expect(isHttpSignatureError(thrown) && thrown.code).toBe('ERR_MALFORMED_SIGNATURE');
      expect(() => buildSignatureBase(forged, { components: ['x-a'], parameters: { created: 1 } })).toThrow(TypeError);
    }
  });

  test('obsolete line folding still becomes one space', async () => {
    for (const folded of ['a\r\n  b', 'a\n\tb']) {
      const message = await signed({ components: ['@method', '@authority', '@path', 'x-a'] }, withField(folded));
      const result = await verifyRfc9421(message, at(NOW));
      expect(result.signatureBase.split('\n')).toContain('"x-a": a b');
    }
  });

  test('a derived component with a line break is refused', async () => {
    expect(await refusal(sign({ components: ['@path'] }, { ...request, url: '/a\n"x": y' }))).toBe('TypeError');
    expect(await refusal(sign({ components: ['@method'] }, { ...request, method: 'GET\r\n' }))).toBe('TypeError');
  });

  test('field values are trimmed of SP and HTAB only, inner whitespace kept', () => {
    const base = (value: string) => buildSignatureBase(withField(value), '("x-a");created=1').split('\n')[0];
    expect(base(' \t a \t b \t ')).toBe('"x-a": a \t b');
    expect(base('   ')).toBe('"x-a": ');
    expect(base('')).toBe('"x-a": ');
    const spaced = `x${' y'.repeat(20_000)}${' '.repeat(20_000)}`;
    expect(base(spaced)).toBe(`"x-a": x${' y'.repeat(20_000)}`);
  });
});

describe('5. an empty HMAC secret is refused', () => {
  test.each([['an empty string', ''], ['zero bytes', new Uint8Array(0)]])('signing with %s', async (_what, key) => {
    expect(await refusal(signRfc9421(request, { key, algorithm: 'hmac-sha256', keyId: 'k', now: NOW * 1000 }))).toBe('ERR_INVALID_KEY');
  });

  test.each([['an empty string', ''], ['zero bytes', new Uint8Array(0)]])('verifying with %s, even a signature made with it', async (_what, key) => {
    const good = await signRfc9421(request, { key: SECRET, algorithm: 'hmac-sha256', keyId: 'k', now: NOW * 1000 });
    const keyLookup: VerifyRfc9421Options['keyLookup'] = () => ({ key, algorithms: ['hmac-sha256'] });
    await expect(verifyRfc9421(withHeaders(request, good.headers), at(NOW, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'] }) }))).resolves.toBeDefined();
    // A signature anyone can compute with the empty secret.
    const forgedValue = crypto.createHmac('sha256', Buffer.alloc(0)).update(good.signatureBase).digest('base64');
    const forged = withHeaders(request, { 'signature-input': good.headers['signature-input'] as string, signature: `sig1=:${forgedValue}:` });
    expect(await refusal(verifyRfc9421(forged, at(NOW, { keyLookup })))).toBe('ERR_INVALID_KEY');
  });
});

describe('6. options.now must be a finite number or a valid Date', () => {
  const bad: [string, unknown][] = [
    ['an invalid Date', new Date('x')], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', String(NOW * 1000)], ['null', null],
  ];

  test.each(bad)('verifyRfc9421 refuses %s with RangeError', async (_what, now) => {
    // Signed long ago: an unchecked clock would let it through.
    const old = await signed({ now: (NOW - 86_400) * 1000 });
    expect(await refusal(verifyRfc9421(old, { keyLookup: lookup, now: now as never }))).toBe('RangeError');
  });

  test.each(bad)('signRfc9421 refuses %s with RangeError', async (_what, now) => {
    expect(await refusal(sign({ now: now as never }))).toBe('RangeError');
  });

  test('a valid Date and a number are accepted', async () => {
    const message = await signed({ now: new Date(NOW * 1000) });
    await expect(verifyRfc9421(message, { keyLookup: lookup, now: new Date(NOW * 1000) })).resolves.toBeDefined();
    await expect(verifyRfc9421(message, at(NOW))).resolves.toBeDefined();
  });
});

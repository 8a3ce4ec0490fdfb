// Which signature of a message is verified (RFC 9421 §3.2, §4.3): the labelled one, or else every signature that
// meets the policy, in order, until one verifies — so one prepended by someone else cannot hide a valid one.
import crypto from 'node:crypto';
import { backendName } from '../src/backend-name.js';
import { BodyTooLargeError, createMemoryReplayStore } from '../src/index.js';
import { type Rfc9421Message, type Rfc9421Request, type VerifyRfc9421Options, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

const NOW = 1_700_000_000;
const ed25519 = { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') };
const p256 = { sign: pemOf('rfc9421-test-key-ecc-p256.private.pem'), verify: pemOf('rfc9421-test-key-ecc-p256.public.pem') };
const request: Rfc9421Request = { method: 'GET', url: 'https://example.com/orders?id=7', headers: { host: 'example.com' } };
const COMPONENTS = '("@method" "@authority" "@path" "@query")';

/** The request signed by the real signer (label `good`), with other signatures placed before it. */
async function withPrepended(...before: [label: string, input: string, signature: string][]): Promise<Rfc9421Message> {
  const { headers } = await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'good', now: NOW * 1000 });
  const input = [...before.map(([label, value]) => `${label}=${value}`), headers['signature-input']].join(', ');
  const signature = [...before.map(([label, , value]) => `${label}=${value}`), headers['signature']].join(', ');
  return { ...request, headers: { host: 'example.com', 'signature-input': input, signature } };
}

const BAD_BYTES = `:${Buffer.alloc(64, 7).toString('base64')}:`;
const unknownKey: [string, string, string] = ['evil', `${COMPONENTS};created=${NOW};keyid="evil-key"`, BAD_BYTES];
const wrongSignature: [string, string, string] = ['forged', `${COMPONENTS};created=${NOW};keyid="good-key"`, BAD_BYTES];
const wrongAlgorithm: [string, string, string] = ['alg', `${COMPONENTS};created=${NOW};keyid="good-key";alg="hmac-sha256"`, BAD_BYTES];
const underPolicy: [string, string, string] = ['thin', `("@method");created=${NOW};keyid="good-key"`, BAD_BYTES];

function options(lookups: (string | undefined)[], extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options {
  return {
    keyLookup: (keyId) => {
      lookups.push(keyId);
      if (keyId === 'good-key') return { key: ed25519.verify, algorithms: ['ed25519'] };
      if (keyId === 'p256-key') return { key: p256.verify, algorithms: ['ecdsa-p256-sha256'] };
      return null;
    },
    now: NOW * 1000,
    ...extra,
  };
}

describe(`signature selection (${backendName} backend)`, () => {
  test.each([
    ['an unknown keyid', [unknownKey]],
    ['a wrong signature under the right keyid', [wrongSignature]],
    ['an algorithm the key does not allow', [wrongAlgorithm]],
    ['all of them', [unknownKey, wrongSignature, wrongAlgorithm]],
  ])('a signature with %s placed first does not hide a valid one', async (_what, before) => {
    const lookups: (string | undefined)[] = [];
    const result = await verifyRfc9421(await withPrepended(...before), options(lookups));
    expect(result.label).toBe('good');
    expect(lookups).toHaveLength(before.length + 1);
  });

  test('a signature that does not meet the policy is not tried (no key lookup)', async () => {
    const lookups: (string | undefined)[] = [];
    await expect(verifyRfc9421(await withPrepended(underPolicy), options(lookups))).resolves.toMatchObject({ label: 'good' });
    expect(lookups).toEqual(['good-key']);
  });

  test('when none verifies, the first selected signature\'s error is reported', async () => {
    const message = await withPrepended(unknownKey, wrongSignature);
    const expired = options([], { now: (NOW + 3600) * 1000 });
    // Every signature is too old: the first candidate's reason.
    expect(await refusal(verifyRfc9421(message, expired))).toBe('ERR_SIGNATURE_EXPIRED');
    // The valid one's key is unknown to this verifier: the first candidate (unknown key) is reported.
    const lookups: (string | undefined)[] = [];
    const noGoodKey = options(lookups, { keyLookup: (keyId) => { lookups.push(keyId); return null; } });
    expect(await refusal(verifyRfc9421(message, noGoodKey))).toBe('ERR_UNKNOWN_KEY');
    expect(lookups).toEqual(['evil-key', 'good-key', 'good-key']);
    const forgedFirst = await withPrepended(wrongSignature, unknownKey);
    expect(await refusal(verifyRfc9421(forgedFirst, { ...noGoodKey, keyLookup: (keyId) => (keyId === 'good-key' ? { key: p256.verify, algorithms: ['ecdsa-p256-sha256'] } : null) }))).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('when none meets the policy, the first one\'s policy failure is reported', async () => {
    const message = await withPrepended(underPolicy);
    expect(await refusal(verifyRfc9421(message, options([], { requiredComponents: ['@method', 'content-digest'] })))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('with a label, only that signature is tried', async () => {
    const message = await withPrepended(unknownKey, wrongSignature);
    const lookups: (string | undefined)[] = [];
    expect(await refusal(verifyRfc9421(message, options(lookups, { label: 'forged' })))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await refusal(verifyRfc9421(message, options(lookups, { label: 'evil' })))).toBe('ERR_UNKNOWN_KEY');
    expect(lookups).toEqual(['good-key', 'evil-key']);
    await expect(verifyRfc9421(message, options([], { label: 'good' }))).resolves.toMatchObject({ label: 'good' });
  });

  test('a failing key lookup is thrown at once, not hidden behind the next signature', async () => {
    const message = await withPrepended(unknownKey);
    let calls = 0;
    const failing = options([], { keyLookup: () => { calls++; throw new Error('key store down'); } });
    await expect(verifyRfc9421(message, failing)).rejects.toThrow('key store down');
    expect(calls).toBe(1);
  });

  test('a replay store records the nonce of the signature that verified only', async () => {
    const { headers } = await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'good', nonce: 'n-good', now: NOW * 1000 });
    const message = {
      ...request,
      headers: {
        host: 'example.com',
        'signature-input': `evil=${COMPONENTS};created=${NOW};keyid="evil-key";nonce="n-evil", ${headers['signature-input']}`,
        signature: `evil=${BAD_BYTES}, ${headers['signature']}`,
      },
    };
    const replayStore = createMemoryReplayStore();
    await expect(verifyRfc9421(message, options([], { replayStore }))).resolves.toMatchObject({ label: 'good' });
    // Replayed: the valid one's record is used up, and that ends the verification (reported as the replay).
    expect(await refusal(verifyRfc9421(message, options([], { replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
    expect(await refusal(verifyRfc9421(message, options([], { replayStore, label: 'good' })))).toBe('ERR_SIGNATURE_REPLAYED');
    expect(replayStore.size).toBe(1);
  });

  test('a message carrying several valid signatures is accepted once, not once per signature', async () => {
    const first = await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'one', nonce: 'n-1', now: NOW * 1000 });
    const second = await signRfc9421(request, { key: p256.sign, algorithm: 'ecdsa-p256-sha256', keyId: 'p256-key', label: 'two', nonce: 'n-2', now: NOW * 1000 });
    const third = await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'three', nonce: 'n-3', now: NOW * 1000 });
    const message = {
      ...request,
      headers: {
        host: 'example.com',
        'signature-input': [first, second, third].map((s) => s.headers['signature-input']).join(', '),
        signature: [first, second, third].map((s) => s.headers['signature']).join(', '),
      },
    };
    const replayStore = createMemoryReplayStore();
    await expect(verifyRfc9421(message, options([], { replayStore }))).resolves.toMatchObject({ label: 'one' });
    for (let replay = 0; replay < 3; replay++) {
      expect(await refusal(verifyRfc9421(message, options([], { replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
    }
    // Each valid signature was recorded on first acceptance (so none of them can be replayed on its own).
    expect(replayStore.size).toBe(3);
  });

  test('at most maxKeyLookups signatures (default 4) are tried, so junk signatures cannot buy many key lookups', async () => {
    const junk = Array.from({ length: 15 }, (_, i): [string, string, string] => [`j${i}`, `${COMPONENTS};created=${NOW};keyid="junk-${i}"`, BAD_BYTES]);
    const message = await withPrepended(...junk);
    const lookups: (string | undefined)[] = [];
    expect(await refusal(verifyRfc9421(message, options(lookups)))).toBe('ERR_UNKNOWN_KEY');
    expect(lookups).toEqual(['junk-0', 'junk-1', 'junk-2', 'junk-3']);
    const more: (string | undefined)[] = [];
    await expect(verifyRfc9421(message, options(more, { maxKeyLookups: 16 }))).resolves.toMatchObject({ label: 'good' });
    expect(more).toHaveLength(16);
    expect(await refusal(verifyRfc9421(message, options([], { maxKeyLookups: 0 })))).toBe('RangeError');
  });

  test('a message carrying several valid signatures is refused as a replay in any order, or with one of them dropped', async () => {
    const one = await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'one', nonce: 'n-1', now: NOW * 1000 });
    const two = await signRfc9421(request, { key: p256.sign, algorithm: 'ecdsa-p256-sha256', keyId: 'p256-key', label: 'two', nonce: 'n-2', now: NOW * 1000 });
    const carrying = (...signed: (typeof one)[]) => ({
      ...request,
      headers: {
        host: 'example.com',
        'signature-input': signed.map((s) => s.headers['signature-input']).join(', '),
        signature: signed.map((s) => s.headers['signature']).join(', '),
      },
    });
    const replayStore = createMemoryReplayStore();
    await expect(verifyRfc9421(carrying(one, two), options([], { replayStore }))).resolves.toMatchObject({ label: 'one' });
    expect(replayStore.size).toBe(2);
    expect(await refusal(verifyRfc9421(carrying(two, one), options([], { replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
    expect(await refusal(verifyRfc9421(carrying(two), options([], { replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('a lazy body is read once for all the signatures tried, and a body that cannot be read ends the verification', async () => {
    const body = new TextEncoder().encode('{"amount":1}');
    const digest = `sha-256=:${crypto.createHash('sha256').update('{"amount":2}').digest('base64')}:`;
    const post: Rfc9421Request = { method: 'POST', url: 'https://example.com/orders?id=7', headers: { host: 'example.com', 'content-digest': digest } };
    const components = ['@method', '@authority', '@path', '@query', 'content-digest'];
    const one = await signRfc9421(post, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'good-key', label: 'one', components, now: NOW * 1000 });
    const two = await signRfc9421(post, { key: p256.sign, algorithm: 'ecdsa-p256-sha256', keyId: 'p256-key', label: 'two', components, now: NOW * 1000 });
    const message = {
      ...post,
      headers: {
        ...(post.headers as Record<string, string>),
        'signature-input': `${one.headers['signature-input']}, ${two.headers['signature-input']}`,
        signature: `${one.headers['signature']}, ${two.headers['signature']}`,
      },
    };
    let reads = 0;
    expect(await refusal(verifyRfc9421(message, options([], { body: () => { reads++; return body; } })))).toBe('ERR_DIGEST_MISMATCH');
    expect(reads).toBe(1);
    let failing = 0;
    const tooLarge = (): never => { failing++; throw new BodyTooLargeError(4); };
    expect(await refusal(verifyRfc9421(message, options([], { body: tooLarge })))).toBe('ERR_BODY_TOO_LARGE');
    expect(failing).toBe(1);
  });
});

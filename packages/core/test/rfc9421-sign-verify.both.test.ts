// signRfc9421 / verifyRfc9421 on both crypto backends: every algorithm, several signatures on one message,
// request–response binding, the verification policy, replay protection, and every refusal with its code.
import crypto from 'node:crypto';
import { backendName } from '../src/backend-name.js';
import { createMemoryReplayStore } from '../src/index.js';
import { type Rfc9421Algorithm, type Rfc9421Message, type Rfc9421Request, type SignRfc9421Options, type VerifyRfc9421Options, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf, withHeaders } from './rfc9421-helpers.js';
import { entry, outcomeOf } from './support/replay-entries.js';
import type { ReplayEntry, ReplayStore } from '../src/index.js';
import { refusal } from './support/outcome.js';
import * as edFixture from './support/rfc9421-fixture.js';

const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa512 = crypto.generateKeyPairSync('rsa', { modulusLength: 512 });
const KEYS: Record<Rfc9421Algorithm, { sign: string | Uint8Array; verify: string | Uint8Array }> = {
  'rsa-pss-sha512': { sign: pemOf('rfc9421-test-key-rsa-pss.private.pem'), verify: pemOf('rfc9421-test-key-rsa-pss.public.pem') },
  'rsa-v1_5-sha256': { sign: pemOf('rfc9421-test-key-rsa.private.pem'), verify: pemOf('rfc9421-test-key-rsa.public.pem') },
  'hmac-sha256': { sign: new Uint8Array(crypto.randomBytes(64)), verify: new Uint8Array(0) },
  'ecdsa-p256-sha256': { sign: pemOf('rfc9421-test-key-ecc-p256.private.pem'), verify: pemOf('rfc9421-test-key-ecc-p256.public.pem') },
  'ecdsa-p384-sha384': { sign: p384.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, verify: p384.publicKey.export({ type: 'spki', format: 'pem' }) as string },
  ed25519: { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') },
};
KEYS['hmac-sha256'].verify = KEYS['hmac-sha256'].sign;

const NOW = 1_700_000_000;
const body = '{"hello": "world"}';
const request: Rfc9421Request = {
  method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: [['Host', 'example.com'], ['Content-Type', 'application/json'], ['Date', 'Tue, 14 Nov 2023 22:13:20 GMT']],
};
const lookupFor = (algorithm: Rfc9421Algorithm, keyId = 'k'): VerifyRfc9421Options['keyLookup'] =>
  (id) => (id === keyId ? { key: KEYS[algorithm].verify, algorithms: [algorithm] } : null);
const signWith = (algorithm: Rfc9421Algorithm, extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request) =>
  signRfc9421(message, { key: KEYS[algorithm].sign, algorithm, keyId: 'k', now: NOW * 1000, ...extra });
const signedMessage = async (algorithm: Rfc9421Algorithm = 'ed25519', extra: Partial<SignRfc9421Options> = {}, message: Rfc9421Message = request) =>
  withHeaders(message, (await signWith(algorithm, extra, message)).headers);
const options = (extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options => ({ keyLookup: lookupFor('ed25519'), now: NOW * 1000, ...extra });

/** Replaces (or adds) one header of a message. */
function setHeader(message: Rfc9421Message, name: string, value: string | undefined): Rfc9421Message {
  const pairs = [...(message.headers as Iterable<readonly [string, string]>)].filter(([n]) => n.toLowerCase() !== name);
  return { ...message, headers: value === undefined ? pairs : [...pairs, [name, value]] };
}

function header(message: Rfc9421Message, name: string): string {
  return [...(message.headers as Iterable<readonly [string, string]>)].find(([n]) => n.toLowerCase() === name)?.[1] as string;
}

describe(`signRfc9421 / verifyRfc9421 (${backendName} backend)`, () => {
  describe.each(Object.keys(KEYS) as Rfc9421Algorithm[])('%s', (algorithm) => {
    test('signs with the default components and a Content-Digest, and verifies', async () => {
      const result = await signWith(algorithm, { body, digest: 'SHA-256', includeAlg: true });
      expect(result.label).toBe('sig1');
      expect(result.headers['content-digest']).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
      expect(result.signatureParams).toBe(`("@method" "@authority" "@path" "@query" "content-digest");created=${NOW};keyid="k";alg="${algorithm}"`);
      const verified = await verifyRfc9421(withHeaders(request, result.headers), options({ keyLookup: lookupFor(algorithm), body }));
      expect(verified).toEqual({
        label: 'sig1', keyId: 'k', algorithm, components: ['"@method"', '"@authority"', '"@path"', '"@query"', '"content-digest"'],
        parameters: { created: NOW, keyid: 'k', alg: algorithm }, signatureBase: result.signatureBase, validUntil: NOW + 300,
      });
    });

    test('the signature bytes are what RFC 9421 §3.3 specifies (checked with node:crypto)', async () => {
      const result = await signWith(algorithm);
      const signature = Buffer.from(/^sig1=:(.*):$/.exec(result.headers['signature'] as string)?.[1] as string, 'base64');
      const data = Buffer.from(result.signatureBase);
      const publicKey = algorithm === 'hmac-sha256' ? undefined : crypto.createPublicKey(KEYS[algorithm].verify as string);
      switch (algorithm) {
        case 'hmac-sha256':
          expect(signature.equals(crypto.createHmac('sha256', KEYS[algorithm].sign).update(data).digest())).toBe(true);
          break;
        case 'rsa-pss-sha512':
          // Salt length exactly 64 (§3.3.1): OpenSSL checks the recovered salt length against the one given.
          expect(crypto.verify('sha512', data, { key: publicKey as crypto.KeyObject, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, signature)).toBe(true);
          expect(crypto.verify('sha512', data, { key: publicKey as crypto.KeyObject, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(false);
          break;
        case 'rsa-v1_5-sha256':
          expect(crypto.verify('sha256', data, publicKey as crypto.KeyObject, signature)).toBe(true);
          break;
        case 'ecdsa-p256-sha256':
          expect(signature.length).toBe(64);
          expect(crypto.verify('sha256', data, { key: publicKey as crypto.KeyObject, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
          break;
        case 'ecdsa-p384-sha384':
          expect(signature.length).toBe(96);
          expect(crypto.verify('sha384', data, { key: publicKey as crypto.KeyObject, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
          break;
        case 'ed25519':
          expect(crypto.verify(null, data, publicKey as crypto.KeyObject, signature)).toBe(true);
          break;
      }
    });

    test('a changed covered component makes the signature fail', async () => {
      const signed = await signedMessage(algorithm);
      expect(await refusal(verifyRfc9421({ ...signed, method: 'PUT' }, options({ keyLookup: lookupFor(algorithm) })))).toBe('ERR_SIGNATURE_MISMATCH');
    });
  });

  describe('several signatures on one message (§4.3)', () => {
    test('sign adds under the next free label; verify selects by label', async () => {
      const first = await signedMessage('ed25519', { components: ['@method'] });
      const second = withHeaders(first, (await signWith('hmac-sha256', { keyId: 'h' }, first)).headers);
      expect(header(second, 'signature-input')).toMatch(/^sig1=\("@method"\);created=\d+;keyid="k", sig2=\("@method" "@authority" "@path" "@query"\);created=\d+;keyid="h"$/);
      const both = options({
        keyLookup: (id) => (id === 'k' ? { key: KEYS.ed25519.verify, algorithms: ['ed25519'] } : { key: KEYS['hmac-sha256'].verify, algorithms: ['hmac-sha256'] }),
      });
      expect((await verifyRfc9421(second, { ...both, label: 'sig1', requiredComponents: ['@method'] })).keyId).toBe('k');
      expect((await verifyRfc9421(second, { ...both, label: 'sig2' })).keyId).toBe('h');
      // Without a label: sig1 does not cover the default required components, sig2 does.
      expect((await verifyRfc9421(second, both)).label).toBe('sig2');
      // By label, the policy still applies.
      expect(await refusal(verifyRfc9421(second, { ...both, label: 'sig1' }))).toBe('ERR_HEADER_NOT_SIGNED');
      // When none meets the policy, the first refusal is reported.
      expect(await refusal(verifyRfc9421(second, { ...both, requiredComponents: ['content-type'] }))).toBe('ERR_HEADER_NOT_SIGNED');
    });

    test('without a label, a malformed member is skipped for a valid one', async () => {
      const signed = await signedMessage('ed25519', { label: 'good' });
      const input = `bad=1, ${header(signed, 'signature-input')}`;
      const result = await verifyRfc9421(setHeader(signed, 'signature-input', input), options());
      expect(result.label).toBe('good');
    });

    test('a proxy signs over the client signature with "signature";key= (§4.3)', async () => {
      const client = await signedMessage('ed25519', { label: 'sig1' });
      const forwarded = setHeader(client, 'forwarded', 'for=192.0.2.123');
      const proxied = withHeaders(forwarded, (await signWith('rsa-v1_5-sha256', { label: 'proxy_sig', keyId: 'proxy', components: ['"signature";key="sig1"', 'forwarded'] }, forwarded)).headers);
      const result = await verifyRfc9421(proxied, options({ label: 'proxy_sig', requiredComponents: ['signature;key="sig1"'], keyLookup: (id) => (id === 'proxy' ? { key: KEYS['rsa-v1_5-sha256'].verify, algorithms: ['rsa-v1_5-sha256'] } : null) }));
      expect(result.signatureBase).toContain('"signature";key="sig1": :');
      expect((await verifyRfc9421(proxied, options({ label: 'sig1' }))).label).toBe('sig1');
    });
  });

  describe('responses (§2.2.9, §2.4)', () => {
    test('a response is bound to its request with ;req', async () => {
      const signedRequest = await signedMessage('ed25519');
      const response: Rfc9421Message = { status: 503, headers: { 'content-type': 'application/json' }, request: signedRequest as Rfc9421Request };
      const components = ['@status', 'content-type', '@method;req', '@authority;req', 'signature;key="sig1";req'];
      const signed = withHeaders(response, (await signWith('ecdsa-p256-sha256', { components }, response)).headers);
      const verifyResponse = options({ keyLookup: lookupFor('ecdsa-p256-sha256'), requiredComponents: ['@status', 'signature;req;key="sig1"'] });
      expect((await verifyRfc9421(signed, verifyResponse)).components).toEqual(['"@status"', '"content-type"', '"@method";req', '"@authority";req', '"signature";key="sig1";req']);
      // The same response presented with another request fails.
      const otherRequest = await signedMessage('ed25519', { created: NOW + 1 });
      expect(await refusal(verifyRfc9421({ ...signed, request: otherRequest as Rfc9421Request }, verifyResponse))).toBe('ERR_SIGNATURE_MISMATCH');
      // Without the request, the ;req components cannot be derived.
      expect(await refusal(verifyRfc9421({ status: 503, headers: signed.headers }, verifyResponse))).toBe('ERR_MISSING_HEADER');
    });

    test('a response signs @status by default, and its request\'s path and query when it is given', async () => {
      const response: Rfc9421Message = { status: 200, headers: { 'content-type': 'text/plain' } };
      const result = await signWith('ed25519', {}, response);
      expect(result.signatureParams).toBe(`("@status");created=${NOW};keyid="k"`);
      expect((await verifyRfc9421(withHeaders(response, result.headers), options({ requiredComponents: ['@status'] }))).label).toBe('sig1');
      const bound: Rfc9421Message = { ...response, request };
      const boundResult = await signWith('ed25519', {}, bound);
      expect(boundResult.signatureParams).toBe(`("@status" "@path";req "@query";req);created=${NOW};keyid="k"`);
      expect((await verifyRfc9421(withHeaders(bound, boundResult.headers), options())).label).toBe('sig1');
    });
  });

  describe('verification policy', () => {
    test('created, expires and maxAge against the clock with skew (§3.2, §7.2.2)', async () => {
      const signed = await signedMessage('ed25519', { expires: NOW + 60 });
      await expect(verifyRfc9421(signed, options({ now: (NOW + 60 + 300) * 1000 }))).resolves.toBeDefined();
      expect(await refusal(verifyRfc9421(signed, options({ now: (NOW + 60 + 301) * 1000 })))).toBe('ERR_SIGNATURE_EXPIRED');
      expect(await refusal(verifyRfc9421(signed, options({ now: (NOW + 61) * 1000, clockSkew: 0 })))).toBe('ERR_SIGNATURE_EXPIRED');
      expect(await refusal(verifyRfc9421(signed, options({ now: (NOW - 301) * 1000 })))).toBe('ERR_SIGNATURE_NOT_YET_VALID');
      expect(await refusal(verifyRfc9421(signed, options({ now: new Date((NOW + 11) * 1000), maxAge: 10, clockSkew: 0 })))).toBe('ERR_SIGNATURE_EXPIRED');
      await expect(verifyRfc9421(signed, options({ now: (NOW + 10) * 1000, maxAge: 10, clockSkew: 0 }))).resolves.toBeDefined();
      const noCreated = await signedMessage('ed25519', { created: false });
      expect(await refusal(verifyRfc9421(noCreated, options({ requiredParameters: ['keyid'], maxAge: 10 })))).toBe('ERR_HEADER_NOT_SIGNED');
      expect(await refusal(verifyRfc9421(signed, options({ clockSkew: -1 })))).toBe('RangeError');
      expect(await refusal(verifyRfc9421(signed, options({ maxAge: -1 })))).toBe('RangeError');
    });

    test('required components, parameters and tag (§7.2.1)', async () => {
      const signed = await signedMessage('ed25519', { tag: 'app', nonce: 'n1' });
      await expect(verifyRfc9421(signed, options({ tag: 'app', requiredParameters: ['created', 'keyid', 'nonce', 'tag'] }))).resolves.toBeDefined();
      expect(await refusal(verifyRfc9421(signed, options({ requiredComponents: ['content-type'] })))).toBe('ERR_HEADER_NOT_SIGNED');
      expect(await refusal(verifyRfc9421(signed, options({ requiredParameters: ['expires'] })))).toBe('ERR_HEADER_NOT_SIGNED');
      expect(await refusal(verifyRfc9421(signed, options({ tag: 'other' })))).toBe('ERR_HEADER_NOT_SIGNED');
      expect(await refusal(verifyRfc9421(signed, options({ requiredComponents: ['@foo'] })))).toBe('TypeError');
    });

    test('expires before created is an invalid date', async () => {
      const signed = await signedMessage('ed25519');
      const input = header(signed, 'signature-input').replace(`created=${NOW}`, `created=${NOW};expires=${NOW - 1}`);
      expect(await refusal(verifyRfc9421(setHeader(signed, 'signature-input', input), options()))).toBe('ERR_INVALID_DATE');
    });

    test('the body must match a covered Content-Digest; a body needs one (RFC 9530)', async () => {
      const signed = await signedMessage('ed25519', { body, digest: 'SHA-512' });
      await expect(verifyRfc9421(signed, options({ body: new TextEncoder().encode(body) }))).resolves.toBeDefined();
      expect(await refusal(verifyRfc9421(signed, options({ body: `${body} ` })))).toBe('ERR_DIGEST_MISMATCH');
      const plain = await signedMessage('ed25519');
      expect(await refusal(verifyRfc9421(plain, options({ body })))).toBe('ERR_DIGEST_MISSING');
      await expect(verifyRfc9421(plain, options({ body: '' }))).resolves.toBeDefined();
      // The signature covers the field: a changed one fails the signature, before the body is looked at.
      const unsupported = setHeader(signed, 'content-digest', 'md5=:AAAA:');
      expect(await refusal(verifyRfc9421(unsupported, options({ body })))).toBe('ERR_SIGNATURE_MISMATCH');
    });
  });

  describe('replay protection (§7.2.2)', () => {
    test('a nonce is accepted once, and only after the signature verified', async () => {
      const replayStore = createMemoryReplayStore();
      const signed = await signedMessage('ed25519', { nonce: 'abc', expires: NOW + 60 });
      const tampered = { ...signed, method: 'PUT' };
      expect(await refusal(verifyRfc9421(tampered, options({ replayStore })))).toBe('ERR_SIGNATURE_MISMATCH');
      await expect(verifyRfc9421(signed, options({ replayStore }))).resolves.toBeDefined();
      expect(await refusal(verifyRfc9421(signed, options({ replayStore })))).toBe('ERR_SIGNATURE_REPLAYED');
      // The same nonce under another key is another entry.
      const other = await signedMessage('ed25519', { nonce: 'abc', expires: NOW + 60, keyId: 'k2' });
      await expect(verifyRfc9421(other, options({ replayStore, keyLookup: lookupFor('ed25519', 'k2') }))).resolves.toBeDefined();
    });

    test('with a replay store, a nonce is required; the lifetime is always bounded (created + skew at least)', async () => {
      const replayStore = createMemoryReplayStore();
      expect(await refusal(verifyRfc9421(await signedMessage('ed25519', { expires: NOW + 60 }), options({ replayStore })))).toBe('ERR_HEADER_NOT_SIGNED');
      await expect(verifyRfc9421(await signedMessage('ed25519', { nonce: 'x' }), options({ replayStore }))).resolves.toBeDefined();
      await expect(verifyRfc9421(await signedMessage('ed25519', { nonce: 'y' }), options({ replayStore, maxAge: 60 }))).resolves.toBeDefined();
    });

    test('the store passes the expiry and an async store works', async () => {
      const calls: ReplayEntry[] = [];
      const replayStore: ReplayStore = { record: async (entry) => { calls.push(entry); return 'stored' as const; } };
      const result = await verifyRfc9421(await signedMessage('ed25519', { nonce: 'n', expires: NOW + 60 }), options({ replayStore, maxAge: 30 }));
      expect(result.validUntil).toBe(NOW + 30 + 300);
      expect(calls).toEqual([{
        key: expect.stringMatching(/^[\w-]{43}$/), expiresAt: (NOW + 30 + 300) * 1000 + 1, owner: expect.stringMatching(/^[\w-]{43}$/), now: NOW * 1000,
      }]);
    });

    test('createMemoryReplayStore forgets expired entries and stays within its capacity', () => {
      const store = createMemoryReplayStore({ maxEntries: 2, maxEntriesPerKey: 2 });
      expect(outcomeOf(store, entry('a', 10))).toBe('stored');
      expect(outcomeOf(store, entry('a', 10))).toBe('replayed');
      expect(outcomeOf(store, entry('b', 10))).toBe('stored');
      expect(outcomeOf(store, entry('c', 10))).toBe('ERR_REPLAY_STORE_UNAVAILABLE'); // full of live entries: refused, nothing evicted
      expect(outcomeOf(store, entry('a', 10))).toBe('replayed');
      expect(outcomeOf(store, entry('c', 20, 11_000))).toBe('stored'); // expired entries can be reused
      expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(RangeError);
    });
  });

  describe('keys and algorithms (§3.2 step 5)', () => {
    test('the algorithm comes from the key store; alg must be allowed', async () => {
      const withAlg = await signedMessage('ed25519', { includeAlg: true });
      const refuse = (entry: unknown) => refusal(verifyRfc9421(withAlg, options({ keyLookup: () => entry as never })));
      expect(await refuse(null)).toBe('ERR_UNKNOWN_KEY');
      expect(await refuse({ key: KEYS.ed25519.verify, algorithms: [] })).toBe('ERR_ALGORITHM_NOT_ALLOWED');
      expect(await refuse({ key: KEYS.ed25519.verify, algorithms: ['rsa-sha256'] })).toBe('ERR_ALGORITHM_NOT_ALLOWED');
      expect(await refuse({ key: KEYS.ed25519.verify, algorithms: ['ecdsa-p256-sha256'] })).toBe('ERR_ALGORITHM_NOT_ALLOWED');
      expect(await refuse({ key: KEYS.ed25519.verify, algorithms: ['hmac-sha256', 'ed25519'] })).toBe('ERR_INVALID_KEY');
      const plain = await signedMessage('ed25519');
      const refusePlain = (entry: unknown) => refusal(verifyRfc9421(plain, options({ keyLookup: async () => entry as never })));
      expect(await refusePlain({ key: KEYS.ed25519.verify, algorithms: ['ecdsa-p256-sha256'] })).toBe('ERR_ALGORITHM_NOT_ALLOWED');
      expect(await refusePlain({ key: KEYS.ed25519.verify, algorithms: ['hmac-sha256'] })).toBe('ERR_INVALID_KEY');
      expect(await refusePlain({ key: { kty: 'oct' }, algorithms: ['hmac-sha256'] })).toBe('ERR_INVALID_KEY');
      expect(await refusePlain({ key: 'a-secret', algorithms: ['ed25519'] })).toBe('ERR_INVALID_KEY');
      expect(await refusePlain({ key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', algorithms: ['ed25519'] })).toBe('ERR_INVALID_KEY');
      expect(await refusePlain({ key: KEYS['ecdsa-p256-sha256'].verify, algorithms: ['ecdsa-p256-sha256'] })).toBe('ERR_SIGNATURE_MISMATCH');
      // An alg the library does not implement.
      const input = header(withAlg, 'signature-input').replace('alg="ed25519"', 'alg="rsa-sha256"');
      expect(await refusal(verifyRfc9421(setHeader(withAlg, 'signature-input', input), options()))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    });

    test('the keyLookup receives the keyid and parameters', async () => {
      const seen: unknown[] = [];
      await verifyRfc9421(await signedMessage('ed25519', { tag: 't' }), options({ keyLookup: (keyId, params) => { seen.push(keyId, params); return { key: KEYS.ed25519.verify, algorithms: ['ed25519'] }; } }));
      expect(seen).toEqual(['k', { created: NOW, keyid: 'k', tag: 't' }]);
    });
  });

  describe('refusals of the signature fields', () => {
    test.each([
      ['no signature fields', (m: Rfc9421Message) => setHeader(setHeader(m, 'signature', undefined), 'signature-input', undefined), {}, 'ERR_SIGNATURE_MISSING'],
      ['Signature without Signature-Input', (m: Rfc9421Message) => setHeader(m, 'signature-input', undefined), {}, 'ERR_SIGNATURE_MISSING'],
      ['Signature-Input without Signature', (m: Rfc9421Message) => setHeader(m, 'signature', undefined), {}, 'ERR_SIGNATURE_MISSING'],
      ['no member with the label', (m: Rfc9421Message) => m, { label: 'other' }, 'ERR_SIGNATURE_MISSING'],
      ['an empty Signature-Input', (m: Rfc9421Message) => setHeader(m, 'signature-input', ''), {}, 'ERR_SIGNATURE_MISSING'],
      ['Signature-Input that is not a dictionary', (m: Rfc9421Message) => setHeader(m, 'signature-input', '((('), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['Signature that is not a dictionary', (m: Rfc9421Message) => setHeader(m, 'signature', 'sig1=:abc'), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a member that is not an inner list', (m: Rfc9421Message) => setHeader(m, 'signature-input', 'sig1=1'), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['no Signature member for the label', (m: Rfc9421Message) => setHeader(m, 'signature', 'other=:AAAA:'), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a Signature member that is not a byte sequence', (m: Rfc9421Message) => setHeader(m, 'signature', 'sig1=1'), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a Signature member that is an inner list', (m: Rfc9421Message) => setHeader(m, 'signature', 'sig1=(:AAAA:)'), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a keyid that is not a string', (m: Rfc9421Message) => setHeader(m, 'signature-input', header(m, 'signature-input').replace('keyid="k"', 'keyid=1')), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a created that is not an integer', (m: Rfc9421Message) => setHeader(m, 'signature-input', header(m, 'signature-input').replace(/created=\d+/, 'created=1.5')), {}, 'ERR_INVALID_DATE'],
      ['an uppercase component', (m: Rfc9421Message) => setHeader(m, 'signature-input', header(m, 'signature-input').replace('"@method"', '"@METHOD"')), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a duplicate component', (m: Rfc9421Message) => setHeader(m, 'signature-input', header(m, 'signature-input').replace('"@method"', '"@method" "@method"')), {}, 'ERR_MALFORMED_SIGNATURE'],
      ['a covered field that is absent', (m: Rfc9421Message) => setHeader(m, 'signature-input', header(m, 'signature-input').replace('"@method"', '"@method" "x-absent"')), {}, 'ERR_MISSING_HEADER'],
      ['a signature of the wrong length', (m: Rfc9421Message) => setHeader(m, 'signature', 'sig1=:AAAA:'), {}, 'ERR_SIGNATURE_MISMATCH'],
      ['a Signature-Input over the size cap', (m: Rfc9421Message) => m, { maxHeaderLength: 20 }, 'ERR_HEADER_TOO_LARGE'],
      ['more signatures than the cap', (m: Rfc9421Message) => setHeader(m, 'signature', `${header(m, 'signature')}, b=:AA==:`), { maxSignatures: 1 }, 'ERR_HEADER_TOO_LARGE'],
      ['more components than the cap', (m: Rfc9421Message) => m, { maxComponents: 2 }, 'ERR_HEADER_TOO_LARGE'],
    ])('%s', async (_what, change, extra, code) => {
      const signed = await signedMessage('ed25519');
      expect(await refusal(verifyRfc9421(change(signed), options(extra as Partial<VerifyRfc9421Options>)))).toBe(code);
    });

    test('verifyRfc9421 needs a keyLookup', async () => {
      expect(await refusal(verifyRfc9421(request, {} as VerifyRfc9421Options))).toBe('TypeError');
    });
  });

  describe('signing refusals', () => {
    test.each([
      ['no options', null, 'TypeError'],
      ['an empty keyId', { keyId: '' }, 'TypeError'],
      ['an unknown algorithm', { algorithm: 'rsa-sha256' }, 'ERR_ALGORITHM_NOT_ALLOWED'],
      ['an invalid label', { label: 'Sig 1' }, 'TypeError'],
      ['a digest without body', { digest: 'SHA-256' }, 'TypeError'],
      ['expires before created', { created: NOW, expires: NOW - 1 }, 'RangeError'],
      ['an invalid clock', { now: Number.NaN }, 'RangeError'],
      ['an unknown parameter in parameterOrder', { parameterOrder: ['created', 'foo'] }, 'TypeError'],
      ['a non-ASCII nonce', { nonce: 'n\u00f6nce' }, 'TypeError'],
      ['a bad component', { components: ['@nope'] }, 'TypeError'],
      ['a duplicate component', { components: ['@method', '@method'] }, 'TypeError'],
      ['a covered field that is absent', { components: ['x-absent'] }, 'ERR_MISSING_HEADER'],
      ['hmac-sha256 with a key object', { algorithm: 'hmac-sha256', key: { kty: 'oct' } }, 'ERR_INVALID_KEY'],
      ['hmac-sha256 with a PEM key', { algorithm: 'hmac-sha256', key: pemOf('rfc9421-test-key-ed25519.private.pem') }, 'ERR_INVALID_KEY'],
      ['ed25519 with a secret', { key: 'secret' }, 'ERR_ALGORITHM_NOT_ALLOWED'],
      ['ed25519 with an RSA key', { key: pemOf('rfc9421-test-key-rsa.private.pem') }, 'ERR_ALGORITHM_NOT_ALLOWED'],
      ['rsa-v1_5-sha256 with an RSA-PSS key', { algorithm: 'rsa-v1_5-sha256', key: pemOf('rfc9421-test-key-rsa-pss.private.pem') }, 'ERR_ALGORITHM_NOT_ALLOWED'],
      ['a key that is not a key', { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }, 'ERR_INVALID_KEY'],
      ['a public key', { key: pemOf('rfc9421-test-key-ed25519.public.pem') }, 'ERR_INVALID_KEY'],
      ['a key too small for RSASSA-PSS with SHA-512 and a 64-byte salt', { algorithm: 'rsa-pss-sha512', key: rsa512.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, minRsaBits: 512 }, 'ERR_INVALID_KEY'],
    ])('%s', async (_what, extra, code) => {
      const signOptions = extra === null ? null : { key: KEYS.ed25519.sign, algorithm: 'ed25519', keyId: 'k', ...extra };
      expect(await refusal(signRfc9421(request, signOptions as unknown as SignRfc9421Options))).toBe(code);
    });

    test('a label already on the message is refused; existing fields must parse', async () => {
      const signed = await signedMessage('ed25519', { label: 'one' });
      expect(await refusal(signWith('ed25519', { label: 'one' }, signed))).toBe('TypeError');
      expect((await signWith('ed25519', {}, signed)).label).toBe('sig1');
      expect(await refusal(signWith('ed25519', {}, setHeader(signed, 'signature', '(((')))).toBe('ERR_MALFORMED_SIGNATURE');
    });

    test('created can be left out, alg written, parameters ordered', async () => {
      const result = await signWith('ed25519', { created: false, includeAlg: true, nonce: 'n', tag: 't', expires: NOW + 5, parameterOrder: ['tag', 'nonce'], components: [] });
      expect(result.signatureParams).toBe(`();tag="t";nonce="n";expires=${NOW + 5};keyid="k";alg="ed25519"`);
      expect((await signWith('ed25519', { components: [], now: new Date(NOW * 1000) })).signatureParams).toBe(`();created=${NOW};keyid="k"`);
      expect((await signRfc9421(request, { key: KEYS.ed25519.sign, algorithm: 'ed25519', components: [], created: 7 })).signatureParams).toBe('();created=7');
    });

    test('a covered content-digest given explicitly is not added twice', async () => {
      const result = await signWith('ed25519', { body, digest: 'SHA-256', components: ['content-digest', '@method'] });
      expect(result.signatureParams).toBe(`("content-digest" "@method");created=${NOW};keyid="k"`);
    });
  });
});

describe('keyLookup may return any thenable', () => {
  const { NOW, ED_VERIFY, signed, at } = edFixture;
  test('a non-Promise thenable is awaited', async () => {
    const thenable = { then: (resolve: (value: unknown) => void) => { resolve({ key: ED_VERIFY, algorithms: ['ed25519'] }); } };
    const result = await verifyRfc9421(await signed(), at(NOW, { keyLookup: () => thenable as never }));
    expect(result.keyId).toBe('k');
    const empty = { then: (resolve: (value: unknown) => void) => { resolve(null); } };
    expect(await refusal(verifyRfc9421(await signed(), at(NOW, { keyLookup: () => empty as never })))).toBe('ERR_UNKNOWN_KEY');
  });
});

describe('the components option is read on every signature', () => {
  test('a list changed between two signatures is signed as it is now', async () => {
    const components = ['@method', '@authority'];
    const first = await edFixture.sign({ components });
    expect(first.signatureParams.startsWith('("@method" "@authority");')).toBe(true);
    components.push('content-type');
    const second = await edFixture.sign({ components });
    expect(second.signatureParams.startsWith('("@method" "@authority" "content-type");')).toBe(true);
    expect(second.signatureBase).toContain('\n"content-type": application/json\n');
    components[2] = 'Content-Type;bs';
    expect((await edFixture.sign({ components })).signatureParams.startsWith('("@method" "@authority" "content-type";bs);')).toBe(true);
    components[0] = '@nope';
    await expect(edFixture.sign({ components })).rejects.toThrow(TypeError);
  });
});

// What an HMAC secret may be, on both schemes and both backends: the algorithm family is never inferred from a
// key's form, so a public key in any form (bytes, DER, base64 DER, JWK text, an OpenSSH line, PEM in any case) is
// never an HMAC key — otherwise anyone holding the public key forges signatures with HMAC. Ordinary secrets
// (JumpServer's ASCII secrets, random bytes) keep working.
import crypto from 'node:crypto';
import { sign, verify, type KeyInput, type VerificationKey } from '../src/index.js';
import { buildSigningString, formatSignatureHeader } from '../src/cavage/index.js';
import { type Rfc9421Request, signRfc9421, verifyRfc9421, type VerifyRfc9421Options } from '../src/rfc9421/index.js';
import { isPublicKeyMaterial } from '../src/lib/key-material.js';
import { publicKeyForms, seededRandom } from './support/public-key-forms.js';
import { codeOf, refusal } from './support/outcome.js';
import * as hmacFixture from './support/hmac-fixture.js';
import * as edFixture from './support/rfc9421-fixture.js';
import { withHeaders } from './rfc9421-helpers.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const request = { method: 'POST', url: '/api/v1/things?x=1', headers: { host: 'api.example.com', date: 'Sun, 22 Nov 2026 10:00:00 GMT' } };
const names = ['(request-target)', 'host', 'date'];
const rfcRequest: Rfc9421Request = { method: 'POST', url: 'https://api.example.com/api/v1/things?x=1', headers: [['Date', 'Sun, 22 Nov 2026 10:00:00 GMT']] };

const forms = [
  ...publicKeyForms('RSA', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
  ...publicKeyForms('P-256', crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
  ...publicKeyForms('P-384', crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey),
  ...publicKeyForms('Ed25519', crypto.generateKeyPairSync('ed25519').publicKey),
];

const macOf = (hash: 'sha256' | 'sha512', key: string | Uint8Array, data: string): string => crypto.createHmac(hash, key).update(data).digest('base64');

/** A draft-cavage request forged by someone who holds only the public key: an HMAC keyed with its bytes. */
function forgedCavage(form: string | Uint8Array, algorithm: 'hs2019' | 'hmac-sha256'): typeof request {
  const mac = macOf(algorithm === 'hs2019' ? 'sha512' : 'sha256', form, buildSigningString(request, names));
  const authorization = formatSignatureHeader({ keyId: 'k', algorithm, headers: names, signature: mac });
  return { ...request, headers: { ...request.headers, authorization } } as typeof request;
}

describe('draft-cavage: a public key is never an HMAC key', () => {
  test.each(forms)('forging hs2019 with HMAC-SHA512 keyed by the %s is refused', async (_label, form) => {
    const forged = forgedCavage(form, 'hs2019');
    // A key store holding the public key for hs2019 (the form must not turn it into an HMAC secret).
    const asAsymmetric = await codeOf(verify(forged, { keyLookup: () => ({ key: form as KeyInput, algorithms: ['hs2019'] }), now }));
    expect(asAsymmetric).not.toBe('resolved');
    expect(['ERR_INVALID_KEY', 'ERR_SIGNATURE_MISMATCH']).toContain(asAsymmetric);
    // Even a key store that declares the key an HMAC secret refuses public-key material.
    const lookup = (): VerificationKey => ({ key: form, algorithms: ['hs2019'], hs2019: 'hmac-sha512' });
    expect(await codeOf(verify(forged, { keyLookup: lookup, now }))).toBe('ERR_INVALID_KEY');
  });

  test.each(forms)('forging hmac-sha256 keyed by the %s is refused', async (_label, form) => {
    const forged = forgedCavage(form, 'hmac-sha256');
    expect(await codeOf(verify(forged, { keyLookup: () => ({ key: form, algorithms: ['hmac-sha256'] }), now }))).toBe('ERR_INVALID_KEY');
  });

  test.each(forms)('signing with the %s as an HMAC secret is refused, without echoing it', async (_label, form) => {
    for (const options of [{ algorithm: 'hmac-sha256' }, { algorithm: 'hmac-sha512' }, { algorithm: 'hs2019', hs2019: 'hmac-sha512' }] as const) {
      const error = await sign(request, { keyId: 'k', key: form, headers: names, now, ...options }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_INVALID_KEY' });
      expect((error as Error).message).not.toMatch(/[A-Za-z0-9+/]{16}/);
    }
  });
});

test('a JWK object or a key object is never an HMAC secret, on either scheme', async () => {
  const pair = crypto.generateKeyPairSync('ed25519');
  for (const key of [pair.publicKey.export({ format: 'jwk' }) as KeyInput, pair.publicKey as unknown as KeyInput, { kty: 'oct', k: 'c2VjcmV0' } as KeyInput]) {
    const forged = forgedCavage('irrelevant', 'hmac-sha256');
    expect(await codeOf(verify(forged, { keyLookup: () => ({ key, algorithms: ['hmac-sha256'] }), now }))).toBe('ERR_INVALID_KEY');
    const forgedHs2019 = forgedCavage('irrelevant', 'hs2019');
    expect(await codeOf(verify(forgedHs2019, { keyLookup: () => ({ key, algorithms: ['hs2019'], hs2019: 'hmac-sha512' }), now }))).toBe('ERR_INVALID_KEY');
    expect(await codeOf(sign(request, { keyId: 'k', key, algorithm: 'hs2019', hs2019: 'hmac-sha512', headers: names, now }))).toBe('ERR_INVALID_KEY');
    expect(await codeOf(signRfc9421(rfcRequest, { key, algorithm: 'hmac-sha256', keyId: 'k', now }))).toBe('ERR_INVALID_KEY');
    expect(await codeOf(verifyRfc9421(rfcRequest, { keyLookup: () => ({ key, algorithms: ['hmac-sha256'] }), now }))).not.toBe('resolved');
  }
});

describe('RFC 9421: a public key is never an hmac-sha256 key', () => {
  test.each(forms)('forging hmac-sha256 keyed by the %s is refused', async (_label, form) => {
    // The attacker builds the signature base (here with any secret) and MACs it with the public key's bytes.
    const template = await signRfc9421(rfcRequest, { key: 'attacker-chosen-secret-0123456789', algorithm: 'hmac-sha256', keyId: 'k', now });
    const forged: Rfc9421Request = {
      ...rfcRequest,
      headers: [...(rfcRequest.headers as Array<[string, string]>), ['Signature-Input', template.headers['signature-input']!],
        ['Signature', `sig1=:${macOf('sha256', form, template.signatureBase)}:`]],
    };
    const code = await codeOf(verifyRfc9421(forged, { keyLookup: () => ({ key: form, algorithms: ['hmac-sha256'] }), now }));
    expect(code).toBe('ERR_INVALID_KEY');
  });

  test.each(forms)('signing hmac-sha256 with the %s is refused with ERR_INVALID_KEY', async (_label, form) => {
    const error = await signRfc9421(rfcRequest, { key: form, algorithm: 'hmac-sha256', keyId: 'k', now }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_KEY' });
    expect((error as Error).message).not.toMatch(/[A-Za-z0-9+/]{16}/);
  });
});

describe('ordinary secrets are still secrets', () => {
  const random = seededRandom(0x5eed);
  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  const bytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(random() * 256));
  const hex = '0123456789abcdef';
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
  const uuid = (): string => `${pick(hex, 8)}-${pick(hex, 4)}-4${pick(hex, 3)}-${pick('89ab', 1)}${pick(hex, 3)}-${pick(hex, 12)}`;

  test('20 000 UUIDs, random base64 / base64url / hex / printable text and random bytes are not public-key material', () => {
    const refused: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const length = 8 + (i % 120);
      const candidates: Array<string | Uint8Array> = [
        uuid(),
        Buffer.from(bytes(length)).toString('base64'),
        Buffer.from(bytes(length)).toString('base64url'),
        pick(printable, length),
        bytes(length),
      ];
      for (const candidate of candidates) if (isPublicKeyMaterial(candidate)) refused.push(String(candidate));
    }
    expect(refused).toEqual([]);
  });

  test.each([
    ['a JumpServer-style UUID secret', '7e0a4f1c-2b9d-4c3e-8f5a-1d6b9e0c3a27'],
    ['a long random base64 secret', crypto.randomBytes(96).toString('base64')],
    ['random bytes', new Uint8Array(crypto.randomBytes(64))],
    ['a secret that mentions ssh-rsa without a key', 'my ssh-rsa password'],
  ])('%s signs and verifies on both schemes', async (_label, secret) => {
    for (const options of [{ algorithm: 'hmac-sha256' }, { algorithm: 'hs2019', hs2019: 'hmac-sha512' }] as const) {
      const { headers } = await sign(request, { keyId: 'k', key: secret, headers: names, now, ...options });
      const lookup = (): VerificationKey => ({ key: secret, algorithms: [options.algorithm], hs2019: 'hs2019' in options ? options.hs2019 : undefined });
      await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: lookup, now })).resolves.toMatchObject({ algorithm: options.algorithm });
    }
    const signed = await signRfc9421(rfcRequest, { key: secret, algorithm: 'hmac-sha256', keyId: 'k', now });
    const received: Rfc9421Request = { ...rfcRequest, headers: [...(rfcRequest.headers as Array<[string, string]>), ...Object.entries(signed.headers)] };
    await expect(verifyRfc9421(received, { keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }), now })).resolves.toMatchObject({ algorithm: 'hmac-sha256' });
  });
});

describe('HMAC secrets under hs2019 and hmac-*: signing and verification', () => {
  const { now, signedRequest } = hmacFixture;
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  test('a PEM string is never used as an HMAC secret by verify', async () => {
    // The attacker knows the public key, so an HMAC keyed with its PEM text is forgeable.
    const request = { method: 'GET', url: '/a', headers: { host: 'h', date: 'Sun, 22 Nov 2026 10:00:00 GMT' } };
    // sign refuses such a key (below), so the forger computes the HMAC by hand.
    const names = ['(request-target)', 'host', 'date'];
    const mac = crypto.createHmac('sha256', publicPem).update(buildSigningString(request, names)).digest('base64');
    const authorization = formatSignatureHeader({ keyId: 'k', algorithm: 'hmac-sha256', headers: names, signature: mac });
    const received = { ...request, headers: { ...request.headers, authorization } };
    for (const algorithms of [['hmac-sha256', 'hs2019'], ['hmac-sha256']] as const) {
      const error = await verify(received, { keyLookup: () => ({ key: publicPem, algorithms: [...algorithms] }), now }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_INVALID_KEY' });
      expect(String((error as Error).message)).not.toContain('BEGIN');
    }
  });

  test('a PEM string is never used as an HMAC secret by sign either', async () => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h' } };
    for (const algorithm of ['hmac-sha256', 'hmac-sha512'] as const) {
      const error = await sign(request, { keyId: 'k', key: publicPem, algorithm, now }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_INVALID_KEY' });
      expect(String((error as Error).message)).not.toContain('BEGIN');
    }
  });

  test('a secret accepted once does not vouch for another: a PEM string after good ones, bytes changed into a key after use', async () => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h' } };
    // The check runs once per secret string; the strings used before never let a public key through.
    for (const key of ['a-good-secret', 'another-good-secret', 'a-good-secret']) {
      expect(await codeOf(sign(request, { keyId: 'k', key, algorithm: 'hmac-sha256', now }))).toBe('resolved');
    }
    expect(await codeOf(sign(request, { keyId: 'k', key: publicPem, algorithm: 'hmac-sha256', now }))).toBe('ERR_INVALID_KEY');
    // Bytes can change after a check: they are checked on every use.
    const der = new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' }));
    const secret = new Uint8Array(der.length).fill(7);
    expect(await codeOf(sign(request, { keyId: 'k', key: secret, algorithm: 'hmac-sha256', now }))).toBe('resolved');
    secret.set(der);
    expect(await codeOf(sign(request, { keyId: 'k', key: secret, algorithm: 'hmac-sha256', now }))).toBe('ERR_INVALID_KEY');
    const signed = await sign(request, { keyId: 'k', key: 'a-good-secret', algorithm: 'hmac-sha256', now });
    const received = { ...request, headers: { ...request.headers, ...signed.headers } };
    expect(await codeOf(verify(received, { keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }), now }))).toBe('ERR_INVALID_KEY');
  });

  test('an empty secret is refused by sign and verify', async () => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h' } };
    for (const key of ['', new Uint8Array(0)]) {
      for (const algorithm of ['hmac-sha256', 'hs2019'] as const) {
        expect(await codeOf(sign(request, { keyId: 'k', key, algorithm, hs2019: 'hmac-sha512', now }))).toBe('ERR_INVALID_KEY');
      }
    }
    const signed = await signedRequest(['(request-target)', 'host', 'date']);
    const hmacSigned = await signedRequest(['(request-target)', 'host', 'date'], { algorithm: 'hmac-sha256' });
    for (const key of ['', new Uint8Array(0)]) {
      expect(await codeOf(verify(signed, { keyLookup: () => ({ key, algorithms: ['hs2019'], hs2019: 'hmac-sha512' }), now }))).toBe('ERR_INVALID_KEY');
      expect(await codeOf(verify(hmacSigned, { keyLookup: () => ({ key, algorithms: ['hmac-sha256'] }), now }))).toBe('ERR_INVALID_KEY');
    }
  });
});

describe('an empty HMAC secret is refused by RFC 9421 signing and verification', () => {
  const { NOW, SECRET, request, at } = edFixture;
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

// JWK thumbprints (RFC 7638) and public JWKs, on both backends: the published examples, every key form, and the
// inputs that have no thumbprint.
import crypto from 'node:crypto';
import { backendName, jwkThumbprint, keyThumbprint, publicJwk } from '../src/index.js';
import { createPortableBackend } from '../src/runtime/portable.js';
import { codeOf, codeOfCall } from './support/outcome.js';

// RFC 7638 §3.1: the RSA key of RFC 7517 Appendix A.1 and its thumbprint.
const RFC7638_N = '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
// RFC 8037 Appendix A.3: the Ed25519 key of A.2 and its thumbprint.
const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RFC8037_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';

/** The thumbprint computed independently with node:crypto from the members RFC 7638 names. */
function expectedThumbprint(jwk: crypto.JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
    : jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * A public key as a JWK. node:crypto exports none for RSASSA-PSS: its RSAPublicKey (the last 270 bytes of a
 * 2048-bit key's SPKI, with exponent 65537) is read as PKCS#1 instead.
 */
function exportJwk(publicKey: crypto.KeyObject): crypto.JsonWebKey {
  if (publicKey.asymmetricKeyType !== 'rsa-pss') return publicKey.export({ format: 'jwk' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createPublicKey({ key: spki.subarray(spki.length - 270), format: 'der', type: 'pkcs1' }).export({ format: 'jwk' });
}

describe('jwkThumbprint', () => {
  it('gives RFC 7638 §3.1 example thumbprint, whatever other members and member order the JWK has', () => {
    expect(jwkThumbprint({ kty: 'RSA', n: RFC7638_N, e: 'AQAB', alg: 'RS256', kid: '2011-04-29' })).toBe(RFC7638_THUMBPRINT);
    expect(jwkThumbprint({ e: 'AQAB', n: RFC7638_N, kty: 'RSA' })).toBe(RFC7638_THUMBPRINT);
  });

  it('gives RFC 8037 §A.3 thumbprint of an Ed25519 key, and ignores the private member', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC8037_X })).toBe(RFC8037_THUMBPRINT);
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC8037_X, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' })).toBe(RFC8037_THUMBPRINT);
  });

  it('hashes an EC key over crv, kty, x and y', () => {
    const jwk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect(jwkThumbprint(jwk as Record<string, unknown>)).toBe(expectedThumbprint(jwk));
  });

  it.each([
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
    ['an unknown key type', { kty: 'XYZ', x: 'AA' }],
    ['an inherited key type name', { kty: 'constructor' }],
    ['no kty', { n: RFC7638_N, e: 'AQAB' }],
    ['a missing member', { kty: 'RSA', n: RFC7638_N }],
    ['a member that is not a string', { kty: 'OKP', crv: 'Ed25519', x: 42 }],
    ['an empty member', { kty: 'OKP', crv: 'Ed25519', x: '' }],
    ['a member that is not base64url', { kty: 'OKP', crv: 'Ed25519', x: `${RFC8037_X}=` }],
    ['an over-long member', { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(4097) }],
  ])('refuses %s with ERR_INVALID_KEY', (_name, jwk) => {
    expect(codeOfCall(() => jwkThumbprint(jwk as Record<string, unknown>))).toBe('ERR_INVALID_KEY');
  });

  it('refuses what is not an object with ERR_INVALID_KEY', () => {
    expect(codeOfCall(() => jwkThumbprint(null as unknown as Record<string, unknown>))).toBe('ERR_INVALID_KEY');
  });
});

describe('publicJwk and keyThumbprint', () => {
  const pairs = {
    ed25519: crypto.generateKeyPairSync('ed25519'),
    rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    'rsa-pss': crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 }),
    'ec P-256': crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    'ec P-384': crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  };

  describe.each(Object.entries(pairs))('%s', (_name, { privateKey, publicKey }) => {
    const expected = exportJwk(publicKey);
    const forms: Array<[string, () => unknown]> = [
      ['private PEM', () => privateKey.export({ type: 'pkcs8', format: 'pem' })],
      ['public PEM', () => publicKey.export({ type: 'spki', format: 'pem' })],
      ['private KeyObject', () => privateKey],
      ['public KeyObject', () => publicKey],
      ...(publicKey.asymmetricKeyType === 'rsa-pss' ? [] : [['private JWK', () => privateKey.export({ format: 'jwk' })] as [string, () => unknown]]),
      ['public JWK with extra members', () => ({ ...expected, kid: 'k1', use: 'sig' })],
    ];

    it.each(forms)('from a %s: only the public members, and their thumbprint', async (_form, make) => {
      const jwk = await publicJwk(make() as never);
      const members = expected.kty === 'RSA' ? { kty: 'RSA', n: expected.n, e: expected.e }
        : expected.kty === 'EC' ? { kty: 'EC', crv: expected.crv, x: expected.x, y: expected.y } : { kty: 'OKP', crv: expected.crv, x: expected.x };
      expect(jwk).toEqual(members);
      expect(await keyThumbprint(make() as never)).toBe(expectedThumbprint(expected));
    });
  });

  it('reads a WebCrypto key pair: the private CryptoKey when extractable, the public one always', async () => {
    const pair = await crypto.webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as CryptoKeyPair;
    const expected = await crypto.webcrypto.subtle.exportKey('jwk', pair.publicKey);
    expect(await keyThumbprint(pair.privateKey as never)).toBe(expectedThumbprint(expected as crypto.JsonWebKey));
    expect(await keyThumbprint(pair.publicKey as never)).toBe(expectedThumbprint(expected as crypto.JsonWebKey));
  });

  it('a non-extractable private CryptoKey: node:crypto derives its public key, WebCrypto cannot (ERR_INVALID_KEY)', async () => {
    const pair = await crypto.webcrypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as CryptoKeyPair;
    const expected = expectedThumbprint(await crypto.webcrypto.subtle.exportKey('jwk', pair.publicKey) as crypto.JsonWebKey);
    const outcome = await keyThumbprint(pair.privateKey as never).catch((e: { code?: string }) => e.code);
    expect(outcome).toBe(backendName === 'node' ? expected : 'ERR_INVALID_KEY');
  });

  it.each([
    ['an HMAC secret string', 'a-shared-secret'],
    ['HMAC secret bytes', new Uint8Array([1, 2, 3])],
    ['a PEM that does not parse', '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n'],
    ['an RSA key under 2048 bits', crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' })],
    ['a symmetric JWK', { kty: 'oct', k: 'c2VjcmV0' }],
  ])('refuses %s with ERR_INVALID_KEY', async (_name, key) => {
    expect(await codeOf(publicJwk(key as never))).toBe('ERR_INVALID_KEY');
    expect(await codeOf(keyThumbprint(key as never))).toBe('ERR_INVALID_KEY');
  });

  it('never echoes the key in the error', async () => {
    const secretish = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n';
    const error = await publicJwk(secretish).then(() => undefined, (e: Error) => e);
    expect(String(error)).not.toContain('c2VjcmV0LWtleS1ieXRlcw');
    expect(JSON.stringify(error)).not.toContain('c2VjcmV0LWtleS1ieXRlcw');
  });
});

describe('the portable backend without WebCrypto', () => {
  const noWebCrypto = createPortableBackend(undefined);

  it('exports a JWK it was given, and refuses a PEM with WebCryptoUnavailableError (ERR_INVALID_KEY)', async () => {
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    expect(await noWebCrypto.exportPublicJwk(await noWebCrypto.importKey(jwk as never, 'verify'))).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const error = await noWebCrypto.exportPublicJwk(await noWebCrypto.importKey(rsa, 'verify')).then(() => undefined, (e: Error) => e);
    expect(error?.name).toBe('WebCryptoUnavailableError');
  });
});

// Every accepted key form with every algorithm, on both backends (this file runs in the node and the
// portable jest projects). Signatures are checked independently with node:crypto, not only by core.
import crypto from 'node:crypto';
import { clearKeyCache, sign, verify, type CavageAlgorithm, type KeyInput, type SignableRequest, type VerifyOptions } from '../src/index.js';
import { buildSigningString, formatSignatureHeader } from '../src/cavage/index.js';
import * as hmacFixture from './support/hmac-fixture.js';
import { codeOf } from './support/outcome.js';

const request = { method: 'POST', url: 'https://api.example.com:8443/v1/things?x=1&y=%2F', headers: { Date: 'Sun, 22 Nov 2026 10:00:00 GMT', 'Content-Type': 'application/json' } };
const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const names = ['(request-target)', 'host', 'date', 'content-type'];

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = crypto.generateKeyPairSync('ed25519');

const signatureOf = (authorization: string): Buffer => Buffer.from(/signature="([^"]+)"/.exec(authorization)![1]!, 'base64');

/** Independent check of a signature with node:crypto. */
function nodeVerifies(algorithm: string, data: string, sig: Buffer, publicKey: crypto.KeyObject): boolean {
  const bytes = Buffer.from(data);
  switch (algorithm) {
    case 'rsa-sha1': return crypto.verify('sha1', bytes, publicKey, sig);
    case 'rsa-sha256': return crypto.verify('sha256', bytes, publicKey, sig);
    case 'rsa-sha512': return crypto.verify('sha512', bytes, publicKey, sig);
    case 'ecdsa-sha256': return crypto.verify('sha256', bytes, { key: publicKey, dsaEncoding: 'der' }, sig);
    case 'ed25519': return crypto.verify(null, bytes, publicKey, sig);
    case 'hs2019/pss': return crypto.verify('sha512', bytes, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, sig);
    case 'hs2019/p384': return crypto.verify('sha384', bytes, { key: publicKey, dsaEncoding: 'der' }, sig);
    default: throw new Error(algorithm);
  }
}

const rsaForms: [string, KeyInput, KeyInput][] = [
  ['PKCS#8 PEM / SPKI PEM', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string],
  ['PKCS#1 PEM / PKCS#1 PEM', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string],
  ['encrypted PKCS#8 / private PEM as verify key', { pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }) as string, passphrase: 'correct horse' }, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
  ['JWK / JWK', rsa.privateKey.export({ format: 'jwk' }) as never, rsa.publicKey.export({ format: 'jwk' }) as never],
  ['KeyObject / KeyObject', rsa.privateKey as never, rsa.publicKey as never],
];

describe.each(rsaForms)('RSA key as %s', (_label, privateKey, publicKey) => {
  test.each(['rsa-sha1', 'rsa-sha256', 'rsa-sha512'] as const)('%s signs, node:crypto and core verify', async (algorithm) => {
    const { headers, signingString } = await sign(request, { keyId: 'rsa', key: privateKey, algorithm, headers: names, now });
    expect(nodeVerifies(algorithm, signingString, signatureOf(headers['authorization']!), rsa.publicKey)).toBe(true);
    const result = await verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: publicKey, algorithms: [algorithm] }), now });
    expect(result).toMatchObject({ keyId: 'rsa', algorithm });
  });
});

test('RSA PKCS#1 v1.5 signatures are deterministic and equal across key forms', async () => {
  const sigs = new Set<string>();
  for (const [, privateKey] of rsaForms) {
    const { headers } = await sign(request, { keyId: 'rsa', key: privateKey, algorithm: 'rsa-sha256', headers: names, now });
    sigs.add(headers['authorization']!);
  }
  expect(sigs.size).toBe(1);
});

test.each([
  ['ecdsa-sha256', ec256, 'ecdsa-sha256'],
  ['ed25519', ed, 'ed25519'],
  ['hs2019 with Ed25519', ed, 'ed25519'],
  ['hs2019 with P-384', ec384, 'hs2019/p384'],
] as const)('%s: PEM, JWK and KeyObject forms sign and verify', async (label, pair, check) => {
  const algorithm: CavageAlgorithm = label.startsWith('hs2019') ? 'hs2019' : (label as CavageAlgorithm);
  const forms: [KeyInput, KeyInput][] = [
    [pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    [pair.privateKey.export({ format: 'jwk' }) as never, pair.publicKey.export({ format: 'jwk' }) as never],
    [pair.privateKey as never, pair.publicKey as never],
  ];
  for (const [privateKey, publicKey] of forms) {
    const { headers, signingString } = await sign(request, { keyId: 'k', key: privateKey, algorithm, headers: names, now });
    expect(nodeVerifies(check, signingString, signatureOf(headers['authorization']!), pair.publicKey)).toBe(true);
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: publicKey, algorithms: [algorithm] }), now }))
      .resolves.toMatchObject({ algorithm });
  }
});

test('SEC1 "EC PRIVATE KEY" PEM signs', async () => {
  const pem = ec256.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
  const { headers, signingString } = await sign(request, { keyId: 'k', key: pem, algorithm: 'ecdsa-sha256', headers: names, now });
  expect(nodeVerifies('ecdsa-sha256', signingString, signatureOf(headers['authorization']!), ec256.publicKey)).toBe(true);
});

test('WebCrypto CryptoKeys sign and verify', async () => {
  const pair = await crypto.webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']) as CryptoKeyPair;
  const { headers, signingString } = await sign(request, { keyId: 'k', key: pair.privateKey, algorithm: 'rsa-sha256', headers: names, now });
  expect(nodeVerifies('rsa-sha256', signingString, signatureOf(headers['authorization']!), crypto.KeyObject.from(pair.publicKey))).toBe(true);
  await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: pair.publicKey, algorithms: ['rsa-sha256'] }), now }))
    .resolves.toMatchObject({ algorithm: 'rsa-sha256' });
});

describe('hs2019 mapping for RSA is the caller\'s choice', () => {
  test('default rsa-sha256 (PKCS#1 v1.5, as deployed in the Fediverse)', async () => {
    const { headers, signingString } = await sign(request, { keyId: 'k', key: rsa.privateKey as never, algorithm: 'hs2019', headers: names, now });
    expect(nodeVerifies('rsa-sha256', signingString, signatureOf(headers['authorization']!), rsa.publicKey)).toBe(true);
    expect(headers['authorization']).toContain('algorithm="hs2019"');
  });
  test('rsa-pss-sha512 (as draft-cavage-12 writes it); a verifier with the other mapping refuses it', async () => {
    const { headers, signingString } = await sign(request, { keyId: 'k', key: rsa.privateKey as never, algorithm: 'hs2019', hs2019: 'rsa-pss-sha512', headers: names, now });
    expect(nodeVerifies('hs2019/pss', signingString, signatureOf(headers['authorization']!), rsa.publicKey)).toBe(true);
    const signed = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verify(signed, { keyLookup: () => ({ key: rsa.publicKey as never, algorithms: ['hs2019'], hs2019: 'rsa-pss-sha512' }), now })).resolves.toBeDefined();
    await expect(verify(signed, { keyLookup: () => ({ key: rsa.publicKey as never, algorithms: ['hs2019'] }), now })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });
  test('hs2019 is HMAC-SHA512 only when hs2019: \'hmac-sha512\' says so, on sign and on verify', async () => {
    const { headers, signingString } = await sign(request, { keyId: 'k', key: 'secret', algorithm: 'hs2019', hs2019: 'hmac-sha512', headers: names, now });
    expect(signatureOf(headers['authorization']!).equals(crypto.createHmac('sha512', 'secret').update(signingString).digest())).toBe(true);
    const signed = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verify(signed, { keyLookup: () => ({ key: 'secret', algorithms: ['hs2019'], hs2019: 'hmac-sha512' }), now })).resolves.toMatchObject({ algorithm: 'hs2019' });
    // Without the explicit mapping a secret is not an hs2019 key: the form of a key never picks HMAC.
    await expect(sign(request, { keyId: 'k', key: 'secret', algorithm: 'hs2019', headers: names, now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    await expect(verify(signed, { keyLookup: () => ({ key: 'secret', algorithms: ['hs2019'] }), now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    // An asymmetric key cannot be declared an HMAC key.
    await expect(verify(signed, { keyLookup: () => ({ key: 'secret', algorithms: ['hs2019', 'rsa-sha256'], hs2019: 'hmac-sha512' }), now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });
});

describe('the algorithm is bound to the key', () => {
  const pubPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  test('an RSA public key (PEM text) is never used as an HMAC secret', async () => {
    // The classic attack: HMAC-sign with the public key's PEM text and claim hmac-sha256 (sign refuses that key,
    // so the forger computes the MAC by hand).
    const withDate = { ...request, headers: { ...request.headers } };
    const signingString = buildSigningString(withDate, names);
    const mac = crypto.createHmac('sha256', pubPem).update(signingString).digest('base64');
    const authorization = formatSignatureHeader({ keyId: 'rsa', algorithm: 'hmac-sha256', headers: names, signature: mac });
    const signed = { ...request, headers: { ...request.headers, authorization } };
    await expect(verify(signed, { keyLookup: () => ({ key: pubPem, algorithms: ['rsa-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    await expect(verify(signed, { keyLookup: () => ({ key: pubPem, algorithms: ['rsa-sha256', 'hmac-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });
  test('an HMAC secret is never used as a public key', async () => {
    const { headers } = await sign(request, { keyId: 'k', key: rsa.privateKey as never, algorithm: 'rsa-sha256', headers: names, now });
    const signed = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verify(signed, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    await expect(verify(signed, { keyLookup: () => ({ key: 'secret', algorithms: ['rsa-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });
  test('an algorithm that does not fit the key type is refused on sign and verify', async () => {
    await expect(sign(request, { keyId: 'k', key: ec256.privateKey as never, algorithm: 'rsa-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    await expect(sign(request, { keyId: 'k', key: 'secret', algorithm: 'rsa-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    await expect(sign(request, { keyId: 'k', key: rsa.privateKey as never, algorithm: 'hmac-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    await expect(sign(request, { keyId: 'k', key: ec384.privateKey as never, algorithm: 'ecdsa-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    const { headers } = await sign(request, { keyId: 'k', key: ec256.privateKey as never, algorithm: 'ecdsa-sha256', headers: names, now });
    const signed = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verify(signed, { keyLookup: () => ({ key: rsa.publicKey as never, algorithms: ['ecdsa-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
  });
});

describe('key import errors are typed and never echo the key', () => {
  const secretPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const broken = secretPem.replace(/[A-Za-z]{20}/, 'AAAAAAAAAAAAAAAAAAAA');
  test.each([
    ['a corrupted PEM', broken],
    ['a wrong passphrase', { pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }) as string, passphrase: 'wrong' }],
    ['a public key for signing', rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ['an unsupported JWK', { kty: 'oct', k: 'c2VjcmV0' }],
  ])('%s → ERR_INVALID_KEY', async (_label, key) => {
    const error = await sign(request, { keyId: 'k', key: key as KeyInput, algorithm: 'rsa-sha256', headers: names, now }).catch((e: unknown) => e) as Error & { code: string };
    expect(error.code).toBe('ERR_INVALID_KEY');
    const text = `${error.message} ${String((error as { cause?: Error }).cause?.message)}`;
    expect(text).not.toMatch(/[A-Za-z0-9+/]{16}/);
    expect(text).not.toContain('right');
    expect(text).not.toContain('wrong');
  });
  test('a failed import is not cached: the same input fails again, a good one then works', async () => {
    await expect(sign(request, { keyId: 'k', key: broken, algorithm: 'rsa-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    await expect(sign(request, { keyId: 'k', key: broken, algorithm: 'rsa-sha256', headers: names, now })).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    clearKeyCache();
    await expect(sign(request, { keyId: 'k', key: secretPem, algorithm: 'rsa-sha256', headers: names, now })).resolves.toBeDefined();
  });
});

describe('a key of the wrong type is ERR_INVALID_KEY, not a TypeError', () => {
  const { now, signedRequest } = hmacFixture;
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const badKeys: Array<[string, unknown]> = [['undefined', undefined], ['null', null], ['number', 42], ['boolean', true]];

  test.each(badKeys)('keyLookup returning key %s', async (_label, key) => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h', date: 'Sun, 22 Nov 2026 10:00:00 GMT' } };
    const rsaSigned = await sign(request, { keyId: 'k', key: rsa.privateKey as never, algorithm: 'rsa-sha256', now });
    const rsaReceived = { ...request, headers: { ...request.headers, ...rsaSigned.headers } };
    const hsReceived = await signedRequest(['(request-target)', 'host', 'date']);
    const cases: Array<[SignableRequest, VerifyOptions['keyLookup']]> = [
      [rsaReceived, () => ({ key: key as never, algorithms: ['rsa-sha256'] })],
      [rsaReceived, async () => ({ key: key as never, algorithms: ['rsa-sha256'] })],
      [hsReceived, () => ({ key: key as never, algorithms: ['hs2019'] })],
      [hsReceived, async () => ({ key: key as never, algorithms: ['hs2019'], hs2019: 'hmac-sha512' })],
      [hsReceived, () => ({ key: key as never, algorithms: ['hmac-sha256', 'hs2019'], hs2019: 'hmac-sha512' })],
    ];
    for (const [received, keyLookup] of cases) {
      expect(await codeOf(verify(received, { keyLookup, now }))).toBe('ERR_INVALID_KEY');
    }
  });

  test.each(badKeys)('sign with key %s', async (_label, key) => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h' } };
    for (const algorithm of ['rsa-sha256', 'ed25519', 'hs2019', 'hmac-sha256'] as const) {
      expect(await codeOf(sign(request, { keyId: 'k', key: key as never, algorithm, now }))).toBe('ERR_INVALID_KEY');
    }
    expect(await codeOf(sign(request, { keyId: 'k', key: key as never, algorithm: 'hs2019', hs2019: 'hmac-sha512', now }))).toBe('ERR_INVALID_KEY');
  });
});

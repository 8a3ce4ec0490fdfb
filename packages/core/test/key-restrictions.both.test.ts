// A key is used only for what it was made for, alike on both backends: a CryptoKey must be a signing key with the
// usage of its type (ERR_INVALID_KEY otherwise), and a key bound to an algorithm — a CryptoKey's algorithm and
// hash, an RSASSA-PSS key's parameters — is refused for another one (ERR_ALGORITHM_NOT_ALLOWED).
import crypto from 'node:crypto';
import { sign, verify, type CavageAlgorithm, type Hs2019Mapping, type KeyInput } from '../src/index.js';
import { buildSigningString, formatSignatureHeader } from '../src/cavage/index.js';
import { asRsaEncryption, fromPkcs8 } from '../src/lib/pem.js';
import { type Rfc9421Algorithm, type Rfc9421Request, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { codeOf } from './support/outcome.js';

const { subtle } = crypto.webcrypto;
const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const request = { method: 'GET', url: '/a?b=1', headers: { host: 'h', date: 'Sun, 22 Nov 2026 10:00:00 GMT' } };
const names = ['(request-target)', 'host', 'date'];
const rfcRequest: Rfc9421Request = { method: 'GET', url: 'https://h/a?b=1', headers: [] };

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const der = (pair: crypto.KeyPairKeyObjectResult) => ({
  pkcs8: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
  spki: pair.publicKey.export({ type: 'spki', format: 'der' }),
});

/** A draft-cavage request signed (by node:crypto directly) with the RSA or EC key. */
function cavageSigned(algorithm: CavageAlgorithm, hash: string, privateKey: crypto.KeyObject, options: crypto.SignKeyObjectInput | object = {}) {
  const signature = crypto.sign(hash, Buffer.from(buildSigningString(request, names)), { key: privateKey, ...options }).toString('base64');
  return { ...request, headers: { ...request.headers, authorization: formatSignatureHeader({ keyId: 'k', algorithm, headers: names, signature }) } };
}

describe('a CryptoKey that is not a signing key, or lacks the usage, is ERR_INVALID_KEY', () => {
  const cases: Array<[string, () => Promise<CryptoKey>, 'sign' | 'verify', CavageAlgorithm, Rfc9421Algorithm]> = [
    ['an RSA-OAEP private key', () => subtle.importKey('pkcs8', der(rsa).pkcs8, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']), 'sign', 'rsa-sha256', 'rsa-v1_5-sha256'],
    ['an RSA-OAEP public key', () => subtle.importKey('spki', der(rsa).spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']), 'verify', 'rsa-sha256', 'rsa-v1_5-sha256'],
    ['an ECDH private key', () => subtle.importKey('pkcs8', der(ec).pkcs8, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']), 'sign', 'ecdsa-sha256', 'ecdsa-p256-sha256'],
    ['an ECDH public key', () => subtle.importKey('spki', der(ec).spki, { name: 'ECDH', namedCurve: 'P-256' }, true, []), 'verify', 'ecdsa-sha256', 'ecdsa-p256-sha256'],
    ['an RSASSA public key without usages', () => subtle.importKey('spki', der(rsa).spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, []), 'verify', 'rsa-sha256', 'rsa-v1_5-sha256'],
    ['an ECDSA public key without usages', () => subtle.importKey('spki', der(ec).spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, []), 'verify', 'ecdsa-sha256', 'ecdsa-p256-sha256'],
  ];

  test.each(cases)('%s', async (_label, make, use, cavageAlgorithm, rfcAlgorithm) => {
    const key = await make();
    const pair = cavageAlgorithm === 'rsa-sha256' ? rsa : ec;
    if (use === 'sign') {
      expect(await codeOf(sign(request, { keyId: 'k', key: key as KeyInput, algorithm: cavageAlgorithm, headers: names, now }))).toBe('ERR_INVALID_KEY');
      expect(await codeOf(sign(request, { keyId: 'k', key: key as KeyInput, algorithm: 'hs2019', headers: names, now }))).toBe('ERR_INVALID_KEY');
      expect(await codeOf(signRfc9421(rfcRequest, { key: key as KeyInput, algorithm: rfcAlgorithm, keyId: 'k', now }))).toBe('ERR_INVALID_KEY');
    } else {
      const received = cavageSigned(cavageAlgorithm, 'sha256', pair.privateKey);
      expect(await codeOf(verify(received, { keyLookup: () => ({ key: key as KeyInput, algorithms: [cavageAlgorithm] }), now }))).toBe('ERR_INVALID_KEY');
      const signed = await signRfc9421(rfcRequest, { key: pair.privateKey as never, algorithm: rfcAlgorithm, keyId: 'k', now });
      const rfcReceived: Rfc9421Request = { ...rfcRequest, headers: Object.entries(signed.headers) };
      expect(await codeOf(verifyRfc9421(rfcReceived, { keyLookup: () => ({ key: key as KeyInput, algorithms: [rfcAlgorithm] }), now }))).toBe('ERR_INVALID_KEY');
    }
  });

  test('a signing CryptoKey with its usage works', async () => {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const privateKey = await subtle.importKey('pkcs8', der(rsa).pkcs8, algorithm, false, ['sign']);
    const publicKey = await subtle.importKey('spki', der(rsa).spki, algorithm, true, ['verify']);
    const { headers } = await sign(request, { keyId: 'k', key: privateKey as KeyInput, algorithm: 'rsa-sha256', headers: names, now });
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: publicKey as KeyInput, algorithms: ['rsa-sha256'] }), now })).resolves.toBeDefined();
  });
});

describe('a key bound to an algorithm is refused for another one (ERR_ALGORITHM_NOT_ALLOWED)', () => {
  test('an RSASSA-PKCS1-v1_5 SHA-256 CryptoKey does not sign or verify rsa-sha512', async () => {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const privateKey = await subtle.importKey('pkcs8', der(rsa).pkcs8, algorithm, false, ['sign']);
    const publicKey = await subtle.importKey('spki', der(rsa).spki, algorithm, true, ['verify']);
    expect(await codeOf(sign(request, { keyId: 'k', key: privateKey as KeyInput, algorithm: 'rsa-sha512', headers: names, now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    const received = cavageSigned('rsa-sha512', 'sha512', rsa.privateKey);
    expect(await codeOf(verify(received, { keyLookup: () => ({ key: publicKey as KeyInput, algorithms: ['rsa-sha512'] }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    expect(await codeOf(signRfc9421(rfcRequest, { key: privateKey as KeyInput, algorithm: 'rsa-pss-sha512', keyId: 'k', now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  });

  test('an RSA-PSS CryptoKey bound to SHA-256 does not sign rsa-pss-sha512 or PKCS#1 v1.5', async () => {
    const privateKey = await subtle.importKey('pkcs8', der(rsa).pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    for (const [algorithm, hs2019] of [['hs2019', 'rsa-pss-sha512'], ['hs2019', 'rsa-sha256'], ['rsa-sha256', undefined]] as Array<[CavageAlgorithm, Hs2019Mapping | undefined]>) {
      expect(await codeOf(sign(request, { keyId: 'k', key: privateKey as KeyInput, algorithm, hs2019, headers: names, now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    }
    expect(await codeOf(signRfc9421(rfcRequest, { key: privateKey as KeyInput, algorithm: 'rsa-pss-sha512', keyId: 'k', now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  });

  // (@types/node lags behind Node on the RSASSA-PSS option names.)
  const generatePss = crypto.generateKeyPairSync as unknown as (type: 'rsa-pss', options: object) => crypto.KeyPairKeyObjectResult;
  const pss256 = generatePss('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 32 });
  const pss512 = generatePss('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha512', mgf1HashAlgorithm: 'sha512', saltLength: 64 });
  const pssForms = (pair: crypto.KeyPairKeyObjectResult): Array<[string, KeyInput, KeyInput]> => [
    ['PEM', pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ['KeyObject', pair.privateKey as never, pair.publicKey as never],
  ];

  test.each(pssForms(pss256))('an RSASSA-PSS key restricted to SHA-256 (%s) refuses rsa-pss-sha512 on sign and verify, both schemes', async (_form, privateKey, publicKey) => {
    expect(await codeOf(sign(request, { keyId: 'k', key: privateKey, algorithm: 'hs2019', headers: names, now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    expect(await codeOf(signRfc9421(rfcRequest, { key: privateKey, algorithm: 'rsa-pss-sha512', keyId: 'k', now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    // A signature made with the key's raw material (as an attacker's own RSA-PSS SHA-512 would be) is not accepted for it.
    const unrestricted = asRsaEncryption(fromPkcs8(new Uint8Array(pss256.privateKey.export({ type: 'pkcs8', format: 'der' })))).der;
    const raw = crypto.createPrivateKey({ key: Buffer.from(unrestricted), format: 'der', type: 'pkcs8' });
    const received = cavageSigned('hs2019', 'sha512', raw, { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 });
    expect(await codeOf(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['hs2019'], hs2019: 'rsa-pss-sha512' }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    const signed = await signRfc9421(rfcRequest, { key: raw as never, algorithm: 'rsa-pss-sha512', keyId: 'k', now });
    const rfcReceived: Rfc9421Request = { ...rfcRequest, headers: Object.entries(signed.headers) };
    expect(await codeOf(verifyRfc9421(rfcReceived, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-pss-sha512'] }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  });

  test.each(pssForms(pss512))('an RSASSA-PSS key restricted to SHA-512 with salt 64 (%s) signs and verifies rsa-pss-sha512', async (_form, privateKey, publicKey) => {
    const { headers } = await sign(request, { keyId: 'k', key: privateKey, algorithm: 'hs2019', headers: names, now });
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: publicKey, algorithms: ['hs2019'] }), now })).resolves.toBeDefined();
    const signed = await signRfc9421(rfcRequest, { key: privateKey, algorithm: 'rsa-pss-sha512', keyId: 'k', now });
    const rfcReceived: Rfc9421Request = { ...rfcRequest, headers: Object.entries(signed.headers) };
    await expect(verifyRfc9421(rfcReceived, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-pss-sha512'] }), now })).resolves.toBeDefined();
  });
});

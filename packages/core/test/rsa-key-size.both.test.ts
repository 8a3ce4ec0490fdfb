// RSA keys shorter than 2048 bits are refused on sign and verify, both schemes, both backends, whatever the key's
// form, unless the caller lowers `minRsaBits` for a legacy key.
import crypto from 'node:crypto';
import { sign, verify, type KeyInput } from '../src/index.js';
import { formatSignatureHeader, buildSigningString } from '../src/cavage/index.js';
import { type Rfc9421Request, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { codeOf } from './support/outcome.js';

const { subtle } = crypto.webcrypto;
const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const request = { method: 'GET', url: '/a?b=1', headers: { host: 'h', date: 'Sun, 22 Nov 2026 10:00:00 GMT' } };
const names = ['(request-target)', 'host', 'date'];
const rfcRequest: Rfc9421Request = { method: 'GET', url: 'https://h/a?b=1', headers: [] };

/** Private and public key forms of a pair: PEM, KeyObject, JWK, CryptoKey. */
async function forms(pair: crypto.KeyPairKeyObjectResult): Promise<Array<[string, KeyInput, KeyInput]>> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return [
    ['PEM', pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ['KeyObject', pair.privateKey as never, pair.publicKey as never],
    ['JWK', pair.privateKey.export({ format: 'jwk' }) as never, pair.publicKey.export({ format: 'jwk' }) as never],
    ['CryptoKey',
      await subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']) as never,
      await subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify']) as never],
  ];
}

const pairs = {
  512: crypto.generateKeyPairSync('rsa', { modulusLength: 512 }),
  1024: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }),
  2048: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

describe.each([512, 1024] as const)('a %i-bit RSA key', (bits) => {
  const pair = pairs[bits];
  test('is refused by draft-cavage sign and verify unless minRsaBits allows it', async () => {
    for (const [form, privateKey, publicKey] of await forms(pair)) {
      expect([form, await codeOf(sign(request, { keyId: 'k', key: privateKey, algorithm: 'rsa-sha256', headers: names, now }))]).toEqual([form, 'ERR_INVALID_KEY']);
      const signature = crypto.sign('sha256', Buffer.from(buildSigningString(request, names)), pair.privateKey).toString('base64');
      const received = { ...request, headers: { ...request.headers, authorization: formatSignatureHeader({ keyId: 'k', algorithm: 'rsa-sha256', headers: names, signature }) } };
      expect([form, await codeOf(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-sha256'] }), now }))]).toEqual([form, 'ERR_INVALID_KEY']);
      expect([form, await codeOf(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-sha256', 'hs2019'] }), now }))]).toEqual([form, 'ERR_INVALID_KEY']);
      // Opted in for a legacy key: it works.
      await expect(sign(request, { keyId: 'k', key: privateKey, algorithm: 'rsa-sha256', headers: names, now, minRsaBits: bits })).resolves.toBeDefined();
      await expect(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-sha256'], minRsaBits: bits }), now })).resolves.toMatchObject({ algorithm: 'rsa-sha256' });
    }
  });

  test('is refused by RFC 9421 sign and verify unless minRsaBits allows it', async () => {
    for (const [form, privateKey, publicKey] of await forms(pair)) {
      expect([form, await codeOf(signRfc9421(rfcRequest, { key: privateKey, algorithm: 'rsa-v1_5-sha256', keyId: 'k', now }))]).toEqual([form, 'ERR_INVALID_KEY']);
      const signed = await signRfc9421(rfcRequest, { key: privateKey, algorithm: 'rsa-v1_5-sha256', keyId: 'k', now, minRsaBits: bits });
      const received: Rfc9421Request = { ...rfcRequest, headers: Object.entries(signed.headers) };
      expect([form, await codeOf(verifyRfc9421(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-v1_5-sha256'] }), now }))]).toEqual([form, 'ERR_INVALID_KEY']);
      await expect(verifyRfc9421(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-v1_5-sha256'], minRsaBits: bits }), now })).resolves.toBeDefined();
    }
  });
});

test('a 2048-bit key is accepted by default; a higher minRsaBits refuses it', async () => {
  for (const [form, privateKey, publicKey] of await forms(pairs[2048])) {
    const { headers } = await sign(request, { keyId: 'k', key: privateKey, algorithm: 'rsa-sha256', headers: names, now });
    const received = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-sha256'] }), now })).resolves.toBeDefined();
    expect([form, await codeOf(verify(received, { keyLookup: () => ({ key: publicKey, algorithms: ['rsa-sha256'], minRsaBits: 3072 }), now }))]).toEqual([form, 'ERR_INVALID_KEY']);
  }
});

test('the refusal names the size, not the key; a nonsensical minRsaBits is a TypeError', async () => {
  const pem = pairs[1024].privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const error = await sign(request, { keyId: 'k', key: pem, algorithm: 'rsa-sha256', headers: names, now }).catch((e: unknown) => e) as Error;
  expect(error.message).toBe('The RSA key is shorter than 2048 bits');
  for (const minRsaBits of [0, -1, 1.5, Number.NaN]) {
    await expect(sign(request, { keyId: 'k', key: pem, algorithm: 'rsa-sha256', headers: names, now, minRsaBits })).rejects.toBeInstanceOf(TypeError);
  }
});

describe('an RSA public key whose exponent is over 32 bits (costly to verify: work an attacker-published key buys)', () => {
  // A 2048-bit modulus with a 2047-bit odd exponent: not a key anyone signs with, but one OpenSSL imports.
  const jwk = pairs[2048].publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const exponent = Buffer.from(jwk.n, 'base64url');
  exponent[0] = 0x7f;
  exponent[exponent.length - 1] = (exponent[exponent.length - 1] as number) | 1;
  const huge = { ...jwk, e: exponent.toString('base64url') };
  const hugeKey = crypto.createPublicKey({ key: huge, format: 'jwk' });
  const signature = Buffer.alloc(256, 1).toString('base64');
  const received = { ...request, headers: { ...request.headers, authorization: formatSignatureHeader({ keyId: 'k', algorithm: 'rsa-sha256', headers: names, signature }) } };
  const keyForms: Array<[string, KeyInput]> = [
    ['JWK', huge as never],
    ['PEM', hugeKey.export({ type: 'spki', format: 'pem' }) as string],
    ['KeyObject', hugeKey as never],
  ];

  test.each(keyForms)('is refused as %s by draft-cavage and RFC 9421 verify', async (_form, key) => {
    expect(await codeOf(verify(received, { keyLookup: () => ({ key, algorithms: ['rsa-sha256'] }), now }))).toBe('ERR_INVALID_KEY');
    const message = { ...rfcRequest, headers: [['signature-input', `sig1=("@method");created=${now / 1000};keyid="k"`], ['signature', `sig1=:${signature}:`]] as [string, string][] };
    expect(await codeOf(verifyRfc9421(message, { keyLookup: () => ({ key, algorithms: ['rsa-v1_5-sha256'] }), now, requiredComponents: [] }))).toBe('ERR_INVALID_KEY');
  });

  test('while the usual exponent 65537 (and 3) still verify', async () => {
    const three = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    for (const pair of [pairs[2048], three]) {
      const valid = crypto.sign('sha256', Buffer.from(buildSigningString(request, names)), pair.privateKey).toString('base64');
      const ok = { ...request, headers: { ...request.headers, authorization: formatSignatureHeader({ keyId: 'k', algorithm: 'rsa-sha256', headers: names, signature: valid }) } };
      await expect(verify(ok, { keyLookup: () => ({ key: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['rsa-sha256'] }), now })).resolves.toMatchObject({ keyId: 'k' });
    }
  });
});

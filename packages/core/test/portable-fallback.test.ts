// The portable backend where WebCrypto is absent (e.g. a page served over plain http has no crypto.subtle):
// RSA runs on node-forge, other key types are refused with a typed error, HMAC and digests still work.
import crypto from 'node:crypto';
import { createPortableBackend } from '../src/runtime/portable.js';
import { readPem } from '../src/lib/pem.js';
import { WebCryptoUnavailableError } from '../src/errors.js';

const noWebCrypto = createPortableBackend(undefined);
const withWebCrypto = createPortableBackend(crypto.webcrypto.subtle as SubtleCrypto);
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const data = '(request-target): get /a?b=c\ndate: Sun, 22 Nov 2026 10:00:00 GMT';

test('RSA PKCS#1 v1.5 on node-forge gives the same bytes as node:crypto, from PKCS#1 and PKCS#8 PEM', async () => {
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    const key = await noWebCrypto.importKey(rsa.privateKey.export({ type, format: 'pem' }) as string, 'sign');
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-512'] as const) {
      const sig = await noWebCrypto.sign({ type: 'rsa-pkcs1', hash }, key, data);
      expect(Buffer.from(sig).equals(crypto.sign(hash.replace('-', '').toLowerCase(), Buffer.from(data), rsa.privateKey))).toBe(true);
    }
  }
});

test('RSA verify on node-forge accepts node:crypto signatures and refuses altered ones; public key derived from a private PEM', async () => {
  const fromPublic = await noWebCrypto.importKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'verify');
  const fromPrivate = await noWebCrypto.importKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'verify');
  const sig = new Uint8Array(crypto.sign('sha256', Buffer.from(data), rsa.privateKey));
  for (const key of [fromPublic, fromPrivate]) {
    expect(await noWebCrypto.verify({ type: 'rsa-pkcs1', hash: 'SHA-256' }, key, data, sig)).toBe(true);
    expect(await noWebCrypto.verify({ type: 'rsa-pkcs1', hash: 'SHA-256' }, key, `${data}x`, sig)).toBe(false);
  }
});

test('RSA-PSS SHA-512 salt 64 on node-forge interoperates with node:crypto', async () => {
  const key = await noWebCrypto.importKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'sign');
  const primitive = { type: 'rsa-pss', hash: 'SHA-512', saltLength: 64 } as const;
  const sig = await noWebCrypto.sign(primitive, key, data);
  expect(crypto.verify('sha512', Buffer.from(data), { key: rsa.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, sig)).toBe(true);
  const pub = await noWebCrypto.importKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'verify');
  const nodeSig = crypto.sign('sha512', Buffer.from(data), { key: rsa.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 });
  expect(await noWebCrypto.verify(primitive, pub, data, new Uint8Array(nodeSig))).toBe(true);
});

test('without WebCrypto, EC and Ed25519 keys are refused (by a thrown error, never a wrong signature)', async () => {
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = await noWebCrypto.importKey(ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'sign');
  await expect(Promise.resolve().then(() => noWebCrypto.sign({ type: 'ecdsa', hash: 'SHA-256', curve: 'P-256', encoding: 'der' }, key, data))).rejects.toThrow(WebCryptoUnavailableError);
});

test('HMAC, digests and base64 are identical with and without WebCrypto, and equal node:crypto', () => {
  for (const backend of [noWebCrypto, withWebCrypto]) {
    expect(Buffer.from(backend.hmac('SHA-256', 'secret', data)).equals(crypto.createHmac('sha256', 'secret').update(data).digest())).toBe(true);
    expect(Buffer.from(backend.hmac('SHA-1', new Uint8Array([1, 2, 3]), data)).equals(crypto.createHmac('sha1', Buffer.from([1, 2, 3])).update(data).digest())).toBe(true);
    expect(Buffer.from(backend.digest('SHA-512', Buffer.from(data))).equals(crypto.createHash('sha512').update(data).digest())).toBe(true);
    for (let n = 0; n < 70; n++) {
      const bytes = crypto.randomBytes(n);
      expect(backend.base64Encode(bytes)).toBe(bytes.toString('base64'));
      expect(Buffer.from(backend.base64Decode(bytes.toString('base64'))).equals(bytes)).toBe(true);
    }
  }
});

test('the RSASSA-PSS OID key form is re-wrapped for WebCrypto and keeps its kind', async () => {
  const pss = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const der = await readPem(pss.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  expect(der.kind).toBe('rsa-pss');
  const key = await withWebCrypto.importKey(pss.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'sign');
  const sig = await withWebCrypto.sign({ type: 'rsa-pss', hash: 'SHA-512', saltLength: 64 }, key, data);
  expect(crypto.verify('sha512', Buffer.from(data), { key: pss.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, sig)).toBe(true);
});

test('malformed PEM input is refused', async () => {
  await expect(readPem('not a key')).rejects.toThrow(TypeError);
  await expect(readPem('-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----')).rejects.toThrow(TypeError);
  await expect(readPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).rejects.toThrow(TypeError);
  const enc = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p' }) as string;
  await expect(readPem(enc)).rejects.toThrow(/passphrase/);
});

test('the DER reader refuses truncated keys, trailing bytes, indefinite and non-minimal lengths', async () => {
  const der = rsa.privateKey.export({ type: 'pkcs8', format: 'der' });
  const pem = (bytes: Uint8Array): string => `-----BEGIN PRIVATE KEY-----\n${Buffer.from(bytes).toString('base64')}\n-----END PRIVATE KEY-----`;
  expect((await readPem(pem(der))).kind).toBe('rsa');
  await expect(readPem(pem(der.subarray(0, der.length - 1)))).rejects.toThrow(TypeError);
  await expect(readPem(pem(Buffer.concat([der, Buffer.from([0])])))).rejects.toThrow(TypeError);
  await expect(readPem(pem(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00])))).rejects.toThrow(TypeError);
  await expect(readPem(pem(Buffer.from([0x30, 0x81, 0x03, 0x02, 0x01, 0x00])))).rejects.toThrow(TypeError);
  await expect(readPem(pem(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])))).rejects.toThrow(TypeError);
});

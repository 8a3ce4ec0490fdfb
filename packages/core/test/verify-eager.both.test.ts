// verifyEager: the same checks as verify, synchronous when every step is, on both backends.
import crypto from 'node:crypto';
import { isHttpSignatureError, sign, verify, verifyEager, type VerifyOptions } from '../src/index.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const hmacLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hmac-sha256'] } : null);

async function signed(extra: Record<string, unknown> = {}) {
  const request = { method: 'GET', url: '/api/v1/users/?limit=1', headers: { host: 'js.example' } };
  const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now, ...extra });
  return { ...request, headers: { ...request.headers, ...headers } as Record<string, string> };
}

test('a synchronous lookup and an HMAC secret: the result itself, equal to verify', async () => {
  const request = await signed();
  const outcome = verifyEager(request, { keyLookup: hmacLookup, now });
  expect(outcome).not.toBeInstanceOf(Promise);
  expect(outcome).toEqual(await verify(request, { keyLookup: hmacLookup, now }));
});

test('an asynchronous lookup: a promise of the same result', async () => {
  const request = await signed();
  const outcome = verifyEager(request, { keyLookup: async (keyId, params) => hmacLookup(keyId, params), now });
  expect(outcome).toBeInstanceOf(Promise);
  await expect(outcome).resolves.toEqual(await verify(request, { keyLookup: hmacLookup, now }));
});

test('failures are thrown synchronously with the typed code, before and after the key lookup', async () => {
  const request = await signed();
  const codeOfThrow = (fn: () => unknown): string => {
    try {
      fn();
      return 'returned';
    } catch (error) {
      return isHttpSignatureError(error) ? error.code : `untyped: ${String(error)}`;
    }
  };
  const tampered = { ...request, url: '/api/v1/users/?limit=2' };
  expect(codeOfThrow(() => verifyEager(tampered, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
  expect(codeOfThrow(() => verifyEager(request, { keyLookup: () => null, now }))).toBe('ERR_UNKNOWN_KEY');
  expect(codeOfThrow(() => verifyEager({ ...request, headers: { host: 'js.example' } }, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISSING');
  expect(codeOfThrow(() => verifyEager(request, { keyLookup: hmacLookup, now: now + 3_600_000 }))).toBe('ERR_SIGNATURE_EXPIRED');
});

test('a failure after an asynchronous lookup rejects the promise', async () => {
  const request = await signed();
  const outcome = verifyEager({ ...request, url: '/other' }, { keyLookup: async () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now });
  expect(outcome).toBeInstanceOf(Promise);
  await expect(outcome).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
});

test('an RSA key given as PEM text verifies the same as with verify', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const request = { method: 'GET', url: '/x', headers: { host: 'h' } };
  const { headers } = await sign(request, {
    keyId: 'rsa', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'rsa-sha256', now,
  });
  const received = { ...request, headers: { ...request.headers, ...headers } as Record<string, string> };
  const options: VerifyOptions = {
    keyLookup: () => ({ key: publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['rsa-sha256'] }), now,
  };
  const outcome = verifyEager(received, options);
  await expect(Promise.resolve(outcome)).resolves.toEqual(await verify(received, options));
});

test('scheme rfc9421 is refused with a TypeError (verify handles it)', () => {
  const options = { keyLookup: hmacLookup, scheme: 'rfc9421' } as unknown as VerifyOptions;
  expect(() => verifyEager({ method: 'GET', url: '/', headers: {} }, options)).toThrow(TypeError);
});

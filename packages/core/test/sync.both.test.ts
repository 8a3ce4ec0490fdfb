// signSync and verifySync: the same work as sign and verify, synchronous when every step is, on both backends.
import crypto from 'node:crypto';
import { isHttpSignatureError, sign, verify, type VerifyOptions } from '../src/index.js';
import { signSync, verifySync } from '../src/adapter.js';
import { codeOfCall } from './support/outcome.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const hmacLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hmac-sha256'] } : null);

async function signed(extra: Record<string, unknown> = {}) {
  const request = { method: 'GET', url: '/api/v1/users/?limit=1', headers: { host: 'js.example' } };
  const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now, ...extra });
  return { ...request, headers: { ...request.headers, ...headers } as Record<string, string> };
}

test('a synchronous lookup and an HMAC secret: the result itself, equal to verify', async () => {
  const request = await signed();
  const outcome = verifySync(request, { keyLookup: hmacLookup, now });
  expect(outcome).not.toBeInstanceOf(Promise);
  expect(outcome).toEqual(await verify(request, { keyLookup: hmacLookup, now }));
});

test('an asynchronous lookup: a promise of the same result', async () => {
  const request = await signed();
  const outcome = verifySync(request, { keyLookup: async (keyId, params) => hmacLookup(keyId, params), now });
  expect(outcome).toBeInstanceOf(Promise);
  await expect(outcome).resolves.toEqual(await verify(request, { keyLookup: hmacLookup, now }));
});

test('failures are thrown synchronously with the typed code, before and after the key lookup', async () => {
  const request = await signed();
  const tampered = { ...request, url: '/api/v1/users/?limit=2' };
  expect(codeOfCall(() => verifySync(tampered, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
  expect(codeOfCall(() => verifySync(request, { keyLookup: () => null, now }))).toBe('ERR_UNKNOWN_KEY');
  expect(codeOfCall(() => verifySync({ ...request, headers: { host: 'js.example' } }, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISSING');
  expect(codeOfCall(() => verifySync(request, { keyLookup: hmacLookup, now: now + 3_600_000 }))).toBe('ERR_SIGNATURE_EXPIRED');
});

test('a failure after an asynchronous lookup rejects the promise', async () => {
  const request = await signed();
  const outcome = verifySync({ ...request, url: '/other' }, { keyLookup: async () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now });
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
  const outcome = verifySync(received, options);
  await expect(Promise.resolve(outcome)).resolves.toEqual(await verify(received, options));
});

test('scheme rfc9421 is refused with a TypeError (verify handles it)', () => {
  const options = { keyLookup: hmacLookup, scheme: 'rfc9421' } as unknown as VerifyOptions;
  expect(() => verifySync({ method: 'GET', url: '/', headers: {} }, options)).toThrow(TypeError);
});

test('signSync with an HMAC secret: the result itself, equal to sign', async () => {
  const request = { method: 'GET', url: '/api/v1/users/?limit=1', headers: { host: 'js.example' } };
  const options = { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now } as const;
  const outcome = signSync(request, options);
  expect(outcome).not.toBeInstanceOf(Promise);
  expect(outcome).toEqual(await sign(request, options));
});

test('signSync throws typed failures synchronously and refuses scheme rfc9421 with a TypeError', () => {
  const request = { method: 'GET', url: '/', headers: { host: 'js.example' } };
  let code = 'returned';
  try {
    signSync(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', headers: ['accept'], now });
  } catch (error) {
    code = isHttpSignatureError(error) ? error.code : `untyped: ${String(error)}`;
  }
  expect(code).toBe('ERR_MISSING_HEADER');
  const rfc9421 = { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', scheme: 'rfc9421' } as never;
  expect(() => signSync(request, rfc9421)).toThrow(TypeError);
});

test('signSync with a private key given as PEM text signs what verify accepts', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const request = { method: 'GET', url: '/x', headers: { host: 'h' } };
  const outcome = signSync(request, { keyId: 'ec', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'ecdsa-sha256', now });
  const { headers } = await Promise.resolve(outcome);
  const received = { ...request, headers: { ...request.headers, ...headers } };
  await expect(verify(received, {
    keyLookup: () => ({ key: publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['ecdsa-sha256'] }), now,
  })).resolves.toMatchObject({ keyId: 'ec' });
});

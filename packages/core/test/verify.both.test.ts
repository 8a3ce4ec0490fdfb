// The strict verification policy, on both backends.
import crypto from 'node:crypto';
import { sign, verify, type CavageAlgorithm, type HeadersInit, type VerifyOptions } from '../src/index.js';
import { codeOf } from './support/outcome.js';
import * as hmacFixture from './support/hmac-fixture.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const lookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hmac-sha256', 'hmac-sha512'] } : null);
const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ keyLookup: lookup, now, ...extra });

async function signed(extra: Record<string, unknown> = {}, base: Record<string, string> = { host: 'h' }) {
  const request = { method: 'POST', url: '/api/v1/x/?q=1', headers: base };
  const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now, ...extra });
  return { ...request, headers: { ...base, ...headers } as Record<string, string> };
}

test('accepts a valid signature and reports what was verified', async () => {
  const request = await signed({ created: true });
  await expect(verify(request, options())).resolves.toEqual({
    // created= is sent but (created) is not signed, so it is not reported.
    keyId: 'ak', algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
    signingString: `(request-target): post /api/v1/x/?q=1\nhost: h\ndate: Sun, 22 Nov 2026 10:00:00 GMT`,
    validUntil: Date.parse('Sun, 22 Nov 2026 10:00:00 GMT') / 1000 + 300,
  });
});

test('async keyLookup, and params passed to it', async () => {
  const seen: string[] = [];
  const request = await signed();
  await verify(request, options({ keyLookup: async (keyId, params) => { seen.push(`${keyId}:${params.algorithm}`); return { key: 'secret', algorithms: ['hmac-sha256'] }; } }));
  expect(seen).toEqual(['ak:hmac-sha256']);
});

test('no signature → ERR_SIGNATURE_MISSING; scheme selects the header', async () => {
  expect(await codeOf(verify({ method: 'GET', url: '/', headers: { host: 'h' } }, options()))).toBe('ERR_SIGNATURE_MISSING');
  expect(await codeOf(verify({ method: 'GET', url: '/', headers: { authorization: 'Bearer abc' } }, options()))).toBe('ERR_SIGNATURE_MISSING');
  const viaSignature = await signed({ scheme: 'signature' });
  await expect(verify(viaSignature, options())).resolves.toBeDefined();
  expect(await codeOf(verify(viaSignature, options({ scheme: 'authorization' })))).toBe('ERR_SIGNATURE_MISSING');
  const viaAuthorization = await signed();
  expect(await codeOf(verify(viaAuthorization, options({ scheme: 'signature' })))).toBe('ERR_SIGNATURE_MISSING');
  // A Bearer Authorization next to a Signature header: the Signature header is used under 'any'.
  await expect(verify({ ...viaSignature, headers: { ...viaSignature.headers, authorization: 'Bearer t' } }, options())).resolves.toBeDefined();
});

test('the Authorization scheme is Signature in any case, followed by a space or a tab; anything else is not a signature', async () => {
  const request = await signed();
  const params = request.headers.authorization?.slice('Signature '.length) ?? '';
  const withAuthorization = (value: string) => ({ ...request, headers: { ...request.headers, authorization: value } });
  for (const scheme of ['Signature ', 'signature ', 'SIGNATURE ', 'sIgNaTuRe\t', 'Signature  ']) {
    await expect(verify(withAuthorization(`${scheme}${params}`), options())).resolves.toMatchObject({ keyId: 'ak' });
  }
  for (const scheme of ['Signatur ', 'Signaturex ', 'Signature', 'Signature,', 'Signature\n', '\u0053ignaturE_', 'Sıgnature ']) {
    expect(await codeOf(verify(withAuthorization(`${scheme}${params}`), options({ scheme: 'authorization' })))).toBe('ERR_SIGNATURE_MISSING');
  }
  // Explicit requirements are compared in lower case, like the signed names.
  await expect(verify(request, options({ requiredHeaders: ['(REQUEST-TARGET)', 'Host', 'DATE'] }))).resolves.toBeDefined();
  expect(await codeOf(verify(request, options({ requiredHeaders: ['Digest'] })))).toBe('ERR_HEADER_NOT_SIGNED');
});

test('required headers policy → ERR_HEADER_NOT_SIGNED with the header name', async () => {
  const request = await signed({ headers: ['(request-target)', 'host'] });
  await expect(verify(request, options())).rejects.toMatchObject({ code: 'ERR_HEADER_NOT_SIGNED', header: 'date', keyId: 'ak' });
  await expect(verify(request, options({ requiredHeaders: ['(request-target)'] }))).resolves.toBeDefined();
  await expect(verify(await signed(), options({ requiredHeaders: ['(request-target)', 'date', 'digest'] }))).rejects.toMatchObject({ header: 'digest' });
});

test('clock skew on Date, both directions, configurable; errors carry the keyId', async () => {
  const request = await signed();
  await expect(verify(request, options({ now: now + 301_000 }))).rejects.toMatchObject({ code: 'ERR_SIGNATURE_EXPIRED', keyId: 'ak' });
  await expect(verify(request, options({ now: now - 301_000 }))).rejects.toMatchObject({ code: 'ERR_SIGNATURE_NOT_YET_VALID', keyId: 'ak' });
  await expect(verify(request, options({ now: now + 299_000 }))).resolves.toBeDefined();
  await expect(verify(request, options({ now: now + 301_000, clockSkew: 600 }))).resolves.toBeDefined();
  await expect(verify(request, options({ now: now + 31_000, clockSkew: 30 }))).rejects.toMatchObject({ code: 'ERR_SIGNATURE_EXPIRED' });
  await expect(verify(request, options({ now: new Date(now) }))).resolves.toBeDefined();
});

test('a signature dated only by created ages out after the skew; with expires, expires decides', async () => {
  const old = await signed({ headers: ['(request-target)', '(created)'], created: now / 1000 - 3600 });
  await expect(verify(old, options({ requiredHeaders: ['(request-target)'] }))).rejects.toMatchObject({ code: 'ERR_SIGNATURE_EXPIRED', keyId: 'ak' });
  const recent = await signed({ headers: ['(request-target)', '(created)'], created: now / 1000 - 200 });
  await expect(verify(recent, options({ requiredHeaders: ['(request-target)'] }))).resolves.toBeDefined();
  const windowed = await signed({ headers: ['(request-target)', '(created)', '(expires)'], created: now / 1000 - 3600, expires: now / 1000 + 60 });
  await expect(verify(windowed, options({ requiredHeaders: ['(request-target)'] }))).resolves.toBeDefined();
});

test('created in the future and expires in the past, with skew', async () => {
  const future = await signed({ headers: ['(request-target)', 'date', '(created)'], created: now / 1000 + 400 });
  await expect(verify(future, options())).rejects.toMatchObject({ code: 'ERR_SIGNATURE_NOT_YET_VALID', keyId: 'ak' });
  const expired = await signed({ headers: ['(request-target)', 'date', '(expires)'], expires: now / 1000 - 400 });
  await expect(verify(expired, options())).rejects.toMatchObject({ code: 'ERR_SIGNATURE_EXPIRED', keyId: 'ak' });
  const nearlyExpired = await signed({ headers: ['(request-target)', 'date', '(expires)'], expires: now / 1000 - 200 });
  await expect(verify(nearlyExpired, options())).resolves.toMatchObject({ expires: now / 1000 - 200 });
});

test('a Date that is not an HTTP date → ERR_INVALID_DATE; a signed (created) without the parameter → ERR_MISSING_HEADER', async () => {
  const request = await signed({}, { host: 'h', date: '2026-11-22T10:00:00Z' });
  expect(await codeOf(verify(request, options()))).toBe('ERR_INVALID_DATE');
  const ok = await signed({ headers: ['(request-target)', 'date', '(created)'] });
  const stripped = { ...ok, headers: { ...ok.headers, authorization: ok.headers['authorization']!.replace(/created=\d+,/, '') } };
  expect(await codeOf(verify(stripped, options()))).toBe('ERR_MISSING_HEADER');
});

test('unknown keyId → ERR_UNKNOWN_KEY with the keyId', async () => {
  const request = await signed({ keyId: 'nobody' });
  await expect(verify(request, options())).rejects.toMatchObject({ code: 'ERR_UNKNOWN_KEY', keyId: 'nobody' });
});

test('algorithm: must be allowed for the key; absent means the key\'s first algorithm; a key with none is refused', async () => {
  const request = await signed({ algorithm: 'hmac-sha1' });
  expect(await codeOf(verify(request, options()))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  const sha256 = await signed();
  const withoutAlgorithm = { ...sha256, headers: { ...sha256.headers, authorization: sha256.headers['authorization']!.replace('algorithm="hmac-sha256",', '') } };
  await expect(verify(withoutAlgorithm, options())).resolves.toMatchObject({ algorithm: 'hmac-sha256' });
  const unknown = { ...sha256, headers: { ...sha256.headers, authorization: sha256.headers['authorization']!.replace('hmac-sha256', 'hmac-md5') } };
  expect(await codeOf(verify(unknown, options()))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  expect(await codeOf(verify(sha256, options({ keyLookup: () => ({ key: 'secret', algorithms: [] }) })))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  // The algorithm name is case-insensitive on the wire.
  const upper = { ...sha256, headers: { ...sha256.headers, authorization: sha256.headers['authorization']!.replace('hmac-sha256', 'HMAC-SHA256') } };
  await expect(verify(upper, options())).resolves.toBeDefined();
});

test('a signed header absent on arrival → ERR_MISSING_HEADER', async () => {
  const request = await signed({ headers: ['(request-target)', 'date', 'x-jms-org'] }, { host: 'h', 'x-jms-org': 'o' });
  const { 'x-jms-org': _drop, ...rest } = request.headers;
  await expect(verify({ ...request, headers: rest }, options())).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: 'x-jms-org' });
});

test('body digest: recomputed over the received bytes', async () => {
  const body = '{"a":1}';
  const request = await signed({ body, digest: 'SHA-256' });
  await expect(verify(request, options({ body }))).resolves.toBeDefined();
  expect(await codeOf(verify(request, options({ body: '{"a":2}' })))).toBe('ERR_DIGEST_MISMATCH');
  expect(await codeOf(verify(request, options({ body: new TextEncoder().encode('{"a":1} ') })))).toBe('ERR_DIGEST_MISMATCH');
  const unsignedDigest = await signed();
  expect(await codeOf(verify(unsignedDigest, options({ body })))).toBe('ERR_DIGEST_MISSING');
  await expect(verify(unsignedDigest, options({ body: '' }))).resolves.toBeDefined();
  const content = await signed({ body, digest: 'SHA-512', digestHeader: 'content-digest' });
  await expect(verify(content, options({ body }))).resolves.toBeDefined();
  expect(await codeOf(verify(content, options({ body: 'x' })))).toBe('ERR_DIGEST_MISMATCH');
});

test('tampering anything covered fails with ERR_SIGNATURE_MISMATCH; HMAC compared in full', async () => {
  const request = await signed();
  for (const changed of [
    { ...request, method: 'PUT' },
    { ...request, url: '/api/v1/x/?q=2' },
    { ...request, url: '/api/v1/x/' },
    { ...request, headers: { ...request.headers, host: 'other' } },
  ]) expect(await codeOf(verify(changed, options()))).toBe('ERR_SIGNATURE_MISMATCH');
  const sig = /signature="([^"]+)"/.exec(request.headers['authorization']!)![1]!;
  const flipped = Buffer.from(sig, 'base64');
  flipped[flipped.length - 1]! ^= 1;
  const forged = { ...request, headers: { ...request.headers, authorization: request.headers['authorization']!.replace(sig, flipped.toString('base64')) } };
  expect(await codeOf(verify(forged, options()))).toBe('ERR_SIGNATURE_MISMATCH');
  const truncated = { ...request, headers: { ...request.headers, authorization: request.headers['authorization']!.replace(sig, flipped.subarray(0, 16).toString('base64')) } };
  expect(await codeOf(verify(truncated, options()))).toBe('ERR_SIGNATURE_MISMATCH');
});

test('size caps → ERR_HEADER_TOO_LARGE before parsing', async () => {
  const request = await signed();
  expect(await codeOf(verify(request, options({ maxHeaderLength: 50 })))).toBe('ERR_HEADER_TOO_LARGE');
  const many = await signed({ headers: ['(request-target)', 'date', 'host'] });
  expect(await codeOf(verify(many, options({ maxSignedHeaders: 2 })))).toBe('ERR_HEADER_TOO_LARGE');
  const huge: HeadersInit = { ...request.headers, authorization: `Signature keyId="${'a'.repeat(10_000)}"` };
  expect(await codeOf(verify({ ...request, headers: huge }, options()))).toBe('ERR_HEADER_TOO_LARGE');
});

test('error messages never contain the secret or the signature', async () => {
  const request = await signed();
  const sig = /signature="([^"]+)"/.exec(request.headers['authorization']!)![1]!;
  const failures = await Promise.all([
    verify({ ...request, url: '/other' }, options()),
    verify(request, options({ now: now + 1e9 })),
    verify(request, options({ keyLookup: () => ({ key: 'secret', algorithms: ['rsa-sha256'] }) })),
    verify({ ...request, headers: { ...request.headers, authorization: `${request.headers['authorization']!},keyId="dup"` } }, options()),
  ].map((p) => p.catch((e: Error) => e)));
  for (const error of failures) {
    expect(error).toBeInstanceOf(Error);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain('secret');
    expect(text).not.toContain(sig);
  }
});

test('RSA signature verified against a node:crypto signer, with the algorithm omitted by the client', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const date = 'Sun, 22 Nov 2026 10:00:00 GMT';
  const data = `(request-target): get /x\ndate: ${date}`;
  const signature = crypto.sign('sha256', Buffer.from(data), privateKey).toString('base64');
  const request = { method: 'GET', url: '/x', headers: { date, signature: `keyId="r",headers="(request-target) date",signature="${signature}"` } };
  await expect(verify(request, options({ keyLookup: () => ({ key: publicKey as never, algorithms: ['rsa-sha256'] }) }))).resolves.toMatchObject({ algorithm: 'rsa-sha256' });
});

test('a keyLookup that throws propagates its own error unchanged', async () => {
  const request = await signed();
  const boom = new Error('database down');
  await expect(verify(request, options({ keyLookup: () => { throw boom; } }))).rejects.toBe(boom);
  await expect(verify(request, options({ keyLookup: async () => { throw boom; } }))).rejects.toBe(boom);
  await expect(verify(request, {} as VerifyOptions)).rejects.toThrow(TypeError);
});

describe('unsigned created/expires parameters are ignored', () => {
  const { now, nowSeconds, YEAR_MS, hmacLookup, signedRequest } = hmacFixture;
  test('an appended unsigned expires= does not keep a created-only signature alive', async () => {
    const request = await signedRequest(['(request-target)', 'host', '(created)']);
    const options: VerifyOptions = { keyLookup: hmacLookup, requiredHeaders: ['(request-target)', '(created)'], now: now + YEAR_MS };
    expect(await codeOf(verify(request, options))).toBe('ERR_SIGNATURE_EXPIRED');
    const tampered = { ...request, headers: { ...request.headers, authorization: `${request.headers['authorization']},expires=9999999999` } };
    expect(await codeOf(verify(tampered, options))).toBe('ERR_SIGNATURE_EXPIRED');
    // Fresh, the tampered request still verifies and the unsigned expires is not reported.
    const fresh = await verify(tampered, { ...options, now });
    expect(fresh.created).toBe(nowSeconds);
    expect('expires' in fresh).toBe(false);
  });

  test('unsigned created/expires are neither checked nor reported', async () => {
    const request = await signedRequest(['(request-target)', 'host', 'date'], { created: nowSeconds - 7200, expires: nowSeconds - 3600 });
    expect(request.headers['authorization']).toMatch(/created=\d+,expires=\d+/);
    const result = await verify(request, { keyLookup: hmacLookup, now });
    expect(result).not.toHaveProperty('created');
    expect(result).not.toHaveProperty('expires');
    const future = await signedRequest(['(request-target)', 'host', 'date'], { created: nowSeconds + 7200 });
    await expect(verify(future, { keyLookup: hmacLookup, now })).resolves.not.toHaveProperty('created');
  });

  test('signed created/expires are still enforced and reported', async () => {
    const request = await signedRequest(['(request-target)', 'host', '(created)', '(expires)'], { expires: nowSeconds + 60 });
    const options: VerifyOptions = { keyLookup: hmacLookup, requiredHeaders: ['(request-target)'], now };
    await expect(verify(request, options)).resolves.toMatchObject({ created: nowSeconds, expires: nowSeconds + 60 });
    expect(await codeOf(verify(request, { ...options, now: now + 3600_000 }))).toBe('ERR_SIGNATURE_EXPIRED');
  });
});

describe('clockSkew and now are validated', () => {
  const { now, YEAR_MS, hmacLookup, signedRequest } = hmacFixture;
  const badSkews: unknown[] = [Number.NaN, -1, Number.POSITIVE_INFINITY, '300'];
  test.each(badSkews.map((v) => [String(v), v]))('verify clockSkew %s → RangeError', async (_label, clockSkew) => {
    const request = await signedRequest(['(request-target)', 'host', 'date']);
    await expect(verify(request, { keyLookup: hmacLookup, now: now + YEAR_MS, clockSkew: clockSkew as number })).rejects.toThrow(RangeError);
  });

  const badNows: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, new Date(Number.NaN), '2026-11-22', null];
  test.each(badNows.map((v) => [String(v), v]))('verify now %s → RangeError', async (_label, value) => {
    const request = await signedRequest(['(request-target)', 'host', 'date']);
    await expect(verify(request, { keyLookup: hmacLookup, now: value as number })).rejects.toThrow(RangeError);
  });

  test('sign now NaN / invalid Date → RangeError; valid values still work', async () => {
    const request = { method: 'GET', url: '/a', headers: { host: 'h' } };
    const base = { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256' as const };
    await expect(sign(request, { ...base, now: Number.NaN })).rejects.toThrow(RangeError);
    await expect(sign(request, { ...base, now: new Date('not a date') })).rejects.toThrow(RangeError);
    await expect(sign(request, { ...base, now: new Date(now) })).resolves.toMatchObject({ headers: { date: 'Sun, 22 Nov 2026 10:00:00 GMT' } });
    const signed = await signedRequest(['(request-target)', 'host', 'date']);
    await expect(verify(signed, { keyLookup: hmacLookup, now: new Date(now), clockSkew: 0 })).resolves.toBeDefined();
  });
});

describe('asymmetric signatures: the signing string and the signature of any length', () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = (pair: crypto.KeyPairKeyObjectResult): string => pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const publicPem = (pair: crypto.KeyPairKeyObjectResult): string => pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const cases = [
    { name: 'rsa-sha256', pair: rsa, algorithm: 'rsa-sha256' as const },
    { name: 'ecdsa-sha256', pair: ec, algorithm: 'ecdsa-sha256' as const },
    { name: 'ed25519', pair: crypto.generateKeyPairSync('ed25519'), algorithm: 'ed25519' as const },
  ];

  async function signedWith(pair: crypto.KeyPairKeyObjectResult, algorithm: CavageAlgorithm, extra: string): Promise<{ method: string; url: string; headers: Record<string, string> }> {
    const request = { method: 'GET', url: '/a', headers: { host: 'h', 'x-long': extra } };
    const result = await sign(request, { keyId: 'k', key: privatePem(pair), algorithm, headers: ['(request-target)', 'host', 'date', 'x-long'], now });
    return { ...request, headers: { ...request.headers, ...result.headers } };
  }

  test.each(cases)('$name: a short and a long signing string (over 16 KiB of UTF-8), one after the other, each verifies; a changed one does not', async ({ pair, algorithm }) => {
    const lookup: VerifyOptions['keyLookup'] = () => ({ key: publicPem(pair), algorithms: [algorithm] });
    for (const extra of ['short', 'é'.repeat(9000), 'x', '€'.repeat(6000)]) {
      const request = await signedWith(pair, algorithm, extra);
      await expect(verify(request, { keyLookup: lookup, now })).resolves.toMatchObject({ keyId: 'k' });
      const changed = { ...request, headers: { ...request.headers, 'x-long': `${extra}!` } };
      expect(await codeOf(verify(changed, { keyLookup: lookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
    }
  });

  test('a base64 signature longer than any key signs (3,000 bytes) is a mismatch, not a failure', async () => {
    const request = await signedWith(rsa, 'rsa-sha256', 'v');
    const long = crypto.randomBytes(3000).toString('base64');
    const forged = { ...request, headers: { ...request.headers, authorization: request.headers['authorization']!.replace(/signature="[^"]*"/, `signature="${long}"`) } };
    const lookup: VerifyOptions['keyLookup'] = () => ({ key: publicPem(rsa), algorithms: ['rsa-sha256'] });
    expect(await codeOf(verify(forged, { keyLookup: lookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
    // The next verification is not disturbed by it.
    await expect(verify(request, { keyLookup: lookup, now })).resolves.toMatchObject({ keyId: 'k' });
  });
});

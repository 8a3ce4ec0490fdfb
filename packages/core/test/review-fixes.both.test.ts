// Security-review findings on the draft-cavage path, each pinned by a test (both backends).
import crypto from 'node:crypto';
import { sign, verify, type SignableRequest, type VerifyOptions } from '../src/index.js';
import { requestTarget } from '../src/adapter.js';
import { buildSigningString, formatSignatureHeader } from '../src/cavage/index.js';
import { codeOf } from './support/outcome.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const nowSeconds = now / 1000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

const hmacLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hs2019', 'hmac-sha256'], hs2019: 'hmac-sha512' } : null);

async function signedRequest(headers: string[], extra: Record<string, unknown> = {}): Promise<SignableRequest & { headers: Record<string, string> }> {
  const request = { method: 'GET', url: '/api/v1/x/?q=1', headers: { host: 'h' } as Record<string, string> };
  const result = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hs2019', hs2019: 'hmac-sha512', headers, now, ...extra });
  return { ...request, headers: { ...request.headers, ...result.headers } };
}

describe('unsigned created/expires parameters are ignored', () => {
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

describe('HMAC secrets', () => {
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

describe('a key of the wrong type is ERR_INVALID_KEY, not a TypeError', () => {
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

describe('CONNECT and unusable request targets', () => {
  test('requestTarget accepts authority-form for CONNECT only', () => {
    expect(requestTarget('CONNECT', 'example.com:443')).toBe('connect example.com:443');
    expect(requestTarget('connect', '[2001:db8::1]:8443')).toBe('connect [2001:db8::1]:8443');
    expect(() => requestTarget('GET', 'example.com:443')).toThrow(TypeError);
    expect(() => requestTarget('CONNECT', 'example.com')).toThrow(TypeError);
    expect(() => requestTarget('CONNECT', 'a b:443')).toThrow(TypeError);
    expect(buildSigningString({ method: 'CONNECT', url: 'example.com:443', headers: { host: 'example.com:443' } }, ['(request-target)', 'host']))
      .toBe('(request-target): connect example.com:443\nhost: example.com:443');
  });

  test('a CONNECT request signs and verifies', async () => {
    const request = { method: 'CONNECT', url: 'example.com:443', headers: { host: 'example.com:443' } };
    const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now });
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: hmacLookup, now }))
      .resolves.toMatchObject({ signingString: expect.stringContaining('(request-target): connect example.com:443') });
  });

  test('verify answers ERR_MALFORMED_REQUEST (not a TypeError) for a target it cannot sign; sign keeps TypeError', async () => {
    const signed = await signedRequest(['(request-target)', 'host', 'date']);
    for (const url of ['example.com:443', 'relative/path', '']) {
      expect(await codeOf(verify({ ...signed, url }, { keyLookup: hmacLookup, now }))).toBe('ERR_MALFORMED_REQUEST');
      await expect(sign({ method: 'GET', url, headers: { host: 'h' } }, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now })).rejects.toThrow(TypeError);
    }
    expect(await codeOf(verify({ ...signed, method: undefined as never }, { keyLookup: hmacLookup, now }))).toBe('ERR_MALFORMED_REQUEST');
  });
});

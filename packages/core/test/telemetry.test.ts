// Reporting to OpenTelemetry: with the real @opentelemetry/api and SDK (in-memory exporters), every sign and verify
// call makes one span and one count, named as the core guide lists them, with identifiers and codes only. The API
// is found the way an application has it installed (this package's devDependency), without any set-up call.
import crypto from 'node:crypto';
import * as otel from '@opentelemetry/api';
import * as sdkTrace from '@opentelemetry/sdk-trace-base';
import * as sdkMetrics from '@opentelemetry/sdk-metrics';
import * as contextAsyncHooks from '@opentelemetry/context-async-hooks';
import { isHttpSignatureError, sign, useOpenTelemetry, verify, type CavageSignOptions, type SignableRequest, type VerifyOptions } from '../src/index.js';
import { signSync, verifySync } from '../src/adapter.js';
import { signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { codeOf, codeOfCall, refusal } from './support/outcome.js';
import { ED_SIGN, ED_VERIFY, lookup as edLookup, request as rfcRequest } from './support/rfc9421-fixture.js';
import { withHeaders } from './rfc9421-helpers.js';
import { registerInMemoryTelemetry, type InMemoryTelemetry, type RecordedSpan } from '../../../test-support/opentelemetry.mjs';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const SECRET = `s3cr3t-${crypto.randomBytes(8).toString('hex')}`;
const hmacLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null);
const request: SignableRequest = { method: 'GET', url: '/api/v1/users/?limit=1&token=query-secret', headers: { host: 'js.example', 'x-private': 'header-secret' } };
const cavageOptions: CavageSignOptions = { keyId: 'ak', key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date', 'x-private'], now };

async function signed(): Promise<SignableRequest & { headers: Record<string, string> }> {
  const { headers } = await sign(request, cavageOptions);
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...headers } };
}

/** The attributes, status and parent of the spans named `httpsig.*`, in the order they ended. */
function httpsigSpans(spans: RecordedSpan[]) {
  return spans.filter((s) => s.name.startsWith('httpsig.')).map((s) => ({ name: s.name, attributes: s.attributes, status: s.status }));
}

describe('with @opentelemetry/api installed and no SDK registered', () => {
  test('sign and verify work as without it, in both schemes, and nothing throws', async () => {
    const message = await signed();
    await expect(verify(message, { keyLookup: hmacLookup, now })).resolves.toMatchObject({ keyId: 'ak' });
    expect(codeOfCall(() => verifySync({ ...message, url: '/other' }, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
    const rfc = await signRfc9421(rfcRequest, { key: ED_SIGN, algorithm: 'ed25519', keyId: 'k', now });
    await expect(verifyRfc9421(withHeaders(rfcRequest, rfc.headers), { keyLookup: edLookup, now })).resolves.toMatchObject({ keyId: 'k' });
  });

  test('an SDK registered afterwards sees none of those calls, and the next ones', async () => {
    const telemetry = registerInMemoryTelemetry({ api: otel, sdkTrace, sdkMetrics });
    try {
      expect(telemetry.spans()).toEqual([]);
      await signed();
      expect(httpsigSpans(telemetry.spans()).map((s) => s.name)).toEqual(['httpsig.sign']);
      expect(await telemetry.counts()).toEqual([
        { scope: '@httpsig/core', name: 'httpsig.sign.outcomes', attributes: { 'httpsig.scheme': 'cavage', 'httpsig.outcome': 'ok' }, value: 1 },
      ]);
    } finally {
      await telemetry.shutdown();
    }
  });
});

test('a meter provider alone: every call is counted, no span is recorded', async () => {
  const telemetry = registerInMemoryTelemetry({ api: otel, sdkMetrics });
  try {
    const message = await signed();
    verifySync(message, { keyLookup: hmacLookup, now });
    await codeOf(verify(message, { keyLookup: async () => null, now }));
    expect((await telemetry.counts()).map((p) => [p.name, p.attributes['httpsig.outcome'], p.value])).toEqual([
      ['httpsig.sign.outcomes', 'ok', 1], ['httpsig.verify.outcomes', 'ok', 1], ['httpsig.verify.outcomes', 'ERR_UNKNOWN_KEY', 1],
    ]);
  } finally {
    await telemetry.shutdown();
  }
});

describe('with an SDK registered', () => {
  let telemetry: InMemoryTelemetry;
  beforeAll(() => {
    telemetry = registerInMemoryTelemetry({ api: otel, sdkTrace, sdkMetrics, contextAsyncHooks });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(async () => {
    telemetry.resetSpans();
    await telemetry.counts();
  });

  test('draft-cavage sign and verify: one span each with scheme, algorithm, keyId and outcome, one count each', async () => {
    const message = await signed();
    await verify(message, { keyLookup: hmacLookup, now });
    const identified = { 'httpsig.scheme': 'cavage', 'httpsig.algorithm': 'hmac-sha256', 'httpsig.key_id': 'ak', 'httpsig.outcome': 'ok' };
    expect(httpsigSpans(telemetry.spans())).toEqual([
      { name: 'httpsig.sign', attributes: identified, status: { code: otel.SpanStatusCode.UNSET } },
      { name: 'httpsig.verify', attributes: identified, status: { code: otel.SpanStatusCode.UNSET } },
    ]);
    expect(await telemetry.counts()).toEqual([
      { scope: '@httpsig/core', name: 'httpsig.sign.outcomes', attributes: { 'httpsig.scheme': 'cavage', 'httpsig.outcome': 'ok' }, value: 1 },
      { scope: '@httpsig/core', name: 'httpsig.verify.outcomes', attributes: { 'httpsig.scheme': 'cavage', 'httpsig.outcome': 'ok' }, value: 1 },
    ]);
  });

  test('verify failures: the span has status ERROR with the code and the outcome, one count per code', async () => {
    const message = await signed();
    telemetry.resetSpans();
    expect(await codeOf(verify({ ...message, url: '/api/v1/users/?limit=2' }, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await codeOf(verify(message, { keyLookup: () => null, now }))).toBe('ERR_UNKNOWN_KEY');
    expect(await codeOf(verify(message, { keyLookup: hmacLookup, now: now + 3_600_000 }))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await codeOf(verify(request, { keyLookup: hmacLookup, now }))).toBe('ERR_SIGNATURE_MISSING');
    expect(await codeOf(verify(message, { keyLookup: hmacLookup, now: now + 3_600_000 }))).toBe('ERR_SIGNATURE_EXPIRED');
    const failed = (code: string, keyId?: string) => ({
      name: 'httpsig.verify',
      attributes: { 'httpsig.scheme': 'cavage', ...(keyId === undefined ? {} : { 'httpsig.key_id': keyId }), 'httpsig.outcome': code, 'error.type': code },
      status: { code: otel.SpanStatusCode.ERROR, message: code },
    });
    expect(httpsigSpans(telemetry.spans())).toEqual([
      failed('ERR_SIGNATURE_MISMATCH', 'ak'), failed('ERR_UNKNOWN_KEY', 'ak'), failed('ERR_SIGNATURE_EXPIRED', 'ak'),
      failed('ERR_SIGNATURE_MISSING'), failed('ERR_SIGNATURE_EXPIRED', 'ak'),
    ]);
    const verifyCounts = (await telemetry.counts()).filter((p) => p.name === 'httpsig.verify.outcomes');
    expect(Object.fromEntries(verifyCounts.map((p) => [p.attributes['httpsig.outcome'], p.value]))).toEqual({
      ERR_SIGNATURE_MISMATCH: 1, ERR_UNKNOWN_KEY: 1, ERR_SIGNATURE_EXPIRED: 2, ERR_SIGNATURE_MISSING: 1,
    });
  });

  test('sign failures report their code; an error without a code is `error` with its type', async () => {
    expect(await refusal(sign(request, { ...cavageOptions, algorithm: 'rsa-sha256' }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    expect(await refusal(sign(request, { ...cavageOptions, headers: ['(request-target)', 'x-absent'] }))).toBe('ERR_MISSING_HEADER');
    expect(await refusal(sign(request, { ...cavageOptions, key: '' }))).toBe('ERR_INVALID_KEY');
    expect(await refusal(sign(request, { ...cavageOptions, keyId: '' }))).toBe('TypeError');
    expect(httpsigSpans(telemetry.spans()).map((s) => [s.attributes['httpsig.outcome'], s.attributes['error.type'], s.status])).toEqual([
      ['ERR_ALGORITHM_NOT_ALLOWED', 'ERR_ALGORITHM_NOT_ALLOWED', { code: otel.SpanStatusCode.ERROR, message: 'ERR_ALGORITHM_NOT_ALLOWED' }],
      ['ERR_MISSING_HEADER', 'ERR_MISSING_HEADER', { code: otel.SpanStatusCode.ERROR, message: 'ERR_MISSING_HEADER' }],
      ['ERR_INVALID_KEY', 'ERR_INVALID_KEY', { code: otel.SpanStatusCode.ERROR, message: 'ERR_INVALID_KEY' }],
      ['error', 'TypeError', { code: otel.SpanStatusCode.ERROR, message: 'error' }],
    ]);
    const counts = await telemetry.counts();
    expect(counts.map((p) => [p.name, p.attributes['httpsig.outcome'], p.value])).toEqual([
      ['httpsig.sign.outcomes', 'ERR_ALGORITHM_NOT_ALLOWED', 1], ['httpsig.sign.outcomes', 'ERR_MISSING_HEADER', 1],
      ['httpsig.sign.outcomes', 'ERR_INVALID_KEY', 1], ['httpsig.sign.outcomes', 'error', 1],
    ]);
  });

  test('signSync and verifySync stay synchronous and report once per call, thrown failures included', async () => {
    const message = await signed();
    telemetry.resetSpans();
    const signedNow = signSync(request, cavageOptions);
    expect(signedNow).not.toBeInstanceOf(Promise);
    const verified = verifySync(message, { keyLookup: hmacLookup, now });
    expect(verified).not.toBeInstanceOf(Promise);
    expect(codeOfCall(() => verifySync(message, { keyLookup: () => null, now }))).toBe('ERR_UNKNOWN_KEY');
    expect(codeOfCall(() => signSync(request, { ...cavageOptions, headers: ['x-absent'] }))).toBe('ERR_MISSING_HEADER');
    expect(httpsigSpans(telemetry.spans()).map((s) => [s.name, s.attributes['httpsig.outcome']])).toEqual([
      ['httpsig.sign', 'ok'], ['httpsig.verify', 'ok'], ['httpsig.verify', 'ERR_UNKNOWN_KEY'], ['httpsig.sign', 'ERR_MISSING_HEADER'],
    ]);
  });

  test('an asynchronous key lookup: the span ends when the promise settles, and the lookup\'s spans are its children', async () => {
    const message = await signed();
    telemetry.resetSpans();
    const lookupAsync: VerifyOptions['keyLookup'] = (keyId, params) => telemetry.tracer.startActiveSpan('key lookup', async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      span.end();
      return hmacLookup(keyId, params);
    });
    const pending = verifySync(message, { keyLookup: lookupAsync, now });
    expect(pending).toBeInstanceOf(Promise);
    expect(telemetry.spans().filter((s) => s.name === 'httpsig.verify')).toEqual([]);
    await pending;
    expect(await codeOf(verify(message, { keyLookup: async () => null, now }))).toBe('ERR_UNKNOWN_KEY');
    const spans = telemetry.spans();
    const [lookupSpan, verifySpan, failedSpan] = spans;
    expect(spans.map((s) => s.name)).toEqual(['key lookup', 'httpsig.verify', 'httpsig.verify']);
    expect(lookupSpan!.parentSpanContext?.spanId).toBe(verifySpan!.spanContext().spanId);
    expect(verifySpan!.attributes['httpsig.outcome']).toBe('ok');
    expect(failedSpan!.status).toEqual({ code: otel.SpanStatusCode.ERROR, message: 'ERR_UNKNOWN_KEY' });
  });

  test('RFC 9421 through verify and sign (scheme rfc9421) and through verifyRfc9421: one span per call', async () => {
    const rfc = await sign(rfcRequest, { scheme: 'rfc9421', key: ED_SIGN, algorithm: 'ed25519', keyId: 'k', now });
    const message = withHeaders(rfcRequest, rfc.headers);
    await verify(message, { scheme: 'rfc9421', keyLookup: edLookup, now });
    await verifyRfc9421(message, { keyLookup: edLookup, now });
    expect(await codeOf(verifyRfc9421({ ...message, method: 'PUT' }, { keyLookup: edLookup, now }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await codeOf(verifyRfc9421(message, { keyLookup: () => null, now }))).toBe('ERR_UNKNOWN_KEY');
    expect(await codeOf(signRfc9421(rfcRequest, { key: ED_VERIFY, algorithm: 'ed25519', keyId: 'k', now }))).toBe('ERR_INVALID_KEY');
    const identified = { 'httpsig.scheme': 'rfc9421', 'httpsig.algorithm': 'ed25519', 'httpsig.key_id': 'k', 'httpsig.outcome': 'ok' };
    const error = (code: string) => ({ code: otel.SpanStatusCode.ERROR, message: code });
    expect(httpsigSpans(telemetry.spans())).toEqual([
      { name: 'httpsig.sign', attributes: identified, status: { code: otel.SpanStatusCode.UNSET } },
      { name: 'httpsig.verify', attributes: identified, status: { code: otel.SpanStatusCode.UNSET } },
      { name: 'httpsig.verify', attributes: identified, status: { code: otel.SpanStatusCode.UNSET } },
      { name: 'httpsig.verify', attributes: { 'httpsig.scheme': 'rfc9421', 'httpsig.key_id': 'k', 'httpsig.outcome': 'ERR_SIGNATURE_MISMATCH', 'error.type': 'ERR_SIGNATURE_MISMATCH' }, status: error('ERR_SIGNATURE_MISMATCH') },
      { name: 'httpsig.verify', attributes: { 'httpsig.scheme': 'rfc9421', 'httpsig.key_id': 'k', 'httpsig.outcome': 'ERR_UNKNOWN_KEY', 'error.type': 'ERR_UNKNOWN_KEY' }, status: error('ERR_UNKNOWN_KEY') },
      { name: 'httpsig.sign', attributes: { ...identified, 'httpsig.outcome': 'ERR_INVALID_KEY', 'error.type': 'ERR_INVALID_KEY' }, status: error('ERR_INVALID_KEY') },
    ]);
    expect((await telemetry.counts()).map((p) => [p.name, p.attributes['httpsig.scheme'], p.attributes['httpsig.outcome'], p.value])).toEqual([
      ['httpsig.sign.outcomes', 'rfc9421', 'ok', 1], ['httpsig.sign.outcomes', 'rfc9421', 'ERR_INVALID_KEY', 1],
      ['httpsig.verify.outcomes', 'rfc9421', 'ok', 2], ['httpsig.verify.outcomes', 'rfc9421', 'ERR_SIGNATURE_MISMATCH', 1],
      ['httpsig.verify.outcomes', 'rfc9421', 'ERR_UNKNOWN_KEY', 1],
    ]);
  });

  test('no secret, key, signature, header value, URL or message appears in any span or count', async () => {
    const { headers, signingString } = await sign(request, cavageOptions);
    const message = { ...request, headers: { ...(request.headers as Record<string, string>), ...headers } };
    const signature = /signature="([^"]+)"/.exec(headers['authorization']!)![1]!;
    await verify(message, { keyLookup: hmacLookup, now });
    const errors: unknown[] = [];
    for (const call of [
      verify({ ...message, url: '/api/v1/users/?limit=1&token=other-query' }, { keyLookup: hmacLookup, now }),
      verify(message, { keyLookup: () => ({ key: `${SECRET}x`, algorithms: ['hmac-sha256'] }), now }),
      verify(message, { keyLookup: () => { throw new Error(`lookup failed for ${SECRET}`); }, now }),
      sign(request, { ...cavageOptions, algorithm: 'rsa-sha256' }),
      sign(request, { ...cavageOptions, key: `-----BEGIN PUBLIC KEY-----\n${SECRET}\n-----END PUBLIC KEY-----` }),
    ]) errors.push(await call.then(() => undefined, (e: unknown) => e));
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    const rfc = await signRfc9421(rfcRequest, { key: new Uint8Array(Buffer.from(SECRET)), algorithm: 'hmac-sha256', keyId: 'k2', now });
    const rfcSignature = /:([^:]+):/.exec(rfc.headers['signature']!)![1]!;
    await verifyRfc9421(withHeaders(rfcRequest, rfc.headers), { keyLookup: () => ({ key: new Uint8Array(Buffer.from(SECRET)), algorithms: ['hmac-sha256'] }), now });

    const recorded = JSON.stringify([
      telemetry.spans().map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
      await telemetry.counts(),
    ]);
    expect(recorded).toContain('httpsig.verify');
    const forbidden = [
      SECRET, signature, rfcSignature, signingString, rfc.signatureBase, 'header-secret', 'query-secret', 'other-query', '/api/v1', 'token=',
      headers['date']!, ...errors.map((e) => (e as Error).message),
    ];
    for (const text of forbidden) expect(recorded).not.toContain(text);
    expect(recorded).not.toContain('"exception"');
  });

  test('useOpenTelemetry(false) stops reporting, useOpenTelemetry(api) starts it again; anything else is a TypeError', async () => {
    try {
      useOpenTelemetry(false);
      await signed();
      expect(telemetry.spans()).toEqual([]);
      expect(await telemetry.counts()).toEqual([]);
      useOpenTelemetry(otel);
      await signed();
      expect(httpsigSpans(telemetry.spans()).map((s) => s.name)).toEqual(['httpsig.sign']);
      expect(() => useOpenTelemetry({} as typeof otel)).toThrow(TypeError);
      expect(() => useOpenTelemetry(undefined as never)).toThrow(TypeError);
    } finally {
      useOpenTelemetry(otel);
    }
  });

  test('an error with a code-like property that is not a stable code is reported as `error`', async () => {
    const odd = Object.assign(new Error('no'), { code: 'ERR_lower case text', keyId: 'ak' });
    expect(isHttpSignatureError(odd)).toBe(true);
    const message = await signed();
    telemetry.resetSpans();
    await verify(message, { keyLookup: () => { throw odd; }, now }).catch(() => undefined);
    expect(httpsigSpans(telemetry.spans()).map((s) => [s.attributes['httpsig.outcome'], s.attributes['error.type']])).toEqual([['error', 'Error']]);
  });
});

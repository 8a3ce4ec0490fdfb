// RFC 9421 Appendix B (and §3.2, §4.3) examples from test-vectors/rfc9421, on both crypto backends.
// Deterministic ones (B.2.5 HMAC, B.2.6 and B.4 Ed25519, §4.3 RSASSA-PKCS1-v1_5) must sign to the published bytes;
// the others (RSASSA-PSS, ECDSA) must verify and survive a sign → verify round trip with the same base.
import { backendName } from '../src/backend-name.js';
import { isHttpSignatureError } from '../src/errors.js';
import { buildSignatureBase, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { loadRfc9421Vectors, signOptions, toMessage, verifyOptions, withHeaders, type Rfc9421Vector } from './rfc9421-helpers.js';

const appendix = loadRfc9421Vectors('appendix-b.json');
const negative = loadRfc9421Vectors('negative.json');
const signed = appendix.filter((v) => v.kind === 'deterministic' || v.kind === 'verify-and-round-trip');
const named = (list: Rfc9421Vector[]): [string, Rfc9421Vector][] => list.map((v) => [`${v.id} (${v.source})`, v]);

describe(`RFC 9421 vectors (${backendName} backend)`, () => {
  test('the set covers every Appendix B example, §3.2 and §4.3', () => {
    const sources = new Set(appendix.map((v) => v.source.split(' (')[0]));
    for (const section of ['B.2.1', 'B.2.2', 'B.2.3', 'B.2.4', 'B.2.5', 'B.2.6', 'B.3', 'B.4']) {
      expect([...sources].some((s) => s?.endsWith(section))).toBe(true);
    }
    expect(appendix.filter((v) => v.kind === 'deterministic').map((v) => v.label).sort()).toEqual(['proxy_sig', 'sig-b25', 'sig-b26', 'transform']);
    expect(negative.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(named(appendix))('%s', (_name, vector) => {
    test('buildSignatureBase reproduces the published base from the Signature-Input member', () => {
      const expected = vector.expected?.signatureBase as string;
      const params = expected.split('\n').at(-1)?.slice('"@signature-params": '.length) as string;
      expect(buildSignatureBase(toMessage(vector.message, true), params)).toBe(expected);
    });

    test('verifyRfc9421 accepts the published signature', async () => {
      const result = await verifyRfc9421(toMessage(vector.message), verifyOptions(vector));
      expect(result.label).toBe(vector.label);
      expect(result.keyId).toBe(vector.keyId);
      expect(result.algorithm).toBe(vector.algorithm);
      expect(result.signatureBase).toBe(vector.expected?.signatureBase);
    });
  });

  describe.each(named(signed))('%s', (_name, vector) => {
    test(vector.kind === 'deterministic' ? 'signRfc9421 gives the published bytes' : 'signRfc9421 gives the published base, and verifies', async () => {
      const message = toMessage(vector.message, true);
      const result = await signRfc9421(message, signOptions(vector));
      expect(result.label).toBe(vector.label);
      expect(result.signatureBase).toBe(vector.expected?.signatureBase);
      expect(result.headers['signature-input']).toBe(vector.expected?.signatureInput);
      if (vector.kind === 'deterministic') expect(result.headers['signature']).toBe(vector.expected?.signature);
      else expect(result.headers['signature']).not.toBe(vector.expected?.signature);
      const verified = await verifyRfc9421(withHeaders(message, result.headers), verifyOptions(vector));
      expect(verified.signatureBase).toBe(vector.expected?.signatureBase);
    });
  });

  describe.each(named(negative))('%s', (_name, vector) => {
    test(`is refused with ${vector.expectedError}`, async () => {
      const error: unknown = await verifyRfc9421(toMessage(vector.message), verifyOptions(vector)).then(() => undefined, (e: unknown) => e);
      expect(isHttpSignatureError(error)).toBe(true);
      expect((error as { code: string }).code).toBe(vector.expectedError);
    });
  });
});

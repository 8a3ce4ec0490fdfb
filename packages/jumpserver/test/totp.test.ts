import { totp, type TotpAlgorithm } from '../src/index.js';
import vectors from './vectors/rfc6238.json';

const encoder = new TextEncoder();
const algorithms: TotpAlgorithm[] = ['SHA-1', 'SHA-256', 'SHA-512'];

describe('totp (RFC 6238 Appendix B)', () => {
  for (const vector of vectors.vectors) {
    for (const algorithm of algorithms) {
      test(`${algorithm} at T=${vector.time}`, () => {
        const seed = encoder.encode(vectors.seeds[algorithm]);
        expect(totp(seed, { algorithm, digits: 8, now: vector.time * 1000 })).toBe(vector[algorithm]);
      });
    }
  }

  test('a base32 secret is decoded (RFC 4648): "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" is the SHA-1 seed', () => {
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { digits: 8, now: 59_000 })).toBe('94287082');
    expect(totp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', { digits: 8, now: 59_000 })).toBe('94287082');
  });

  test('defaults: SHA-1, 6 digits, 30 s (the last 6 digits of the 8-digit vector)', () => {
    expect(totp(encoder.encode(vectors.seeds['SHA-1']), { now: 1111111109_000 })).toBe('081804');
    expect(totp(encoder.encode(vectors.seeds['SHA-1']), { now: new Date(1111111109_000) })).toBe('081804');
  });

  test('the period changes the counter', () => {
    const seed = encoder.encode(vectors.seeds['SHA-1']);
    expect(totp(seed, { digits: 8, period: 60, now: 118_000 })).toBe(totp(seed, { digits: 8, now: 59_000 }));
  });

  test('caller mistakes are TypeError/RangeError', () => {
    expect(() => totp('not base32!')).toThrow(TypeError);
    expect(() => totp('')).toThrow(TypeError);
    expect(() => totp(new Uint8Array(0))).toThrow(TypeError);
    expect(() => totp('JBSWY3DPEHPK3PXP', { digits: 5 })).toThrow(RangeError);
    expect(() => totp('JBSWY3DPEHPK3PXP', { period: 0 })).toThrow(RangeError);
    expect(() => totp('JBSWY3DPEHPK3PXP', { now: -1 })).toThrow(RangeError);
    expect(() => totp('JBSWY3DPEHPK3PXP', { algorithm: 'MD5' as TotpAlgorithm })).toThrow(RangeError);
  });
});

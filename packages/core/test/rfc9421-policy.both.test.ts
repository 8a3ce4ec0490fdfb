// The RFC 9421 verification policy in time, on both crypto backends: how long a signature is accepted when it
// has neither `expires` nor `maxAge`, and which clocks are refused.
import { buildSignatureBase, verifyRfc9421 } from '../src/rfc9421/index.js';
import { refusal } from './support/outcome.js';
import * as edFixture from './support/rfc9421-fixture.js';

describe('a signature bounded by neither expires nor maxAge ages out at created + clockSkew', () => {
  const { NOW, SKEW, signed, at } = edFixture;
  test('accepted until created + skew, expired one second later', async () => {
    const message = await signed();
    await expect(verifyRfc9421(message, at(NOW + SKEW))).resolves.toBeDefined();
    expect(await refusal(verifyRfc9421(message, at(NOW + SKEW + 1)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verifyRfc9421(message, at(NOW + 86_400 * 365)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verifyRfc9421(message, at(NOW + 11, { clockSkew: 10 })))).toBe('ERR_SIGNATURE_EXPIRED');
    await expect(verifyRfc9421(message, at(NOW + 10, { clockSkew: 10 }))).resolves.toBeDefined();
  });

  test('maxAge or expires still widen the window', async () => {
    await expect(verifyRfc9421(await signed(), at(NOW + 3600, { maxAge: 3600 }))).resolves.toBeDefined();
    await expect(verifyRfc9421(await signed({ expires: NOW + 3600 }), at(NOW + 3600))).resolves.toBeDefined();
  });

  test('a signature with neither created nor expires is refused', async () => {
    const message = await signed({ created: false });
    expect(await refusal(verifyRfc9421(message, at(NOW, { requiredParameters: ['keyid'] })))).toBe('ERR_HEADER_NOT_SIGNED');
    // With expires, created is not needed.
    await expect(verifyRfc9421(await signed({ created: false, expires: NOW + 60 }), at(NOW, { requiredParameters: ['keyid'] }))).resolves.toBeDefined();
  });

});

describe('options.now must be a finite number or a valid Date', () => {
  const { NOW, lookup, sign, signed, at } = edFixture;
  const bad: [string, unknown][] = [
    ['an invalid Date', new Date('x')], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', String(NOW * 1000)], ['null', null],
  ];

  test.each(bad)('verifyRfc9421 refuses %s with RangeError', async (_what, now) => {
    // Signed long ago: an unchecked clock would let it through.
    const old = await signed({ now: (NOW - 86_400) * 1000 });
    expect(await refusal(verifyRfc9421(old, { keyLookup: lookup, now: now as never }))).toBe('RangeError');
  });

  test.each(bad)('signRfc9421 refuses %s with RangeError', async (_what, now) => {
    expect(await refusal(sign({ now: now as never }))).toBe('RangeError');
  });

  test('a valid Date and a number are accepted', async () => {
    const message = await signed({ now: new Date(NOW * 1000) });
    await expect(verifyRfc9421(message, { keyLookup: lookup, now: new Date(NOW * 1000) })).resolves.toBeDefined();
    await expect(verifyRfc9421(message, at(NOW))).resolves.toBeDefined();
  });
});

describe('requiredComponents is read on every verification', () => {
  const { NOW, signed, at } = edFixture;
  test('a list changed between two verifications is applied as it is now', async () => {
    const message = await signed({ components: ['@method', '@authority', '@path'] });
    const required = ['@method', '@authority'];
    await expect(verifyRfc9421(message, at(NOW, { requiredComponents: required }))).resolves.toBeDefined();
    required.push('content-type');
    expect(await refusal(verifyRfc9421(message, at(NOW, { requiredComponents: required })))).toBe('ERR_HEADER_NOT_SIGNED');
    required.pop();
    required[1] = '@path';
    await expect(verifyRfc9421(message, at(NOW, { requiredComponents: required }))).resolves.toBeDefined();
    required[1] = '@query';
    expect(await refusal(verifyRfc9421(message, at(NOW, { requiredComponents: required })))).toBe('ERR_HEADER_NOT_SIGNED');
  });
});

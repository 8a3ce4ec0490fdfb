// The options and redirect policy the client adapters share.
import { DEFAULT_MAX_BODY_BYTES, mayRedirectCarrySignature, splitClientOptions } from '../src/adapter.js';

test('splitClientOptions separates and checks the client options', () => {
  expect(splitClientOptions({ keyId: 'k', key: 's', algorithm: 'hmac-sha256', maxBodyBytes: 5 })).toMatchObject({
    signing: { keyId: 'k', key: 's', algorithm: 'hmac-sha256' }, maxBodyBytes: 5, signCrossOriginRedirects: false,
    knocker: { enabled: false },
  });
  expect(splitClientOptions({ keyId: 'k', key: 's', algorithm: 'hmac-sha256', doubleKnock: true }).signing).toEqual({ keyId: 'k', key: 's', algorithm: 'hmac-sha256' });
  expect(splitClientOptions({ keyId: 'k', key: 's', algorithm: 'hmac-sha256', signCrossOriginRedirects: true }).maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
  expect(() => splitClientOptions({ keyId: 'k', key: 's', algorithm: 'hmac-sha256', maxBodyBytes: -1 })).toThrow(RangeError);
  expect(() => splitClientOptions({ keyId: 'k', key: 's', algorithm: 'hmac-sha256', signCrossOriginRedirects: 'yes' as never })).toThrow(TypeError);
});

test('a redirect carries a signature to the same origin only, unless asked; never on an https → http downgrade', () => {
  const u = (s: string): URL => new URL(s);
  expect(mayRedirectCarrySignature(u('https://a.example/x'), u('https://a.example/x/'), false)).toBe(true);
  expect(mayRedirectCarrySignature(u('https://a.example/x'), u('https://a.example:8443/x'), false)).toBe(false);
  expect(mayRedirectCarrySignature(u('https://a.example/x'), u('https://b.example/x'), false)).toBe(false);
  expect(mayRedirectCarrySignature(u('https://a.example/x'), u('https://b.example/x'), true)).toBe(true);
  expect(mayRedirectCarrySignature(u('https://a.example/x'), u('http://a.example/x'), true)).toBe(false);
  expect(mayRedirectCarrySignature(u('http://a.example/x'), u('https://a.example/x'), false)).toBe(false);
  // Opaque origins ("null") are never the same origin as anything, themselves included.
  expect(mayRedirectCarrySignature(u('foo://a/x'), u('foo://b/y'), false)).toBe(false);
  expect(mayRedirectCarrySignature(u('data:text/plain,a'), u('data:text/plain,a'), false)).toBe(false);
});

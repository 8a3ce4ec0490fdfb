// Property tests (fast-check) for RFC 9421: any signable message round-trips, the base a signer builds is the base
// a verifier rebuilds, any change to a covered header is caught, and arbitrary Signature-Input / Signature /
// Accept-Signature text only ever yields a typed error (never a crash, never a pass). Plus pathological sizes,
// which the caps refuse (the length cap before parsing).
import fc from 'fast-check';
import { backendName } from '../src/backend-name.js';
import { isHttpSignatureError } from '../src/errors.js';
import { type Rfc9421Request, buildSignatureBase, parseAcceptSignature, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { withHeaders } from './rfc9421-helpers.js';
import { buildParameters, serializeBuiltParameters } from '../src/rfc9421/parameters.js';
import { serializeParams } from '../src/rfc9421/sf.js';

const secret = new Uint8Array(32).fill(7);
const lookup = () => ({ key: secret, algorithms: ['hmac-sha256' as const] });
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((n) => !['signature', 'signature-input', 'host', 'content-digest'].includes(n));
const fieldValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const pathSegment = fc.stringMatching(/^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2}){1,8}$/);
const queryPart = fc.stringMatching(/^(?:[A-Za-z0-9._~+=&-]|%[0-9A-Fa-f]{2}){0,20}$/);

const message = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get'),
  path: fc.array(pathSegment, { minLength: 0, maxLength: 4 }),
  query: fc.option(queryPart, { nil: undefined }),
  fields: fc.uniqueArray(fc.tuple(token, fieldValue), { minLength: 1, maxLength: 6, selector: ([name]) => name }),
});

function toRequest(m: { method: string; path: string[]; query: string | undefined; fields: [string, string][] }): Rfc9421Request {
  return { method: m.method, url: `/${m.path.join('/')}${m.query === undefined ? '' : `?${m.query}`}`, scheme: 'https', headers: [['Host', 'example.com'], ...m.fields] };
}

describe(`RFC 9421 properties (${backendName} backend)`, () => {
  test('the signer writes its parameters as the serialisation of the parameters it builds (the same refusals too)', () => {
    const names = fc.constantFrom('created', 'expires', 'keyid', 'alg', 'nonce', 'tag', 'foo');
    const value = fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 1e16, 999_999_999_999_999), fc.string({ maxLength: 6 }), fc.constantFrom('a"b', 'a\\b', '\u00e9'), fc.constant(undefined));
    const values = fc.record({ created: value, expires: value, keyid: value, alg: value, nonce: value, tag: value }, { requiredKeys: [] });
    const outcome = (f: () => string): string => { try { return f(); } catch (error) { return `${(error as Error).name}: ${(error as Error).message}`; } };
    fc.assert(fc.property(values, fc.option(fc.array(names, { maxLength: 8 }), { nil: undefined }), (v, order) => {
      const given = v as never;
      const o = order as never;
      expect(outcome(() => serializeBuiltParameters(given, o))).toBe(outcome(() => serializeParams(buildParameters(given, o))));
    }), { numRuns: 3000 });
  });

  test('sign → verify round-trips, and the verifier rebuilds the signer\'s base', async () => {
    await fc.assert(fc.asyncProperty(message, fc.boolean(), async (m, withTarget) => {
      const request = toRequest(m);
      const components = ['@method', '@authority', '@path', '@query', ...(withTarget ? ['@target-uri'] : []), ...m.fields.map(([name]) => name)];
      const signed = await signRfc9421(request, { key: secret, algorithm: 'hmac-sha256', keyId: 'k', components });
      expect(buildSignatureBase(request, signed.signatureParams)).toBe(signed.signatureBase);
      const result = await verifyRfc9421(withHeaders(request, signed.headers), { keyLookup: lookup, requiredComponents: components });
      expect(result.signatureBase).toBe(signed.signatureBase);
    }), { numRuns: 150 });
  });

  test('changing any covered field value is caught', async () => {
    await fc.assert(fc.asyncProperty(message, fc.nat(), fieldValue, async (m, pick, replacement) => {
      const request = toRequest(m);
      const [name, value] = m.fields[pick % m.fields.length] as [string, string];
      fc.pre(replacement !== value);
      const signed = await signRfc9421(request, { key: secret, algorithm: 'hmac-sha256', keyId: 'k', components: m.fields.map(([n]) => n) });
      const changed = withHeaders(withHeaders(request, { [name]: replacement }), signed.headers);
      const error = await verifyRfc9421(changed, { keyLookup: lookup, requiredComponents: [] }).then(() => undefined, (e: unknown) => e);
      expect(isHttpSignatureError(error) && error.code).toBe('ERR_SIGNATURE_MISMATCH');
    }), { numRuns: 150 });
  });

  test('arbitrary signature fields only ever give a typed error', async () => {
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[a-z]{1,3}=(\(("[@a-z-]{0,6}"( |;[a-z]{1,3}(=("[a-z]{0,3}"|\d{1,3}))?)?){0,3}\))?(;[a-z]{1,7}=("[a-z]{0,4}"|\d{1,10}))*$/));
    const bytes = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z]{1,3}=:[A-Za-z0-9+/]{0,12}={0,2}:$/));
    await fc.assert(fc.asyncProperty(text, bytes, async (input, signature) => {
      const request = { method: 'GET', url: '/', headers: { host: 'example.com', 'signature-input': input, signature } };
      const error = await verifyRfc9421(request, { keyLookup: lookup, requiredComponents: [], requiredParameters: [] }).then(() => undefined, (e: unknown) => e);
      expect(isHttpSignatureError(error)).toBe(true);
    }), { numRuns: 400 });
  });

  test('arbitrary Accept-Signature text parses or gives a typed error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (value) => {
      try {
        parseAcceptSignature(value);
      } catch (error) {
        expect(isHttpSignatureError(error)).toBe(true);
      }
    }), { numRuns: 400 });
  });

  test('pathological sizes are refused by the caps', async () => {
    const request = (input: string) => ({ method: 'GET', url: '/', headers: { 'signature-input': input, signature: 'sig1=:AAAA:' } });
    // Over the length cap: refused before parsing (a 300 kB value).
    const huge = await verifyRfc9421(request(`sig1=(${'"a" '.repeat(100_000)})`), { keyLookup: lookup }).then(() => undefined, (e: unknown) => e);
    expect(isHttpSignatureError(huge) && huge.code).toBe('ERR_HEADER_TOO_LARGE');
    // Under the length cap, the member and component caps still bound the work.
    const many = Array.from({ length: 1000 }, (_, i) => `s${i}=()`).join(', ');
    const error = await verifyRfc9421(request(many), { keyLookup: lookup, maxHeaderLength: 1 << 20 }).then(() => undefined, (e: unknown) => e);
    expect(isHttpSignatureError(error) && error.code).toBe('ERR_HEADER_TOO_LARGE');
  });
});

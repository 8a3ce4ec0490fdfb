// How header values enter a signature, in both schemes: only space and tab are trimmed (RFC 9110 §5.5 OWS), and a
// covered header that node:http keeps only once (its first line) is refused when it comes twice.
import { backendName, sign, verify, type HeadersInit, type Rfc9421Response, type VerifyOptions, type VerifyRfc9421Options } from '../src/index.js';
import { SINGLETON_HEADERS } from '../src/adapter.js';
import { buildSigningString } from '../src/cavage/index.js';
import { pemOf } from './rfc9421-helpers.js';
import { codeOf } from './support/outcome.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const ed25519 = { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') };
const cavageOptions: VerifyOptions = {
  keyLookup: (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hmac-sha256'] } : null), now,
  requiredHeaders: ['(request-target)'],
};
const rfc9421Options: VerifyRfc9421Options & { scheme: 'rfc9421' } = {
  scheme: 'rfc9421', keyLookup: () => ({ key: ed25519.verify, algorithms: ['ed25519'] }), now, requiredComponents: ['@method'],
};

type Pairs = [string, string][];
const url = 'https://api.example/pay';

/** Signs a request with these header pairs, covering `covered`, and returns the verifier's answer for `received`. */
async function outcome(scheme: 'cavage' | 'rfc9421', signedPairs: Pairs, covered: string[], received: HeadersInit = signedPairs): Promise<string> {
  const request = { method: 'POST', url, headers: signedPairs };
  if (scheme === 'cavage') {
    const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', headers: ['(request-target)', ...covered], now });
    const withSignature = Array.isArray(received) ? [...received, ...Object.entries(headers)] : { ...(received as object), ...headers };
    return codeOf(verify({ ...request, headers: withSignature as HeadersInit }, cavageOptions));
  }
  const { headers } = await sign(request, { scheme: 'rfc9421', keyId: 'k', key: ed25519.sign, algorithm: 'ed25519', headers: ['@method', ...covered], now });
  const withSignature = Array.isArray(received) ? [...received, ...Object.entries(headers)] : { ...(received as object), ...headers };
  return codeOf(verify({ ...request, headers: withSignature as HeadersInit }, rfc9421Options));
}

describe(`header values (${backendName} backend)`, () => {
  describe.each(['cavage', 'rfc9421'] as const)('%s', (scheme) => {
    test.each([
      ['a no-break space (U+00A0)', '\u00a0'],
      ['a byte order mark (U+FEFF)', '\ufeff'],
      ['an em space (U+2003)', '\u2003'],
      ['a line tabulation (U+000B)', '\u000b'],
      ['a form feed (U+000C)', '\u000c'],
    ])('%s around a value is part of it: adding one breaks the signature', async (_what, space) => {
      expect(await outcome(scheme, [['x-amount', '100']], ['x-amount'], [['x-amount', `${space}100${space}`]])).toBe('ERR_SIGNATURE_MISMATCH');
      expect(await outcome(scheme, [['x-amount', `${space}100`]], ['x-amount'], [['x-amount', '100']])).toBe('ERR_SIGNATURE_MISMATCH');
      expect(await outcome(scheme, [['x-amount', `${space}100${space}`]], ['x-amount'])).toBe('resolved');
    });

    test('space and tab around a value are not part of it (OWS)', async () => {
      expect(await outcome(scheme, [['x-amount', '100']], ['x-amount'], [['x-amount', ' \t 100\t ']])).toBe('resolved');
    });

    test.each([
      ['user-agent', 'client/1.0', 'evil/2.0'],
      ['content-type', 'application/json', 'text/plain'],
      ['host', 'api.example', 'other.example'],
    ])('a covered %s given twice is refused', async (name, first, second) => {
      const pairs: Pairs = [['host', 'api.example'], [name, first], [name, second]];
      const deduplicated = name === 'host' ? [['host', 'api.example'], ['host', 'other.example']] as Pairs : pairs;
      expect(await outcome(scheme, deduplicated, [name])).toBe('ERR_MALFORMED_REQUEST');
    });

    test('a repeat given as an array value of a plain object is refused too', async () => {
      expect(await outcome(scheme, [['user-agent', 'a'], ['user-agent', 'b']], ['user-agent'], { 'user-agent': ['a', 'b'] })).toBe('ERR_MALFORMED_REQUEST');
    });

    test('a repeated singleton header that is not covered, and a repeated list header that is, verify', async () => {
      expect(await outcome(scheme, [['host', 'api.example'], ['user-agent', 'a'], ['user-agent', 'b']], ['host'])).toBe('resolved');
      expect(await outcome(scheme, [['accept', 'text/plain'], ['accept', 'application/json'], ['x-a', '1'], ['x-a', '2']], ['accept', 'x-a'])).toBe('resolved');
    });
  });

  test('the list is the one of node:http', () => {
    expect([...SINGLETON_HEADERS].sort()).toEqual([
      'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
      'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
      'server', 'user-agent',
    ]);
  });

  test('draft-cavage: the signing string keeps other spaces and drops OWS', () => {
    expect(buildSigningString({ method: 'GET', url: '/', headers: [['x-a', ' \t\u00a0v\ufeff\t '], ['x-a', '\tw ']] }, ['x-a']))
      .toBe('x-a: \u00a0v\ufeff, w');
  });

  test('RFC 9421: a response repeating a covered content-type is refused', async () => {
    const response: Rfc9421Response = {
      status: 200, headers: [['content-type', 'application/json'], ['content-type', 'text/html']],
      request: { method: 'GET', url: 'https://api.example/x' },
    };
    const { headers } = await sign(response, { scheme: 'rfc9421', keyId: 'k', key: ed25519.sign, algorithm: 'ed25519', headers: ['@status', 'content-type', '"@path";req', '"@query";req'], now });
    const received = { ...response, headers: [...(response.headers as Pairs), ...Object.entries(headers)] };
    expect(await codeOf(verify(received, { ...rfc9421Options, requiredComponents: ['@status'] }))).toBe('ERR_MALFORMED_REQUEST');
    // With one line of the type, the same signature's check reaches the bytes (and fails on them).
    const single = { ...received, headers: (received.headers as Pairs).filter(([n, v]) => n !== 'content-type' || v === 'application/json') };
    expect(await codeOf(verify(single, { ...rfc9421Options, requiredComponents: ['@status'] }))).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

// draft-cavage `(request-target)` without the query (Fedify; Misskey given an absolute URL; older Mastodon): signed
// only with `requestTarget: 'without-query'`, accepted only with `requestTarget: 'with-or-without-query'`, and
// then reported (`queryUnsigned`), on both crypto backends and with an HMAC secret and an RSA key.
import { sign, verify, type SignableRequest, type VerifyOptions } from '../src/index.js';
import { referenceSigningString } from './support/reference.js';
import { refusal } from './support/outcome.js';
import { pemOf } from './rfc9421-helpers.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const SECRET = 'query-compat-secret-0123456789ab';
const RSA_PRIVATE = pemOf('rfc9421-test-key-rsa.private.pem');
const RSA_PUBLIC = pemOf('rfc9421-test-key-rsa.public.pem');
const HEADERS = ['(request-target)', 'host', 'date'];

type Key = 'hmac' | 'rsa';
const signing = (key: Key) => (key === 'hmac'
  ? { keyId: 'k', key: SECRET, algorithm: 'hmac-sha256' as const }
  : { keyId: 'k', key: RSA_PRIVATE, algorithm: 'rsa-sha256' as const });

/** Counts the lookups: a compatibility retry never asks for the key again. */
function lookupOf(key: Key): VerifyOptions['keyLookup'] & { calls: number } {
  const lookup = Object.assign(() => {
    lookup.calls += 1;
    return key === 'hmac' ? { key: SECRET, algorithms: ['hmac-sha256' as const] } : { key: RSA_PUBLIC, algorithms: ['rsa-sha256' as const] };
  }, { calls: 0 });
  return lookup;
}

/** `GET <url>` to `b.example`, signed over `headers` with the given `requestTarget`, received as `received`. */
async function signedGet(key: Key, url: string, requestTarget?: 'with-query' | 'without-query', received = url, headers = HEADERS): Promise<SignableRequest> {
  const request = { method: 'GET', url: `https://b.example${url}`, headers: { host: 'b.example' } };
  const result = await sign(request, { ...signing(key), headers, now, scheme: 'signature', ...(requestTarget === undefined ? {} : { requestTarget }) });
  return { method: 'GET', url: received, headers: { ...request.headers, ...result.headers } };
}

describe.each(['hmac', 'rsa'] as const)('with %s keys', (key) => {
  test("requestTarget: 'without-query' signs the path alone", async () => {
    const { signingString, headers } = await sign(
      { method: 'GET', url: 'https://b.example/users/bob/outbox?page=true', headers: { host: 'b.example' } },
      { ...signing(key), headers: HEADERS, now, requestTarget: 'without-query' },
    );
    expect(signingString).toBe(referenceSigningString('GET', '/users/bob/outbox', { host: 'b.example', date: headers['date'] as string }, HEADERS));
    const exact = await sign({ method: 'GET', url: '/users/bob/outbox?page=true', headers: { host: 'b.example' } }, { ...signing(key), headers: HEADERS, now });
    expect(exact.signingString).toMatch(/^\(request-target\): get \/users\/bob\/outbox\?page=true\n/);
  });

  test('the strict default refuses a query-less signature of a request with a query', async () => {
    const request = await signedGet(key, '/users/bob/outbox?page=true', 'without-query');
    expect(await refusal(verify(request, { keyLookup: lookupOf(key), now }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await refusal(verify(request, { keyLookup: lookupOf(key), now, requestTarget: 'with-query' }))).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test("'with-or-without-query' accepts it once, with one lookup, and says that the query was not signed", async () => {
    const lookup = lookupOf(key);
    const request = await signedGet(key, '/users/bob/outbox?page=true', 'without-query');
    const result = await verify(request, { keyLookup: lookup, now, requestTarget: 'with-or-without-query' });
    expect(result.queryUnsigned).toBe(true);
    expect(result.signingString).toMatch(/^\(request-target\): get \/users\/bob\/outbox\n/);
    expect(lookup.calls).toBe(1);
  });

  test('what it gives up: the same signature verifies for any query, always reported', async () => {
    const moved = await signedGet(key, '/users/bob/outbox?page=true', 'without-query', '/users/bob/outbox?page=false&admin=1');
    const result = await verify(moved, { keyLookup: lookupOf(key), now, requestTarget: 'with-or-without-query' });
    expect(result.queryUnsigned).toBe(true);
    // A different path still fails: only the query is left out.
    const otherPath = await signedGet(key, '/users/bob/outbox?page=true', 'without-query', '/users/eve/outbox?page=true');
    expect(await refusal(verify(otherPath, { keyLookup: lookupOf(key), now, requestTarget: 'with-or-without-query' }))).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('a signature over the exact form verifies first and is not marked', async () => {
    const request = await signedGet(key, '/users/bob/outbox?page=true');
    const result = await verify(request, { keyLookup: lookupOf(key), now, requestTarget: 'with-or-without-query' });
    expect(result.queryUnsigned).toBeUndefined();
    expect('queryUnsigned' in result).toBe(false);
  });

  test('without a query both forms are one: no mark; an empty query (`?`) still counts as a query', async () => {
    const plain = await signedGet(key, '/inbox', 'without-query');
    expect((await verify(plain, { keyLookup: lookupOf(key), now })).queryUnsigned).toBeUndefined();
    const empty = await signedGet(key, '/inbox?', 'without-query');
    expect(await refusal(verify(empty, { keyLookup: lookupOf(key), now }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect((await verify(empty, { keyLookup: lookupOf(key), now, requestTarget: 'with-or-without-query' })).queryUnsigned).toBe(true);
  });

  test('a forged signature costs one lookup and fails as a mismatch in compatibility mode too', async () => {
    const lookup = lookupOf(key);
    const request = await signedGet(key, '/users/bob/outbox?page=true');
    const forged = { ...request, headers: { ...request.headers, signature: (request.headers as Record<string, string>)['signature']!.replace(/signature="[^"]+"/, 'signature="AAAA"') } };
    expect(await refusal(verify(forged, { keyLookup: lookup, now, requestTarget: 'with-or-without-query' }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(lookup.calls).toBe(1);
  });
});

test('a signature that does not cover (request-target) is never retried without the query', async () => {
  // Signed over host and date only: the query is unsigned whatever the mode, and nothing is reported as compat.
  const request = await signedGet('hmac', '/a?b=1', undefined, '/a?b=2', ['host', 'date']);
  const result = await verify(request, { keyLookup: lookupOf('hmac'), now, requiredHeaders: ['date'], requestTarget: 'with-or-without-query' });
  expect(result.queryUnsigned).toBeUndefined();
});

test('an unknown requestTarget value is a TypeError on sign and verify', async () => {
  const request = await signedGet('hmac', '/a?b=1');
  expect(await refusal(verify(request, { keyLookup: lookupOf('hmac'), now, requestTarget: 'without-query' as never }))).toBe('TypeError');
  expect(await refusal(sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, { ...signing('hmac'), now, requestTarget: 'with-or-without-query' as never }))).toBe('TypeError');
});

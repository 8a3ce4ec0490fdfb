// Body digests on verify: the signature (which covers the digest header) is checked before any body byte is
// read or hashed; each algorithm is hashed once; a header with too many entries is refused before hashing.
import { backend } from '#backend';
import { createContentDigest, sign, verify, type VerifyOptions, type VerifyRfc9421Options } from '../src/index.js';
import { createDigestHeader } from '../src/cavage/index.js';
import { signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { codeOf } from './support/outcome.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const BODY = new Uint8Array(256 * 1024).fill(7);
const lookup: VerifyOptions['keyLookup'] = () => ({ key: 'secret', algorithms: ['hmac-sha256'] });
const lookup9421: VerifyRfc9421Options['keyLookup'] = () => ({ key: 'secret', algorithms: ['hmac-sha256'] });

/** Counts the backend's digests over the body (the real function runs). */
function countBodyHashes(): { count: () => number; restore: () => void } {
  const spy = jest.spyOn(backend, 'digest');
  return { count: () => spy.mock.calls.filter(([, data]) => data.length === BODY.length).length, restore: () => spy.mockRestore() };
}

/** A lazy body that records whether it was read. */
function lazyBody(): { body: () => Uint8Array; reads: () => number } {
  let reads = 0;
  return { body: () => { reads++; return BODY; }, reads: () => reads };
}


/** A draft-cavage request whose signature covers the given digest headers. */
async function cavage(digests: Record<string, string>, secret = 'secret') {
  const base = { host: 'h', ...digests };
  const request = { method: 'POST', url: '/x', headers: base };
  const { headers } = await sign(request, {
    keyId: 'ak', key: secret, algorithm: 'hmac-sha256', now, headers: ['(request-target)', 'host', 'date', ...Object.keys(digests)],
  });
  return { ...request, headers: { ...base, ...headers } };
}

/** An RFC 9421 request covering the given Content-Digest. */
async function rfc9421(contentDigest: string, secret = 'secret') {
  const request = { method: 'POST', url: 'https://example.com/x', headers: { host: 'example.com', 'content-digest': contentDigest } };
  const { headers } = await signRfc9421(request, {
    keyId: 'ak', key: secret, algorithm: 'hmac-sha256', now, components: ['@method', '@authority', '@path', 'content-digest'],
  });
  return { ...request, headers: { ...request.headers, ...headers } };
}

const sha256 = createDigestHeader(BODY);
const sha512 = createDigestHeader(BODY, 'SHA-512');
const contentSha256 = createContentDigest(BODY);
const contentSha512 = createContentDigest(BODY, 'SHA-512');

describe('draft-cavage', () => {
  let counter: ReturnType<typeof countBodyHashes>;
  beforeEach(() => { counter = countBodyHashes(); });
  afterEach(() => { counter.restore(); });

  test('a bad signature costs no body read and no body hash, however many digest entries', async () => {
    const forged = await cavage({ digest: Array(8).fill(sha256).join(', ') }, 'not-the-secret');
    const { body, reads } = lazyBody();
    expect(await codeOf(verify(forged, { keyLookup: lookup, now, body }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await codeOf(verify(forged, { keyLookup: lookup, now, body: BODY }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(reads()).toBe(0);
    expect(counter.count()).toBe(0);
  });

  test('a valid signature: the body is read once and hashed once per algorithm', async () => {
    const request = await cavage({ digest: `${sha256}, ${sha256}, ${sha512}, ${sha256}`, 'content-digest': contentSha256 });
    const { body, reads } = lazyBody();
    await expect(verify(request, { keyLookup: lookup, now, body })).resolves.toBeDefined();
    expect(reads()).toBe(1);
    expect(counter.count()).toBe(2); // SHA-256 (shared by both headers) and SHA-512
  });

  test('a lazy body may be asynchronous; a wrong one is still refused', async () => {
    const request = await cavage({ digest: sha256 });
    await expect(verify(request, { keyLookup: lookup, now, body: async () => BODY })).resolves.toBeDefined();
    expect(await codeOf(verify(request, { keyLookup: lookup, now, body: async () => BODY.subarray(1) }))).toBe('ERR_DIGEST_MISMATCH');
  });

  test('more than 8 entries are refused before any hashing, even under a valid signature', async () => {
    const request = await cavage({ digest: Array(9).fill(sha256).join(', ') });
    expect(await codeOf(verify(request, { keyLookup: lookup, now, body: BODY }))).toBe('ERR_HEADER_TOO_LARGE');
    const request2 = await cavage({ 'content-digest': Array.from({ length: 9 }, (_, i) => `x${i}=:AAAA:`).join(', ') });
    expect(await codeOf(verify(request2, { keyLookup: lookup, now, body: BODY }))).toBe('ERR_HEADER_TOO_LARGE');
    expect(counter.count()).toBe(0);
  });
});

describe('RFC 9421', () => {
  let counter: ReturnType<typeof countBodyHashes>;
  beforeEach(() => { counter = countBodyHashes(); });
  afterEach(() => { counter.restore(); });
  const both = `${contentSha256}, ${contentSha512}`;

  test('a bad signature costs no body read and no body hash', async () => {
    const forged = await rfc9421(both, 'not-the-secret');
    const { body, reads } = lazyBody();
    expect(await codeOf(verifyRfc9421(forged, { keyLookup: lookup9421, now, body }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await codeOf(verifyRfc9421(forged, { keyLookup: lookup9421, now, body: BODY }))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(reads()).toBe(0);
    expect(counter.count()).toBe(0);
  });

  test('a valid signature: the body is read once and hashed once per algorithm', async () => {
    const { body, reads } = lazyBody();
    await expect(verifyRfc9421(await rfc9421(both), { keyLookup: lookup9421, now, body })).resolves.toBeDefined();
    expect(reads()).toBe(1);
    expect(counter.count()).toBe(2);
  });

  test('more than 8 members are refused before any hashing', async () => {
    const many = Array.from({ length: 8 }, (_, i) => `x${i}=:AAAA:`).join(', ');
    const request = await rfc9421(`${contentSha256}, ${many}`);
    expect(await codeOf(verifyRfc9421(request, { keyLookup: lookup9421, now, body: BODY }))).toBe('ERR_HEADER_TOO_LARGE');
    expect(counter.count()).toBe(0);
  });
});

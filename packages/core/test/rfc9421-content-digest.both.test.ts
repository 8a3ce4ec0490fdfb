// What protects a body under RFC 9421: only the message's own `content-digest` covered as a plain field. A
// `content-digest` covered with `;req` (the request's), `;key` (one member) or `;bs` does not count, so a body
// with an unsigned Content-Digest of its own is refused (ERR_DIGEST_MISSING).
import { backendName } from '../src/backend-name.js';
import { createContentDigest } from '../src/content-digest.js';
import { type Rfc9421Request, type Rfc9421Response, type VerifyRfc9421Options, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf, withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

const NOW = 1_700_000_000;
const ed25519 = { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') };
const requestBody = '{"transfer": 10}';
const responseBody = '{"balance": 100}';
const tampered = '{"balance": 999999}';
const request: Rfc9421Request = {
  method: 'POST', url: 'https://bank.example/transfer', headers: { host: 'bank.example', 'content-digest': createContentDigest(requestBody, 'SHA-256') },
};
const options: VerifyRfc9421Options = {
  keyLookup: () => ({ key: ed25519.verify, algorithms: ['ed25519'] }), now: NOW * 1000, requiredComponents: ['@status'],
};

/** A response with its own Content-Digest of `body`, signed over `components`. */
async function response(components: string[], body: string): Promise<Rfc9421Response> {
  const message: Rfc9421Response = { status: 200, headers: { 'content-digest': createContentDigest(body, 'SHA-256') }, request };
  const { headers } = await signRfc9421(message, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'bank', components, now: NOW * 1000 });
  return withHeaders(message, headers) as Rfc9421Response;
}

/** The signed response with its body swapped and a fresh, unsigned Content-Digest for it. */
const swapped = (signed: Rfc9421Response, body: string): Rfc9421Response =>
  withHeaders(signed, { 'content-digest': createContentDigest(body, 'SHA-256') }) as Rfc9421Response;

describe(`content-digest coverage (${backendName} backend)`, () => {
  test('a response signed over the request\'s "content-digest";req does not protect its own body', async () => {
    const signed = await response(['@status', '"content-digest";req'], responseBody);
    expect(await refusal(verifyRfc9421(swapped(signed, tampered), { ...options, body: tampered }))).toBe('ERR_DIGEST_MISSING');
    expect(await refusal(verifyRfc9421(signed, { ...options, body: responseBody }))).toBe('ERR_DIGEST_MISSING');
    // Without a body to check, the signature over the request's digest verifies.
    await expect(verifyRfc9421(signed, options)).resolves.toBeDefined();
  });

  test.each([
    ['"content-digest";key="sha-256"'],
    ['"content-digest";bs'],
  ])('a response signed over %s alone counts as not covering its body', async (component) => {
    const signed = await response(['@status', component], responseBody);
    expect(await refusal(verifyRfc9421(signed, { ...options, body: responseBody }))).toBe('ERR_DIGEST_MISSING');
  });

  test('the plain covered content-digest protects the body', async () => {
    const signed = await response(['@status', 'content-digest'], responseBody);
    await expect(verifyRfc9421(signed, { ...options, body: responseBody })).resolves.toBeDefined();
    expect(await refusal(verifyRfc9421(signed, { ...options, body: tampered }))).toBe('ERR_DIGEST_MISMATCH');
    expect(await refusal(verifyRfc9421(swapped(signed, tampered), { ...options, body: tampered }))).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

// `ed25519-sha512`, Misskey's name of draft-cavage Ed25519: the same signature as `ed25519`, either name admitting
// the other, and still bound to an Ed25519 key (on both crypto backends).
import { sign, verify, type SignableRequest, type VerifyOptions } from '../src/index.js';
import { refusal } from './support/outcome.js';
import { pemOf } from './rfc9421-helpers.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const ED_PRIVATE = pemOf('rfc9421-test-key-ed25519.private.pem');
const ED_PUBLIC = pemOf('rfc9421-test-key-ed25519.public.pem');
const RSA_PRIVATE = pemOf('rfc9421-test-key-rsa.private.pem');
const RSA_PUBLIC = pemOf('rfc9421-test-key-rsa.public.pem');
const request = { method: 'POST', url: '/inbox', headers: { host: 'b.example' } };

async function signedWith(algorithm: 'ed25519' | 'ed25519-sha512', key = ED_PRIVATE): Promise<SignableRequest> {
  const result = await sign(request, { keyId: 'k', key, algorithm, now, scheme: 'signature' });
  return { ...request, headers: { ...request.headers, ...result.headers } };
}
const lookup = (entry: ReturnType<VerifyOptions['keyLookup']>): VerifyOptions['keyLookup'] => () => entry;

test("signing with 'ed25519-sha512' writes that name over the same Ed25519 signature as 'ed25519'", async () => {
  const alias = await signedWith('ed25519-sha512');
  const plain = await signedWith('ed25519');
  const header = (r: SignableRequest): string => (r.headers as Record<string, string>)['signature'] as string;
  expect(header(alias)).toContain('algorithm="ed25519-sha512"');
  // Ed25519 is deterministic: the same bytes under either name.
  expect(header(alias).replace('ed25519-sha512', 'ed25519')).toBe(header(plain));
});

test('a key allowing ed25519 verifies ed25519-sha512 (reported as ed25519), and the other way round', async () => {
  const result = await verify(await signedWith('ed25519-sha512'), { keyLookup: lookup({ key: ED_PUBLIC, algorithms: ['ed25519'] }), now });
  expect(result.algorithm).toBe('ed25519');
  await expect(verify(await signedWith('ed25519'), { keyLookup: lookup({ key: ED_PUBLIC, algorithms: ['ed25519-sha512'] }), now })).resolves.toMatchObject({ algorithm: 'ed25519' });
  // Without an algorithm parameter the key's first name is used, reported under the canonical name.
  const bare = await signedWith('ed25519');
  const header = (bare.headers as Record<string, string>)['signature'] as string;
  const withoutAlgorithm = { ...bare, headers: { ...bare.headers, signature: header.replace(',algorithm="ed25519"', '') } };
  await expect(verify(withoutAlgorithm, { keyLookup: lookup({ key: ED_PUBLIC, algorithms: ['ed25519-sha512'] }), now })).resolves.toMatchObject({ algorithm: 'ed25519' });
  // hs2019 with an Ed25519 key (Mastodon's name for "the key's algorithm") still works beside it.
  await expect(verify(await signedWith('ed25519-sha512'), { keyLookup: lookup({ key: ED_PUBLIC, algorithms: ['ed25519', 'hs2019'] }), now })).resolves.toBeDefined();
});

test('the alias stays bound to an Ed25519 key', async () => {
  // An RSA key never verifies an Ed25519 name, even when the lookup lists it.
  const aliasSigned = await signedWith('ed25519-sha512');
  expect(await refusal(verify(aliasSigned, { keyLookup: lookup({ key: RSA_PUBLIC, algorithms: ['rsa-sha256'] }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  expect(await refusal(verify(aliasSigned, { keyLookup: lookup({ key: RSA_PUBLIC, algorithms: ['ed25519-sha512'] }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  // An HMAC key does not admit it either.
  expect(await refusal(verify(aliasSigned, { keyLookup: lookup({ key: 'a-secret-of-enough-length-000000', algorithms: ['hmac-sha256'] }), now }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  // Signing with an RSA key under the alias is refused.
  expect(await refusal(signedWith('ed25519-sha512', RSA_PRIVATE))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
});

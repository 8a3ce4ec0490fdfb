// One verification for both schemes (`scheme: 'auto'`): RFC 9421 for a request with `Signature-Input`, draft-cavage
// otherwise; two credentials or none are refused; nothing falls back from one scheme to the other.
import { sign, verify, type SignableRequest, type VerifyAutoOptions } from '../src/index.js';
import { refusal } from './support/outcome.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const SECRET = 'auto-scheme-secret-0123456789abc';
const OTHER = 'auto-scheme-other-secret-0123456';
const request = { method: 'POST', url: '/inbox', headers: { host: 'b.example', 'content-type': 'application/activity+json' } };
const body = new TextEncoder().encode('{"type":"Follow"}');

const options = (cavageSecret = SECRET, rfc9421Secret = SECRET): VerifyAutoOptions => ({
  scheme: 'auto',
  cavage: { keyLookup: (id) => (id === 'k' ? { key: cavageSecret, algorithms: ['hmac-sha256'] } : null), now, body },
  rfc9421: { keyLookup: (id) => (id === 'k' ? { key: rfc9421Secret, algorithms: ['hmac-sha256'] } : null), now, body },
});
const cavageSigned = async (scheme: 'signature' | 'authorization'): Promise<SignableRequest & { headers: Record<string, string> }> => {
  const result = await sign(request, { keyId: 'k', key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'], digest: 'SHA-256', body, now, scheme });
  return { ...request, headers: { ...request.headers, ...result.headers } };
};
const rfc9421Signed = async (): Promise<SignableRequest & { headers: Record<string, string> }> => {
  const result = await sign({ ...request, url: 'https://b.example/inbox' }, {
    scheme: 'rfc9421', keyId: 'k', key: SECRET, algorithm: 'hmac-sha256', headers: ['@method', '@target-uri'], digest: 'SHA-256', body, now,
  });
  return { ...request, headers: { ...request.headers, ...result.headers } };
};
const received = (message: SignableRequest): SignableRequest & { scheme: string } => ({ ...message, scheme: 'https' });

test('draft-cavage from Signature or Authorization, RFC 9421 by Signature-Input, each with its own options', async () => {
  await expect(verify(received(await cavageSigned('signature')), options())).resolves.toMatchObject({ scheme: 'cavage', keyId: 'k' });
  await expect(verify(received(await cavageSigned('authorization')), options())).resolves.toMatchObject({ scheme: 'cavage' });
  const rfc = await verify(received(await rfc9421Signed()), options());
  expect(rfc).toMatchObject({ scheme: 'rfc9421', label: 'sig1', keyId: 'k' });
  // Each scheme used its own lookup: a wrong secret on one side fails that scheme only.
  expect(await refusal(verify(received(await cavageSigned('signature')), options(OTHER, SECRET)))).toBe('ERR_SIGNATURE_MISMATCH');
  await expect(verify(received(await rfc9421Signed()), options(OTHER, SECRET))).resolves.toMatchObject({ scheme: 'rfc9421' });
  expect(await refusal(verify(received(await rfc9421Signed()), options(SECRET, OTHER)))).toBe('ERR_SIGNATURE_MISMATCH');
});

test("the cavage options' scheme still says where to read: Signature only refuses Authorization", async () => {
  const only = options();
  only.cavage = { ...only.cavage, scheme: 'signature' };
  expect(await refusal(verify(received(await cavageSigned('authorization')), only))).toBe('ERR_SIGNATURE_MISSING');
});

test('both an RFC 9421 signature and Authorization: Signature are refused, whichever would verify', async () => {
  const rfc = await rfc9421Signed();
  const cavage = await cavageSigned('authorization');
  const both = received({ ...rfc, headers: { ...rfc.headers, authorization: cavage.headers['authorization'] as string } });
  expect(await refusal(verify(both, options()))).toBe('ERR_MALFORMED_SIGNATURE');
  // Any case of the scheme name counts.
  const lower = received({ ...rfc, headers: { ...rfc.headers, authorization: (cavage.headers['authorization'] as string).replace('Signature', 'signature') } });
  expect(await refusal(verify(lower, options()))).toBe('ERR_MALFORMED_SIGNATURE');
  // Another Authorization scheme beside an RFC 9421 signature is not a second signature.
  await expect(verify(received({ ...rfc, headers: { ...rfc.headers, authorization: 'Bearer abc' } }), options())).resolves.toMatchObject({ scheme: 'rfc9421' });
});

test('neither is ERR_SIGNATURE_MISSING; a Signature-Input with a draft-cavage Signature is malformed, never verified as cavage', async () => {
  expect(await refusal(verify(received(request), options()))).toBe('ERR_SIGNATURE_MISSING');
  const cavage = await cavageSigned('signature');
  const conflicting = received({ ...cavage, headers: { ...cavage.headers, 'signature-input': 'sig1=("@method");created=1;keyid="k"' } });
  expect(await refusal(verify(conflicting, options()))).toBe('ERR_MALFORMED_SIGNATURE');
  // An RFC 9421 Signature without its Signature-Input is read as draft-cavage: unparsable there.
  const rfc = await rfc9421Signed();
  const { 'signature-input': _input, ...rest } = rfc.headers;
  expect(await refusal(verify(received({ ...rfc, headers: rest }), options()))).toBe('ERR_MALFORMED_SIGNATURE');
});

test('a failing RFC 9421 signature does not fall back to a draft-cavage one', async () => {
  const rfc = await rfc9421Signed();
  const tampered = received({ ...rfc, headers: { ...rfc.headers, signature: 'sig1=:AAAA:' } });
  expect(await refusal(verify(tampered, options()))).toBe('ERR_SIGNATURE_MISMATCH');
});

test('each scheme keeps its size caps', async () => {
  const rfc = await rfc9421Signed();
  const huge = received({ ...rfc, headers: { ...rfc.headers, 'signature-input': `${rfc.headers['signature-input']}, x=("${'a'.repeat(9000)}")` } });
  expect(await refusal(verify(huge, options()))).toBe('ERR_HEADER_TOO_LARGE');
  const cavage = await cavageSigned('signature');
  const long = received({ ...cavage, headers: { ...cavage.headers, signature: `${cavage.headers['signature']},x="${'a'.repeat(9000)}"` } });
  expect(await refusal(verify(long, options()))).toBe('ERR_HEADER_TOO_LARGE');
});

test('both option sets are required', async () => {
  const cavage = await cavageSigned('signature');
  expect(await refusal(verify(received(cavage), { scheme: 'auto', cavage: options().cavage } as never))).toBe('TypeError');
});

// A signed response must be the answer to the request it is checked against: by default it covers its request's
// path and query, and the default response policy refuses one that does not bind its request's target.
import { backendName } from '../src/backend-name.js';
import { type Rfc9421Message, type Rfc9421Request, type Rfc9421Response, type SignRfc9421Options, type VerifyRfc9421Options, RESPONSE_TARGET_BINDING, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf, withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

const NOW = 1_700_000_000;
const ed25519 = { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') };
const forAccount = (account: string | undefined): Rfc9421Request => ({
  method: 'GET', url: account === undefined ? 'https://bank.example/loan' : `https://bank.example/loan?account=${account}`, headers: { host: 'bank.example' },
});
const verifyOptions = (extra: Partial<VerifyRfc9421Options> = {}): VerifyRfc9421Options => ({
  keyLookup: (keyId) => (keyId === 'bank' ? { key: ed25519.verify, algorithms: ['ed25519'] } : null), now: NOW * 1000, ...extra,
});

async function signedResponse(request: Rfc9421Request, components?: string[]): Promise<Rfc9421Response> {
  const response: Rfc9421Response = { status: 200, headers: { 'content-type': 'application/json' }, request };
  const options: SignRfc9421Options = { key: ed25519.sign, algorithm: 'ed25519', keyId: 'bank', now: NOW * 1000, ...(components === undefined ? {} : { components }) };
  return withHeaders(response, (await signRfc9421(response, options)).headers) as Rfc9421Response;
}

/** The same signed response presented as the answer to another request. */
const answering = (response: Rfc9421Message, request: Rfc9421Request): Rfc9421Message => ({ ...response, request });

describe(`response binding to the request target (${backendName} backend)`, () => {
  test('the response to ?account=alice is refused as the answer to ?account=bob, with default signing and policy', async () => {
    const alice = await signedResponse(forAccount('alice'));
    await expect(verifyRfc9421(alice, verifyOptions())).resolves.toMatchObject({ components: ['"@status"', '"@path";req', '"@query";req'] });
    expect(await refusal(verifyRfc9421(answering(alice, forAccount('bob')), verifyOptions()))).toBe('ERR_SIGNATURE_MISMATCH');
    expect(await refusal(verifyRfc9421(answering(alice, forAccount(undefined)), verifyOptions()))).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('the default response policy refuses a signature that does not bind the query', async () => {
    const statusOnly = await signedResponse(forAccount('alice'), ['@status']);
    expect(await refusal(verifyRfc9421(answering(statusOnly, forAccount('bob')), verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
    const methodAndPath = await signedResponse(forAccount('alice'), ['@status', 'content-type', '"@method";req', '"@path";req']);
    const error = await verifyRfc9421(answering(methodAndPath, forAccount('bob')), verifyOptions()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_HEADER_NOT_SIGNED', header: RESPONSE_TARGET_BINDING.targetUri });
    // Also when it is checked against its own request: the policy does not depend on the query values.
    expect(await refusal(verifyRfc9421(methodAndPath, verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
    // And without the request: a response cannot be bound to nothing.
    expect(await refusal(verifyRfc9421({ status: 200, headers: methodAndPath.headers }, verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('"@target-uri";req alone binds the target', async () => {
    const signed = await signedResponse(forAccount('alice'), ['@status', '"@target-uri";req']);
    await expect(verifyRfc9421(signed, verifyOptions())).resolves.toBeDefined();
    expect(await refusal(verifyRfc9421(answering(signed, forAccount('bob')), verifyOptions()))).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('"@path";req alone binds a request without a query, and is refused for one with a query', async () => {
    const signed = await signedResponse(forAccount(undefined), ['@status', '"@path";req']);
    await expect(verifyRfc9421(signed, verifyOptions())).resolves.toBeDefined();
    expect(await refusal(verifyRfc9421(answering(signed, forAccount('bob')), verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
    const withQuery = await signedResponse(forAccount('alice'), ['@status', '"@path";req']);
    expect(await refusal(verifyRfc9421(withQuery, verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('"@query";req without "@path";req does not bind the target', async () => {
    const signed = await signedResponse(forAccount('alice'), ['@status', '"@query";req', '"@authority";req']);
    expect(await refusal(verifyRfc9421(signed, verifyOptions()))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('an explicit requiredComponents replaces the default, binding included', async () => {
    const statusOnly = await signedResponse(forAccount('alice'), ['@status']);
    await expect(verifyRfc9421(answering(statusOnly, forAccount('bob')), verifyOptions({ requiredComponents: ['@status'] }))).resolves.toBeDefined();
  });

  test('requests keep their own default (no ;req binding needed)', async () => {
    const request = forAccount('alice');
    const signed = withHeaders(request, (await signRfc9421(request, { key: ed25519.sign, algorithm: 'ed25519', keyId: 'bank', now: NOW * 1000 })).headers);
    await expect(verifyRfc9421(signed, verifyOptions())).resolves.toBeDefined();
  });
});

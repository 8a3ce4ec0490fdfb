// A covered `@target-uri` satisfies a required `@scheme`, `@authority`, `@path` or `@query` (RFC 9421 §2.2.2: it is
// all of them), and it is compared against the request as the server received it: Host, scheme, path and query.
import { verifyRfc9421, type Rfc9421Request } from '../src/rfc9421/index.js';
import { refusal } from './support/outcome.js';
import { withHeaders } from './rfc9421-helpers.js';
import * as edFixture from './support/rfc9421-fixture.js';

const { NOW, at, sign } = edFixture;
/** What Fedify covers. */
const FEDIFY = ['@method', '@target-uri', '@authority', 'host'];
/** What Mastodon covers. */
const MASTODON = ['@method', '@target-uri'];
const outgoing: Rfc9421Request = { method: 'GET', url: 'https://b.example/users/bob/outbox?page=true', headers: [['host', 'b.example']] };

/** Signed for `outgoing` over `components`, received as the origin-form request `received` on a `scheme` listener. */
async function received(components: string[], change: Partial<Rfc9421Request> = {}): Promise<Rfc9421Request> {
  const { headers } = await sign({ components }, outgoing);
  const base: Rfc9421Request = { method: 'GET', url: '/users/bob/outbox?page=true', headers: [['host', 'b.example']], scheme: 'https' };
  return withHeaders({ ...base, ...change }, headers) as Rfc9421Request;
}

test('the default policy (@method @authority @path) accepts a signature covering @target-uri instead', async () => {
  await expect(verifyRfc9421(await received(FEDIFY), at(NOW))).resolves.toMatchObject({ components: ['"@method"', '"@target-uri"', '"@authority"', '"host"'] });
  await expect(verifyRfc9421(await received(MASTODON), at(NOW))).resolves.toBeDefined();
  await expect(verifyRfc9421(await received(MASTODON), at(NOW, { requiredComponents: ['@method', '@scheme', '@authority', '@path', '@query'] }))).resolves.toBeDefined();
});

test('without @target-uri the parts are still required one by one', async () => {
  expect(await refusal(verifyRfc9421(await received(['@method', '@authority']), at(NOW)))).toBe('ERR_HEADER_NOT_SIGNED');
  expect(await refusal(verifyRfc9421(await received(['@method', '@request-target']), at(NOW)))).toBe('ERR_HEADER_NOT_SIGNED');
  // @target-uri stands in for the parts of the URI only, never for @method or a field.
  expect(await refusal(verifyRfc9421(await received(['@target-uri']), at(NOW)))).toBe('ERR_HEADER_NOT_SIGNED');
  expect(await refusal(verifyRfc9421(await received(MASTODON), at(NOW, { requiredComponents: ['@method', 'host'] })))).toBe('ERR_HEADER_NOT_SIGNED');
});

test('a request-side requirement is not met by a ;req target-uri and the other way round', async () => {
  // On a request `;req` components do not exist; a response's "@path";req is met by "@target-uri";req only.
  const response = { status: 200, headers: [['content-type', 'text/plain']] as [string, string][], request: { ...outgoing, url: '/users/bob/outbox?page=true', scheme: 'https' } };
  const bound = await sign({ components: ['@status', '"@target-uri";req'] }, response);
  const signedResponse = withHeaders(response, bound.headers);
  await expect(verifyRfc9421(signedResponse, at(NOW, { requiredComponents: ['@status', '"@path";req', '"@query";req'] }))).resolves.toBeDefined();
  const unbound = await sign({ components: ['@status', 'content-type'] }, response);
  expect(await refusal(verifyRfc9421(withHeaders(response, unbound.headers), at(NOW, { requiredComponents: ['@status', '"@path";req'] })))).toBe('ERR_HEADER_NOT_SIGNED');
});

describe('@target-uri is derived from the request as received, not from what the signer claims', () => {
  test('as signed it verifies', async () => {
    await expect(verifyRfc9421(await received(MASTODON), at(NOW))).resolves.toBeDefined();
  });
  test.each([
    ['another Host', { headers: [['host', 'evil.example']] as [string, string][] }],
    ['Host with a port', { headers: [['host', 'b.example:8443']] as [string, string][] }],
    ['a plain-http listener', { scheme: 'http' }],
    ['another path', { url: '/users/eve/outbox?page=true' }],
    ['another query', { url: '/users/bob/outbox?page=false' }],
    ['no query', { url: '/users/bob/outbox' }],
  ])('%s fails', async (_name, change) => {
    expect(await refusal(verifyRfc9421(await received(MASTODON, change), at(NOW)))).toBe('ERR_SIGNATURE_MISMATCH');
  });
  test('an absolute-form target naming another authority than Host is refused before any signature check', async () => {
    expect(await refusal(verifyRfc9421(await received(MASTODON, { url: 'https://evil.example/users/bob/outbox?page=true' }), at(NOW)))).toBe('ERR_MALFORMED_REQUEST');
    // …and one naming the Host but another scheme than the connection's.
    expect(await refusal(verifyRfc9421(await received(MASTODON, { url: 'http://b.example/users/bob/outbox?page=true' }), at(NOW)))).toBe('ERR_MALFORMED_REQUEST');
  });
  test('without a scheme @target-uri cannot be derived: a missing component, not a pass', async () => {
    const message = await received(MASTODON);
    expect(await refusal(verifyRfc9421({ ...message, scheme: undefined }, at(NOW)))).toBe('ERR_MISSING_HEADER');
  });
});

test("an absolute-form target does not replace the connection's scheme: an http signature is not accepted on an https listener", async () => {
  // Signed for http:// (e.g. sent in clear, answered with a redirect, captured), then sent over TLS with the
  // absolute-form target `GET http://b.example/… HTTP/1.1`: @scheme and @target-uri are the connection's.
  const { headers } = await sign({ components: MASTODON }, { ...outgoing, url: 'http://b.example/users/bob/outbox?page=true' });
  const absolute = withHeaders({ method: 'GET', url: 'http://b.example/users/bob/outbox?page=true', headers: [['host', 'b.example']], scheme: 'https' }, headers) as Rfc9421Request;
  expect(await refusal(verifyRfc9421(absolute, at(NOW)))).toBe('ERR_MALFORMED_REQUEST');
  // The same target on an http listener, or without a connection scheme given, is verified as before.
  await expect(verifyRfc9421({ ...absolute, scheme: 'http' }, at(NOW))).resolves.toBeDefined();
  await expect(verifyRfc9421({ ...absolute, scheme: undefined }, at(NOW))).resolves.toBeDefined();
});

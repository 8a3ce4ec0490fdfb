// Accept-Signature (RFC 9421 §5): parsing a server's request for signatures, and signing what it asks for.
import { backendName } from '../src/backend-name.js';
import { isHttpSignatureError } from '../src/errors.js';
import { type Rfc9421Message, type Rfc9421Request, parseAcceptSignature, signForAcceptSignature, verifyRfc9421 } from '../src/rfc9421/index.js';
import { publicJwk } from '../src/jwk-thumbprint.js';
import { MemoryReplayStore } from '../src/index.js';
import { verifyWebBotAuth, webBotAuth, type WebBotAuthKeys } from '../src/web-bot-auth/index.js';
import { pemOf, withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

const ed25519 = { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') };
const request: Rfc9421Request = {
  method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: { 'cache-control': 'no-cache', 'content-type': 'application/json' },
};
const body = '{"hello": "world"}';
const NOW = 1_618_884_473;

describe(`Accept-Signature (${backendName} backend)`, () => {
  test('parses the RFC 9421 §5.1 example', () => {
    expect(parseAcceptSignature('sig1=("@method" "@target-uri" "@authority" "content-digest" "cache-control");keyid="test-key-rsa-pss";created;tag="app-123"')).toEqual([
      {
        label: 'sig1',
        components: ['"@method"', '"@target-uri"', '"@authority"', '"content-digest"', '"cache-control"'],
        parameters: { keyid: 'test-key-rsa-pss', tag: 'app-123' },
      },
    ]);
  });

  test('parses several members, parameters of components, integer times and nonces', () => {
    expect(parseAcceptSignature('a=("@query-param";name="id" "signature";key="sig1";req);nonce="n";alg="ed25519";expires=5, b=()')).toEqual([
      { label: 'a', components: ['"@query-param";name="id"', '"signature";key="sig1";req'], parameters: { nonce: 'n', alg: 'ed25519', expires: 5 } },
      { label: 'b', components: [], parameters: {} },
    ]);
  });

  test.each([
    ['over the size cap', 'sig1=()', 3, 'ERR_HEADER_TOO_LARGE'],
    ['with too many members', Array.from({ length: 17 }, (_, i) => `s${i}=()`).join(', '), undefined, 'ERR_HEADER_TOO_LARGE'],
    ['not a dictionary', '(((', undefined, 'ERR_MALFORMED_SIGNATURE'],
    ['a member that is not an inner list', 'sig1="x"', undefined, 'ERR_MALFORMED_SIGNATURE'],
    ['a component that is not a string', 'sig1=(method)', undefined, 'ERR_MALFORMED_SIGNATURE'],
    ['a keyid that is not a string', 'sig1=();keyid=1', undefined, 'ERR_MALFORMED_SIGNATURE'],
    ['a created that is a string', 'sig1=();created="now"', undefined, 'ERR_MALFORMED_SIGNATURE'],
  ])('refuses a value %s', (_what, value, max, expected) => {
    let thrown: unknown;
    try { parseAcceptSignature(value, max); } catch (error) { thrown = error; }
    expect(isHttpSignatureError(thrown) ? thrown.code : thrown).toBe(expected);
  });

  test('refuses a value that is not a string', () => {
    expect(() => parseAcceptSignature(1 as unknown as string)).toThrow(TypeError);
  });

  test('signs what the server asks for: its label, components, nonce and tag, alg when asked', async () => {
    const accept = 'other=("@method");keyid="someone-else", sig1=("@method" "@target-uri" "content-digest" "cache-control");keyid="me";alg="ed25519";nonce="srv-nonce";tag="app-123"';
    const result = await signForAcceptSignature({ ...request, url: request.url }, accept, {
      key: ed25519.sign, algorithm: 'ed25519', keyId: 'me', body, digest: 'SHA-256', now: NOW * 1000,
    });
    expect(result.label).toBe('sig1');
    expect(result.signatureParams).toBe(`("@method" "@target-uri" "content-digest" "cache-control");created=${NOW};keyid="me";alg="ed25519";nonce="srv-nonce";tag="app-123"`);
    const verified = await verifyRfc9421(withHeaders(request, result.headers), {
      keyLookup: () => ({ key: ed25519.verify, algorithms: ['ed25519'] }), now: NOW * 1000, body, tag: 'app-123',
      requiredComponents: parseAcceptSignature(accept)[1]?.components, requiredParameters: ['created', 'keyid', 'nonce'],
    });
    expect(verified.parameters.nonce).toBe('srv-nonce');
  });

  test('takes a parsed request too, and needs no keyid or alg when none is asked', async () => {
    const result = await signForAcceptSignature(request, [{ label: 'x', components: ['@method'], parameters: {} }], { key: ed25519.sign, algorithm: 'ed25519', now: NOW * 1000 });
    expect(result.signatureParams).toBe(`("@method" "@authority" "@path" "@query");created=${NOW}`);
  });

  describe('never covers less than the signer\'s defaults', () => {
    const options = { key: ed25519.sign, algorithm: 'ed25519' as const, keyId: 'me', now: NOW * 1000 };
    const verifyOptions = { keyLookup: () => ({ key: ed25519.verify, algorithms: ['ed25519' as const] }), now: NOW * 1000 };

    test('a request for @method alone is signed over the URL too, so it is not valid for another URL', async () => {
      const result = await signForAcceptSignature(request, 'sig1=("@method");keyid="me"', options);
      expect(result.signatureParams).toBe(`("@method" "@authority" "@path" "@query");created=${NOW};keyid="me"`);
      const signed = withHeaders(request, result.headers);
      await expect(verifyRfc9421(signed, verifyOptions)).resolves.toBeDefined();
      const elsewhere = { ...signed, url: 'https://example.com/admin/delete?all=1' } as Rfc9421Request;
      expect(await refusal(verifyRfc9421(elsewhere, { ...verifyOptions, requiredComponents: ['@method'] }))).toBe('ERR_SIGNATURE_MISMATCH');
    });

    test('without a query, @query is not added; the requested order comes first, no component twice', async () => {
      const result = await signForAcceptSignature({ ...request, url: 'https://example.com/foo' }, 'sig1=("@path" "cache-control" "@method")', options);
      expect(result.signatureParams).toBe(`("@path" "cache-control" "@method" "@authority");created=${NOW};keyid="me"`);
    });

    test('a requested @target-uri stands for the authority, path and query', async () => {
      const result = await signForAcceptSignature(request, 'sig1=("@target-uri")', options);
      expect(result.signatureParams).toBe(`("@target-uri" "@method");created=${NOW};keyid="me"`);
      // What is asked is covered as asked, @authority after @target-uri included.
      const both = await signForAcceptSignature(request, 'sig1=("@target-uri" "@authority")', { ...options, components: ['@target-uri', '@path'] });
      expect(both.signatureParams).toBe(`("@target-uri" "@authority" "@method");created=${NOW};keyid="me"`);
    });

    test('a response is bound to its request\'s path and query', async () => {
      const response = { status: 200, headers: { 'content-type': 'text/plain' }, request };
      const result = await signForAcceptSignature(response, 'sig1=("content-type")', options);
      expect(result.signatureParams).toBe(`("content-type" "@status" "@path";req "@query";req);created=${NOW};keyid="me"`);
    });
  });

  describe('keeps what the signer\'s options require (a Web Bot Auth signer\'s tag, nonce and signature-agent)', () => {
    const AGENT = 'https://bot.example';
    const page: Rfc9421Request = { method: 'GET', url: 'https://news.example/today', headers: { host: 'news.example' } };
    const bot = async () => {
      const { scheme: _scheme, ...options } = await webBotAuth({ key: ed25519.sign, signatureAgent: AGENT, nonce: true });
      const jwk = await publicJwk(ed25519.verify);
      // The agent's directory: the key is vouched for by AGENT only.
      const keys: WebBotAuthKeys = (_keyId, agent) => (agent === AGENT ? jwk : null);
      return { options: { ...options, now: NOW * 1000 }, keys };
    };
    const verifyBot = (message: Rfc9421Message, keys: WebBotAuthKeys) =>
      verifyWebBotAuth(message, { keys, now: NOW * 1000, replayStore: new MemoryReplayStore() });

    test.each([
      ['a Web Bot Auth site\'s challenge', 'sig1=("@authority");created;expires;tag="web-bot-auth"'],
      ['a challenge naming no tag and other components', 'sig2=("@method" "@path");created'],
    ])('%s: the answer covers signature-agent, carries the tag and a nonce, and our verifier accepts it', async (_name, challenge) => {
      const { options, keys } = await bot();
      const result = await signForAcceptSignature(page, challenge, options);
      const params = result.signatureParams;
      expect(params).toContain('"signature-agent";key="sig1"');
      expect(params).toMatch(/;nonce="[A-Za-z0-9+/=]{88}"/);
      expect(params).toContain(';tag="web-bot-auth"');
      const verified = await verifyBot(withHeaders(page, result.headers), keys);
      expect(verified).toMatchObject({ agent: AGENT, label: result.label });
    });

    test('a nonce the server asks for is the one written; the signer\'s components come after the requested ones', async () => {
      const { options, keys } = await bot();
      const result = await signForAcceptSignature(page, 'sig1=("@method");nonce="srv-nonce";tag="web-bot-auth"', options);
      expect(result.signatureParams).toMatch(/^\("@method" "@authority" "signature-agent";key="sig1" "@path"\);created=\d+;keyid="[^"]+";alg="ed25519";expires=\d+;nonce="srv-nonce";tag="web-bot-auth"$/);
      expect((await verifyBot(withHeaders(page, result.headers), keys)).parameters.nonce).toBe('srv-nonce');
    });

    test('a challenge for another tag cannot be answered by a signer with its own (ERR_MALFORMED_SIGNATURE)', async () => {
      const { options } = await bot();
      expect(await refusal(signForAcceptSignature(page, 'sig1=("@authority");tag="app-123"', options))).toBe('ERR_MALFORMED_SIGNATURE');
    });
  });

  test('refuses when no requested signature fits the signer', async () => {
    const options = { key: ed25519.sign, algorithm: 'ed25519' as const, keyId: 'me' };
    expect(await refusal(signForAcceptSignature(request, 'sig1=("@method");keyid="you"', options))).toBe('ERR_UNKNOWN_KEY');
    expect(await refusal(signForAcceptSignature(request, 'sig1=("@method");alg="rsa-pss-sha512"', options))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    expect(await refusal(signForAcceptSignature(request, 'sig1=("@method");keyid="you", sig2=();alg="hmac-sha256"', options))).toBe('ERR_UNKNOWN_KEY');
    expect(await refusal(signForAcceptSignature(request, '', options))).toBe('ERR_MALFORMED_SIGNATURE');
    expect(await refusal(signForAcceptSignature(request, 'sig1=("x-absent")', options))).toBe('ERR_MISSING_HEADER');
  });
});

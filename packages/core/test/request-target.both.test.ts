// The request target and Host of a received request: one parser (parseRequestTarget), and what verify refuses
// before it verifies (both schemes), so that what an application reads is what the signature covers.
import { isHttpSignatureError, sign, verify, type Rfc9421Request, type VerifyOptions, type VerifyRfc9421Options } from '../src/index.js';
import { originFormOf, parseAuthority, parseRequestTarget, requestTarget } from '../src/adapter.js';
import { buildSignatureBase } from '../src/rfc9421/index.js';
import { codeOf } from './support/outcome.js';
import * as hmacFixture from './support/hmac-fixture.js';
import { buildSigningString } from '../src/cavage/index.js';
import { checkedAuthority, plainAuthorityParts, plainOriginParts, splitPathQuery } from '../src/request-target.js';
import fc from 'fast-check';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const SECRET = 'request-target-secret-0123456789';
const cavageLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'k' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null);
const rfc9421Options: VerifyRfc9421Options = {
  keyLookup: (keyId) => (keyId === 'k' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
  requiredComponents: [], now,
};

interface Received { method: string; url: string; headers: [string, string][]; scheme?: string }

/** Signs `signed` with draft-cavage; returns the request as received: `received` target and Host, same signature. */
async function cavage(signed: Received, received: Partial<Received>, headers = ['(request-target)', 'host', 'date']): Promise<Received> {
  const result = await sign({ method: signed.method, url: signed.url, headers: signed.headers }, { keyId: 'k', key: SECRET, algorithm: 'hmac-sha256', headers, now });
  const base = { ...signed, ...received };
  return { ...base, headers: [...base.headers, ...Object.entries(result.headers)] };
}

async function rfc9421(signed: Received, received: Partial<Received>, components = ['@method', '@authority', '@path', '@query']): Promise<Received> {
  const result = await sign({ method: signed.method, url: signed.url, headers: signed.headers, scheme: signed.scheme ?? 'https' }, {
    scheme: 'rfc9421', keyId: 'k', key: SECRET, algorithm: 'hmac-sha256', headers: components, now,
  });
  const base = { scheme: 'https', ...signed, ...received };
  return { ...base, headers: [...base.headers, ...Object.entries(result.headers)] };
}

const verifyCavage = (r: Received): Promise<string> => codeOf(verify(r, { keyLookup: cavageLookup, now, requiredHeaders: [] }));
const verify9421 = (r: Received): Promise<string> => codeOf(verify(r as Rfc9421Request, { ...rfc9421Options, scheme: 'rfc9421' }));
const host = (value: string): [string, string][] => [['host', value], ['date', new Date(now).toUTCString()]];

describe('parseRequestTarget', () => {
  test('the four forms, parts exactly as written', () => {
    expect(parseRequestTarget('/pay?amount=10&a[]=1')).toEqual({ form: 'origin', scheme: undefined, authority: undefined, path: '/pay', query: 'amount=10&a[]=1' });
    // What browsers and fetch leave raw in a query is accepted there.
    expect(parseRequestTarget('/q?f={a}|b^`c`').query).toBe('f={a}|b^`c`');
    expect(parseRequestTarget('HTTPS://Bank.example:8443?x=%20')).toEqual({ form: 'absolute', scheme: 'https', authority: 'Bank.example:8443', path: '', query: 'x=%20' });
    expect(parseRequestTarget('[2001:db8::1]:443', 'CONNECT')).toEqual({ form: 'authority', scheme: undefined, authority: '[2001:db8::1]:443', path: '', query: undefined });
    expect(parseRequestTarget('*', 'OPTIONS')).toMatchObject({ form: 'asterisk', path: '', query: undefined });
    expect(originFormOf(parseRequestTarget('https://bank.example?x=1'))).toBe('/?x=1');
    expect(originFormOf(parseRequestTarget('/a;b/../c?'))).toBe('/a;b/../c?');
  });

  test.each([
    ['a fragment', '/pay#&amount=1000'],
    ['a fragment after the query', '/pay?a=1#b'],
    ['a space', '/a b'],
    ['a tab', '/a\tb'],
    ['a control character', '/a\u0001'],
    ['a CR', '/a\r'],
    ['a non-ASCII character', '/caf\u00e9'],
    ['a non-ASCII byte read as Latin-1', '/a\u00ff'],
    ['a backslash', '/a\\b'],
    ['a bare %', '/a%'],
    ['a % with one hex digit', '/a%2'],
    ['a % not followed by hex', '/a?b=%zz'],
    ['a double quote', '/a"b'],
    ['angle brackets', '/a<b>'],
    ['braces and pipe in the path', '/a{x}|y'],
    ['a backslash in the query', '/a?b=\\'],
    ['brackets in the path', '/a[0]'],
    ['a leading //', '//evil.example/x'],
    ['a relative path', 'pay'],
    ['nothing', ''],
    ['an absolute URL with userinfo', 'http://evil.example:1@bank.example/x'],
    ['an absolute URL with a fragment', 'http://bank.example/x#y'],
  ])('refuses %s with ERR_MALFORMED_REQUEST', (_label, target) => {
    let caught: unknown;
    try { parseRequestTarget(target, 'GET'); } catch (error) { caught = error; }
    expect(isHttpSignatureError(caught) && caught.code).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a plain origin-form target is split in one pass exactly as the character check splits it; any other goes to the check', () => {
    const unit = fc.constantFrom('a', 'Z', '0', '/', '?', '=', '&', '%', '2', 'f', 'G', '#', ' ', '"', '<', '\\', '[', ']', '{', '|', '^', '`', '~', ':', '@', 'é', '\u0000', '\u007f');
    let taken = 0;
    fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), (rest) => {
      const target = `/${rest}`;
      const fast = plainOriginParts(target);
      let checked: ReturnType<typeof splitPathQuery> | undefined;
      try { checked = splitPathQuery(target, 0, 'received'); } catch { checked = undefined; }
      if (fast === undefined) return;
      taken++;
      expect(fast).toEqual(checked);
    }), { numRuns: 5000 });
    expect(taken).toBeGreaterThan(500);
    // Every target the check accepts without a fragment is plain.
    const path = fc.string({ unit: fc.constantFrom('a', '/', '=', '%20', '~', '@', ':', '!'), maxLength: 20 });
    const query = fc.option(fc.string({ unit: fc.constantFrom('a', '/', '?', '=', '%2F', '[', ']', '`', '{', '|', '^'), maxLength: 20 }), { nil: undefined });
    fc.assert(fc.property(path, query, (p, q) => {
      const target = q === undefined ? `/${p}` : `/${p}?${q}`;
      expect(plainOriginParts(target)).toEqual(splitPathQuery(target, 0, 'received'));
    }), { numRuns: 500 });
  });

  test('a plain authority is read in one pass as the character check reads it; any other goes to the check', () => {
    const unit = fc.constantFrom('a', 'z', 'A', '0', '9', '.', '-', '_', '~', ':', '1', '[', ']', '@', ' ', '%', 'é', '/');
    let taken = 0;
    fc.assert(fc.property(fc.string({ unit, minLength: 1, maxLength: 24 }), (value) => {
      const fast = plainAuthorityParts(value);
      let checked: ReturnType<typeof checkedAuthority> | undefined;
      try { checked = checkedAuthority(value, 'received'); } catch { checked = undefined; }
      if (fast === undefined) return;
      taken++;
      expect(fast).toEqual(checked);
    }), { numRuns: 5000 });
    expect(taken).toBeGreaterThan(200);
    for (const value of ['api.example.com', 'api.example.com:8443', '127.0.0.1:80', 'a', 'x-y_z~1.example:0']) {
      expect(plainAuthorityParts(value)).toEqual(checkedAuthority(value, 'received'));
    }
    // Not plain: upper case (lower-cased by the check), an empty or six-digit port, an IP literal, over 1024 characters.
    for (const value of ['API.example.com', 'a:', 'a:123456', '[::1]:443', `${'a'.repeat(1020)}:8080`]) expect(plainAuthorityParts(value)).toBeUndefined();
  });

  test('a form must fit the method: host:port for CONNECT only, * for OPTIONS only', () => {
    expect(() => parseRequestTarget('example.com:443', 'GET')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REQUEST' }));
    expect(() => parseRequestTarget('example.com', 'CONNECT')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REQUEST' }));
    expect(() => parseRequestTarget('/x', 'CONNECT')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REQUEST' }));
    expect(() => parseRequestTarget('*', 'GET')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REQUEST' }));
  });

  test('a method in any case, and any token method, goes into (request-target) lower-cased; a method that is not a token is refused', async () => {
    for (const method of ['GET', 'get', 'Get', 'POST', 'patch', 'PROPFIND', 'M-SEARCH', 'x!#$%&*+.^_|~1']) {
      expect(requestTarget(method, '/a?b=1')).toBe(`${method.toLowerCase()} /a?b=1`);
      expect(buildSigningString({ method, url: '/a?b=1', headers: {} }, ['(request-target)'])).toBe(`(request-target): ${method.toLowerCase()} /a?b=1`);
      const received = await cavage({ method, url: '/a?b=1', headers: host('api.example') }, {});
      expect(await verifyCavage(received)).toBe('resolved');
      // Signed under one case, received under another: the method is compared as the signing string writes it.
      expect(await verifyCavage({ ...received, method: method.toUpperCase() })).toBe('resolved');
    }
    for (const method of ['', 'GET ', 'G(T', 'GÉT', 'GET\r\n']) {
      expect(await verifyCavage({ method, url: '/a', headers: host('api.example') })).toBe('ERR_MALFORMED_REQUEST');
    }
  });

  test('parseAuthority takes uri-host [":" port] and nothing else', () => {
    expect(parseAuthority('API.example.com:8443')).toEqual({ host: 'api.example.com', port: '8443' });
    expect(parseAuthority('[::1]:80')).toEqual({ host: '[::1]', port: '80' });
    expect(parseAuthority('api.example.com.:')).toEqual({ host: 'api.example.com.', port: undefined });
    for (const bad of ['evil.example:1@api.example.com', 'user@api.example.com', 'a b', 'a,b', 'a:443:1', 'a:123456', 'a:x', '[::1', '[::1]x', '', ':80', 'ex%41mple.com', 'caf\u00e9.example']) {
      expect(() => parseAuthority(bad)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_REQUEST' }));
    }
  });

  test('the signing side drops a fragment (a client never sends it) but refuses what a server would refuse, with a TypeError', () => {
    expect(requestTarget('GET', 'https://bank.example/pay?x=1#frag')).toBe('get /pay?x=1');
    expect(requestTarget('GET', '/pay#frag')).toBe('get /pay');
    expect(requestTarget('OPTIONS', '*')).toBe('options *');
    expect(() => requestTarget('GET', '/a b')).toThrow(TypeError);
    expect(() => requestTarget('GET', '//evil/x')).toThrow(TypeError);
  });
});

describe.each([
  ['draft-cavage', cavage, verifyCavage],
  ['RFC 9421', rfc9421, verify9421],
] as const)('%s verify refuses before verifying', (_scheme, signWith, verifyWith) => {
  const signed: Received = { method: 'GET', url: '/pay', headers: host('api.example.com') };

  test('the signed request itself verifies', async () => {
    expect(await verifyWith(await signWith(signed, {}))).toBe('resolved');
  });

  test('a target signed as /pay and received as /pay#&amount=1000', async () => {
    expect(await verifyWith(await signWith(signed, { url: '/pay#&amount=1000' }))).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith(await signWith(signed, { url: '/pay#' }))).toBe('ERR_MALFORMED_REQUEST');
  });

  test.each(['/pay\\x', '/pay x', '/pay%', '/pay\u00e9', '//pay'])('a received target %j', async (url) => {
    expect(await verifyWith(await signWith(signed, { url }))).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a Host with userinfo, signed as it is, is refused (never read as the part after "@")', async () => {
    const userinfo = { ...signed, headers: host('evil.example:1@api.example.com') };
    const request = await signWith({ ...signed, headers: host('api.example.com') }, { headers: userinfo.headers });
    expect(await verifyWith(request)).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a Host with a non-breaking space or U+FEFF around it is refused (only spaces and tabs are header whitespace)', async () => {
    for (const value of ['api.example.com\u00a0', '\ufeffapi.example.com', 'api.example.com\u2003']) {
      expect(await verifyWith(await signWith(signed, { headers: host(value) }))).toBe('ERR_MALFORMED_REQUEST');
    }
    expect(await verifyWith(await signWith(signed, { headers: host(' api.example.com\t') }))).toBe('resolved');
  });

  test('two Host headers are refused', async () => {
    const request = await signWith(signed, { headers: [['host', 'api.example.com'], ['host', 'evil.example'], ['date', new Date(now).toUTCString()]] });
    expect(await verifyWith(request)).toBe('ERR_MALFORMED_REQUEST');
  });

  test('an absolute-form target naming another authority than Host is refused; the same authority verifies', async () => {
    expect(await verifyWith(await signWith(signed, { url: 'https://bank.example/pay' }))).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith(await signWith(signed, { url: 'https://api.example.com:443/pay' }))).toBe('resolved');
  });

  test('an authority-form target without CONNECT, and "*" without OPTIONS, are typed refusals', async () => {
    expect(await verifyWith(await signWith(signed, { url: 'example.com:443' }))).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith(await signWith(signed, { url: '*' }))).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a CONNECT request in authority form verifies; one whose Host differs is refused', async () => {
    const connect: Received = { method: 'CONNECT', url: 'example.com:443', headers: host('example.com:443') };
    expect(await verifyWith(await signWith(connect, {}, _scheme === 'RFC 9421' ? ['@method', '@authority', '@request-target', '@path'] : ['(request-target)', 'host']))).toBe('resolved');
    expect(await verifyWith(await signWith(connect, { headers: host('other.example:443') }, _scheme === 'RFC 9421' ? ['@method', '@request-target'] : ['(request-target)']))).toBe('ERR_MALFORMED_REQUEST');
  });
});

describe('RFC 9421 components of the asterisk and authority forms (§2.2.2, §2.2.5, §2.2.6)', () => {
  const base = (request: Rfc9421Request, components: string[]): string[] =>
    buildSignatureBase(request, { components, parameters: {} }).split('\n').slice(0, -1);

  test('OPTIONS *: @path is "/", @request-target is "*", @target-uri has no path', () => {
    expect(base({ method: 'OPTIONS', url: '*', scheme: 'https', headers: { host: 'www.example.com' } }, ['@path', '@request-target', '@target-uri', '@query'])).toEqual([
      '"@path": /', '"@request-target": *', '"@target-uri": https://www.example.com', '"@query": ?',
    ]);
  });

  test('CONNECT host:port: @path is "/", @request-target the authority, @authority from Host', () => {
    expect(base({ method: 'CONNECT', url: 'www.example.com:80', scheme: 'http', headers: { host: 'www.example.com:80' } }, ['@path', '@request-target', '@authority'])).toEqual([
      '"@path": /', '"@request-target": www.example.com:80', '"@authority": www.example.com',
    ]);
  });

  test('verifying a CONNECT signature with RFC 9421 gives a result, not a TypeError', async () => {
    const request = await rfc9421({ method: 'CONNECT', url: 'example.com:443', headers: host('example.com:443') }, {}, ['@method', '@request-target', '@path']);
    expect(await verify9421(request)).toBe('resolved');
    expect(await verify9421({ ...request, url: 'example.com' })).toBe('ERR_MALFORMED_REQUEST');
  });
});

describe('CONNECT and unusable request targets', () => {
  const { now, hmacLookup, signedRequest } = hmacFixture;
  test('requestTarget accepts authority-form for CONNECT only', () => {
    expect(requestTarget('CONNECT', 'example.com:443')).toBe('connect example.com:443');
    expect(requestTarget('connect', '[2001:db8::1]:8443')).toBe('connect [2001:db8::1]:8443');
    expect(() => requestTarget('GET', 'example.com:443')).toThrow(TypeError);
    expect(() => requestTarget('CONNECT', 'example.com')).toThrow(TypeError);
    expect(() => requestTarget('CONNECT', 'a b:443')).toThrow(TypeError);
    expect(buildSigningString({ method: 'CONNECT', url: 'example.com:443', headers: { host: 'example.com:443' } }, ['(request-target)', 'host']))
      .toBe('(request-target): connect example.com:443\nhost: example.com:443');
  });

  test('a CONNECT request signs and verifies', async () => {
    const request = { method: 'CONNECT', url: 'example.com:443', headers: { host: 'example.com:443' } };
    const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now });
    await expect(verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: hmacLookup, now }))
      .resolves.toMatchObject({ signingString: expect.stringContaining('(request-target): connect example.com:443') });
  });

  test('verify answers ERR_MALFORMED_REQUEST (not a TypeError) for a target it cannot sign; sign keeps TypeError', async () => {
    const signed = await signedRequest(['(request-target)', 'host', 'date']);
    for (const url of ['example.com:443', 'relative/path', '']) {
      expect(await codeOf(verify({ ...signed, url }, { keyLookup: hmacLookup, now }))).toBe('ERR_MALFORMED_REQUEST');
      await expect(sign({ method: 'GET', url, headers: { host: 'h' } }, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now })).rejects.toThrow(TypeError);
    }
    expect(await codeOf(verify({ ...signed, method: undefined as never }, { keyLookup: hmacLookup, now }))).toBe('ERR_MALFORMED_REQUEST');
  });
});

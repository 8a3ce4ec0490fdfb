// RFC 9421 §2 component derivation, checked against the examples printed in §2.1 and §2.2, and every way a
// component identifier or a message can be refused. Runs on both crypto backends.
import { MalformedSignatureError, MissingHeaderError, isHttpSignatureError } from '../src/errors.js';
import { backendName } from '../src/backend-name.js';
import { type Rfc9421Message, buildSignatureBase, verifyRfc9421 } from '../src/rfc9421/index.js';
import * as edFixture from './support/rfc9421-fixture.js';
import { withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';

/** The component lines of a base (without the @signature-params line). */
function lines(message: Rfc9421Message, components: string[], options: Parameters<typeof buildSignatureBase>[2] = {}): string[] {
  return buildSignatureBase(message, { components }, options).split('\n').slice(0, -1);
}

const example21: Rfc9421Message = {
  method: 'GET', url: '/xyz',
  headers: [
    ['Host', 'www.example.com'],
    ['Date', 'Tue, 20 Apr 2021 02:07:56 GMT'],
    ['X-OWS-Header', '   Leading and trailing whitespace.   '],
    ['X-Obs-Fold-Header', 'Obsolete\r\n    line folding.'],
    ['Cache-Control', 'max-age=60'],
    ['Cache-Control', '   must-revalidate'],
    ['Example-Dict', ' a=1,    b=2;x=1;y=2,   c=(a   b   c)'],
    ['X-Empty-Header', ''],
  ],
};

describe(`RFC 9421 components (${backendName} backend)`, () => {
  describe('HTTP fields (§2.1)', () => {
    test('values are trimmed, obs-fold becomes a space, repeated fields are joined with ", " (§2.1 example)', () => {
      expect(lines(example21, ['host', 'date', 'x-ows-header', 'x-obs-fold-header', 'cache-control', 'example-dict', 'x-empty-header'])).toEqual([
        '"host": www.example.com',
        '"date": Tue, 20 Apr 2021 02:07:56 GMT',
        '"x-ows-header": Leading and trailing whitespace.',
        '"x-obs-fold-header": Obsolete line folding.',
        '"cache-control": max-age=60, must-revalidate',
        '"example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c)',
        '"x-empty-header": ',
      ]);
    });

    test('names are case-insensitive on the message and lower-cased in the identifier', () => {
      expect(lines(example21, ['Cache-Control'])).toEqual(['"cache-control": max-age=60, must-revalidate']);
    });

    test(';sf re-serialises a structured field of a type given by the caller (§2.1.1)', () => {
      const options = { structuredFields: { 'example-dict': 'dictionary' as const, 'x-list': 'list' as const, 'x-item': 'item' as const } };
      const message = { ...example21, headers: [...(example21.headers as [string, string][]), ['X-List', '1,   2'], ['X-Item', '  "a";b=?1  ']] as [string, string][] };
      expect(lines(message, ['"example-dict";sf', 'x-list;sf', 'x-item;sf'], options)).toEqual([
        '"example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c)',
        '"x-list";sf: 1, 2',
        '"x-item";sf: "a";b',
      ]);
    });

    test(';sf knows the types of the signature and digest fields', () => {
      const message = { method: 'GET', url: '/', headers: { 'content-digest': 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,   sha-512=:AA==:' } };
      expect(lines(message, ['content-digest;sf'])).toEqual(['"content-digest";sf: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AA==:']);
    });

    test(';key takes one dictionary member, serialised (§2.1.2 example)', () => {
      const message = { method: 'GET', url: '/', headers: { 'Example-Dict': ' a=(1 2), b=3, c=4;aa=bb, d=(5 6);valid' } };
      expect(lines(message, ['example-dict;key="a"', 'example-dict;key="d"', 'example-dict;key="b"', 'example-dict;key="c"'])).toEqual([
        '"example-dict";key="a": (1 2)',
        '"example-dict";key="d": (5 6);valid',
        '"example-dict";key="b": 3',
        '"example-dict";key="c": 4;aa=bb',
      ]);
    });

    test(';bs encodes each field line as a byte sequence (§2.1.3 example)', () => {
      const message = { method: 'GET', url: '/', headers: [['Example-Header', 'value, with, lots'], ['Example-Header', 'of, commas']] as [string, string][] };
      expect(lines(message, ['example-header', 'example-header;bs'])).toEqual([
        '"example-header": value, with, lots, of, commas',
        '"example-header";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:',
      ]);
    });

    test(';bs takes Latin-1 header text back to its bytes, and other text as UTF-8', () => {
      const message = { method: 'GET', url: '/', headers: [['X-A', 'caf\u00e9'], ['X-B', 'caf\u00e9\u2603']] as [string, string][] };
      expect(lines(message, ['x-a;bs', 'x-b;bs'])).toEqual(['"x-a";bs: :Y2Fm6Q==:', '"x-b";bs: :Y2Fmw6nimIM=:']);
    });
  });

  describe('derived components (§2.2)', () => {
    const request: Rfc9421Message = { method: 'POST', url: '/path?param=value', scheme: 'https', headers: { Host: 'www.example.com' } };

    test('@method @target-uri @authority @scheme @request-target @path @query (§2.2.1–§2.2.7 examples)', () => {
      expect(lines(request, ['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query'])).toEqual([
        '"@method": POST',
        '"@target-uri": https://www.example.com/path?param=value',
        '"@authority": www.example.com',
        '"@scheme": https',
        '"@request-target": /path?param=value',
        '"@path": /path',
        '"@query": ?param=value',
      ]);
    });

    test('an absolute URL gives the same values; the authority is lower-cased without a default port', () => {
      expect(lines({ method: 'POST', url: 'https://WWW.Example.com:443/path?param=value' }, ['@target-uri', '@authority', '@scheme', '@request-target'])).toEqual([
        '"@target-uri": https://www.example.com/path?param=value',
        '"@authority": www.example.com',
        '"@scheme": https',
        '"@request-target": /path?param=value',
      ]);
      expect(lines({ method: 'GET', url: 'http://user@example.com:8080' }, ['@authority', '@path', '@query'])).toEqual([
        '"@authority": example.com:8080', '"@path": /', '"@query": ?',
      ]);
      expect(lines({ method: 'GET', url: '/p', scheme: 'HTTP', headers: { host: 'Example.com:80' } }, ['@authority', '@target-uri'])).toEqual([
        '"@authority": example.com', '"@target-uri": http://example.com/p',
      ]);
      expect(lines({ method: 'GET', url: 'https://[2001:db8::1]:8443/a#frag' }, ['@authority', '@path'])).toEqual([
        '"@authority": [2001:db8::1]:8443', '"@path": /a',
      ]);
    });

    test('@method keeps its case; @query keeps the encoding as sent (§2.2.1, §2.2.7)', () => {
      expect(lines({ method: 'get', url: '/path?param=value&foo=bar&baz=bat%2Dman#x' }, ['@method', '@query'])).toEqual([
        '"@method": get', '"@query": ?param=value&foo=bar&baz=bat%2Dman',
      ]);
      expect(lines({ method: 'HEAD', url: '/path?queryString' }, ['@query'])).toEqual(['"@query": ?queryString']);
      expect(lines({ method: 'GET', url: '/path' }, ['@query'])).toEqual(['"@query": ?']);
      expect(lines({ method: 'OPTIONS', url: '*' }, ['@request-target'])).toEqual(['"@request-target": *']);
    });

    test('@query-param decodes then re-encodes names and values (§2.2.8 examples)', () => {
      const message = { method: 'GET', url: '/path?param=value&foo=bar&baz=batman&qux=' };
      expect(lines(message, ['"@query-param";name="baz"', '"@query-param";name="qux"', '"@query-param";name="param"'])).toEqual([
        '"@query-param";name="baz": batman',
        '"@query-param";name="qux": ',
        '"@query-param";name="param": value',
      ]);
      const encoded = { method: 'GET', url: '/parameters?var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something' };
      expect(lines(encoded, ['"@query-param";name="var"', '"@query-param";name="bar"', '"@query-param";name="fa%C3%A7ade%22%3A%20"'])).toEqual([
        '"@query-param";name="var": this%20is%20a%20big%0Avalue',
        '"@query-param";name="bar": with%20plus%20whitespace',
        '"@query-param";name="fa%C3%A7ade%22%3A%20": something',
      ]);
    });

    test('@query-param encodes !\'()~, and refuses a name that occurs more than once (§2.2.8)', () => {
      expect(lines({ method: 'GET', url: '/?a=(2)!~&b=1' }, ['@query-param;name="a"'])).toEqual(['"@query-param";name="a": %282%29%21%7E']);
      const repeated = { method: 'GET', url: '/?a=1&b=x&a=2' };
      expect(() => lines(repeated, ['@query-param;name="a"'])).toThrow(TypeError);
      expect(() => buildSignatureBase(repeated, '("@query-param";name="a")')).toThrow(MalformedSignatureError);
    });

    test('@status of a response (§2.2.9) and ;req components of the request it answers (§2.4)', () => {
      const response: Rfc9421Message = {
        status: 503,
        headers: { 'Content-Type': 'application/json' },
        request: { method: 'POST', url: '/foo?param=Value&Pet=dog', headers: { host: 'example.com', 'content-digest': 'sha-256=:AA==:' } },
      };
      expect(lines(response, ['@status', 'content-type', '@authority;req', '@method;req', '"@path";req', '@query;req', 'content-digest;req', '@query-param;name="Pet";req'])).toEqual([
        '"@status": 503',
        '"content-type": application/json',
        '"@authority";req: example.com',
        '"@method";req: POST',
        '"@path";req: /foo',
        '"@query";req: ?param=Value&Pet=dog',
        '"content-digest";req: sha-256=:AA==:',
        '"@query-param";name="Pet";req: dog',
      ]);
    });

    test('@signature-params serialises the parameters given as pairs, in order', () => {
      expect(buildSignatureBase({ method: 'GET', url: '/' }, { components: [], parameters: [['keyid', 'k'], ['created', 1], ['x', true]] })).toBe(
        '"@signature-params": ();keyid="k";created=1;x',
      );
    });
  });

  describe('refusals', () => {
    const request: Rfc9421Message = { method: 'GET', url: '/p?a=1', headers: { host: 'example.com', 'x-a': '1', 'x-d': 'a=1', 'cache-status': 'a' } };
    const response: Rfc9421Message = { status: 200, headers: { 'x-a': '1' } };
    const caller = (components: string[], message: Rfc9421Message = request, options = {}) => () => buildSignatureBase(message, { components }, options);

    test.each([
      ['an unknown derived component', ['@foo']],
      ['an empty identifier', ['']],
      ['an identifier that does not parse', ['"unterminated']],
      ['a field name that is not a token', ['bad name']],
      ['bs with sf', ['x-a;bs;sf']],
      ['bs with key', ['x-d;bs;key="a"']],
      ['@query-param without name', ['@query-param']],
      ['name on something else', ['x-a;name="a"']],
      ['sf on a derived component', ['@method;sf']],
      ['a key that is not a string', ['x-d;key=1']],
      ['req with a value', ['x-a;req=?0']],
      ['@status;req', ['@status;req']],
      ['an unsupported parameter (tr)', ['x-a;tr']],
      ['the same component twice', ['@method', '"@method"']],
      ['the same component twice with parameters in another order', ['x-a;req;bs', 'x-a;bs;req']],
      ['@status on a request', ['@status']],
      ['req on a request', ['x-a;req']],
      ['key on a field of another structured type', ['cache-status;key="a"']],
      ['sf on a field of unknown type', ['x-a;sf']],
    ])('the caller gets a TypeError for %s', (_what, components) => {
      const message = components[0] === '@status;req' ? response : request;
      expect(caller(components, message)).toThrow(TypeError);
    });

    test.each([16, 17, 40])('a component covered twice among %i is refused, wherever the repeat is', (count) => {
      const many = Array.from({ length: count - 1 }, (_, i) => `x-${i}`);
      const message: Rfc9421Message = { method: 'GET', url: '/', headers: Object.fromEntries(many.map((name) => [name, 'v'])) };
      for (const repeated of [many[0] as string, many[count - 2] as string]) {
        expect(caller([...many, repeated], message)).toThrow('A component is covered twice');
        expect(caller([repeated, ...many], message)).toThrow('A component is covered twice');
      }
      expect(caller(many, message)).not.toThrow();
    });

    test('the caller gets a TypeError for a request component on a response, and for unparsable sf/key fields', () => {
      expect(caller(['@method'], response)).toThrow(TypeError);
      const bad = { method: 'GET', url: '/', headers: { 'x-d': 'a=(', 'content-digest': '(' } };
      expect(caller(['x-d;key="a"'], bad)).toThrow(TypeError);
      expect(caller(['content-digest;sf'], bad)).toThrow(TypeError);
    });

    test.each([
      ['an absent field', ['x-missing'], request],
      ['an absent query parameter', ['@query-param;name="b"'], request],
      ['an absent dictionary key', ['x-d;key="b"'], request],
      ['@authority without Host or absolute URL', ['@authority'], { method: 'GET', url: '/' }],
      ['@scheme of an origin-form URL without scheme', ['@scheme'], request],
      ['@target-uri of an origin-form URL without scheme', ['@target-uri'], request],
      ['a req component on a response without its request', ['@method;req'], response],
    ])('MissingHeaderError for %s', (_what, components, message) => {
      expect(caller(components, message)).toThrow(MissingHeaderError);
    });

    test.each([
      ['not a structured field', '((('],
      ['not one inner list', '("a"), ("b")'],
      ['a list item, not an inner list', '"a"'],
      ['a token instead of a string', '(foo)'],
      ['an empty name', '("")'],
      ['an upper-case name', '("Host")'],
      ['an unknown derived component', '("@foo")'],
      ['@status on a request', '("@status")'],
    ])('a received @signature-params value is a MalformedSignatureError when it is %s', (_what, params) => {
      expect(() => buildSignatureBase(request, params)).toThrow(MalformedSignatureError);
    });

    test('the message itself must be a request or a three-digit response', () => {
      expect(() => buildSignatureBase(null as unknown as Rfc9421Message, { components: [] })).toThrow(TypeError);
      expect(() => buildSignatureBase({ status: 42 }, { components: [] })).toThrow(TypeError);
      expect(() => buildSignatureBase({ method: 'GET' } as unknown as Rfc9421Message, { components: [] })).toThrow(TypeError);
      expect(() => buildSignatureBase({ method: 'GET', url: 'foo' }, { components: [] })).toThrow(TypeError);
    });

    test('parameters must be valid', () => {
      expect(() => buildSignatureBase(request, { components: [], parameters: [['a'] as unknown as [string, string]] })).toThrow(TypeError);
      expect(() => buildSignatureBase(request, { components: [], parameters: [['Upper', 1]] })).toThrow(TypeError);
      expect(() => buildSignatureBase(request, { components: [], parameters: [['a', Number.NaN]] })).toThrow(TypeError);
      expect(() => buildSignatureBase(request, { components: [], parameters: [['a', {} as string]] })).toThrow(TypeError);
      expect(() => buildSignatureBase(request, { components: [], parameters: [['a', 'caf\u00e9']] })).toThrow(TypeError);
      expect(buildSignatureBase(request, { components: [], parameters: [['a', 1.5], ['b', false], ['c', 'q"\\']] })).toBe('"@signature-params": ();a=1.5;b=?0;c="q\\"\\\\"');
      expect(() => buildSignatureBase(request, { components: [], parameters: { created: 1.5 } })).toThrow(TypeError);
      expect(() => buildSignatureBase(request, { components: [], parameters: { nonce: 'caf\u00e9' } })).toThrow(TypeError);
      expect(buildSignatureBase(request, { components: [], parameters: { tag: 't', created: 2 } })).toBe('"@signature-params": ();created=2;tag="t"');
    });
  });
});

describe('@query-param refuses what an application may read differently (§2.2.8)', () => {
  const now = Date.parse('Tue, 20 Apr 2021 02:07:56 GMT');
  const SECRET = 'query-param-secret-0123456789abcdef';
  const keyLookup = (keyId: string | undefined): { key: string; algorithms: ['hmac-sha256'] } | null => (keyId === 'k' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null);

  /** Signs `@query-param;name=<name>` over `signedUrl`, verifies the same signature with `receivedUrl`. */
  async function verifyWith(name: string, signedUrl: string, receivedUrl: string): Promise<string> {
    const headers = { host: 'example.com' };
    const { sign, verify, isHttpSignatureError } = await import('../src/index.js');
    const signed = await sign({ method: 'GET', url: signedUrl, headers }, {
      scheme: 'rfc9421', keyId: 'k', key: SECRET, algorithm: 'hmac-sha256', headers: [`@query-param;name="${name}"`], now,
    }).catch((e: unknown) => e as Error);
    if (signed instanceof Error) return `sign: ${signed.name}`;
    return verify({ method: 'GET', url: receivedUrl, headers: { ...headers, ...signed.headers } }, { scheme: 'rfc9421', keyLookup, requiredComponents: [], now })
      .then(() => 'resolved', (e: unknown) => (isHttpSignatureError(e) ? e.code : `untyped ${String(e)}`));
  }

  test('a value that is not UTF-8 once decoded is refused, so %FF never verifies as %FE or %C0', async () => {
    expect(await verifyWith('token', '/?token=abc', '/?token=abc')).toBe('resolved');
    expect(await verifyWith('token', '/?token=abc', '/?token=%FE')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('token', '/?token=%C3%A9', '/?token=%C3%A9')).toBe('resolved');
    expect(await verifyWith('token', '/?token=%FF', '/?token=%FE')).toBe('sign: TypeError');
    // A signature over U+FFFD (what %FF, %FE and %C0 used to decode to, as other signers still do) never covers them.
    for (const received of ['%FF', '%FE', '%C0']) expect(await verifyWith('token', '/?token=%EF%BF%BD', `/?token=${received}`)).toBe('ERR_MALFORMED_REQUEST');
    // A value of another parameter, or a name, that is not UTF-8 is refused too (the whole query is parsed).
    expect(await verifyWith('token', '/?token=abc', '/?token=abc&x=%C0')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('token', '/?token=abc', '/?token=abc&%FF=1')).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a bracketed name beside a covered parameter (pet[], pet[x], [pet], or any other) is refused', async () => {
    // qs (Express' extended parser) reads `[pet]` as `pet` too; any bracket is refused rather than guessing each
    // parser's rules.
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&pets=cat')).toBe('resolved');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&[pet]=cat')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&%5Bpet%5D=cat')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&pets[]=cat')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet[]=cat&pet=dog')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&pet[x]=cat')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&pet%5B%5D=cat')).toBe('ERR_MALFORMED_REQUEST');
    expect(await verifyWith('pet', '/?pet=dog', '/?pet=dog&pet[]')).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a query with a covered parameter may have at most 999 parameters (parsers drop those past 1000)', async () => {
    const filler = (n: number): string => Array.from({ length: n }, (_, i) => `j${i}`).join('&');
    expect(await verifyWith('dryRun', '/?dryRun=true', `/?${filler(998)}&dryRun=true`)).toBe('resolved');
    expect(await verifyWith('dryRun', '/?dryRun=true', `/?${filler(999)}&dryRun=true`)).toBe('ERR_MALFORMED_REQUEST');
  });
});

describe('CR and LF in covered values', () => {
  const { NOW, request, sign, signed, at } = edFixture;
  const withField = (value: string): Rfc9421Message => ({ ...request, headers: [...(request.headers as [string, string][]), ['X-A', value]] });

  test('a field value with a line break cannot inject a line into the signature base', async () => {
    const injected = 'v\n"@path": /p';
    expect(await refusal(sign({ components: ['@method', 'x-a'] }, withField(injected)))).toMatch(/^(TypeError|ERR_MALFORMED_SIGNATURE)$/);
    const honest = await signed({ components: ['@method', '@authority', '@path', 'x-a'] }, withField('v'));
    for (const bad of [injected, 'v\r"@path": /p', 'v\r\n', 'v\n']) {
      const forged = withHeaders(honest, { 'x-a': bad });
      expect(await refusal(verifyRfc9421(forged, at(NOW)))).toBe('ERR_MALFORMED_SIGNATURE');
      let thrown: unknown;
      try {
        buildSignatureBase(forged, '("x-a");created=1');
      } catch (error) {
        thrown = error;
      }
      expect(isHttpSignatureError(thrown) && thrown.code).toBe('ERR_MALFORMED_SIGNATURE');
      expect(() => buildSignatureBase(forged, { components: ['x-a'], parameters: { created: 1 } })).toThrow(TypeError);
    }
  });

  test('obsolete line folding still becomes one space', async () => {
    for (const folded of ['a\r\n  b', 'a\n\tb']) {
      const message = await signed({ components: ['@method', '@authority', '@path', 'x-a'] }, withField(folded));
      const result = await verifyRfc9421(message, at(NOW));
      expect(result.signatureBase.split('\n')).toContain('"x-a": a b');
    }
  });

  test('a derived component with a line break is refused', async () => {
    expect(await refusal(sign({ components: ['@path'] }, { ...request, url: '/a\n"x": y' }))).toBe('TypeError');
    expect(await refusal(sign({ components: ['@method'] }, { ...request, method: 'GET\r\n' }))).toBe('TypeError');
  });

  test('field values are trimmed of SP and HTAB only, inner whitespace kept', () => {
    const base = (value: string) => buildSignatureBase(withField(value), '("x-a");created=1').split('\n')[0];
    expect(base(' \t a \t b \t ')).toBe('"x-a": a \t b');
    expect(base('   ')).toBe('"x-a": ');
    expect(base('')).toBe('"x-a": ');
    const spaced = `x${' y'.repeat(20_000)}${' '.repeat(20_000)}`;
    expect(base(spaced)).toBe(`"x-a": x${' y'.repeat(20_000)}`);
  });
});

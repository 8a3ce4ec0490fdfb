// Property tests (fast-check) of the signature-header parser and of sign -> verify round trips.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { isHttpSignatureError, sign, verify, type CavageAlgorithm, type SignOptions } from '../src/index.js';
import { DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNED_HEADERS, buildSigningString, formatSignatureHeader, parseSignatureHeader } from '../src/cavage/index.js';
import { scanParameters, usualFormParameters } from '../src/cavage/signature-header.js';
import { isBase64 } from '../src/lib/bytes.js';
import { quoteParam, referenceParseSignatureHeader, referenceSigningString } from './support/reference.js';

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)); // space .. ~
const TOKEN_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&\'*+^`|~'];
const BASE64_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];

/** keyIds with everything a quoted-string may hold: quotes, commas, backslashes, '=', spaces, tabs. */
const keyIdArb = fc.string({ unit: fc.constantFrom(...PRINTABLE, '"', ',', '\\', '=', '\t', ' '), minLength: 1, maxLength: 60 });
const headerNameArb = fc.oneof(
  fc.constantFrom('(request-target)', '(created)', '(expires)', 'host', 'date', 'digest', 'x-jms-org'),
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 }),
);
const signatureArb = fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => Buffer.from(b).toString('base64'));
const algorithmArb = fc.constantFrom('hmac-sha1', 'hmac-sha256', 'hmac-sha512', 'rsa-sha256', 'rsa-sha512', 'ed25519', 'hs2019');
const paramsArb = fc.record({
  keyId: keyIdArb,
  algorithm: algorithmArb,
  headers: fc.array(headerNameArb, { minLength: 1, maxLength: 12 }),
  signature: signatureArb,
  created: fc.option(fc.integer({ min: 0, max: 4_102_444_800 }), { nil: undefined }),
  expires: fc.option(fc.integer({ min: 0, max: 4_102_444_800 }), { nil: undefined }),
});
type Params = typeof paramsArb extends fc.Arbitrary<infer T> ? T : never;

function expectedParse(p: Params): Record<string, unknown> {
  const out: Record<string, unknown> = { keyId: p.keyId, algorithm: p.algorithm, headers: p.headers.map((h) => h.toLowerCase()), headersGiven: true, signature: p.signature };
  if (p.created !== undefined) out['created'] = p.created;
  if (p.expires !== undefined) out['expires'] = p.expires;
  return out;
}

/** The expected parse result without undefined members (toEqual would treat them alike, this keeps it strict). */
function clean(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function randomCase(name: string, flips: boolean[]): string {
  return [...name].map((c, i) => (flips[i % flips.length] === true ? c.toUpperCase() : c.toLowerCase())).join('');
}

describe('parseSignatureHeader / formatSignatureHeader', () => {
  test('format then parse round-trips arbitrary parameters (keyIds with quotes, commas, backslashes)', () => {
    fc.assert(fc.property(paramsArb, fc.constantFrom('authorization' as const, 'signature' as const), (p, scheme) => {
      const value = formatSignatureHeader(p, scheme);
      expect(value.startsWith('Signature ')).toBe(scheme === 'authorization');
      expect(clean(parseSignatureHeader(value))).toEqual(expectedParse(p));
    }), { numRuns: 500 });
  });

  test('parameter order, whitespace after commas and around "=", and the case of parameter names do not matter', () => {
    const ws = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
    fc.assert(fc.property(
      paramsArb, fc.array(ws, { minLength: 14, maxLength: 14 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }),
      fc.boolean(), fc.func(fc.integer()),
      (p, spaces, flips, withScheme, order) => {
        const parts: [string, string][] = [
          ['keyId', quoteParam(p.keyId)], ['algorithm', quoteParam(p.algorithm)],
          ['headers', quoteParam(p.headers.join(' '))], ['signature', quoteParam(p.signature)],
        ];
        if (p.created !== undefined) parts.push(['created', String(p.created)]);
        if (p.expires !== undefined) parts.push(['expires', String(p.expires)]);
        const shuffled = parts.map((part, i) => ({ part, key: order(i) * 31 + i })).sort((a, b) => a.key - b.key).map((x) => x.part);
        const body = shuffled
          .map(([name, value], i) => `${i === 0 ? '' : spaces[i] ?? ''}${randomCase(name, flips)}${spaces[i + 6] ?? ''}=${spaces[i + 7] ?? ''}${value}`)
          .join(',');
        const header = withScheme ? `${randomCase('Signature', flips)} ${body}` : body;
        expect(clean(parseSignatureHeader(header))).toEqual(expectedParse(p));
      },
    ), { numRuns: 500 });
  });

  test('unknown parameters are ignored; a parameter given twice (any case) is refused', () => {
    fc.assert(fc.property(paramsArb, fc.constantFrom('keyId', 'algorithm', 'headers', 'signature'), fc.boolean(), (p, dup, upper) => {
      const value = formatSignatureHeader(p, 'authorization');
      expect(clean(parseSignatureHeader(`${value},nonce="x, y=\\"z\\""`))).toEqual(expectedParse(p));
      const twice = `${value},${upper ? dup.toUpperCase() : dup}="${dup === 'signature' ? p.signature : 'other'}"`;
      expect(() => parseSignatureHeader(twice)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_SIGNATURE' }));
    }), { numRuns: 200 });
  });

  test('the scanner agrees with an independent regular-expression reading on valid, near-valid and junk input', () => {
    const near = fc.tuple(paramsArb, fc.nat(), fc.string({ unit: fc.constantFrom('"', ',', '=', '\\', ' ', '\t', 'K', '\u0001', '\u00e9', 'É'), maxLength: 3 }), fc.nat({ max: 2 }))
      .map(([p, at, insert, drop]) => {
        const v = formatSignatureHeader(p, at % 2 === 0 ? 'authorization' : 'signature');
        const i = at % (v.length + 1);
        return v.slice(0, i) + insert + v.slice(i + drop);
      });
    // Parameter names and the scheme in random case, then one edit (a control, DEL, a quote, a non-ASCII letter…).
    const cased = fc.tuple(paramsArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }))
      .map(([p, flips]) => formatSignatureHeader(p, 'authorization')
        .replace(/(^Signature|keyId|algorithm|created|expires|headers|signature)(?==| )/g, (name) => randomCase(name, flips)));
    const casedAndEdited = fc.tuple(cased, fc.nat(), fc.constantFrom('\u0000', '\u0001', '\u0009', '\u001f', '\u007f', '"', '\\', 'é', 'İ', ' ', ''))
      .map(([v, at, insert]) => { const i = at % (v.length + 1); return v.slice(0, i) + insert + v.slice(i); });
    const input = fc.oneof(
      paramsArb.map((p) => formatSignatureHeader(p, 'authorization')),
      cased,
      casedAndEdited,
      near,
      fc.string({ unit: fc.constantFrom('"', ',', '=', '\\', ' ', '\t', 'a', 'k', 'S', 'keyId', 'signature', 'c2ln', 'Signature ', '\u0000', '\u007f', 'é'), maxLength: 60 }),
      fc.string({ maxLength: 120 }),
    );
    fc.assert(fc.property(input, (text) => {
      const expected = referenceParseSignatureHeader(text);
      let actual: object;
      try {
        actual = { ok: true, ...parseSignatureHeader(text) };
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ERR_MALFORMED_SIGNATURE');
        actual = { ok: false };
      }
      expect(clean(actual)).toEqual(clean(expected));
    }), { numRuns: 3000 });
  });

  test('the usual form is read in one pass exactly as the scanner reads it; every other value goes to the scanner', () => {
    // Values as signers write them, then one edit each: the fast reading must be the scanner's or none at all.
    const usual = fc.tuple(paramsArb, fc.boolean()).map(([p, withScheme]) => formatSignatureHeader(p, withScheme ? 'authorization' : 'signature'));
    const edited = fc.tuple(usual, fc.nat(), fc.constantFrom('\u0000', '\u0009', '\u000a', '\u001f', '\u007f', '"', '\\', ',', ' ', '=', 'é', 'K', '1', ''), fc.nat({ max: 2 }))
      .map(([v, at, insert, drop]) => { const i = at % (v.length + 1); return v.slice(0, i) + insert + v.slice(i + drop); });
    let taken = 0;
    fc.assert(fc.property(fc.oneof(usual, edited, edited), (text) => {
      const fast = usualFormParameters(text);
      if (fast === undefined) return;
      taken++;
      expect(fast).toEqual(scanParameters(text));
      // Its signature is base64 text but for its length, which parseSignatureHeader checks.
      const signature = fast.signature ?? '';
      if (signature !== '') expect(isBase64(signature)).toBe(signature.length % 4 === 0);
    }), { numRuns: 4000 });
    expect(taken).toBeGreaterThan(1000);
  });

  test('values signers write without escapes take the usual form', () => {
    const plainKeyId = fc.string({ unit: fc.constantFrom(...PRINTABLE.filter((c) => c !== '"' && c !== '\\'), '\t', 'é'), minLength: 1, maxLength: 40 });
    fc.assert(fc.property(paramsArb, plainKeyId, fc.boolean(), (p, keyId, withScheme) => {
      const text = formatSignatureHeader({ ...p, keyId }, withScheme ? 'authorization' : 'signature');
      expect(usualFormParameters(text)).toEqual(scanParameters(text));
    }), { numRuns: 500 });
  });

  test('arbitrary junk never throws anything but an HttpSignatureError', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('"', ',', '=', '\\', ' ', '\t', 'a', 'k', 'S', '\n', '\r', '\0'), maxLength: 300 }),
      fc.string({ maxLength: 200 }).map((s) => `Signature ${s}`),
      // Valid headers with one character deleted, duplicated or replaced.
      fc.tuple(paramsArb, fc.nat(), fc.string({ maxLength: 2 }), fc.boolean()).map(([p, at, insert, del]) => {
        const v = formatSignatureHeader(p, 'authorization');
        const i = at % (v.length + 1);
        return v.slice(0, i) + insert + v.slice(del ? i + 1 : i);
      }),
    );
    fc.assert(fc.property(junk, (input) => {
      try {
        const result = parseSignatureHeader(input);
        // When it parses, the result is well formed.
        expect(typeof result.keyId).toBe('string');
        expect(result.keyId.length).toBeGreaterThan(0);
        expect(result.headers.length).toBeGreaterThan(0);
        expect(result.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
      } catch (error) {
        expect(isHttpSignatureError(error)).toBe(true);
        expect(['ERR_MALFORMED_SIGNATURE', 'ERR_HEADER_TOO_LARGE']).toContain((error as { code: string }).code);
      }
    }), { numRuns: 2000 });
  });

  test('verify never throws anything but an HttpSignatureError on a junk signature header', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom('Authorization', 'Signature'), async (junk, name) => {
      const request = { method: 'GET', url: '/', headers: { Date: 'Sun, 22 Nov 2026 10:00:00 GMT', [name]: name === 'Authorization' ? `Signature ${junk}` : junk } };
      await verify(request, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now: Date.UTC(2026, 10, 22, 10) }).then(
        () => { throw new Error('a junk header verified'); },
        (error: unknown) => { expect(isHttpSignatureError(error)).toBe(true); },
      );
    }), { numRuns: 300 });
  });
});

describe('size caps reject huge inputs before parsing', () => {
  const signature = Buffer.alloc(32, 7).toString('base64');
  const tooLarge = expect.objectContaining({ code: 'ERR_HEADER_TOO_LARGE' });

  test('the defaults are 8192 characters and 64 signed headers', () => {
    expect(DEFAULT_MAX_HEADER_LENGTH).toBe(8192);
    expect(DEFAULT_MAX_SIGNED_HEADERS).toBe(64);
  });

  test('a header of exactly the limit parses; one character more is refused', () => {
    const base = `Signature keyId="k",headers="date",signature="${signature}",pad="`;
    const exact = `${base}${'x'.repeat(DEFAULT_MAX_HEADER_LENGTH - base.length - 1)}"`;
    expect(exact.length).toBe(DEFAULT_MAX_HEADER_LENGTH);
    expect(parseSignatureHeader(exact).keyId).toBe('k');
    expect(() => parseSignatureHeader(`${exact} `)).toThrow(tooLarge);
    expect(() => parseSignatureHeader(exact, { maxHeaderLength: 100 })).toThrow(tooLarge);
  });

  test('megabyte-sized and pathological headers are refused with ERR_HEADER_TOO_LARGE', () => {
    const huge = [
      'x'.repeat(4_000_000),
      `Signature keyId="${'\\"'.repeat(500_000)}"`,
      `Signature ${'a="b",'.repeat(200_000)}`,
      `Signature keyId="k",signature="${signature}",headers="${'date '.repeat(200_000)}"`,
      `Signature keyId="${'"'.repeat(1_000_000)}`,
      ','.repeat(2_000_000),
    ];
    for (const value of huge) expect(() => parseSignatureHeader(value)).toThrow(tooLarge);
  });

  test('pathological headers under the size cap are refused as malformed, not parsed into something', () => {
    const n = 2000;
    const cases = [
      `Signature keyId="${'\\'.repeat(n)}`,
      `Signature ${'a='.repeat(n)}`,
      `Signature ${',' .repeat(n)}`,
      `Signature ${'"'.repeat(n)}`,
      `Signature keyId=${'='.repeat(n)}`,
      `Signature ${'a="b",'.repeat(n / 8)}`, // no keyId, no signature
    ];
    for (const value of cases) {
      expect(value.length).toBeLessThanOrEqual(DEFAULT_MAX_HEADER_LENGTH);
      expect(() => parseSignatureHeader(value)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_SIGNATURE' }));
    }
  });

  test('more signed headers than the cap are refused (default 64, and a configured cap)', () => {
    const names = (k: number): string => Array.from({ length: k }, (_, i) => `x-h${i}`).join(' ');
    const header = (k: number): string => `Signature keyId="k",headers="${names(k)}",signature="${signature}"`;
    expect(parseSignatureHeader(header(64)).headers).toHaveLength(64);
    expect(() => parseSignatureHeader(header(65))).toThrow(tooLarge);
    expect(() => parseSignatureHeader(header(5), { maxSignedHeaders: 4 })).toThrow(tooLarge);
    expect(parseSignatureHeader(header(4), { maxSignedHeaders: 4 }).headers).toHaveLength(4);
  });

  test('verify refuses a megabyte Authorization header and 10 000 signed names with ERR_HEADER_TOO_LARGE', async () => {
    const keyLookup = (): { key: string; algorithms: CavageAlgorithm[] } => ({ key: 'secret', algorithms: ['hmac-sha256'] });
    const headers = { Date: 'Sun, 22 Nov 2026 10:00:00 GMT' };
    await expect(verify({ method: 'GET', url: '/', headers: { ...headers, Authorization: `Signature keyId="${'k'.repeat(1_000_000)}",signature="${signature}"` } }, { keyLookup }))
      .rejects.toMatchObject({ code: 'ERR_HEADER_TOO_LARGE' });
    await expect(verify({ method: 'GET', url: '/', headers: { ...headers, Signature: `keyId="k",headers="${'date '.repeat(10_000)}",signature="${signature}"` } }, { keyLookup, maxHeaderLength: 1_000_000 }))
      .rejects.toMatchObject({ code: 'ERR_HEADER_TOO_LARGE' });
  });
});

describe('sign -> verify round trips over random requests', () => {
  const unreserved = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'];
  const pctArb = fc.tuple(fc.constantFrom(...'0123456789ABCDEFabcdef'), fc.constantFrom(...'0123456789ABCDEFabcdef')).map(([a, b]) => `%${a}${b}`);
  const pathCharArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...unreserved) }, { weight: 1, arbitrary: pctArb });
  const segmentArb = fc.array(pathCharArb, { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
  const queryArb = fc.array(
    fc.tuple(fc.string({ unit: fc.constantFrom(...unreserved), minLength: 1, maxLength: 6 }), fc.array(fc.oneof(pathCharArb, fc.constantFrom('+', '/', '?', ':', '@', '=')), { maxLength: 8 })),
    { maxLength: 4 },
  ).map((pairs) => pairs.map(([k, v]) => `${k}=${v.join('')}`).join('&'));
  const targetArb = fc.tuple(fc.array(segmentArb, { minLength: 0, maxLength: 4 }), fc.boolean(), fc.option(queryArb, { nil: undefined }))
    .map(([segments, slash, query]) => `/${segments.join('/')}${slash && segments.length > 0 ? '/' : ''}${query === undefined ? '' : `?${query}`}`);
  const valueArb = fc.string({ unit: fc.constantFrom(...PRINTABLE, '\t'), maxLength: 40 });
  const extraHeadersArb = fc.uniqueArray(
    fc.tuple(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: 1, maxLength: 12 }).map((s) => `x-${s}`), valueArb),
    { maxLength: 5, selector: ([name]) => name },
  );
  const requestArb = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'Post'),
    target: targetArb,
    host: fc.constantFrom('jms.example.com', 'jms.example.com:8443', '127.0.0.1:8080', '[::1]:443'),
    date: fc.integer({ min: 946_684_800, max: 4_102_444_800 }),
    extra: extraHeadersArb,
    body: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    created: fc.boolean(),
    absolute: fc.boolean(),
    omitDate: fc.boolean(),
    container: fc.constantFrom('pairs' as const, 'record' as const, 'headers' as const),
    pick: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    shuffle: fc.func(fc.integer()),
  });

  const ed25519 = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys: Record<string, { sign: string; verify: string }> = {
    hmac: { sign: 'jms-test-secret-0123456789abcdefghij', verify: 'jms-test-secret-0123456789abcdefghij' },
    rsa: { sign: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), verify: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ed25519: { sign: ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), verify: ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  };

  type RandomRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;
  const roundTrip = async (algorithm: CavageAlgorithm, keyKind: string, r: RandomRequest): Promise<void> => {
    const key = keys[keyKind] as { sign: string; verify: string };
    const dateValue = new Date(r.date * 1000).toUTCString();
    // What the server receives: Host and Date always (Date added by the signer when the client had none).
    const wireHeaders: [string, string][] = [['Host', r.host], ['Date', dateValue], ...r.extra];
    // What the client hands to sign(): maybe an absolute URL instead of a Host header, maybe no Date.
    const absolute = r.absolute && !r.host.endsWith(':443');
    const clientHeaders = wireHeaders.filter(([n]) => !(absolute && n === 'Host') && !(r.omitDate && n === 'Date'));
    const url = absolute ? `https://${r.host}${r.target}` : r.target;
    const optional = ['host', ...r.extra.map(([n]) => n)].filter((_n, i) => r.pick[i % 8] === true);
    const names = [...(r.created ? ['(created)'] : []), '(request-target)', 'date', ...optional]
      .map((n, i) => ({ n, k: r.shuffle(i) * 64 + i })).sort((a, b) => a.k - b.k).map((x) => x.n);
    const options: SignOptions = { keyId: `key-${keyKind}`, key: key.sign, algorithm, headers: names, now: r.date * 1000 };
    if (r.created) options.created = r.date - 5;
    if (r.body !== undefined) { options.body = r.body; options.digest = 'SHA-256'; }
    const signed = await sign({ method: r.method, url, headers: clientHeaders }, options);

    // The signer adds exactly: date (only when it was missing), digest (when asked) and authorization.
    const expectedAdded = ['authorization', ...(r.omitDate ? ['date'] : []), ...(r.body === undefined ? [] : ['digest'])].sort();
    expect(Object.keys(signed.headers).sort()).toEqual(expectedAdded);
    if (r.omitDate) expect(signed.headers['date']).toBe(dateValue);

    const allNames = r.body === undefined ? names : [...names, 'digest'];
    const times = r.created ? { created: r.date - 5 } : {};
    const received: [string, string][] = [...wireHeaders, ...Object.entries(signed.headers).filter(([n]) => n !== 'date')];
    expect(signed.signingString).toBe(referenceSigningString(r.method, r.target, received, allNames, times));
    expect(buildSigningString({ method: r.method, url: r.target, headers: received }, allNames, times)).toBe(signed.signingString);

    // The server side gets the path as url and the headers in any of the accepted containers.
    const container = r.container === 'pairs' ? received
      : r.container === 'record' ? Object.fromEntries(received)
        : new Headers(received);
    const result = await verify({ method: r.method, url: r.target, headers: container }, {
      keyLookup: (id) => (id === `key-${keyKind}` ? { key: key.verify, algorithms: [algorithm] } : null),
      now: r.date * 1000 + 1000,
      ...(r.body === undefined ? {} : { body: r.body }),
    });
    expect(result.signingString).toBe(signed.signingString);
    expect(result.headers).toEqual(allNames);
    expect(result.algorithm).toBe(algorithm);
  };

  test.each(['hmac-sha1', 'hmac-sha256', 'hmac-sha512'] as const)('%s', async (algorithm) => {
    await fc.assert(fc.asyncProperty(requestArb, (r) => roundTrip(algorithm, 'hmac', r)), { numRuns: 150 });
  });

  test.each([['rsa-sha256', 'rsa'], ['rsa-sha512', 'rsa'], ['ed25519', 'ed25519']] as const)('%s', async (algorithm, kind) => {
    await fc.assert(fc.asyncProperty(requestArb, (r) => roundTrip(algorithm, kind, r)), { numRuns: 40 });
  });
});

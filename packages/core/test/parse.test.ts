// The signature header parser and formatter, and the small pure helpers.
import { checkContentDigest, createContentDigest, formatChallenge, MalformedSignatureError } from '../src/index.js';
import { formatHttpDate, normalizeHeaders, parseHttpDate, requestTarget } from '../src/adapter.js';
import { checkDigestHeader, createDigestHeader, formatSignatureHeader, parseSignatureHeader, buildSigningString } from '../src/cavage/index.js';
import { codeOfCall } from './support/outcome.js';

describe('parseSignatureHeader', () => {
  test('the draft C.2 form with whitespace after commas', () => {
    expect(parseSignatureHeader('Signature keyId="Test", algorithm="rsa-sha256", headers="(request-target) host date", signature="qdx+H7PH"')).toEqual({
      keyId: 'Test', algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date'], headersGiven: true, signature: 'qdx+H7PH',
    });
  });
  test('bare Signature-header form, case-insensitive names and scheme, quoted commas and escapes, unknown params ignored', () => {
    const p = parseSignatureHeader('keyid="a,\\"b\\"" ,ALGORITHM="HMAC-SHA256",  extension="x, y" , Headers="Date X-A",signature="c2ln"');
    expect(p).toMatchObject({ keyId: 'a,"b"', algorithm: 'hmac-sha256', headers: ['date', 'x-a'], signature: 'c2ln' });
    expect(parseSignatureHeader('SIGNATURE keyId="k",signature="c2ln"').keyId).toBe('k');
  });
  test('defaults: headers absent means date; created/expires unquoted or quoted integers', () => {
    const p = parseSignatureHeader('keyId="k",created=1402170695,expires="1402170699",signature="c2ln"');
    expect(p).toMatchObject({ headers: ['date'], headersGiven: false, created: 1402170695, expires: 1402170699 });
  });
  test.each([
    ['duplicate parameter', 'keyId="a",keyId="b",signature="c2ln"'],
    ['duplicate parameter differing in case', 'keyId="a",KEYID="b",signature="c2ln"'],
    ['missing keyId', 'algorithm="hmac-sha256",signature="c2ln"'],
    ['empty keyId', 'keyId="",signature="c2ln"'],
    ['missing signature', 'keyId="a"'],
    ['signature not base64', 'keyId="a",signature="not base64!"'],
    ['signature base64url', 'keyId="a",signature="ab-_"'],
    ['empty headers', 'keyId="a",headers="",signature="c2ln"'],
    ['blank headers', 'keyId="a",headers="   ",signature="c2ln"'],
    ['unterminated quote', 'keyId="a,signature="c2ln'],
    ['no equals sign', 'keyId "a",signature="c2ln"'],
    ['missing comma', 'keyId="a" signature="c2ln"'],
    ['trailing comma', 'keyId="a",signature="c2ln",'],
    ['double comma', 'keyId="a",,signature="c2ln"'],
    ['another scheme', 'Bearer keyId="a",signature="c2ln"'],
    ['no parameters', 'Signature '],
    ['empty', ''],
    ['non-integer created', 'keyId="a",created="1.5",signature="c2ln"'],
    ['control character in a value', 'keyId="a\u0001",signature="c2ln"'],
    ['lone backslash at the end', 'keyId="a\\'],
    ['escaped control character', 'keyId="a\\\nb",signature="c2ln"'],
    ['escaped DEL', 'keyId="a\\\u007f",signature="c2ln"'],
  ])('%s → ERR_MALFORMED_SIGNATURE', (_label, value) => {
    expect(codeOfCall(() => parseSignatureHeader(value))).toBe('ERR_MALFORMED_SIGNATURE');
  });
  test('an attacker-chosen duplicate parameter name is not echoed in the message', () => {
    try { parseSignatureHeader('keyId="a",evil<script>="1",evil<script>="2",signature="c2ln"'); } catch (e) {
      expect(e).toBeInstanceOf(MalformedSignatureError);
      expect((e as Error).message).not.toContain('evil');
    }
    // (the name is not a token either: rejected while scanning)
    try { parseSignatureHeader('keyId="a",evilname="1",evilname="2",signature="c2ln"'); } catch (e) {
      expect((e as Error).message).not.toContain('evilname');
    }
  });
  test('the same headers list parsed again gives the same names, in an array of its own each time', () => {
    const header = 'keyId="k",headers="(Request-Target) HOST\tdate  digest",signature="c2ln"';
    const first = parseSignatureHeader(header);
    expect(first.headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
    first.headers.push('x-added');
    first.headers[1] = 'changed';
    const second = parseSignatureHeader(header);
    expect(second.headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
    expect(second.headers).not.toBe(parseSignatureHeader(header).headers);
    expect(parseSignatureHeader('keyId="k",headers="date",signature="c2ln"').headers).toEqual(['date']);
    expect(parseSignatureHeader(header).headers).toEqual(['(request-target)', 'host', 'date', 'digest']);
  });

  test('size caps', () => {
    expect(codeOfCall(() => parseSignatureHeader(`keyId="${'a'.repeat(9000)}",signature="c2ln"`))).toBe('ERR_HEADER_TOO_LARGE');
    expect(codeOfCall(() => parseSignatureHeader('keyId="a",signature="c2ln"', { maxHeaderLength: 10 }))).toBe('ERR_HEADER_TOO_LARGE');
    expect(codeOfCall(() => parseSignatureHeader(`keyId="a",headers="${Array.from({ length: 65 }, (_, i) => `h${i}`).join(' ')}",signature="c2ln"`))).toBe('ERR_HEADER_TOO_LARGE');
  });
});

describe('formatSignatureHeader and formatChallenge', () => {
  test('order, quoting, round trip', () => {
    const fields = { keyId: 'k"1', algorithm: 'rsa-sha256', headers: ['(request-target)', 'date'], signature: 'c2ln', created: 1, expires: 2 };
    const value = formatSignatureHeader(fields, 'authorization');
    expect(value).toBe('Signature keyId="k\\"1",algorithm="rsa-sha256",created=1,expires=2,headers="(request-target) date",signature="c2ln"');
    expect(parseSignatureHeader(value)).toMatchObject({ keyId: 'k"1', created: 1, expires: 2, headers: ['(request-target)', 'date'] });
    expect(formatSignatureHeader(fields, 'signature').startsWith('keyId=')).toBe(true);
    expect(() => formatSignatureHeader({ ...fields, created: -1 })).toThrow(TypeError);
  });
  test('challenge', () => {
    expect(formatChallenge()).toBe('Signature realm="api",headers="(request-target) date"');
    expect(formatChallenge({ realm: 'jms', headers: ['(request-target)', 'accept', 'date'] })).toBe('Signature realm="jms",headers="(request-target) accept date"');
  });
});

describe('helpers', () => {
  test('HTTP dates', () => {
    expect(formatHttpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(formatHttpDate(new Date('2026-11-22T10:00:00Z'))).toBe('Sun, 22 Nov 2026 10:00:00 GMT');
    expect(parseHttpDate('Sun, 05 Jan 2014 21:31:40 GMT')).toBe(Date.UTC(2014, 0, 5, 21, 31, 40));
    expect(parseHttpDate('Thu, 05 Jan 2014 21:31:40 GMT')).toBe(Date.UTC(2014, 0, 5, 21, 31, 40));
    for (const bad of ['2014-01-05T21:31:40Z', 'Sun, 05 Jan 2014 21:31:40 +0800', 'Sun, 31 Feb 2014 00:00:00 GMT', 'Sun, 05 Foo 2014 21:31:40 GMT', 'Sun, 05 Jan 2014 25:00:00 GMT', '']) {
      expect(parseHttpDate(bad)).toBeUndefined();
    }
  });
  test('requestTarget', () => {
    expect(requestTarget('GET', 'https://a.example:8443/p/%7Eq?x=%20#f')).toBe('get /p/%7Eq?x=%20');
    expect(requestTarget('OPTIONS', '*')).toBe('options *');
    expect(() => requestTarget('GET', 'p')).toThrow(TypeError);
  });
  test('normalizeHeaders keeps order and repeats, lower-cases names', () => {
    expect(normalizeHeaders({ Accept: 'a', 'X-A': ['1', '2'], Skip: undefined, N: 3 })).toEqual([['accept', 'a'], ['x-a', '1'], ['x-a', '2'], ['n', '3']]);
    expect(normalizeHeaders([['A', '1'], ['a', '2']])).toEqual([['a', '1'], ['a', '2']]);
    expect(normalizeHeaders(undefined)).toEqual([]);
    expect(() => normalizeHeaders([['only-name']] as never)).toThrow(TypeError);
  });
  test('normalizeHeaders reads a plain object, a null-prototype object, a Headers, a Map and pairs alike', () => {
    const expected = [['accept', 'a'], ['x-a', '1'], ['x-a', '2'], ['n', '3']];
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { Accept: 'a', 'X-A': ['1', '2'], N: 3 });
    expect(normalizeHeaders(nullProto as never)).toEqual(expected);
    expect(normalizeHeaders({ Accept: 'a', 'X-A': ['1', '2'], N: 3 })).toEqual(expected);
    expect(normalizeHeaders(new Headers([['Accept', 'a'], ['X-A', '1'], ['X-A', '2'], ['N', '3']]))).toEqual([['accept', 'a'], ['n', '3'], ['x-a', '1, 2']]);
    expect(normalizeHeaders(new Map([['Accept', 'a'], ['N', '3']]) as never)).toEqual([['accept', 'a'], ['n', '3']]);
    // A plain object is a record of names even when a member is called forEach or get.
    expect(normalizeHeaders({ forEach: 'x', get: 'y' } as never)).toEqual([['foreach', 'x'], ['get', 'y']]);
  });
  test('buildSigningString is the same function sign uses', () => {
    expect(buildSigningString({ method: 'GET', url: '/a?b', headers: { Date: 'd' } }, ['(request-target)', 'date'])).toBe('(request-target): get /a?b\ndate: d');
  });
  test('Digest helpers', () => {
    const body = '{"hello": "world"}';
    expect(createDigestHeader(body)).toBe('SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=');
    expect(() => checkDigestHeader(`sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=, MD5=abc`, body)).not.toThrow();
    expect(codeOfCall(() => checkDigestHeader('MD5=abc', body))).toBe('ERR_DIGEST_MISSING');
    expect(codeOfCall(() => checkDigestHeader('SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=,SHA-512=AAAA', body))).toBe('ERR_DIGEST_MISMATCH');
    expect(codeOfCall(() => checkDigestHeader('SHA-256=not base64', body))).toBe('ERR_DIGEST_MISMATCH');
    expect(() => createDigestHeader(body, 'MD5' as never)).toThrow(TypeError);
  });
  test('Content-Digest helpers (RFC 9530 §2; the RFC 9421 example request body)', () => {
    const body = '{"hello": "world"}';
    expect(createContentDigest(body, 'SHA-512')).toBe('sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:');
    expect(() => checkContentDigest(`${createContentDigest(body)}, md5=:AAAA:`, body)).not.toThrow();
    expect(codeOfCall(() => checkContentDigest('md5=:AAAA:', body))).toBe('ERR_DIGEST_MISSING');
    expect(codeOfCall(() => checkContentDigest('sha-256=:AAAA:', body))).toBe('ERR_DIGEST_MISMATCH');
    expect(codeOfCall(() => checkContentDigest('sha-256="text"', body))).toBe('ERR_DIGEST_MISMATCH');
    expect(codeOfCall(() => checkContentDigest('((( not a dictionary', body))).toBe('ERR_DIGEST_MISMATCH');
    expect(() => createContentDigest(body, 'SHA-1' as never)).toThrow(TypeError);
  });
});

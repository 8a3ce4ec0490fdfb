// What sign() adds and signs, on both backends.
import crypto from 'node:crypto';
import { sign, verify, type SignOptions } from '../src/index.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const DATE = 'Sun, 22 Nov 2026 10:00:00 GMT';
const hmac = (extra: Partial<SignOptions> = {}): SignOptions => ({ keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', now, ...extra });
const b64 = (data: string, algorithm = 'sha256', key = 'secret'): string => crypto.createHmac(algorithm, key).update(data).digest('base64');

test('JumpServer-style request: signing string, header and signature', async () => {
  const { headers, signingString } = await sign(
    { method: 'GET', url: 'https://jms.example.com/api/v1/users/users/?limit=10&search=a%20b', headers: { Accept: 'application/json' } },
    hmac({ headers: ['(request-target)', 'accept', 'date'] }),
  );
  expect(signingString).toBe(`(request-target): get /api/v1/users/users/?limit=10&search=a%20b\naccept: application/json\ndate: ${DATE}`);
  expect(headers).toEqual({
    date: DATE,
    authorization: `Signature keyId="ak",algorithm="hmac-sha256",headers="(request-target) accept date",signature="${b64(signingString)}"`,
  });
});

test('default headers are (request-target) host date; host comes from the URL with its non-default port', async () => {
  const { signingString } = await sign({ method: 'HEAD', url: 'http://Example.COM:8080/x', headers: {} }, hmac());
  expect(signingString).toBe(`(request-target): head /x\nhost: example.com:8080\ndate: ${DATE}`);
  const defaultPort = await sign({ method: 'GET', url: 'https://example.com:443/', headers: {} }, hmac());
  expect(defaultPort.signingString).toContain('host: example.com\n');
});

test('an existing Date is kept and not re-added; Date is not added when it is not signed', async () => {
  const kept = await sign({ method: 'GET', url: '/a', headers: { Date: 'Mon, 23 Nov 2026 00:00:00 GMT', Host: 'h' } }, hmac());
  expect(kept.headers['date']).toBeUndefined();
  expect(kept.signingString).toContain('date: Mon, 23 Nov 2026 00:00:00 GMT');
  const unsigned = await sign({ method: 'GET', url: '/a', headers: {} }, hmac({ headers: ['(request-target)'] }));
  expect(unsigned.headers['date']).toBeUndefined();
});

test('digest: over the exact body bytes, added to the headers and to the signed list', async () => {
  const body = '{"hello": "world"}';
  const { headers, signingString } = await sign({ method: 'POST', url: '/foo', headers: { host: 'example.com' } }, hmac({ body, digest: 'SHA-256' }));
  expect(headers['digest']).toBe('SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=');
  expect(signingString.endsWith('\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=')).toBe(true);
  expect(headers['authorization']).toContain('headers="(request-target) host date digest"');
  const bytes = new Uint8Array([0, 255, 1, 254]);
  const binary = await sign({ method: 'PUT', url: '/b', headers: { host: 'h' } }, hmac({ body: bytes.buffer, digest: 'SHA-512' }));
  expect(binary.headers['digest']).toBe(`SHA-512=${crypto.createHash('sha512').update(bytes).digest('base64')}`);
  const content = await sign({ method: 'PUT', url: '/b', headers: { host: 'h' } }, hmac({ body: bytes, digest: 'SHA-256', digestHeader: 'content-digest' }));
  expect(content.headers['content-digest']).toBe(`sha-256=:${crypto.createHash('sha256').update(bytes).digest('base64')}:`);
  expect(content.signingString).toContain('\ncontent-digest: sha-256=:');
});

test('created and expires: params written unquoted, pseudo-headers signed', async () => {
  const { headers, signingString } = await sign({ method: 'GET', url: '/a', headers: {} },
    hmac({ headers: ['(request-target)', '(created)', '(expires)'], expires: 1795341900 }));
  expect(signingString).toBe('(request-target): get /a\n(created): 1795341600\n(expires): 1795341900');
  expect(headers['authorization']).toMatch(/^Signature keyId="ak",algorithm="hmac-sha256",created=1795341600,expires=1795341900,headers="\(request-target\) \(created\) \(expires\)",signature="/);
  const explicit = await sign({ method: 'GET', url: '/a', headers: {} }, hmac({ headers: ['(created)'], created: 1 }));
  expect(explicit.signingString).toBe('(created): 1');
});

test('scheme "signature" writes a Signature header without the scheme prefix', async () => {
  const { headers } = await sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ scheme: 'signature' }));
  expect(headers['authorization']).toBeUndefined();
  expect(headers['signature']).toMatch(/^keyId="ak",algorithm="hmac-sha256",headers="\(request-target\) host date",signature="[A-Za-z0-9+/]+=*"$/);
});

test('header forms: plain object with arrays, Headers, pairs; repeated values joined with ", ", values trimmed, empty value kept', async () => {
  const names = ['x-multi', 'x-empty', 'cache-control'];
  const forms = [
    { 'X-Multi': ['a', ' b '], 'X-Empty': '', 'Cache-Control': 'no-cache' },
    [['x-multi', 'a'], ['X-Multi', 'b'], ['x-empty', ''], ['cache-control', ' no-cache ']] as [string, string][],
  ];
  for (const headers of forms) {
    const { signingString } = await sign({ method: 'GET', url: '/a', headers }, hmac({ headers: names }));
    expect(signingString).toBe('x-multi: a, b\nx-empty: \ncache-control: no-cache');
  }
  const h = new Headers([['x-multi', 'a'], ['x-multi', 'b'], ['x-empty', ''], ['cache-control', 'no-cache']]);
  expect((await sign({ method: 'GET', url: '/a', headers: h }, hmac({ headers: names }))).signingString).toBe('x-multi: a, b\nx-empty: \ncache-control: no-cache');
});

test('(request-target) keeps the path and query exactly as given, drops the fragment, lower-cases only the method', async () => {
  const cases: [string, string][] = [
    ['https://h/p%2Fq/R?A=%7E&b=c+d', '(request-target): delete /p%2Fq/R?A=%7E&b=c+d'],
    ['https://h?x=1', '(request-target): delete /?x=1'],
    ['https://h', '(request-target): delete /'],
    ['/only/path#frag', '(request-target): delete /only/path'],
  ];
  for (const [url, expected] of cases) {
    expect((await sign({ method: 'DELETE', url, headers: {} }, hmac({ headers: ['(request-target)'] }))).signingString).toBe(expected);
  }
  await expect(sign({ method: 'GET', url: 'relative/path', headers: {} }, hmac({ headers: ['(request-target)'] }))).rejects.toThrow(TypeError);
});

test('a listed header missing from the request is ERR_MISSING_HEADER before anything is signed', async () => {
  await expect(sign({ method: 'GET', url: '/a', headers: {} }, hmac())).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: 'host' });
  await expect(sign({ method: 'GET', url: '/a', headers: {} }, hmac({ headers: ['(expires)'] }))).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: '(expires)' });
  await expect(sign({ method: 'GET', url: '/a', headers: {} }, hmac({ headers: ['x-jms-org'] }))).rejects.toMatchObject({ code: 'ERR_MISSING_HEADER', header: 'x-jms-org' });
});

test('caller mistakes are plain TypeErrors; an unknown algorithm is ERR_ALGORITHM_NOT_ALLOWED', async () => {
  await expect(sign({ method: 'GET', url: '/a' }, hmac({ keyId: '' }))).rejects.toThrow(TypeError);
  await expect(sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ keyId: 'a\r\nInjected: 1' }))).rejects.toThrow(TypeError);
  await expect(sign({ method: 'GET', url: '/a' }, hmac({ headers: [] }))).rejects.toThrow(TypeError);
  await expect(sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ digest: 'SHA-256' }))).rejects.toThrow(TypeError);
  await expect(sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ algorithm: 'hmac-md5' as never }))).rejects.toMatchObject({ code: 'ERR_ALGORITHM_NOT_ALLOWED' });
  await expect(sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ created: 1.5 }))).rejects.toThrow(TypeError);
});

test('a header value with a line break cannot be signed (it would forge extra signing-string lines)', async () => {
  await expect(sign({ method: 'GET', url: '/a', headers: [['x-a', 'v\ndate: forged']] }, hmac({ headers: ['x-a'] }))).rejects.toMatchObject({ code: 'ERR_MALFORMED_SIGNATURE' });
});

test('keyId with quotes and backslashes is escaped and round-trips through verify', async () => {
  const keyId = 'tenant "a"\\key,1';
  const { headers } = await sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ keyId }));
  expect(headers['authorization']).toContain('keyId="tenant \\"a\\"\\\\key,1"');
  const result = await verify({ method: 'GET', url: '/a', headers: { host: 'h', ...headers } }, { keyLookup: (id) => (id === keyId ? { key: 'secret', algorithms: ['hmac-sha256'] } : null), now });
  expect(result.keyId).toBe(keyId);
});

test('HMAC secrets: string is its UTF-8 bytes, Uint8Array is used as is; sha1 and sha512', async () => {
  const r1 = await sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ key: 'sécret', algorithm: 'hmac-sha1' }));
  expect(r1.headers['authorization']).toContain(`signature="${b64(r1.signingString, 'sha1', 'sécret')}"`);
  const r2 = await sign({ method: 'GET', url: '/a', headers: { host: 'h' } }, hmac({ key: new Uint8Array([1, 2, 3]), algorithm: 'hmac-sha512' }));
  expect(r2.headers['authorization']).toContain(`signature="${crypto.createHmac('sha512', Buffer.from([1, 2, 3])).update(r2.signingString).digest('base64')}"`);
});

test('options reused across calls: changes to keyId, algorithm or the header list (even in place) take effect', async () => {
  const request = { method: 'GET', url: '/a', headers: { host: 'h', 'x-a': '1' } };
  const options = hmac({ headers: ['(request-target)', 'host'] });
  const first = await sign(request, options);
  expect(first.headers['authorization']).toContain('keyId="ak",algorithm="hmac-sha256",headers="(request-target) host"');
  options.keyId = 'other';
  options.algorithm = 'hmac-sha512';
  (options.headers as string[]).push('X-A');
  const second = await sign(request, options);
  expect(second.headers['authorization']).toContain('keyId="other",algorithm="hmac-sha512",headers="(request-target) host x-a"');
  expect(second.signingString).toBe('(request-target): get /a\nhost: h\nx-a: 1');
  expect(second.headers['authorization']).toContain(`signature="${b64(second.signingString, 'sha512')}"`);
  options.headers = ['host'];
  expect((await sign(request, options)).signingString).toBe('host: h');
});

test('a digest appended to a listed header with a quote is escaped like the rest', async () => {
  const { headers } = await sign({ method: 'GET', url: '/a', headers: [['x"q', 'v']] }, hmac({ headers: ['x"q'], body: '', digest: 'SHA-256' }));
  expect(headers['authorization']).toContain('headers="x\\"q digest"');
});

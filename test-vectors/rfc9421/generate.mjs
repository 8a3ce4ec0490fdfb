#!/usr/bin/env node
// Generates the RFC 9421 test vectors in this folder (appendix-b.json, negative.json) from the definitions below.
//
// The messages, signature bases and signatures are the literal text of RFC 9421 (Appendix B, §3.2, §4.3). This
// script never calls @httpsig/core: it checks every published value with node:crypto before writing —
// deterministic signatures (HMAC, Ed25519, RSASSA-PKCS1-v1_5) are recomputed byte for byte, randomised ones
// (RSASSA-PSS, ECDSA) are verified, and the Content-Digest values are recomputed over the bodies.
//
// Run: node test-vectors/rfc9421/generate.mjs          (rewrites the JSON files)
//      node test-vectors/rfc9421/generate.mjs --check  (fails when a file on disk differs from what would be written)
import crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const checkOnly = process.argv.includes('--check');

// Keys of RFC 9421 Appendix B.1 (paths relative to test-vectors/rfc9421/).
const KEYS = {
  rsa: { type: 'rsa', privateKey: 'keys/rfc9421-test-key-rsa.private.pem', publicKey: 'keys/rfc9421-test-key-rsa.public.pem' },
  rsaPss: { type: 'rsa-pss', privateKey: 'keys/rfc9421-test-key-rsa-pss.private.pem', publicKey: 'keys/rfc9421-test-key-rsa-pss.public.pem' },
  p256: { type: 'ec-p256', privateKey: 'keys/rfc9421-test-key-ecc-p256.private.pem', publicKey: 'keys/rfc9421-test-key-ecc-p256.public.pem' },
  ed25519: { type: 'ed25519', privateKey: 'keys/rfc9421-test-key-ed25519.private.pem', publicKey: 'keys/rfc9421-test-key-ed25519.public.pem' },
  // B.1.5: the shared secret is given base64-encoded; the HMAC key is the decoded bytes.
  shared: { type: 'hmac', secretBase64: 'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==' },
};
const pem = (file) => readFileSync(join(root, file), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// Messages (RFC 9421 Appendix B.2, B.3, B.4, §4.3)
// ---------------------------------------------------------------------------------------------------------
const REQUEST_DIGEST = 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';
const RESPONSE_DIGEST = 'sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:';
const CLIENT_CERT = ':MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6MRswGQYDVQQKDBJMZXQncyBBdXRoZW50aWNhdGUxGzAZBgNVBAMMEkxBIEludGVybWVkaWF0ZSBDQTAeFw0yMDAxMTQyMjU1MzNaFw0yMTAxMjMyMjU1MzNaMA0xCzAJBgNVBAMMAkJDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8YnXXfaUgmnMtOXU/IncWalRhebrXmckC8vdgJ1p5Be5F/3YC8OthxM4+k1M6aEAEFcGzkJiNy6J84y7uzo9M6NyMHAwCQYDVR0TBAIwADAfBgNVHSMEGDAWgBRm3WjLa38lbEYCuiCPct0ZaSED2DAOBgNVHQ8BAf8EBAMCBsAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0RAQH/BBMwEYEPYmRjQGV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIBHda/r1vaL6G3VliL4/Di6YK0Q6bMjeSkC3dFCOOB8TAiEAx/kHSB4urmiZ0NX5r5XarmPk0wmuydBVoU4hBVZ1yhk=:';

const B2_REQUEST = {
  type: 'request', method: 'POST', target: '/foo?param=Value&Pet=dog', scheme: 'https',
  headers: [['Host', 'example.com'], ['Date', 'Tue, 20 Apr 2021 02:07:55 GMT'], ['Content-Type', 'application/json'],
    ['Content-Digest', REQUEST_DIGEST], ['Content-Length', '18']],
  body: '{"hello": "world"}',
};
const B2_RESPONSE = {
  type: 'response', status: 200,
  headers: [['Date', 'Tue, 20 Apr 2021 02:07:56 GMT'], ['Content-Type', 'application/json'], ['Content-Digest', RESPONSE_DIGEST], ['Content-Length', '23']],
  body: '{"message": "good dog"}',
};
const B3_REQUEST = {
  type: 'request', method: 'POST', target: '/foo?param=Value&Pet=dog', scheme: 'https',
  headers: [['Host', 'service.internal.example'], ['Date', 'Tue, 20 Apr 2021 02:07:55 GMT'], ['Content-Type', 'application/json'],
    ['Content-Length', '18'], ['Client-Cert', CLIENT_CERT]],
  body: '{"hello": "world"}',
};
const PROXY_REQUEST = {
  type: 'request', method: 'POST', target: '/foo?param=Value&Pet=dog', scheme: 'https',
  headers: [['Host', 'origin.host.internal.example'], ['Date', 'Tue, 20 Apr 2021 02:07:56 GMT'], ['Content-Type', 'application/json'],
    ['Content-Digest', REQUEST_DIGEST], ['Content-Length', '18'], ['Forwarded', 'for=192.0.2.123;host=example.com;proto=https']],
  body: '{"hello": "world"}',
};
const B4_HEADERS = [['Host', 'example.org'], ['Date', 'Fri, 15 Jul 2022 14:24:55 GMT'], ['Accept', 'application/json'], ['Accept', '*/*']];
const B4_REQUEST = { type: 'request', method: 'GET', target: '/demo?name1=Value1&Name2=value2', scheme: 'https', headers: B4_HEADERS };

// ---------------------------------------------------------------------------------------------------------
// Published signatures, with their bases as printed in the RFC
// ---------------------------------------------------------------------------------------------------------
const lines = (...l) => l.join('\n');
const PUBLISHED = [
  {
    id: 'rfc9421-3-2-sig1-rsa-pss-sha512', source: 'RFC 9421 §2.5, §3.2 (Figure 1 signature base)', deterministic: false,
    message: B2_REQUEST, key: 'rsaPss', algorithm: 'rsa-pss-sha512', label: 'sig1',
    components: ['@method', '@authority', '@path', 'content-digest', 'content-length', 'content-type'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-rsa-pss']],
    base: lines('"@method": POST', '"@authority": example.com', '"@path": /foo', `"content-digest": ${REQUEST_DIGEST}`,
      '"content-length": 18', '"content-type": application/json',
      '"@signature-params": ("@method" "@authority" "@path" "content-digest" "content-length" "content-type");created=1618884473;keyid="test-key-rsa-pss"'),
    signature: 'HIbjHC5rS0BYaa9v4QfD4193TORw7u9edguPh0AW3dMq9WImrlFrCGUDih47vAxi4L2YRZ3XMJc1uOKk/J0ZmZ+wcta4nKIgBkKq0rM9hs3CQyxXGxHLMCy8uqK488o+9jrptQ+xFPHK7a9sRL1IXNaagCNN3ZxJsYapFj+JXbmaI5rtAdSfSvzPuBCh+ARHBmWuNo1UzVVdHXrl8ePL4cccqlazIJdC4QEjrF+Sn4IxBQzTZsL9y9TP5FsZYzHvDqbInkTNigBcE9cKOYNFCn4D/WM7F6TNuZO9EgtzepLWcjTymlHzK7aXq6Am6sfOrpIC49yXjj3ae6HRalVc/g==',
  },
  {
    id: 'rfc9421-b-2-1-minimal-rsa-pss-sha512', source: 'RFC 9421 Appendix B.2.1', deterministic: false,
    message: B2_REQUEST, key: 'rsaPss', algorithm: 'rsa-pss-sha512', label: 'sig-b21',
    components: [], parameters: [['created', 1618884473], ['keyid', 'test-key-rsa-pss'], ['nonce', 'b3k2pp5k7z-50gnwp.yemd']],
    base: '"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"',
    signature: 'd2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==',
  },
  {
    id: 'rfc9421-b-2-2-selective-rsa-pss-sha512', source: 'RFC 9421 Appendix B.2.2', deterministic: false,
    message: B2_REQUEST, key: 'rsaPss', algorithm: 'rsa-pss-sha512', label: 'sig-b22',
    components: ['@authority', 'content-digest', '"@query-param";name="Pet"'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-rsa-pss'], ['tag', 'header-example']],
    base: lines('"@authority": example.com', `"content-digest": ${REQUEST_DIGEST}`, '"@query-param";name="Pet": dog',
      '"@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"'),
    signature: 'LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==',
  },
  {
    id: 'rfc9421-b-2-3-full-rsa-pss-sha512', source: 'RFC 9421 Appendix B.2.3', deterministic: false,
    message: B2_REQUEST, key: 'rsaPss', algorithm: 'rsa-pss-sha512', label: 'sig-b23',
    components: ['date', '@method', '@path', '@query', '@authority', 'content-type', 'content-digest', 'content-length'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-rsa-pss']],
    base: lines('"date": Tue, 20 Apr 2021 02:07:55 GMT', '"@method": POST', '"@path": /foo', '"@query": ?param=Value&Pet=dog',
      '"@authority": example.com', '"content-type": application/json', `"content-digest": ${REQUEST_DIGEST}`, '"content-length": 18',
      '"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"'),
    signature: 'bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==',
  },
  {
    id: 'rfc9421-b-2-4-response-ecdsa-p256-sha256', source: 'RFC 9421 Appendix B.2.4', deterministic: false,
    message: B2_RESPONSE, key: 'p256', algorithm: 'ecdsa-p256-sha256', label: 'sig-b24',
    components: ['@status', 'content-type', 'content-digest', 'content-length'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-ecc-p256']],
    base: lines('"@status": 200', '"content-type": application/json', `"content-digest": ${RESPONSE_DIGEST}`, '"content-length": 23',
      '"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"'),
    signature: 'wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==',
  },
  {
    id: 'rfc9421-b-2-5-hmac-sha256', source: 'RFC 9421 Appendix B.2.5', deterministic: true,
    message: B2_REQUEST, key: 'shared', algorithm: 'hmac-sha256', label: 'sig-b25',
    components: ['date', '@authority', 'content-type'],
    parameters: [['created', 1618884473], ['keyid', 'test-shared-secret']],
    base: lines('"date": Tue, 20 Apr 2021 02:07:55 GMT', '"@authority": example.com', '"content-type": application/json',
      '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'),
    signature: 'pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=',
  },
  {
    id: 'rfc9421-b-2-6-ed25519', source: 'RFC 9421 Appendix B.2.6', deterministic: true,
    message: B2_REQUEST, key: 'ed25519', algorithm: 'ed25519', label: 'sig-b26',
    components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-ed25519']],
    base: lines('"date": Tue, 20 Apr 2021 02:07:55 GMT', '"@method": POST', '"@path": /foo', '"@authority": example.com',
      '"content-type": application/json', '"content-length": 18',
      '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"'),
    signature: 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==',
  },
  {
    id: 'rfc9421-b-3-tls-terminating-proxy-ecdsa-p256-sha256', source: 'RFC 9421 Appendix B.3', deterministic: false,
    message: B3_REQUEST, key: 'p256', algorithm: 'ecdsa-p256-sha256', label: 'ttrp',
    components: ['@path', '@query', '@method', '@authority', 'client-cert'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-ecc-p256']],
    base: lines('"@path": /foo', '"@query": ?param=Value&Pet=dog', '"@method": POST', '"@authority": service.internal.example',
      `"client-cert": ${CLIENT_CERT}`,
      '"@signature-params": ("@path" "@query" "@method" "@authority" "client-cert");created=1618884473;keyid="test-key-ecc-p256"'),
    signature: 'xVMHVpawaAC/0SbHrKRs9i8I3eOs5RtTMGCWXm/9nvZzoHsIg6Mce9315T6xoklyy0yzhD9ah4JHRwMLOgmizw==',
  },
  {
    id: 'rfc9421-b-4-transform-ed25519', source: 'RFC 9421 Appendix B.4', deterministic: true,
    message: B4_REQUEST, key: 'ed25519', algorithm: 'ed25519', label: 'transform',
    components: ['@method', '@path', '@authority', 'accept'],
    parameters: [['created', 1618884473], ['keyid', 'test-key-ed25519']],
    base: lines('"@method": GET', '"@path": /demo', '"@authority": example.org', '"accept": application/json, */*',
      '"@signature-params": ("@method" "@path" "@authority" "accept");created=1618884473;keyid="test-key-ed25519"'),
    signature: 'ZT1kooQsEHpZ0I1IjCqtQppOmIqlJPeo7DHR3SoMn0s5JZ1eRGS0A+vyYP9t/LXlh5QMFFQ6cpLt2m0pmj3NDA==',
  },
  {
    id: 'rfc9421-4-3-proxy-sig-rsa-v1-5-sha256', source: 'RFC 9421 §4.3 (proxy_sig)', deterministic: true,
    message: PROXY_REQUEST, key: 'rsa', algorithm: 'rsa-v1_5-sha256', label: 'proxy_sig',
    components: ['@method', '@authority', '@path', 'content-digest', 'content-type', 'content-length', 'forwarded'],
    parameters: [['created', 1618884480], ['keyid', 'test-key-rsa'], ['alg', 'rsa-v1_5-sha256'], ['expires', 1618884540]],
    base: lines('"@method": POST', '"@authority": origin.host.internal.example', '"@path": /foo', `"content-digest": ${REQUEST_DIGEST}`,
      '"content-type": application/json', '"content-length": 18', '"forwarded": for=192.0.2.123;host=example.com;proto=https',
      '"@signature-params": ("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540'),
    signature: 'S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==',
  },
];

// ---------------------------------------------------------------------------------------------------------
// Checks with node:crypto
// ---------------------------------------------------------------------------------------------------------
function sign(keyName, algorithm, base) {
  const key = KEYS[keyName];
  const data = Buffer.from(base, 'utf8');
  if (algorithm === 'hmac-sha256') return crypto.createHmac('sha256', Buffer.from(key.secretBase64, 'base64')).update(data).digest('base64');
  const privateKey = crypto.createPrivateKey(pem(key.privateKey));
  if (algorithm === 'ed25519') return crypto.sign(null, data, privateKey).toString('base64');
  if (algorithm === 'rsa-v1_5-sha256') return crypto.sign('sha256', data, privateKey).toString('base64');
  throw new Error(`not deterministic: ${algorithm}`);
}

function verify(keyName, algorithm, base, signature) {
  const key = KEYS[keyName];
  const data = Buffer.from(base, 'utf8');
  const sig = Buffer.from(signature, 'base64');
  if (algorithm === 'hmac-sha256') return crypto.timingSafeEqual(Buffer.from(sign(keyName, algorithm, base), 'base64'), sig);
  const publicKey = crypto.createPublicKey(pem(key.publicKey));
  switch (algorithm) {
    case 'ed25519': return crypto.verify(null, data, publicKey, sig);
    case 'rsa-v1_5-sha256': return crypto.verify('sha256', data, publicKey, sig);
    case 'rsa-pss-sha512': return crypto.verify('sha512', data, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, sig);
    case 'ecdsa-p256-sha256': return crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    default: throw new Error(`unknown algorithm ${algorithm}`);
  }
}

function contentDigest(body) {
  return `sha-512=:${crypto.createHash('sha512').update(body, 'utf8').digest('base64')}:`;
}

let failures = 0;
const assert = (condition, what) => { if (!condition) { failures++; console.error(`MISMATCH ${what}`); } };
assert(contentDigest(B2_REQUEST.body) === REQUEST_DIGEST, 'B.2 request Content-Digest');
assert(contentDigest(B2_RESPONSE.body) === RESPONSE_DIGEST, 'B.2 response Content-Digest');
for (const p of PUBLISHED) {
  if (p.deterministic) assert(sign(p.key, p.algorithm, p.base) === p.signature, `${p.id}: signature recomputed`);
  assert(verify(p.key, p.algorithm, p.base, p.signature), `${p.id}: signature verifies`);
  // The Signature-Input member value is the @signature-params value: the last base line.
  const paramsLine = p.base.split('\n').at(-1);
  assert(paramsLine.startsWith('"@signature-params": '), `${p.id}: base ends with @signature-params`);
}

// ---------------------------------------------------------------------------------------------------------
// Vector files
// ---------------------------------------------------------------------------------------------------------
const signatureParamsOf = (p) => p.base.split('\n').at(-1).slice('"@signature-params": '.length);
const withSignature = (message, label, params, signature) => ({
  ...message,
  headers: [...message.headers, ['Signature-Input', `${label}=${params}`], ['Signature', `${label}=:${signature}:`]],
});
const verifyPolicy = (p, extra = {}) => ({
  now: p.parameters.find(([n]) => n === 'created')[1],
  requiredComponents: p.components,
  requiredParameters: p.parameters.map(([n]) => n).filter((n) => n === 'created' || n === 'keyid'),
  ...extra,
});

const positive = PUBLISHED.map((p) => ({
  id: p.id,
  kind: p.deterministic ? 'deterministic' : 'verify-and-round-trip',
  source: p.source,
  message: withSignature(p.message, p.label, signatureParamsOf(p), p.signature),
  key: KEYS[p.key],
  keyId: p.parameters.find(([n]) => n === 'keyid')[1],
  algorithm: p.algorithm,
  label: p.label,
  sign: { components: p.components, parameters: p.parameters },
  expected: { signatureBase: p.base, signatureInput: `${p.label}=${signatureParamsOf(p)}`, signature: `${p.label}=:${p.signature}:` },
  verify: verifyPolicy(p, p.message.body === undefined || !p.components.includes('content-digest') ? {} : { withBody: true }),
}));

// B.4: the message after transformations that keep the signature valid, and after ones that break it.
const b4 = PUBLISHED.find((p) => p.label === 'transform');
const b4Vector = (id, description, message, expectedError) => ({
  id, kind: expectedError === undefined ? 'verify-only' : 'negative', source: 'RFC 9421 Appendix B.4', description,
  message: withSignature(message, b4.label, signatureParamsOf(b4), b4.signature),
  key: KEYS.ed25519, keyId: 'test-key-ed25519', algorithm: 'ed25519', label: 'transform',
  ...(expectedError === undefined ? { expected: { signatureBase: b4.base } } : { expectedError }),
  verify: verifyPolicy(b4),
});
const transforms = [
  b4Vector('rfc9421-b-4-added-fields-and-query', 'a query parameter and a field were added: still valid',
    { ...B4_REQUEST, target: '/demo?name1=Value1&Name2=value2&param=added', headers: [...B4_HEADERS, ['Accept-Language', 'en-US,en;q=0.5']] }),
  b4Vector('rfc9421-b-4-collapsed-accept', 'Date removed, Referer added, the two Accept lines combined into one: still valid',
    { ...B4_REQUEST, headers: [['Host', 'example.org'], ['Referer', 'https://developer.example.org/demo'], ['Accept', 'application/json, */*']] }),
  b4Vector('rfc9421-b-4-reordered-fields', 'fields reordered (Accept lines keep their order): still valid',
    { ...B4_REQUEST, headers: [['Accept', 'application/json'], ['Accept', '*/*'], ['Date', 'Fri, 15 Jul 2022 14:24:55 GMT'], ['Host', 'example.org']] }),
];
const negatives = [
  b4Vector('rfc9421-b-4-changed-method-and-authority', 'method changed to POST and authority to example.com: invalid',
    { ...B4_REQUEST, method: 'POST', headers: [['Host', 'example.com'], ...B4_HEADERS.slice(1)] }, 'ERR_SIGNATURE_MISMATCH'),
  b4Vector('rfc9421-b-4-reordered-accept-values', 'the two Accept lines swapped (the combined value changes): invalid',
    { ...B4_REQUEST, headers: [['Host', 'example.org'], ['Date', 'Fri, 15 Jul 2022 14:24:55 GMT'], ['Accept', '*/*'], ['Accept', 'application/json']] }, 'ERR_SIGNATURE_MISMATCH'),
];
const b25 = PUBLISHED.find((p) => p.label === 'sig-b25');
const b26 = PUBLISHED.find((p) => p.label === 'sig-b26');
const b22 = PUBLISHED.find((p) => p.label === 'sig-b22');
const negative = (id, description, p, message, verify, expectedError) => ({
  id, kind: 'negative', source: 'this project', description,
  message: withSignature(message, p.label, signatureParamsOf(p), p.signature),
  key: KEYS[p.key], keyId: p.parameters.find(([n]) => n === 'keyid')[1], algorithm: p.algorithm, label: p.label,
  expectedError, verify: { ...verifyPolicy(p), ...verify },
});
negatives.push(
  negative('rfc9421-neg-b-2-5-date-changed', 'B.2.5 with the covered Date changed by one second', b25,
    { ...B2_REQUEST, headers: B2_REQUEST.headers.map(([n, v]) => [n, n === 'Date' ? 'Tue, 20 Apr 2021 02:07:56 GMT' : v]) }, {}, 'ERR_SIGNATURE_MISMATCH'),
  negative('rfc9421-neg-b-2-6-missing-covered-field', 'B.2.6 with the covered Content-Length removed', b26,
    { ...B2_REQUEST, headers: B2_REQUEST.headers.filter(([n]) => n !== 'Content-Length') }, {}, 'ERR_MISSING_HEADER'),
  negative('rfc9421-neg-b-2-6-expired-by-max-age', 'B.2.6 verified an hour later with maxAge 300', b26, B2_REQUEST,
    { now: 1618884473 + 3600, maxAge: 300 }, 'ERR_SIGNATURE_EXPIRED'),
  negative('rfc9421-neg-b-2-6-created-in-future', 'B.2.6 verified ten minutes before it was created (skew 300)', b26, B2_REQUEST,
    { now: 1618884473 - 600 }, 'ERR_SIGNATURE_NOT_YET_VALID'),
  negative('rfc9421-neg-b-2-6-required-component-missing', 'B.2.6 where the policy also requires @query', b26, B2_REQUEST,
    { requiredComponents: [...b26.components, '@query'] }, 'ERR_HEADER_NOT_SIGNED'),
  negative('rfc9421-neg-b-2-2-body-digest-mismatch', 'B.2.2 (covers content-digest) verified with a different body', b22,
    { ...B2_REQUEST, body: '{"hello": "world!"}' }, { withBody: true }, 'ERR_DIGEST_MISMATCH'),
  negative('rfc9421-neg-b-2-2-query-param-missing', 'B.2.2 with the covered Pet query parameter removed', b22,
    { ...B2_REQUEST, target: '/foo?param=Value' }, {}, 'ERR_MISSING_HEADER'),
  {
    ...negative('rfc9421-neg-b-2-6-alg-not-allowed', 'B.2.6 verified against a key store that allows only rsa-pss-sha512 for this key', b26, B2_REQUEST, {}, 'ERR_ALGORITHM_NOT_ALLOWED'),
    verify: { ...verifyPolicy(b26), algorithms: ['rsa-pss-sha512'] },
  },
);

const files = {
  'appendix-b.json': {
    title: 'RFC 9421 Appendix B (and §3.2, §4.3) examples: exact bases and signatures; B.4 transformations that keep a signature valid',
    vectors: [...positive, ...transforms],
  },
  'negative.json': { title: 'RFC 9421 signatures a verifier must refuse, with the expected error code', vectors: negatives },
};

/** JSON with two-space indentation, arrays of primitives (header pairs, component lists) kept on one line. */
function format(value, indent) {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

if (failures > 0) {
  console.error(`${failures} published value(s) did not check out; nothing written`);
  process.exit(1);
}
let stale = 0;
for (const [name, content] of Object.entries(files)) {
  const text = `${format(content, '')}\n`;
  const path = join(root, name);
  if (checkOnly) {
    let current = '';
    try { current = readFileSync(path, 'utf8'); } catch { /* missing */ }
    if (current !== text) { stale++; console.error(`stale: ${name}`); }
  } else {
    writeFileSync(path, text);
  }
}
if (stale > 0) process.exit(1);
console.log(checkOnly ? 'rfc9421 vectors are up to date' : `wrote ${Object.keys(files).join(', ')} (${PUBLISHED.length} published signatures checked)`);

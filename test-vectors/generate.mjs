#!/usr/bin/env node
// Generates the draft-cavage test vectors in ./cavage/ from the definitions below.
//
// Every signing string, digest and signature is computed here with node:crypto and a small signing-string
// builder of this script (draft-cavage-12 §2.3) — never with @httpsig/core — so the vectors check the
// library instead of echoing it. Published values (draft-cavage-12 Appendix C, draft-08, corrected C.3) are
// asserted byte for byte before anything is written.
//
// Run: node test-vectors/generate.mjs          (rewrites the JSON files)
//      node test-vectors/generate.mjs --check  (fails when a file on disk differs from what would be written)
import crypto from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const checkOnly = process.argv.includes('--check');

// ---------------------------------------------------------------------------------------------------------
// Keys (paths are relative to test-vectors/)
// ---------------------------------------------------------------------------------------------------------
const KEYS = {
  cavage: { type: 'rsa', privateKey: 'keys/cavage-test-key.private.pem', publicKey: 'keys/cavage-test-key.public.pem' },
  rsa2048: { type: 'rsa', privateKey: 'keys/rfc9421-test-key-rsa.private.pem', publicKey: 'keys/rfc9421-test-key-rsa.public.pem' },
  ed25519: { type: 'ed25519', privateKey: 'keys/rfc9421-test-key-ed25519.private.pem', publicKey: 'keys/rfc9421-test-key-ed25519.public.pem' },
  invalid: { type: 'rsa', publicKey: 'keys/invalid.public.pem' },
  jms: { type: 'hmac', secret: 'jms-test-secret-0123456789abcdefghij' },
  jmsUuid: { type: 'hmac', secret: '9c0f3a3e-6c1e-4b1e-8f4a-2d5e8a7b6c10' },
  other: { type: 'hmac', secret: 'a-different-secret-that-is-not-the-key' },
};
const pem = (file) => readFileSync(join(root, file), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// Published values (draft-cavage-http-signatures-12 Appendix C, re-checked in ../shared/reference/expected.json)
// ---------------------------------------------------------------------------------------------------------
const PUBLISHED = {
  'C.1': 'SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=',
  'C.2': 'qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=',
  'C.3': 'vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=',
  'C.3-created': 'nAkCW0wg9AbbStQRLi8fsS1mPPnA6S5+/0alANcoDFG9hG0bJ8NnMRcB1Sz1eccNMzzLEke7nGXqoiJYZFfT81oaRqh/MNFwQVX4OZvTLZ5xVZQuchRkOSO7b2QX0aFWFOUq6dnwAyliHrp6w3FOxwkGGJPaerw2lOYLdC/Bejk=',
  '08-C.1': 'jKyvPcxB4JbmYY4mByyBY7cZfNl4OW9HpFQlG7N4YcJPteKTu4MWCLyk+gIr0wDgqtLWf9NLpMAMimdfsH7FSWGfbMFSrsVTHNTk0rK3usrfFnti1dxsM4jl0kYJCKTGI/UWkqiaxwNiKqGcdlEDrTcUhhsFsOIo8VhddmZTZ8w=',
  '08-C.2': 'HUxc9BS3P/kPhSmJo+0pQ4IsCo007vkv6bUm4Qehrx+B1Eo4Mq5/6KylET72ZpMUS80XvjlOPjKzxfeTQj4DiKbAzwJAb4HX3qX6obQTa00/qPDXlMepD2JtTw33yNnm/0xV7fQuvILN/ys+378Ysi082+4xBQFwvhNvSoVsGv4=',
  '08-C.3': 'Ef7MlxLXoBovhil3AlyjtBwAL9g4TN3tibLj7uuNB3CROat/9KaeQ4hW2NiJ+pZ6HQEOx9vYZAyi+7cmIkmJszJCut5kQLAwuX+Ms/mUFvpKlSo9StS2bMXDBNjOh4Auj774GFj4gwjS+3NhFeoqyr/MuN6HsEnkvn6zdgfE2i0=',
  'digest-sha-256': 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
  // RFC 9421 Appendix B.2 request: Content-Digest sha-512 of {"hello": "world"}
  'digest-sha-512': 'WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==',
};

// ---------------------------------------------------------------------------------------------------------
// An independent draft-cavage implementation, just enough for the vectors
// ---------------------------------------------------------------------------------------------------------

/** draft-cavage-12 §2.3: one line per listed name; repeated headers joined by ", "; values trimmed. */
function signingString(request, names, { created, expires } = {}) {
  return names.map((raw) => {
    const name = raw.toLowerCase();
    if (name === '(request-target)') return `${name}: ${request.method.toLowerCase()} ${request.target}`;
    if (name === '(created)') { if (created === undefined) throw new Error('no created'); return `${name}: ${created}`; }
    if (name === '(expires)') { if (expires === undefined) throw new Error('no expires'); return `${name}: ${expires}`; }
    const values = request.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
    if (values.length === 0) throw new Error(`header ${name} missing`);
    return `${name}: ${values.join(', ')}`;
  }).join('\n');
}

function rawSign(algorithm, key, data) {
  const [kind, hash] = algorithm === 'hs2019' ? ['rsa', 'sha256'] : algorithm.split('-');
  if (kind === 'hmac') return crypto.createHmac(hash, Buffer.from(key, 'utf8')).update(data, 'utf8').digest('base64');
  if (kind === 'rsa') return crypto.sign(hash, Buffer.from(data, 'utf8'), crypto.createPrivateKey(key)).toString('base64');
  if (kind === 'ed25519') return crypto.sign(null, Buffer.from(data, 'utf8'), crypto.createPrivateKey(key)).toString('base64');
  throw new Error(`cannot sign ${algorithm}`);
}

function rawVerify(algorithm, keyRef, data, signature) {
  if (keyRef.type === 'hmac') return rawSign(algorithm, keyRef.secret, data) === signature;
  const pub = crypto.createPublicKey(pem(keyRef.publicKey));
  const hash = keyRef.type === 'ed25519' ? null : (algorithm === 'hs2019' ? 'sha256' : algorithm.split('-')[1]);
  return crypto.verify(hash, Buffer.from(data, 'utf8'), pub, Buffer.from(signature, 'base64'));
}

/** Signs with a key reference of KEYS. */
function signWith(keyRef, algorithm, data) {
  return rawSign(algorithm, keyRef.type === 'hmac' ? keyRef.secret : pem(keyRef.privateKey), data);
}

/** Formats the parameters in the order keyId, algorithm, created, expires, headers, signature. */
function formatParams({ keyId, algorithm, created, expires, headers, signature }) {
  const parts = [`keyId="${keyId}"`];
  if (algorithm !== undefined) parts.push(`algorithm="${algorithm}"`);
  if (created !== undefined) parts.push(`created=${created}`);
  if (expires !== undefined) parts.push(`expires=${expires}`);
  if (headers !== undefined) parts.push(`headers="${headers.join(' ')}"`);
  parts.push(`signature="${signature}"`);
  return parts.join(',');
}
const authz = (params) => `Signature ${formatParams(params)}`;

const digestOf = (alg, body) => `${alg}=${crypto.createHash(alg.toLowerCase().replace('-', '')).update(body, 'utf8').digest('base64')}`;
/** RFC 9530 Content-Digest: a structured-field dictionary with a byte-sequence member. */
const contentDigestOf = (alg, body) => `${alg.toLowerCase()}=:${crypto.createHash(alg.toLowerCase().replace('-', '')).update(body, 'utf8').digest('base64')}:`;
const httpDate = (unix) => new Date(unix * 1000).toUTCString();

// ---------------------------------------------------------------------------------------------------------
// Positive vectors
// ---------------------------------------------------------------------------------------------------------

/**
 * Builds a positive vector: signs `request` as described and records every expected value.
 * `literalHeader` (verify-only vectors) replaces the canonical header value by a hand-written one.
 */
function positive(def) {
  const { id, description, source, request, key, keyId, options, verify, literalHeader, verifyOnly } = def;
  const keyRef = KEYS[key];
  const added = [];
  let req = request;
  if (options.digest) {
    const name = options.digestHeader ?? 'digest';
    const d = name === 'digest' ? digestOf(options.digest, request.body) : contentDigestOf(options.digest, request.body);
    added.push([name, d]);
    req = { ...request, headers: [...request.headers, [name, d]] };
  }
  const ss = signingString(req, options.headers, options);
  const signature = signWith(keyRef, options.algorithm, ss);
  if (!rawVerify(options.algorithm, keyRef, ss, signature)) throw new Error(`${id}: self-check failed`);
  const scheme = options.scheme ?? 'authorization';
  const params = { keyId, algorithm: options.algorithm, created: options.created, expires: options.expires, headers: options.headers, signature };
  const value = literalHeader ? literalHeader(signature) : (scheme === 'authorization' ? authz(params) : formatParams(params));
  const vector = {
    id, kind: 'positive', description, source,
    ...(verifyOnly ? { verifyOnly: true } : {}),
    request, key: keyRef, keyId, options,
    verify,
    expected: {
      signingString: ss,
      signature,
      signatureHeader: { name: scheme === 'authorization' ? 'authorization' : 'signature', value },
      ...(added.length ? { addedHeaders: added } : {}),
    },
  };
  return vector;
}

// The draft-cavage Appendix C request.
const cavageReq = (date = 'Sun, 05 Jan 2014 21:31:40 GMT') => ({
  method: 'POST',
  target: '/foo?param=value&pet=dog',
  headers: [
    ['Host', 'example.com'],
    ['Date', date],
    ['Content-Type', 'application/json'],
    ['Digest', 'SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE='],
    ['Content-Length', '18'],
  ],
  body: '{"hello": "world"}',
});
const CAVAGE_NOW = 1388957500; // Sun, 05 Jan 2014 21:31:40 GMT
const C2 = ['(request-target)', 'host', 'date'];
const C3 = ['(request-target)', 'host', 'date', 'content-type', 'digest', 'content-length'];
const C3C = ['(request-target)', '(created)', '(expires)', 'host', 'date', 'content-type', 'digest', 'content-length'];
const rsaVerify = (extra = {}) => ({ now: CAVAGE_NOW, algorithms: ['rsa-sha256'], requiredHeaders: ['date'], ...extra });

const draft12 = [
  positive({
    id: 'cavage-12-c1-default', source: 'draft-cavage-http-signatures-12 Appendix C.1',
    description: 'Default test: only the Date header is signed (headers="date" written explicitly).',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: ['date'] }, verify: rsaVerify(),
  }),
  positive({
    id: 'cavage-12-c1-literal', source: 'draft-cavage-http-signatures-12 Appendix C.1',
    description: 'The Authorization header exactly as printed in the draft: no headers= parameter, so the signed list defaults to "date".',
    request: cavageReq(), key: 'cavage', keyId: 'Test', verifyOnly: true,
    options: { algorithm: 'rsa-sha256', headers: ['date'] }, verify: rsaVerify(),
    literalHeader: (s) => `Signature keyId="Test",algorithm="rsa-sha256",signature="${s}"`,
  }),
  positive({
    id: 'cavage-12-c2-basic', source: 'draft-cavage-http-signatures-12 Appendix C.2',
    description: 'Basic test: (request-target) host date.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: C2 }, verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-literal-whitespace', source: 'draft-cavage-http-signatures-12 Appendix C.2',
    description: 'The C.2 header as printed in the draft, with a space after each comma; must parse and verify.',
    request: cavageReq(), key: 'cavage', keyId: 'Test', verifyOnly: true,
    options: { algorithm: 'rsa-sha256', headers: C2 }, verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date'] }),
    literalHeader: (s) => `Signature keyId="Test",algorithm="rsa-sha256", headers="(request-target) host date", signature="${s}"`,
  }),
  positive({
    id: 'cavage-12-c3-all-headers', source: 'draft-cavage-http-signatures-12 Appendix C.3',
    description: 'All headers test, without (created)/(expires); the Digest header is in the request and the body matches it.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: C3 }, verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date', 'digest'], withBody: true }),
  }),
  positive({
    id: 'cavage-12-c3-created-expires', source: 'draft-cavage-http-signatures-12 Appendix C.3 (corrected: the draft prints the signature of the list without (created)/(expires))',
    description: 'All headers test with (created)=1402170695 and (expires)=1402170699. The Date is five months before created, so the clock skew is widened to accept both.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: C3C, created: 1402170695, expires: 1402170699 },
    verify: { now: 1402170696, algorithms: ['rsa-sha256'], requiredHeaders: ['(request-target)', 'date', 'digest'], clockSkew: 20000000, withBody: true },
  }),
  positive({
    id: 'cavage-12-c2-signature-header', source: 'this project (draft-cavage-http-signatures-12 §4 Signature header, C.2 inputs)',
    description: 'C.2 sent in a Signature header instead of Authorization (no "Signature " prefix).',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: C2, scheme: 'signature' }, verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-hs2019', source: 'this project (draft-cavage-http-signatures-12 hs2019, RSA mapped to RSASSA-PKCS1-v1_5 SHA-256 as deployed)',
    description: 'C.2 with algorithm="hs2019"; for an RSA key hs2019 is read as rsa-sha256 (the library default), so the signature equals C.2.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'hs2019', headers: C2 }, verify: rsaVerify({ algorithms: ['hs2019'], requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-rsa-sha1', source: 'this project (C.2 inputs)',
    description: 'C.2 signed with rsa-sha1.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha1', headers: C2 }, verify: rsaVerify({ algorithms: ['rsa-sha1'], requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-rsa-sha512', source: 'this project (C.2 inputs)',
    description: 'C.2 signed with rsa-sha512.',
    request: cavageReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha512', headers: C2 }, verify: rsaVerify({ algorithms: ['rsa-sha512'], requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-rsa2048', source: 'this project (C.2 inputs, RFC 9421 Appendix B.1.1 2048-bit RSA test key)',
    description: 'C.2 signed with rsa-sha256 and a real 2048-bit key (test-key-rsa).',
    request: cavageReq(), key: 'rsa2048', keyId: 'test-key-rsa',
    options: { algorithm: 'rsa-sha256', headers: C2 }, verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date'] }),
  }),
  positive({
    id: 'cavage-12-c2-ed25519', source: 'this project (C.2 inputs, RFC 9421 Appendix B.1.4 Ed25519 test key)',
    description: 'C.2 signed with ed25519 (deterministic, raw 64-byte signature in base64).',
    request: cavageReq(), key: 'ed25519', keyId: 'test-key-ed25519',
    options: { algorithm: 'ed25519', headers: C2 }, verify: rsaVerify({ algorithms: ['ed25519'], requiredHeaders: ['(request-target)', 'date'] }),
  }),
];

// Requests without a Digest header, for digest creation by the signer.
const noDigestReq = () => {
  const r = cavageReq();
  return { ...r, headers: r.headers.filter(([n]) => n !== 'Digest') };
};
const digestVectors = [
  positive({
    id: 'digest-sha256-created-by-signer', source: 'this project (RFC 3230 Digest, body of draft-cavage-12 Appendix C)',
    description: 'The signer computes Digest: SHA-256 over the body and signs it; the verifier recomputes it over the body.',
    request: noDigestReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256' },
    verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date', 'digest'], withBody: true }),
  }),
  positive({
    id: 'digest-sha512-created-by-signer', source: 'this project (RFC 3230 Digest)',
    description: 'Same with Digest: SHA-512 and an HMAC key.',
    request: { method: 'PUT', target: '/api/v1/assets/assets/7/', headers: [['Host', 'jms.example.com'], ['Date', 'Sun, 22 Nov 2026 10:00:00 GMT'], ['Content-Type', 'application/json']], body: '{"name":"web-01","address":"10.0.0.7"}' },
    key: 'jms', keyId: 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab',
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'digest'], digest: 'SHA-512' },
    verify: { now: 1795341600, algorithms: ['hmac-sha256'], withBody: true },
  }),
  positive({
    id: 'content-digest-sha256-created-by-signer', source: 'this project (RFC 9530 Content-Digest, body of draft-cavage-12 Appendix C)',
    description: 'The signer computes Content-Digest: sha-256=:…: over the body and signs it; the verifier recomputes it.',
    request: noDigestReq(), key: 'cavage', keyId: 'Test',
    options: { algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'content-digest'], digest: 'SHA-256', digestHeader: 'content-digest' },
    verify: rsaVerify({ requiredHeaders: ['(request-target)', 'date', 'content-digest'], withBody: true }),
  }),
  positive({
    id: 'content-digest-sha512-created-by-signer', source: 'this project (RFC 9530 Content-Digest; the value is the one of RFC 9421 Appendix B.2)',
    description: 'Content-Digest: sha-512=:…: with an HMAC key, JumpServer-style header list plus the digest.',
    request: { method: 'POST', target: '/foo?param=Value&Pet=dog', headers: [['Host', 'example.com'], ['Date', 'Sun, 22 Nov 2026 10:00:00 GMT'], ['Accept', 'application/json']], body: '{"hello": "world"}' },
    key: 'jms', keyId: 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab',
    options: { algorithm: 'hmac-sha512', headers: ['(request-target)', 'accept', 'date', 'content-digest'], digest: 'SHA-512', digestHeader: 'content-digest' },
    verify: { now: 1795341600, algorithms: ['hmac-sha512'], withBody: true },
  }),
];
if (digestVectors[0].expected.addedHeaders[0][1] !== PUBLISHED['digest-sha-256']) throw new Error('digest differs from the published value');
if (digestVectors[3].expected.addedHeaders[0][1] !== `sha-512=:${PUBLISHED['digest-sha-512']}:`) throw new Error('content-digest differs from the published value');

const draft08 = [['C.1', ['date']], ['C.2', C2], ['C.3', C3]].map(([name, headers]) => positive({
  id: `cavage-08-${name.toLowerCase().replace('.', '')}`,
  source: `draft-cavage-http-signatures-08 Appendix C.${name.slice(2)} (also the Python httpsig test suite)`,
  description: `Draft-08 ${name} with its impossible date "Thu, 05 Jan 2014" (5 Jan 2014 was a Sunday); the weekday is not part of the instant and a verifier reads the same time as the v12 vectors.`,
  request: cavageReq('Thu, 05 Jan 2014 21:31:40 GMT'), key: 'cavage', keyId: 'Test',
  options: { algorithm: 'rsa-sha256', headers },
  verify: rsaVerify({ requiredHeaders: ['date'] }),
}));

// JumpServer-style HMAC requests (docs/dev/rest_api.md signs "(request-target) accept date").
const JMS_ID = 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab';
const JMS_DATE = 'Sun, 22 Nov 2026 10:00:00 GMT';
const JMS_NOW = 1795341600;
const ORG = '00000000-0000-0000-0000-000000000002';
const jmsReq = (method, target, extra = [], body) => ({
  method, target,
  headers: [['Host', 'jms.example.com'], ['Accept', 'application/json'], ['Date', JMS_DATE], ...extra],
  ...(body === undefined ? {} : { body }),
});
const jmsVerify = (alg, extra = {}) => ({ now: JMS_NOW, algorithms: [alg], requiredHeaders: ['(request-target)', 'date'], ...extra });
const JMS_DOCS = ['(request-target)', 'accept', 'date'];

const jumpserver = [
  ...['hmac-sha256', 'hmac-sha1', 'hmac-sha512'].map((alg) => positive({
    id: `jms-docs-${alg}`, source: 'this project (JumpServer docs/dev/rest_api.md request shape)',
    description: `JumpServer API call signed the documented way ("(request-target) accept date") with ${alg}.`,
    request: jmsReq('GET', '/api/v1/users/users/?limit=10&offset=0'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: alg, headers: JMS_DOCS }, verify: jmsVerify(alg),
  })),
  ...['hmac-sha256', 'hmac-sha1', 'hmac-sha512'].map((alg) => positive({
    id: `jms-org-${alg}`, source: 'this project (JumpServer PAM demo request shape)',
    description: `JumpServer call with X-JMS-ORG signed ("(request-target) accept date x-jms-org"), ${alg}.`,
    request: jmsReq('GET', '/api/v1/assets/assets/?node_id=6e2c1c4e-0b36-4b35-9e3c-0ad4c8c1b2a1&limit=5', [['X-JMS-ORG', ORG]]),
    key: 'jms', keyId: JMS_ID,
    options: { algorithm: alg, headers: [...JMS_DOCS, 'x-jms-org'] }, verify: jmsVerify(alg),
  })),
  positive({
    id: 'jms-sdk-minimal', source: 'this project (JumpServer SDK request shape)',
    description: 'The SDKs sign only "(request-target) date".',
    request: jmsReq('GET', '/api/v1/users/profile/'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'date'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'jms-uuid-secret', source: 'this project (JumpServer access keys before v3.8 have UUID secrets)',
    description: 'A UUID-form secret is HMAC\'d as its ASCII bytes.',
    request: jmsReq('GET', '/api/v1/perms/users/assets/?asset=10.0.0.7'), key: 'jmsUuid', keyId: '2f6a0c3e-9d0b-4c52-8b3a-5e1f7d9c0a21',
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'jms-post-json', source: 'this project (JumpServer request shape)',
    description: 'POST with a JSON body; content-type and content-length are deliberately NOT signed (JumpServer answers 500 when they are).',
    request: jmsReq('POST', '/api/v1/users/users/', [['Content-Type', 'application/json'], ['X-JMS-ORG', ORG]], '{"name":"Alice","username":"alice","email":"alice@example.com"}'),
    key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: [...JMS_DOCS, 'x-jms-org'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'jms-search-percent-encoded', source: 'this project',
    description: 'A search query with percent-encoding and "+" is signed exactly as sent.',
    request: jmsReq('GET', '/api/v1/assets/hosts/?search=web%20server%2B01&order=-date_created&display=1'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'jms-delete-uppercase-method', source: 'this project',
    description: 'DELETE: only the method is lower-cased in (request-target).',
    request: jmsReq('DELETE', '/api/v1/assets/assets/0f3e9a52-6b2c-4d1e-9a7f-3c2b1a0d9e8f/', [['X-JMS-ORG', ORG]]), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: [...JMS_DOCS, 'x-jms-org'] }, verify: jmsVerify('hmac-sha256'),
  }),
];

const edge = [
  positive({
    id: 'edge-repeated-header', source: 'draft-cavage-http-signatures-12 §2.3 (repeated headers)',
    description: 'A header sent twice is one line, its values joined by ", " in message order.',
    request: jmsReq('GET', '/api/v1/terminal/sessions/', [['X-Forwarded-For', '192.0.2.1'], ['X-Forwarded-For', '198.51.100.7']]),
    key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'x-forwarded-for'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-repeated-accept', source: 'draft-cavage-http-signatures-12 §2.3 (repeated headers)',
    description: 'Two Accept headers, signed as "accept: application/json, text/plain".',
    request: { method: 'GET', target: '/api/v1/users/users/', headers: [['Host', 'jms.example.com'], ['Accept', 'application/json'], ['Date', JMS_DATE], ['Accept', 'text/plain']] },
    key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-empty-value', source: 'draft-cavage-http-signatures-11 §2.3 (zero-length header value)',
    description: 'An empty header value gives the line "x-empty: " (ending in a space).',
    request: jmsReq('GET', '/api/v1/users/users/', [['X-Empty', '']]), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'x-empty'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-trimmed-value', source: 'draft-cavage-http-signatures-12 §2.3 (leading and trailing whitespace trimmed)',
    description: 'Leading and trailing whitespace of a value is not signed; inner whitespace is.',
    request: jmsReq('GET', '/api/v1/users/users/', [['X-Padded', '  two  words \t']]), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'x-padded'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-percent-encoded-query', source: 'draft-cavage-http-signatures-12 §2.3 ((request-target) is the path and query as sent)',
    description: 'Percent-encoding (upper and lower case hex), "+", "~" and an encoded slash are kept verbatim; nothing is decoded or re-encoded.',
    request: jmsReq('GET', '/files/a%20b/caf%C3%A9?q=caf%c3%a9&tag=a%2Fb&sp=a+b&t=%7E~&empty=&flag'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-host-with-port', source: 'this project',
    description: 'A non-default port stays in the signed host line.',
    request: { method: 'GET', target: '/api/health/', headers: [['Host', 'jms.example.com:8443'], ['Date', JMS_DATE]] }, key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-head', source: 'this project',
    description: 'A HEAD request.',
    request: jmsReq('HEAD', '/api/v1/users/users/?limit=1'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-mixed-case-names', source: 'draft-cavage-http-signatures-12 §2.3 (names lower-cased)',
    description: 'Header names in the message are matched case-insensitively; PATCH is lower-cased in (request-target).',
    request: { method: 'PATCH', target: '/api/v1/users/users/1/', headers: [['HOST', 'jms.example.com'], ['aCCePT', 'application/json'], ['date', JMS_DATE], ['x-JMS-org', ORG]] },
    key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: [...JMS_DOCS, 'x-jms-org'] }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-root-path', source: 'this project',
    description: 'The shortest target, "/".',
    request: jmsReq('OPTIONS', '/'), key: 'jms', keyId: JMS_ID,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
  }),
  positive({
    id: 'edge-unknown-param-ignored', source: 'draft-cavage-http-signatures-12 §2.1 (unknown parameters are ignored)',
    description: 'An unknown parameter in the header is ignored.',
    request: jmsReq('GET', '/api/v1/users/users/'), key: 'jms', keyId: JMS_ID, verifyOnly: true,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
    literalHeader: (s) => `Signature keyId="${JMS_ID}",algorithm="hmac-sha256",nonce="abc, def",headers="(request-target) accept date",signature="${s}"`,
  }),
  positive({
    id: 'edge-param-order-and-case', source: 'draft-cavage-http-signatures-12 §2.1 (parameter order is free)',
    description: 'Parameters in another order, as Python httpsig writes them (signature before headers), with a space and a tab after commas and mixed-case parameter names.',
    request: jmsReq('GET', '/api/v1/users/users/'), key: 'jms', keyId: JMS_ID, verifyOnly: true,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
    literalHeader: (s) => `Signature KeyId="${JMS_ID}", Algorithm="hmac-sha256",\tSIGNATURE="${s}",headers="(request-target) accept date"`,
  }),
  positive({
    id: 'edge-algorithm-absent', source: 'draft-cavage-http-signatures-12 §2.1.3 (algorithm derived from the key metadata)',
    description: 'No algorithm parameter: the verifier takes the algorithm from the key (which allows exactly one).',
    request: jmsReq('GET', '/api/v1/users/users/'), key: 'jms', keyId: JMS_ID, verifyOnly: true,
    options: { algorithm: 'hmac-sha256', headers: JMS_DOCS }, verify: jmsVerify('hmac-sha256'),
    literalHeader: (s) => `Signature keyId="${JMS_ID}",headers="(request-target) accept date",signature="${s}"`,
  }),
];

// ---------------------------------------------------------------------------------------------------------
// Negative vectors
// ---------------------------------------------------------------------------------------------------------

/**
 * Builds a negative vector. `make(ctx)` returns { request, verify?, key?, keyId? } where request.headers
 * already carries the signature header. ctx offers helpers to compute valid signatures.
 */
function negative(def) {
  const { id, description, source = 'this project', expectedError } = def;
  const made = def.make();
  const vector = {
    id, kind: 'negative', description, source,
    request: made.request,
    key: KEYS[made.key ?? 'jms'],
    keyId: made.keyId ?? JMS_ID,
    verify: { now: JMS_NOW, algorithms: ['hmac-sha256'], ...made.verify },
    expectedError,
  };
  return vector;
}

/** A JumpServer-style request signed validly (then optionally tampered), with full control of each part. */
function jmsSigned({
  method = 'GET', target = '/api/v1/users/users/?limit=1', extra = [], headers = JMS_DOCS, alg = 'hmac-sha256',
  key = 'jms', keyId = JMS_ID, date = JMS_DATE, created, expires, body, signWithRequest, mutateSignature,
  header, headerName = 'Authorization',
} = {}) {
  const request = { method, target, headers: [['Host', 'jms.example.com'], ['Accept', 'application/json'], ...(date === null ? [] : [['Date', date]]), ...extra], ...(body === undefined ? {} : { body }) };
  const toSign = signWithRequest ? signWithRequest(structuredClone(request)) : request;
  const ss = signingString(toSign, headers, { created, expires });
  let signature = signWith(KEYS[key], alg, ss);
  if (mutateSignature) signature = mutateSignature(signature);
  const params = { keyId, algorithm: alg, created, expires, headers, signature };
  const value = header ? header(params) : (headerName === 'Authorization' ? authz(params) : formatParams(params));
  request.headers.push([headerName, value]);
  return request;
}

const flipFirstByte = (b64) => { const b = Buffer.from(b64, 'base64'); b[0] ^= 0x01; return b.toString('base64'); };

const negMissing = [
  negative({
    id: 'neg-no-signature', expectedError: 'ERR_SIGNATURE_MISSING',
    description: 'No Authorization and no Signature header.',
    make: () => ({ request: jmsReq('GET', '/api/v1/users/users/') }),
  }),
  negative({
    id: 'neg-bearer-authorization', expectedError: 'ERR_SIGNATURE_MISSING',
    description: 'Authorization uses another scheme (Bearer), and there is no Signature header.',
    make: () => ({ request: jmsReq('GET', '/api/v1/users/users/', [['Authorization', 'Bearer 0123456789abcdef']]) }),
  }),
  negative({
    id: 'neg-wrong-place', expectedError: 'ERR_SIGNATURE_MISSING',
    description: 'A valid signature in a Signature header while the verifier reads only Authorization (as JumpServer does).',
    make: () => ({ request: jmsSigned({ headerName: 'Signature' }), verify: { scheme: 'authorization' } }),
  }),
];

const negMalformed = [
  negative({
    id: 'neg-duplicate-keyid', expectedError: 'ERR_MALFORMED_SIGNATURE', source: 'draft-cavage-http-signatures-12 §2.1 (duplicate parameters)',
    description: 'keyId given twice (second value is another id); duplicate parameters must be refused.',
    make: () => ({ request: jmsSigned({ header: (p) => `Signature keyId="${p.keyId}",keyId="someone-else",algorithm="${p.algorithm}",headers="${p.headers.join(' ')}",signature="${p.signature}"` }) }),
  }),
  negative({
    id: 'neg-duplicate-signature', expectedError: 'ERR_MALFORMED_SIGNATURE', source: 'draft-cavage-http-signatures-12 §2.1 (duplicate parameters)',
    description: 'signature given twice with the same valid value; still a duplicate parameter.',
    make: () => ({ request: jmsSigned({ header: (p) => `${authz(p)},signature="${p.signature}"` }) }),
  }),
  negative({
    id: 'neg-duplicate-headers-case', expectedError: 'ERR_MALFORMED_SIGNATURE', source: 'draft-cavage-http-signatures-12 §2.1 (duplicate parameters)',
    description: 'headers given twice, once as "Headers" (parameter names are case-insensitive).',
    make: () => ({ request: jmsSigned({ header: (p) => `Signature keyId="${p.keyId}",algorithm="${p.algorithm}",headers="${p.headers.join(' ')}",Headers="date",signature="${p.signature}"` }) }),
  }),
  negative({
    id: 'neg-missing-keyid', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'No keyId parameter.',
    make: () => ({ request: jmsSigned({ header: (p) => `Signature algorithm="${p.algorithm}",headers="${p.headers.join(' ')}",signature="${p.signature}"` }) }),
  }),
  negative({
    id: 'neg-missing-signature-param', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'No signature parameter.',
    make: () => ({ request: jmsSigned({ header: (p) => `Signature keyId="${p.keyId}",algorithm="${p.algorithm}",headers="${p.headers.join(' ')}"` }) }),
  }),
  negative({
    id: 'neg-bad-base64', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'The signature is not base64.',
    make: () => ({ request: jmsSigned({ mutateSignature: () => 'not*base64!@#$' }) }),
  }),
  negative({
    id: 'neg-empty-headers-param', expectedError: 'ERR_MALFORMED_SIGNATURE', source: 'draft-cavage-http-signatures-12 §2.1.6 (a zero-length headers list MUST NOT be used)',
    description: 'headers="" (empty list).',
    make: () => ({ request: jmsSigned({ header: (p) => `Signature keyId="${p.keyId}",algorithm="${p.algorithm}",headers="",signature="${p.signature}"` }) }),
  }),
  negative({
    id: 'neg-unterminated-quote', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'The last quoted value is never closed.',
    make: () => ({ request: jmsSigned({ header: (p) => authz(p).slice(0, -1) }) }),
  }),
  negative({
    id: 'neg-no-parameters', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'The Signature scheme with a token instead of parameters.',
    make: () => ({ request: jmsReq('GET', '/api/v1/users/users/', [['Authorization', 'Signature abcdef']]) }),
  }),
  negative({
    id: 'neg-empty-signature-header', expectedError: 'ERR_MALFORMED_SIGNATURE',
    description: 'A Signature header with only spaces.',
    make: () => ({ request: jmsReq('GET', '/api/v1/users/users/', [['Signature', '   ']]), verify: { scheme: 'signature' } }),
  }),
];

const negLimits = [
  negative({
    id: 'neg-header-too-long', expectedError: 'ERR_HEADER_TOO_LARGE',
    description: 'A valid signature header (about 180 characters) over a limit of 100 characters.',
    make: () => ({ request: jmsSigned(), verify: { maxHeaderLength: 100 } }),
  }),
  negative({
    id: 'neg-too-many-signed-headers', expectedError: 'ERR_HEADER_TOO_LARGE',
    description: 'A valid signature over four headers with a limit of three.',
    make: () => ({ request: jmsSigned({ extra: [['X-JMS-ORG', ORG]], headers: [...JMS_DOCS, 'x-jms-org'] }), verify: { maxSignedHeaders: 3 } }),
  }),
];

const negHeaders = [
  negative({
    id: 'neg-signed-header-absent', expectedError: 'ERR_MISSING_HEADER', source: 'draft-cavage-http-signatures-12 §2.3 (a listed header that is absent MUST fail)',
    description: 'headers= names x-request-id, which the request does not carry.',
    make: () => ({ request: jmsSigned({ headers: [...JMS_DOCS, 'x-request-id'], signWithRequest: (r) => { r.headers.push(['X-Request-Id', '42']); return r; } }) }),
  }),
  negative({
    id: 'neg-signed-host-absent', expectedError: 'ERR_MISSING_HEADER',
    description: 'host is signed but the request has no Host header.',
    make: () => {
      const request = jmsSigned({ headers: ['(request-target)', 'host', 'date'] });
      request.headers = request.headers.filter(([n]) => n !== 'Host');
      return { request };
    },
  }),
  negative({
    id: 'neg-created-param-absent', expectedError: 'ERR_MISSING_HEADER',
    description: '(created) is listed in headers= but there is no created parameter.',
    make: () => ({ request: jmsSigned({ headers: ['(request-target)', '(created)', 'date'], created: JMS_NOW, header: (p) => authz({ ...p, created: undefined }) }) }),
  }),
  negative({
    id: 'neg-date-not-signed', expectedError: 'ERR_HEADER_NOT_SIGNED',
    description: 'Valid signature over "(request-target) accept" only; date is required (default policy).',
    make: () => ({ request: jmsSigned({ headers: ['(request-target)', 'accept'] }) }),
  }),
  negative({
    id: 'neg-request-target-not-signed', expectedError: 'ERR_HEADER_NOT_SIGNED',
    description: 'Valid signature over "accept date" only; (request-target) is required (default policy).',
    make: () => ({ request: jmsSigned({ headers: ['accept', 'date'] }) }),
  }),
  negative({
    id: 'neg-digest-not-signed', expectedError: 'ERR_HEADER_NOT_SIGNED',
    description: 'The verifier requires digest to be signed; the signature covers "(request-target) accept date".',
    make: () => ({ request: jmsSigned(), verify: { requiredHeaders: ['(request-target)', 'date', 'digest'] } }),
  }),
];

const negKeys = [
  negative({
    id: 'neg-unknown-keyid', expectedError: 'ERR_UNKNOWN_KEY',
    description: 'A keyId the verifier does not know (the signature is otherwise valid for that id\'s claim).',
    make: () => ({ request: jmsSigned({ keyId: '00000000-dead-beef-0000-000000000000' }) }),
  }),
  negative({
    id: 'neg-invalid-key-material', expectedError: 'ERR_INVALID_KEY',
    description: 'The key store holds an unreadable public key for this keyId.',
    make: () => {
      const request = cavageReq();
      const ss = signingString(request, C2);
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'rsa-sha256', headers: C2, signature: signWith(KEYS.cavage, 'rsa-sha256', ss) })]);
      return { request, key: 'invalid', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256'] } };
    },
  }),
];

const negAlg = [
  negative({
    id: 'neg-alg-unknown', expectedError: 'ERR_ALGORITHM_NOT_ALLOWED',
    description: 'algorithm="hmac-md5" is not an algorithm of this scheme.',
    make: () => ({ request: jmsSigned({ header: (p) => authz({ ...p, algorithm: 'hmac-md5' }) }) }),
  }),
  negative({
    id: 'neg-alg-not-allowed', expectedError: 'ERR_ALGORITHM_NOT_ALLOWED',
    description: 'A valid hmac-sha1 signature while the key allows only hmac-sha256.',
    make: () => ({ request: jmsSigned({ alg: 'hmac-sha1' }) }),
  }),
  negative({
    id: 'neg-alg-confusion-hmac-with-rsa-public-key', expectedError: 'ERR_ALGORITHM_NOT_ALLOWED', source: 'draft-cavage-http-signatures-12 §2.1.3 (MUST NOT use the client\'s algorithm)',
    description: 'Algorithm confusion: algorithm="hmac-sha256" with an HMAC keyed by the RSA PUBLIC key PEM; the key allows only rsa-sha256.',
    make: () => {
      const request = cavageReq();
      const ss = signingString(request, C2);
      const forged = crypto.createHmac('sha256', pem(KEYS.cavage.publicKey)).update(ss).digest('base64');
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'hmac-sha256', headers: C2, signature: forged })]);
      return { request, key: 'cavage', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256'] } };
    },
  }),
  negative({
    id: 'neg-alg-rsa-on-hmac-key', expectedError: 'ERR_ALGORITHM_NOT_ALLOWED',
    description: 'algorithm="rsa-sha256" (really RSA-signed) against a key that is an HMAC secret allowing hmac-sha256.',
    make: () => ({ request: jmsSigned({ alg: 'rsa-sha256', key: 'cavage' }) }),
  }),
  negative({
    id: 'neg-alg-hs2019-not-allowed', expectedError: 'ERR_ALGORITHM_NOT_ALLOWED',
    description: 'algorithm="hs2019" on an RSA key that allows only rsa-sha256.',
    make: () => {
      const request = cavageReq();
      const ss = signingString(request, C2);
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'hs2019', headers: C2, signature: signWith(KEYS.cavage, 'rsa-sha256', ss) })]);
      return { request, key: 'cavage', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256'] } };
    },
  }),
];

const negTime = [
  negative({
    id: 'neg-date-unparseable', expectedError: 'ERR_INVALID_DATE',
    description: 'The signed Date header is not an HTTP date.',
    make: () => ({ request: jmsSigned({ date: 'yesterday at noon' }) }),
  }),
  negative({
    id: 'neg-date-too-old', expectedError: 'ERR_SIGNATURE_EXPIRED',
    description: 'Date one hour before now; clock skew 300 s.',
    make: () => ({ request: jmsSigned({ date: httpDate(JMS_NOW - 3600) }) }),
  }),
  negative({
    id: 'neg-date-just-outside-skew', expectedError: 'ERR_SIGNATURE_EXPIRED',
    description: 'Date 61 s before now with a clock skew of 60 s.',
    make: () => ({ request: jmsSigned({ date: httpDate(JMS_NOW - 61) }), verify: { clockSkew: 60 } }),
  }),
  negative({
    id: 'neg-expires-past', expectedError: 'ERR_SIGNATURE_EXPIRED',
    description: 'expires is 10 minutes before now (created 15 minutes before now; Date is now).',
    make: () => ({ request: jmsSigned({ headers: ['(request-target)', '(created)', '(expires)', 'date'], created: JMS_NOW - 900, expires: JMS_NOW - 600 }) }),
  }),
  negative({
    id: 'neg-date-in-future', expectedError: 'ERR_SIGNATURE_NOT_YET_VALID',
    description: 'Date one hour after now.',
    make: () => ({ request: jmsSigned({ date: httpDate(JMS_NOW + 3600) }) }),
  }),
  negative({
    id: 'neg-created-in-future', expectedError: 'ERR_SIGNATURE_NOT_YET_VALID',
    description: 'created one hour after now (Date is now).',
    make: () => ({ request: jmsSigned({ headers: ['(request-target)', '(created)', 'date'], created: JMS_NOW + 3600 }) }),
  }),
];

const POST_BODY = '{"name":"Alice","username":"alice"}';
const negDigest = [
  negative({
    id: 'neg-body-without-digest', expectedError: 'ERR_DIGEST_MISSING',
    description: 'A non-empty body is given to the verifier and no digest is signed.',
    make: () => ({ request: jmsSigned({ method: 'POST', target: '/api/v1/users/users/', body: POST_BODY }), verify: { withBody: true } }),
  }),
  negative({
    id: 'neg-digest-unsupported-algorithm', expectedError: 'ERR_DIGEST_MISSING',
    description: 'The signed Digest uses MD5 only, which is not a supported digest algorithm.',
    make: () => ({
      request: jmsSigned({ method: 'POST', target: '/api/v1/users/users/', body: POST_BODY, extra: [['Digest', `MD5=${crypto.createHash('md5').update(POST_BODY).digest('base64')}`]], headers: [...JMS_DOCS, 'digest'] }),
      verify: { withBody: true },
    }),
  }),
  negative({
    id: 'neg-digest-of-other-body', expectedError: 'ERR_DIGEST_MISMATCH',
    description: 'Signed Digest: SHA-256 of another body.',
    make: () => ({
      request: jmsSigned({ method: 'POST', target: '/api/v1/users/users/', body: POST_BODY, extra: [['Digest', digestOf('SHA-256', '{"name":"Mallory"}')]], headers: [...JMS_DOCS, 'digest'] }),
      verify: { withBody: true },
    }),
  }),
  negative({
    id: 'neg-content-digest-of-other-body', expectedError: 'ERR_DIGEST_MISMATCH', source: 'this project (RFC 9530 Content-Digest)',
    description: 'Signed Content-Digest: sha-256 of another body.',
    make: () => ({
      request: jmsSigned({ method: 'POST', target: '/api/v1/users/users/', body: POST_BODY, extra: [['Content-Digest', contentDigestOf('SHA-256', '{"name":"Mallory"}')]], headers: [...JMS_DOCS, 'content-digest'] }),
      verify: { withBody: true },
    }),
  }),
  negative({
    id: 'neg-content-digest-unsupported-algorithm', expectedError: 'ERR_DIGEST_MISSING', source: 'this project (RFC 9530: md5 is deprecated)',
    description: 'The signed Content-Digest has only an md5 member.',
    make: () => ({
      request: jmsSigned({ method: 'POST', target: '/api/v1/users/users/', body: POST_BODY, extra: [['Content-Digest', `md5=:${crypto.createHash('md5').update(POST_BODY).digest('base64')}:`]], headers: [...JMS_DOCS, 'content-digest'] }),
      verify: { withBody: true },
    }),
  }),
  negative({
    id: 'neg-digest-c3-body-changed', expectedError: 'ERR_DIGEST_MISMATCH', source: 'draft-cavage-http-signatures-12 Appendix C.3 (body altered)',
    description: 'C.3 with its published signature, but the body is {"hello": "World"}.',
    make: () => {
      const request = cavageReq();
      request.body = '{"hello": "World"}';
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'rsa-sha256', headers: C3, signature: PUBLISHED['C.3'] })]);
      return { request, key: 'cavage', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256'], withBody: true } };
    },
  }),
];

const negMismatch = [
  negative({
    id: 'neg-signature-bit-flipped', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'One bit of the signature flipped.',
    make: () => ({ request: jmsSigned({ mutateSignature: flipFirstByte }) }),
  }),
  negative({
    id: 'neg-wrong-secret', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'Signed with another secret.',
    make: () => ({ request: jmsSigned({ key: 'other' }) }),
  }),
  negative({
    id: 'neg-signature-truncated', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'A well-formed base64 signature of the wrong length (first 16 bytes of a valid one).',
    make: () => ({ request: jmsSigned({ mutateSignature: (s) => Buffer.from(s, 'base64').subarray(0, 16).toString('base64') }) }),
  }),
  negative({
    id: 'neg-query-dropped-by-signer', expectedError: 'ERR_SIGNATURE_MISMATCH', source: 'this project (the Mastodon/Misskey bug: (request-target) without the query)',
    description: 'The signer left the query out of (request-target).',
    make: () => ({ request: jmsSigned({ signWithRequest: (r) => ({ ...r, target: r.target.split('?')[0] }) }) }),
  }),
  negative({
    id: 'neg-path-changed', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'Signed for /api/v1/users/users/?limit=1, sent to /api/v1/users/users/?limit=1000.',
    make: () => ({ request: jmsSigned({ signWithRequest: (r) => ({ ...r, target: '/api/v1/users/users/?limit=1000' }) }) }),
  }),
  negative({
    id: 'neg-trailing-slash-redirect', expectedError: 'ERR_SIGNATURE_MISMATCH', source: 'this project (JumpServer: 301 to the path with a trailing slash)',
    description: 'Signed for /api/v1/users/users (no slash) and replayed on /api/v1/users/users/ after a redirect.',
    make: () => ({ request: jmsSigned({ target: '/api/v1/users/users/', signWithRequest: (r) => ({ ...r, target: '/api/v1/users/users' }) }) }),
  }),
  negative({
    id: 'neg-method-not-lowercased', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'The signer wrote "(request-target): GET …" (method not lower-cased).',
    make: () => ({
      request: jmsSigned({ header: (p) => authz({ ...p, signature: signWith(KEYS.jms, 'hmac-sha256', signingString(jmsReq('GET', '/api/v1/users/users/?limit=1'), JMS_DOCS).replace(': get ', ': GET ')) }) }),
    }),
  }),
  negative({
    id: 'neg-header-value-changed', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'Accept was application/json when signed and is */* when received.',
    make: () => {
      const request = jmsSigned();
      request.headers = request.headers.map(([n, v]) => [n, n === 'Accept' ? '*/*' : v]);
      return { request };
    },
  }),
  negative({
    id: 'neg-headers-reordered', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'Signed over "(request-target) accept date" but the header says "(request-target) date accept".',
    make: () => ({ request: jmsSigned({ header: (p) => authz({ ...p, headers: ['(request-target)', 'date', 'accept'] }) }) }),
  }),
  negative({
    id: 'neg-trailing-newline', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'The signer appended "\\n" to the signing string.',
    make: () => ({ request: jmsSigned({ header: (p) => authz({ ...p, signature: signWith(KEYS.jms, 'hmac-sha256', `${signingString(jmsReq('GET', '/api/v1/users/users/?limit=1'), JMS_DOCS)}\n`) }) }) }),
  }),
  negative({
    id: 'neg-cavage-08-signature-on-12-request', expectedError: 'ERR_SIGNATURE_MISMATCH', source: 'draft-cavage-http-signatures-08/12 Appendix C.2',
    description: 'The draft-08 C.2 signature (Thu date) on the v12 request (Sun date).',
    make: () => {
      const request = cavageReq();
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'rsa-sha256', headers: C2, signature: PUBLISHED['08-C.2'] })]);
      return { request, key: 'cavage', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256'] } };
    },
  }),
  negative({
    id: 'neg-rsa-sha512-claimed-sha256-signed', expectedError: 'ERR_SIGNATURE_MISMATCH',
    description: 'algorithm="rsa-sha512" (allowed) but the bytes are an rsa-sha256 signature.',
    make: () => {
      const request = cavageReq();
      request.headers.push(['Authorization', authz({ keyId: 'Test', algorithm: 'rsa-sha512', headers: C2, signature: PUBLISHED['C.2'] })]);
      return { request, key: 'cavage', keyId: 'Test', verify: { now: CAVAGE_NOW, algorithms: ['rsa-sha256', 'rsa-sha512'] } };
    },
  }),
];

// ---------------------------------------------------------------------------------------------------------
// Published-value checks, then write
// ---------------------------------------------------------------------------------------------------------
const byId = (list, id) => list.find((v) => v.id === id).expected.signature;
const mustEqual = (got, want, what) => { if (got !== want) throw new Error(`${what}: generated ${got} but published ${want}`); };
mustEqual(byId(draft12, 'cavage-12-c1-default'), PUBLISHED['C.1'], 'C.1');
mustEqual(byId(draft12, 'cavage-12-c1-literal'), PUBLISHED['C.1'], 'C.1 literal');
mustEqual(byId(draft12, 'cavage-12-c2-basic'), PUBLISHED['C.2'], 'C.2');
mustEqual(byId(draft12, 'cavage-12-c2-hs2019'), PUBLISHED['C.2'], 'C.2 hs2019');
mustEqual(byId(draft12, 'cavage-12-c3-all-headers'), PUBLISHED['C.3'], 'C.3');
mustEqual(byId(draft12, 'cavage-12-c3-created-expires'), PUBLISHED['C.3-created'], 'C.3 created/expires');
mustEqual(byId(draft08, 'cavage-08-c1'), PUBLISHED['08-C.1'], 'draft-08 C.1');
mustEqual(byId(draft08, 'cavage-08-c2'), PUBLISHED['08-C.2'], 'draft-08 C.2');
mustEqual(byId(draft08, 'cavage-08-c3'), PUBLISHED['08-C.3'], 'draft-08 C.3');

const negRequest = [
  negative({
    id: 'neg-target-fragment', expectedError: 'ERR_MALFORMED_REQUEST', source: 'RFC 9112 §3.2 (a request target has no fragment)',
    description: 'Signed for /api/v1/users/users/, received with "#&limit=1000" after it: frameworks that split on "?" would read limit.',
    make: () => ({ request: jmsSigned({ target: '/api/v1/users/users/#&limit=1000', signWithRequest: (r) => { r.target = '/api/v1/users/users/'; return r; } }) }),
  }),
  negative({
    id: 'neg-host-userinfo', expectedError: 'ERR_MALFORMED_REQUEST', source: 'RFC 9110 §7.2 (Host is uri-host [ ":" port ])',
    description: 'A validly signed Host with userinfo: frameworks read the host before the "@".',
    make: () => {
      const request = jmsSigned({ headers: ['(request-target)', 'host', 'date'], signWithRequest: (r) => { r.headers = r.headers.map(([n, v]) => (n === 'Host' ? [n, 'evil.example:1@jms.example.com'] : [n, v])); return r; } });
      request.headers = request.headers.map(([n, v]) => (n === 'Host' ? [n, 'evil.example:1@jms.example.com'] : [n, v]));
      return { request };
    },
  }),
];

const files = {
  'cavage/positive/draft-cavage-12.json': { title: 'draft-cavage-http-signatures-12 Appendix C and variants of its request', vectors: draft12 },
  'cavage/positive/draft-cavage-08.json': { title: 'draft-cavage-http-signatures-08 Appendix C (date "Thu, 05 Jan 2014")', vectors: draft08 },
  'cavage/positive/digest.json': { title: 'Body digests (RFC 3230 Digest, RFC 9530 Content-Digest) made by the signer and checked by the verifier', vectors: digestVectors },
  'cavage/positive/jumpserver-hmac.json': { title: 'JumpServer-style HMAC requests', vectors: jumpserver },
  'cavage/positive/edge-cases.json': { title: 'Signing-string and header-parsing edge cases', vectors: edge },
  'cavage/negative/missing-and-malformed.json': { title: 'No signature, or a signature header that cannot be parsed', vectors: [...negMissing, ...negMalformed, ...negLimits] },
  'cavage/negative/policy.json': { title: 'Verification policy: signed headers, keys, algorithms, time', vectors: [...negHeaders, ...negKeys, ...negAlg, ...negTime] },
  'cavage/negative/integrity.json': { title: 'Body digests and signature mismatches', vectors: [...negDigest, ...negMismatch] },
  'cavage/negative/request.json': { title: 'Request targets and Host values an application may read differently from the verifier', vectors: negRequest },
};

/** JSON with two-space indentation, arrays of scalars (header pairs, name lists) kept on one line. */
function pretty(value) {
  const scalar = String.raw`(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)`;
  const flat = new RegExp(String.raw`\[\n(?:\s*${scalar},\n)*\s*${scalar}\n\s*\]`, 'g');
  return JSON.stringify(value, null, 2).replace(flat, (m) => `[${m.slice(1, -1).split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}]`);
}

const ids = new Set();
let changed = 0;
for (const [file, { title, vectors }] of Object.entries(files)) {
  for (const v of vectors) { if (ids.has(v.id)) throw new Error(`duplicate id ${v.id}`); ids.add(v.id); }
  const text = `${pretty({ $schema: '../../schema.json', title, vectors })}\n`;
  const path = join(root, file);
  let old = null;
  try { old = readFileSync(path, 'utf8'); } catch { /* new file */ }
  if (old !== text) {
    changed++;
    if (checkOnly) console.log(`differs: ${file}`);
    else { mkdirSync(dirname(path), { recursive: true }); writeFileSync(path, text); console.log(`wrote ${file} (${vectors.length} vectors)`); }
  }
}
const all = Object.values(files).flatMap((f) => f.vectors);
console.log(`${all.filter((v) => v.kind === 'positive').length} positive, ${all.filter((v) => v.kind === 'negative').length} negative vectors; published values match`);
if (checkOnly && changed) process.exit(1);

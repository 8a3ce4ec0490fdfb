#!/usr/bin/env node
// Generates web-bot-auth.json: the test vectors of the Web Bot Auth draft (draft-meunier-webbotauth-httpsig-protocol,
// "Test Vectors"), in the format of this folder (README.md). The messages, signature bases and signatures are the
// literal text of the draft (editor's copy at thibmeu/http-message-signatures-directory a28dfe8, changelog -02).
// This script never calls @httpsig/core: before writing it checks with node:crypto that every keyid is the RFC 7638
// thumbprint of its key, that the Ed25519 signatures recompute byte for byte, that the RSA-PSS ones verify, and that
// the directory's Content-Digest is the SHA-256 of its body.
//
// Run: node test-vectors/rfc9421/generate-web-bot-auth.mjs          (rewrites web-bot-auth.json)
//      node test-vectors/rfc9421/generate-web-bot-auth.mjs --check  (fails when the file on disk differs)
import crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const checkOnly = process.argv.includes('--check');
const SOURCE = 'draft-meunier-webbotauth-httpsig-protocol (editor\'s copy, changelog -02), Test Vectors';

// The RFC 9421 Appendix B.1.2 (RSA-PSS) and B.1.4 (Ed25519) keys the draft signs with.
const KEYS = {
  rsaPss: { type: 'rsa-pss', privateKey: 'keys/rfc9421-test-key-rsa-pss.private.pem', publicKey: 'keys/rfc9421-test-key-rsa-pss.public.pem' },
  ed25519: { type: 'ed25519', privateKey: 'keys/rfc9421-test-key-ed25519.private.pem', publicKey: 'keys/rfc9421-test-key-ed25519.public.pem' },
};
const pem = (file) => readFileSync(join(root, file), 'utf8');
const RSA_KEYID = 'oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA';
const ED_KEYID = 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U';
const AGENT = 'https://signature-agent.test';
const REQUEST = { type: 'request', method: 'GET', target: '/', scheme: 'https', headers: [['Host', 'example.com']] };
const lines = (...l) => l.join('\n');

const request = (id, title, key, algorithm, keyid, form, expires, nonce, signature) => {
  const dictionary = form === 'dictionary';
  const component = dictionary ? '"signature-agent";key="agent2"' : '"signature-agent"';
  const params = `("@authority" ${component});created=1735689600;keyid="${keyid}";alg="${algorithm}";expires=${expires};nonce="${nonce}";tag="web-bot-auth"`;
  return {
    id, title, key, algorithm, label: 'sig2', deterministic: algorithm === 'ed25519',
    message: { ...REQUEST, headers: [...REQUEST.headers, ['Signature-Agent', dictionary ? `agent2="${AGENT}"` : `"${AGENT}"`]] },
    components: ['@authority', dictionary ? '"signature-agent";key="agent2"' : 'signature-agent'],
    parameters: [['created', 1735689600], ['keyid', keyid], ['alg', algorithm], ['expires', expires], ['nonce', nonce], ['tag', 'web-bot-auth']],
    base: lines('"@authority": example.com', `${component}: "${AGENT}"`, `"@signature-params": ${params}`),
    signature,
  };
};

const DIRECTORY_BODY = `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"${ED_KEYID}","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs","use":"sig"}]}`;
const DIRECTORY_DIGEST = 'sha-256=:CADMT2aBdV/rqQr/NIru64ERQkCobVvllA4V0fLFDu0=:';

const PUBLISHED = [
  request('web-bot-auth-rsa-pss-sha512-signature-agent', 'RSASSA-PSS Using SHA-512, Signature-Agent Included Present on the Request', 'rsaPss', 'rsa-pss-sha512', RSA_KEYID, 'dictionary', 4889289600,
    'wcfPQPh7SzkvrIVvhD00vNk9PkxJNY2NVbYl2PVBB4zmUoluSwE7W6bPtF60QA3k8g06FU7PPCD+J58YofY1zg==',
    'gHzpLNeHaHIO19NaJH9YMW5dcVSi2s0wOMBr6p18vcofS106sfC4KBIS0/szPlBBd1vIcyQ88B6CTEWIhRAiVrb9zfX0mx1aG12CSGWcYkSirHeyTxhbuJvXd27ed6skWoy4PjXItq38936ivUQjfdIwXh1aX6HxkAC3vRnEdSNfntkLWeEuIQ5BLIOBGE39fSwg27Qjq6OVWYas/9/aFUr3HA34MXWYdp+//cvlEKDp3kRoLOw9ro0AOr6srHrTeEtxon2afcws1aZVSlPdd2fZSEIGmw9HAHLDCEkFTERu1gH2k/zIEqgy7CAYXI9E5slog0cLg/Vc6+f8gih33g=='),
  request('web-bot-auth-rsa-pss-sha512-legacy-signature-agent', 'RSASSA-PSS Using SHA-512, Legacy Signature-Agent, sf-string', 'rsaPss', 'rsa-pss-sha512', RSA_KEYID, 'string', 1735693200,
    'XSHtZVCThSIAksXsH9WBs6AtxtXC0eQGiIcUGSoJstFs8lAWakjhrfwzLhyjtme5iXMZvmFWqDEs6cT3Jf+BbQ==',
    'I1QWNzGXdP1a4dSvOHLCVOOanEYHDk+ZsVxM9MLX/p4ko69ghKwR5EOtAD96g7g4GWP7lmpM/jFAf9q8EFRDTPLjUXySwMv4YPgabv2LQihTJG2y8a2m6IGltyruwQNiqSJVUuRaG9+b17CGmAMFZh30X6GXLdQJrCARpeTqPwp2DC+a8haDE/VE5EruqzjA5/2mKwvrkzkSqeW5tOVtFwWRRHIOidquf/8Je6kM9mhgkg4arudLA5SL4wyyYE1jURIgcOl8agrfdJ5Def23DIRtiOLRa8jT9cpTLFAuFHN+mrZA/LH9h0gSIg1cPb+0cMASee5uku1KjWcFer7jWA=='),
  request('web-bot-auth-ed25519-signature-agent', 'EdDSA Using Curve edwards25519, Signature-Agent Included Present on the Request', 'ed25519', 'ed25519', ED_KEYID, 'dictionary', 4889289600,
    'n9p433xm+NJ3ph3upfBIGmsuwHw387YV7Q/F+6BSpGCVjYCqQw6rznNA8PVVLySrAWsv0hQtFioQb6E1YsauiA==',
    'RdNFx5Bj6au3YgAMQL/RzmUlZE8QZLIaXGRpw985hWnwPfMxT228NMk6ehRS1PSl4e8PhbNZACSanGdhEwYCCg=='),
  request('web-bot-auth-ed25519-legacy-signature-agent', 'EdDSA Using Curve edwards25519, Legacy Signature-Agent, sf-string', 'ed25519', 'ed25519', ED_KEYID, 'string', 1735693200,
    'e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==',
    'jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/5Syp3rLWBA=='),
  {
    id: 'web-bot-auth-ed25519-signed-directory-response', title: 'EdDSA Using Curve edwards25519, Signed Directory Response',
    key: 'ed25519', algorithm: 'ed25519', label: 'binding', deterministic: true,
    message: {
      type: 'response', status: 200,
      headers: [['Content-Type', 'application/http-message-signatures-directory+json'], ['Content-Digest', DIRECTORY_DIGEST]],
      body: DIRECTORY_BODY,
      request: {
        method: 'GET', target: '/.well-known/http-message-signatures-directory', scheme: 'https',
        headers: [['Host', 'signature-agent.test'], ['Accept', 'application/http-message-signatures-directory+json']],
      },
    },
    components: ['"@authority";req', 'content-digest'],
    parameters: [['created', 1735689600], ['expires', 4889289600], ['keyid', ED_KEYID], ['tag', 'http-message-signatures-directory']],
    base: lines('"@authority";req: signature-agent.test', `"content-digest": ${DIRECTORY_DIGEST}`,
      `"@signature-params": ("@authority";req "content-digest");created=1735689600;expires=4889289600;keyid="${ED_KEYID}";tag="http-message-signatures-directory"`),
    signature: 'l6P8R67tm3kujAxbHWio7ll01qrEZ0dKD/WWlGhNYEmTnFZM8Wt0VQ9zqGfvo7T/UMkBxsigzChM1Gpz7gOVBg==',
  },
];

// ---------------------------------------------------------------------------------------------------------
// Checks with node:crypto
// ---------------------------------------------------------------------------------------------------------
let failures = 0;
const assert = (condition, what) => { if (!condition) { failures++; console.error(`MISMATCH ${what}`); } };

/** RFC 7638 SHA-256 thumbprint of a public key (RSA-PSS: its RSAPublicKey read as PKCS#1, which node exports as JWK). */
function thumbprint(publicPem) {
  let key = crypto.createPublicKey(publicPem);
  if (key.asymmetricKeyType === 'rsa-pss') {
    const spki = key.export({ type: 'spki', format: 'der' });
    key = crypto.createPublicKey({ key: spki.subarray(spki.length - 270), format: 'der', type: 'pkcs1' });
  }
  const jwk = key.export({ format: 'jwk' });
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
assert(thumbprint(pem(KEYS.ed25519.publicKey)) === ED_KEYID, 'Ed25519 keyid is the RFC 7638 thumbprint');
assert(thumbprint(pem(KEYS.rsaPss.publicKey)) === RSA_KEYID, 'RSA-PSS keyid is the RFC 7638 thumbprint');
assert(`sha-256=:${crypto.createHash('sha256').update(DIRECTORY_BODY).digest('base64')}:` === DIRECTORY_DIGEST, 'directory Content-Digest');
for (const p of PUBLISHED) {
  const data = Buffer.from(p.base, 'utf8');
  if (p.algorithm === 'ed25519') {
    assert(crypto.sign(null, data, crypto.createPrivateKey(pem(KEYS[p.key].privateKey))).toString('base64') === p.signature, `${p.id}: signature recomputed`);
  } else {
    const key = { key: crypto.createPublicKey(pem(KEYS[p.key].publicKey)), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 };
    assert(crypto.verify('sha512', data, key, Buffer.from(p.signature, 'base64')), `${p.id}: signature verifies`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The vector file (format: README.md)
// ---------------------------------------------------------------------------------------------------------
const paramsOf = (p) => p.base.split('\n').at(-1).slice('"@signature-params": '.length);
const vectors = PUBLISHED.map((p) => ({
  id: p.id,
  kind: p.deterministic ? 'deterministic' : 'verify-and-round-trip',
  source: `${SOURCE}: ${p.title}`,
  message: { ...p.message, headers: [...p.message.headers, ['Signature-Input', `${p.label}=${paramsOf(p)}`], ['Signature', `${p.label}=:${p.signature}:`]] },
  key: KEYS[p.key],
  keyId: p.parameters.find(([n]) => n === 'keyid')[1],
  algorithm: p.algorithm,
  label: p.label,
  sign: { components: p.components, parameters: p.parameters },
  expected: { signatureBase: p.base, signatureInput: `${p.label}=${paramsOf(p)}`, signature: `${p.label}=:${p.signature}:` },
  verify: {
    now: 1735689600,
    requiredComponents: p.components,
    requiredParameters: ['created', 'expires', 'keyid', 'tag'],
    ...(p.message.type === 'response' ? { withBody: true } : {}),
  },
}));

/** JSON with two-space indentation, arrays of primitives (header pairs, component lists) kept on one line. */
function format(value, indent) {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

if (failures > 0) {
  console.error(`${failures} published value(s) did not check out; nothing written`);
  process.exit(1);
}
const text = `${format({ title: 'Web Bot Auth draft test vectors: bot request signatures (Signature-Agent as a dictionary member and as the legacy String) and a signed key directory response', vectors }, '')}\n`;
const path = join(root, 'web-bot-auth.json');
if (checkOnly) {
  let current = '';
  try { current = readFileSync(path, 'utf8'); } catch { /* missing */ }
  if (current !== text) { console.error('stale: web-bot-auth.json'); process.exit(1); }
  console.log('web-bot-auth vectors are up to date');
} else {
  writeFileSync(path, text);
  console.log(`wrote web-bot-auth.json (${PUBLISHED.length} published signatures checked)`);
}

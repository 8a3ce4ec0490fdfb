// Signs one request that covers every part draft-cavage can cover, then changes each part in turn and checks that
// verify refuses it with a typed HttpSignatureError (and the specific code where the failing check is determined).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { isHttpSignatureError, sign, verify, type CavageAlgorithm, type HttpSignatureErrorCode, type VerifyOptions } from '../src/index.js';
import { referenceSigningString } from './support/reference.js';

const NOW = 1_795_341_600; // Sun, 22 Nov 2026 10:00:00 GMT
const BODY = '{"name":"web-01","address":"10.0.0.7","protocols":["ssh/22"]}';
const TARGET = '/api/v1/assets/hosts/?search=web%20server&limit=10&offset=0';
const SIGNED = ['(request-target)', '(created)', '(expires)', 'host', 'date', 'accept', 'x-jms-org', 'x-request-id', 'digest'];
const CREATED = NOW - 10;
const EXPIRES = NOW + 600;

type Pair = [string, string];
interface Signed {
  method: string;
  url: string;
  headers: Pair[];
  body: string;
}

const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
// Second keys of the same types, held by the key store under OTHER_KEY_ID.
const otherEd25519 = generateKeyPairSync('ed25519');
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki'): string => k.export({ type, format: 'pem' }).toString();

interface Setup {
  algorithm: CavageAlgorithm;
  signKey: string;
  verifyKey: string;
  /** Another allowed algorithm of the same key family, for the "algorithm changed" mutation. */
  sibling: CavageAlgorithm;
  /** An algorithm of another family, never allowed for this key. */
  foreign: CavageAlgorithm;
}
const SECRET = 'jms-test-secret-0123456789abcdefghij';
const setups: Setup[] = [
  { algorithm: 'hmac-sha256', signKey: SECRET, verifyKey: SECRET, sibling: 'hmac-sha512', foreign: 'rsa-sha256' },
  { algorithm: 'hmac-sha1', signKey: SECRET, verifyKey: SECRET, sibling: 'hmac-sha256', foreign: 'ed25519' },
  { algorithm: 'rsa-sha256', signKey: pem(rsa.privateKey, 'pkcs8'), verifyKey: pem(rsa.publicKey, 'spki'), sibling: 'rsa-sha512', foreign: 'hmac-sha256' },
  { algorithm: 'ed25519', signKey: pem(ed25519.privateKey, 'pkcs8'), verifyKey: pem(ed25519.publicKey, 'spki'), sibling: 'ed25519', foreign: 'hmac-sha256' },
];

const KEY_ID = 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab';
const OTHER_KEY_ID = 'second-key-with-the-same-policy';

async function signBase(s: Setup): Promise<Signed> {
  const headers: Pair[] = [
    ['Host', 'jms.example.com:8443'],
    ['Accept', 'application/json'],
    ['Date', new Date(NOW * 1000).toUTCString()],
    ['X-JMS-ORG', '00000000-0000-0000-0000-000000000002'],
    ['X-Request-Id', 'req-42'],
    ['Content-Type', 'application/json'],
  ];
  const result = await sign({ method: 'POST', url: TARGET, headers }, {
    keyId: KEY_ID, key: s.signKey, algorithm: s.algorithm, headers: SIGNED, created: CREATED, expires: EXPIRES,
    body: BODY, digest: 'SHA-256', now: NOW * 1000,
  });
  return { method: 'POST', url: TARGET, headers: [...headers, ...Object.entries(result.headers)], body: BODY };
}

function options(s: Setup, body: string): VerifyOptions {
  return {
    keyLookup: (keyId) => {
      if (keyId === KEY_ID) return { key: s.verifyKey, algorithms: [...new Set([s.algorithm, s.sibling])] };
      // A second known key with the same policy but another secret / key pair.
      if (keyId === OTHER_KEY_ID) {
        return s.algorithm.startsWith('hmac-')
          ? { key: 'another-secret-of-36-characters-xxxx', algorithms: [s.algorithm, s.sibling] }
          : { key: pem((s.algorithm === 'ed25519' ? otherEd25519 : otherRsa).publicKey, 'spki'), algorithms: [s.algorithm] };
      }
      return null;
    },
    requiredHeaders: ['(request-target)', 'date'],
    now: NOW * 1000,
    body,
  };
}

/** The signature header value of a signed request. */
const auth = (r: Signed): string => (r.headers.find(([n]) => n === 'authorization') as Pair)[1];

/** Replaces (or with `null` removes) one parameter of the Authorization header, independently of core's parser. */
function setParam(r: Signed, name: string, value: string | null): Signed {
  const re = new RegExp(`,?${name}=("[^"]*"|\\d+)`);
  const header = auth(r);
  if (!re.test(header)) throw new Error(`no ${name} in ${header}`);
  const next = value === null ? header.replace(re, '').replace('Signature ,', 'Signature ') : header.replace(re, (m) => `${m.startsWith(',') ? ',' : ''}${name}=${value}`);
  return setHeader(r, 'authorization', next);
}

function getParam(r: Signed, name: string): string {
  const m = new RegExp(`${name}="([^"]*)"`).exec(auth(r));
  if (m === null) throw new Error(`no ${name}`);
  return m[1] as string;
}

function setHeader(r: Signed, name: string, value: string | null): Signed {
  const lower = name.toLowerCase();
  const present = r.headers.some(([n]) => n.toLowerCase() === lower);
  if (!present && value !== null) return { ...r, headers: [...r.headers, [name, value]] };
  const headers = r.headers
    .filter(([n]) => value !== null || n.toLowerCase() !== lower)
    .map(([n, v]): Pair => [n, n.toLowerCase() === lower && value !== null ? value : v]);
  return { ...r, headers };
}

function editSignature(r: Signed, edit: (bytes: Buffer) => Buffer): Signed {
  const bytes = Buffer.from(getParam(r, 'signature'), 'base64');
  return setParam(r, 'signature', `"${edit(Buffer.from(bytes)).toString('base64')}"`);
}

const flip = (at: (length: number) => number) => (b: Buffer): Buffer => { const i = at(b.length); b[i] = (b[i] as number) ^ 0x80; return b; };
const digestOf = (body: string): string => `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

/** A mutation, and the codes verify may answer (one code where the failing check is fully determined). */
interface Mutation {
  name: string;
  apply: (r: Signed, s: Setup) => Signed;
  codes: HttpSignatureErrorCode[];
}

const signatureName = (n: string): Mutation => ({
  name: `signed header "${n}" changed`,
  // Prefixed, so that a changed Host stays a valid host[:port] (an invalid one is refused before verification).
  apply: (r) => setHeader(r, n, `x${(r.headers.find(([h]) => h.toLowerCase() === n) as Pair)[1]}`),
  codes: ['ERR_SIGNATURE_MISMATCH'],
});
const removed = (n: string): Mutation => ({
  name: `signed header "${n}" removed`,
  apply: (r) => setHeader(r, n, null),
  codes: ['ERR_MISSING_HEADER'],
});

const mutations: Mutation[] = [
  // (request-target)
  { name: 'method changed', apply: (r) => ({ ...r, method: 'PUT' }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'path changed', apply: (r) => ({ ...r, url: r.url.replace('/hosts/', '/hosts2/') }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'path trailing slash dropped', apply: (r) => ({ ...r, url: r.url.replace('/?', '?') }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'query value changed', apply: (r) => ({ ...r, url: r.url.replace('limit=10', 'limit=1000') }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'query dropped', apply: (r) => ({ ...r, url: r.url.split('?')[0] as string }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'query re-encoded (%20 -> +)', apply: (r) => ({ ...r, url: r.url.replace('%20', '+') }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'query parameters reordered', apply: (r) => ({ ...r, url: '/api/v1/assets/hosts/?limit=10&search=web%20server&offset=0' }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  // A raw space is no valid request target: refused before the signature is looked at.
  { name: 'percent-encoding decoded', apply: (r) => ({ ...r, url: r.url.replace('%20', ' ') }), codes: ['ERR_MALFORMED_REQUEST'] },
  { name: 'percent-encoding encoded twice', apply: (r) => ({ ...r, url: r.url.replace('%20', '%2520') }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  // signed headers
  ...['host', 'accept', 'x-jms-org', 'x-request-id'].map(signatureName),
  { name: 'date changed by one second (within the clock skew)', apply: (r) => setHeader(r, 'date', new Date((NOW + 1) * 1000).toUTCString()), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'date moved an hour back', apply: (r) => setHeader(r, 'date', new Date((NOW - 3600) * 1000).toUTCString()), codes: ['ERR_SIGNATURE_EXPIRED'] },
  ...['host', 'date', 'accept', 'x-jms-org', 'x-request-id', 'digest'].map(removed),
  { name: 'a second value added to a signed header', apply: (r) => ({ ...r, headers: [...r.headers, ['X-Request-Id', 'req-43']] }), codes: ['ERR_SIGNATURE_MISMATCH'] },
  // body and digest
  { name: 'body changed', apply: (r) => ({ ...r, body: r.body.replace('web-01', 'web-02') }), codes: ['ERR_DIGEST_MISMATCH'] },
  { name: 'body truncated', apply: (r) => ({ ...r, body: r.body.slice(0, -1) }), codes: ['ERR_DIGEST_MISMATCH'] },
  { name: 'body emptied', apply: (r) => ({ ...r, body: '' }), codes: ['ERR_DIGEST_MISMATCH'] },
  // Both the digest check and the signature fail; which one reports first is the verifier's order.
  { name: 'body and digest header both replaced', apply: (r) => setHeader({ ...r, body: '{"evil":true}' }, 'digest', digestOf('{"evil":true}')), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'digest header changed', apply: (r) => setHeader(r, 'digest', digestOf('other')), codes: ['ERR_DIGEST_MISMATCH', 'ERR_SIGNATURE_MISMATCH'] },
  // parameters
  { name: 'keyId changed to an unknown key', apply: (r) => setParam(r, 'keyId', '"00000000-0000-0000-0000-00000000dead"'), codes: ['ERR_UNKNOWN_KEY'] },
  { name: 'keyId changed to another known key', apply: (r) => setParam(r, 'keyId', `"${OTHER_KEY_ID}"`), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'algorithm changed to another allowed one', apply: (r, s) => setParam(r, 'algorithm', `"${s.sibling}"`), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'algorithm changed to another family', apply: (r, s) => setParam(r, 'algorithm', `"${s.foreign}"`), codes: ['ERR_ALGORITHM_NOT_ALLOWED'] },
  { name: 'algorithm changed to an unknown one', apply: (r) => setParam(r, 'algorithm', '"rsa-md5"'), codes: ['ERR_ALGORITHM_NOT_ALLOWED'] },
  { name: 'created changed by one second', apply: (r) => setParam(r, 'created', String(CREATED - 1)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'created moved an hour ahead', apply: (r) => setParam(r, 'created', String(NOW + 3600)), codes: ['ERR_SIGNATURE_NOT_YET_VALID'] },
  { name: 'expires extended by one second', apply: (r) => setParam(r, 'expires', String(EXPIRES + 1)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'expires moved an hour back', apply: (r) => setParam(r, 'expires', String(NOW - 3600)), codes: ['ERR_SIGNATURE_EXPIRED'] },
  { name: 'headers= with a name dropped', apply: (r) => setParam(r, 'headers', `"${SIGNED.filter((h) => h !== 'x-request-id').join(' ')}"`), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'headers= reordered', apply: (r) => setParam(r, 'headers', `"${['host', ...SIGNED.filter((h) => h !== 'host')].join(' ')}"`), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'headers= without date', apply: (r) => setParam(r, 'headers', `"${SIGNED.filter((h) => h !== 'date').join(' ')}"`), codes: ['ERR_HEADER_NOT_SIGNED'] },
  { name: 'headers= without (request-target)', apply: (r) => setParam(r, 'headers', `"${SIGNED.filter((h) => h !== '(request-target)').join(' ')}"`), codes: ['ERR_HEADER_NOT_SIGNED'] },
  { name: 'headers= removed (defaults to date)', apply: (r) => setParam(r, 'headers', null), codes: ['ERR_HEADER_NOT_SIGNED'] },
  { name: 'headers= naming an absent header', apply: (r) => setParam(r, 'headers', `"${[...SIGNED, 'x-absent'].join(' ')}"`), codes: ['ERR_MISSING_HEADER'] },
  // signature bytes
  { name: 'signature: first byte flipped', apply: (r) => editSignature(r, flip(() => 0)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: middle byte flipped', apply: (r) => editSignature(r, flip((n) => n >> 1)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: last byte flipped', apply: (r) => editSignature(r, flip((n) => n - 1)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: truncated by one byte', apply: (r) => editSignature(r, (b) => b.subarray(0, b.length - 1)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: one byte appended', apply: (r) => editSignature(r, (b) => Buffer.concat([b, Buffer.from([0])])), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: all zero', apply: (r) => editSignature(r, (b) => Buffer.alloc(b.length)), codes: ['ERR_SIGNATURE_MISMATCH'] },
  { name: 'signature: not base64', apply: (r) => setParam(r, 'signature', '"%%%%"'), codes: ['ERR_MALFORMED_SIGNATURE'] },
  { name: 'signature: removed', apply: (r) => setParam(r, 'signature', null), codes: ['ERR_MALFORMED_SIGNATURE'] },
  // the header itself
  { name: 'Authorization scheme changed to Bearer', apply: (r) => setHeader(r, 'authorization', auth(r).replace(/^Signature /, 'Bearer ')), codes: ['ERR_SIGNATURE_MISSING'] },
  { name: 'Authorization header removed', apply: (r) => setHeader(r, 'authorization', null), codes: ['ERR_SIGNATURE_MISSING'] },
  { name: 'a parameter duplicated', apply: (r) => setHeader(r, 'authorization', `${auth(r)},keyId="${KEY_ID}"`), codes: ['ERR_MALFORMED_SIGNATURE'] },
];

describe.each(setups.map((s) => [s.algorithm, s] as const))('%s: every covered part is protected', (_name, s) => {
  let base: Signed;
  beforeAll(async () => { base = await signBase(s); });

  test('the unmodified request verifies, over the expected signing string', async () => {
    const result = await verify(base, options(s, base.body));
    expect(result.headers).toEqual(SIGNED);
    expect(result.created).toBe(CREATED);
    expect(result.expires).toBe(EXPIRES);
    expect(result.signingString).toBe(referenceSigningString('POST', TARGET, base.headers, SIGNED, { created: CREATED, expires: EXPIRES }));
  });

  test('changes outside the signature do not matter (unsigned header, method case, header name case)', async () => {
    const variants: Signed[] = [
      setHeader(base, 'content-type', 'text/plain'),
      setHeader(base, 'x-unsigned', 'anything'),
      { ...base, method: 'post' },
      { ...base, headers: base.headers.map(([n, v]): Pair => [n.toUpperCase(), v]) },
      { ...base, headers: base.headers.map(([n, v]): Pair => [n, ` ${v}  `]) },
    ];
    for (const v of variants) await expect(verify(v, options(s, v.body))).resolves.toMatchObject({ keyId: KEY_ID });
  });

  // ed25519 has no sibling algorithm: that one mutation would change nothing.
  const applicable = mutations.filter((m) => !(m.name === 'algorithm changed to another allowed one' && s.sibling === s.algorithm));
  test.each(applicable.map((m) => [m.name, m] as const))('%s', async (_m, m) => {
    const mutated = m.apply(base, s);
    expect(mutated).not.toEqual(base);
    let caught: unknown;
    try {
      await verify(mutated, options(s, mutated.body));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeDefined();
    expect(isHttpSignatureError(caught)).toBe(true);
    expect(m.codes).toContain((caught as { code: string }).code);
  });
});

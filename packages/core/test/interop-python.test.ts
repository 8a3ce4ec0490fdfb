// Interoperability with Python httpsig 1.3 (Debian python3-httpsig, the verifier inside JumpServer), both ways,
// over seeded random requests. One Python process per direction; requests go over stdin as JSON lines.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { isHttpSignatureError, sign, verify, type CavageAlgorithm, type SignOptions, type VerifyOptions } from '../src/index.js';
import { parseSignatureHeader } from '../src/cavage/index.js';
import { PYTHON, runPeer, type PeerSignAnswer, type PeerVerifyAnswer } from './support/python-peer.js';
import { Rng, randomRequest, randomSecret, randomUuid, sha256Digest, type RandomRequest } from './support/random-requests.js';

const SEED = 0x5eed_2026;
const NOW = 1_795_341_600; // Sun, 22 Nov 2026 10:00:00 GMT
const HMAC_ALGORITHMS: CavageAlgorithm[] = ['hmac-sha256', 'hmac-sha1', 'hmac-sha512'];
const HMAC_PER_ALGORITHM = 50;
const RSA_SHA256 = 100;
const RSA_OTHER = 20; // rsa-sha1 and rsa-sha512, 10 each
const REQUIRED = ['(request-target)', 'date'];

// A fresh 2048-bit RSA key for this run (PKCS#1 private key for Python, PKCS#8 for core, SPKI public key for both).
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PRIVATE_PKCS1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const RSA_PRIVATE_PKCS8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const RSA_PUBLIC = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** One signing case: a request, an algorithm and the key on each side. */
interface Case {
  n: number;
  algorithm: CavageAlgorithm;
  keyId: string;
  /** What the signer holds: HMAC secret or private key PEM. */
  signKey: string;
  /** What the verifier holds: HMAC secret or public key PEM. */
  verifyKey: string;
  request: RandomRequest;
  /** Whether a Digest header over the body is added and signed. */
  digest: boolean;
  /** Where the signature goes; every tenth case uses a Signature header instead of Authorization. */
  scheme: 'authorization' | 'signature';
}

function makeCases(rng: Rng): Case[] {
  const cases: Case[] = [];
  const add = (algorithm: CavageAlgorithm, asymmetric: boolean): void => {
    const secret = randomSecret(rng);
    const request = randomRequest(rng, NOW);
    cases.push({
      n: cases.length,
      algorithm,
      keyId: randomUuid(rng),
      signKey: asymmetric ? '' : secret,
      verifyKey: asymmetric ? RSA_PUBLIC : secret,
      request,
      digest: request.body !== undefined && rng.chance(0.7),
      scheme: cases.length % 10 === 5 ? 'signature' : 'authorization',
    });
  };
  for (const algorithm of HMAC_ALGORITHMS) for (let i = 0; i < HMAC_PER_ALGORITHM; i++) add(algorithm, false);
  for (let i = 0; i < RSA_SHA256; i++) add('rsa-sha256', true);
  for (let i = 0; i < RSA_OTHER; i++) add(i % 2 === 0 ? 'rsa-sha1' : 'rsa-sha512', true);
  return cases;
}

const isRsa = (c: Case): boolean => c.algorithm.startsWith('rsa-');
/** The header name carrying the signature, as sent. */
const signatureHeaderName = (c: Case): string => (c.scheme === 'authorization' ? 'Authorization' : 'Signature');
const describeCase = (c: Case): string => `#${c.n} ${c.algorithm} ${c.request.method} ${c.request.path} signed=[${c.request.signed.join(' ')}]`;

/** Headers as Python receives them: the request's, plus the Digest when the case has one. */
function pythonHeaders(c: Case): Record<string, string> {
  const headers = { ...c.request.headers };
  if (c.digest && c.request.body !== undefined) headers['Digest'] = sha256Digest(c.request.body);
  return headers;
}

function coreVerifyOptions(c: Case): VerifyOptions {
  const options: VerifyOptions = {
    keyLookup: (keyId) => (keyId === c.keyId ? { key: c.verifyKey, algorithms: [c.algorithm] } : null),
    requiredHeaders: REQUIRED,
    now: new Date((c.request.date + 1) * 1000),
  };
  if (c.digest && c.request.body !== undefined) options.body = c.request.body;
  return options;
}

test('the Python interpreter sees python3-httpsig', () => {
  const out = execFileSync(PYTHON, ['-c', 'import httpsig.verify, httpsig.sign; print("httpsig ok")'], { encoding: 'utf8' });
  expect(out.trim()).toBe('httpsig ok');
});

describe('Python httpsig signs -> @httpsig/core verifies', () => {
  const cases = makeCases(new Rng(SEED));
  let answers: PeerSignAnswer[] = [];

  beforeAll(async () => {
    answers = await runPeer<PeerSignAnswer>(cases.map((c) => ({
      op: 'sign',
      keyId: c.keyId,
      secret: isRsa(c) ? RSA_PRIVATE_PKCS1 : c.signKey,
      algorithm: c.algorithm,
      signed: c.digest ? [...c.request.signed, 'digest'] : c.request.signed,
      method: c.request.method,
      path: c.request.path,
      headers: pythonHeaders(c),
      signHeader: c.scheme,
    })));
  }, 120_000);

  const verifyAll = async (subset: Case[]): Promise<string[]> => {
    const failures: string[] = [];
    for (const c of subset) {
      const answer = answers[c.n];
      if (answer?.ok !== true || answer.value === undefined) { failures.push(`${describeCase(c)}: python could not sign: ${String(answer?.error)}`); continue; }
      try {
        const result = await verify(
          { method: c.request.method, url: c.request.path, headers: { ...pythonHeaders(c), [signatureHeaderName(c)]: answer.value } },
          coreVerifyOptions(c),
        );
        if (result.signingString !== answer.signingString) failures.push(`${describeCase(c)}: signing strings differ`);
        if (result.keyId !== c.keyId || result.algorithm !== c.algorithm) failures.push(`${describeCase(c)}: wrong result ${result.keyId} ${result.algorithm}`);
      } catch (error) {
        failures.push(`${describeCase(c)}: core refused: ${String((error as { code?: string }).code ?? error)}`);
      }
    }
    return failures;
  };

  test(`HMAC (sha1, sha256, sha512): ${HMAC_ALGORITHMS.length * HMAC_PER_ALGORITHM} random requests verify`, async () => {
    const subset = cases.filter((c) => !isRsa(c));
    expect(subset.length).toBeGreaterThanOrEqual(150);
    expect(new Set(subset.map((c) => c.algorithm))).toEqual(new Set(HMAC_ALGORITHMS));
    expect(await verifyAll(subset)).toEqual([]);
  });

  test(`RSA 2048 (rsa-sha256 x${RSA_SHA256}, rsa-sha1/rsa-sha512 x${RSA_OTHER}): random requests verify`, async () => {
    const subset = cases.filter(isRsa);
    expect(subset.filter((c) => c.algorithm === 'rsa-sha256').length).toBeGreaterThanOrEqual(100);
    expect(await verifyAll(subset)).toEqual([]);
  });

  test('core signs the same requests to byte-identical signatures (HMAC and RSASSA-PKCS1-v1_5 are deterministic)', async () => {
    const differ: string[] = [];
    for (const c of cases) {
      const answer = answers[c.n];
      if (answer?.value === undefined) { differ.push(`${describeCase(c)}: not signed by python`); continue; }
      const result = await sign({ method: c.request.method, url: c.request.path, headers: pythonHeaders(c) }, {
        keyId: c.keyId,
        key: isRsa(c) ? RSA_PRIVATE_PKCS8 : c.signKey,
        algorithm: c.algorithm,
        headers: c.digest ? [...c.request.signed, 'digest'] : c.request.signed,
        scheme: c.scheme,
        now: new Date(c.request.date * 1000),
      });
      const ours = parseSignatureHeader(result.headers[c.scheme] ?? '');
      const theirs = parseSignatureHeader(answer.value);
      if (ours.signature !== theirs.signature || ours.keyId !== theirs.keyId || ours.algorithm !== theirs.algorithm ||
        ours.headers.join(' ') !== theirs.headers.join(' ') || result.signingString !== answer.signingString) {
        differ.push(`${describeCase(c)}: core ${JSON.stringify(ours)} python ${JSON.stringify(theirs)}`);
      }
    }
    expect(differ).toEqual([]);
  });

  test('the random requests exercise queries, percent-encoding, extra headers, bodies with digests', () => {
    expect(cases.filter((c) => c.request.path.includes('?')).length).toBeGreaterThan(100);
    expect(cases.filter((c) => /%[0-9A-Fa-f]{2}/.test(c.request.path)).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.request.signed.some((h) => h.startsWith('x-') && h !== 'x-jms-org')).length).toBeGreaterThan(30);
    expect(cases.filter((c) => c.digest).length).toBeGreaterThan(30);
    expect(new Set(cases.map((c) => c.request.method)).size).toBeGreaterThanOrEqual(6);
  });

  test('tampered Python-signed requests are refused by core with ERR_SIGNATURE_MISMATCH', async () => {
    const wrong: string[] = [];
    const sample = cases.filter((c) => c.n % 9 === 0);
    expect(sample.length).toBeGreaterThan(25);
    for (const c of sample) {
      const answer = answers[c.n];
      if (answer?.value === undefined) { wrong.push(`${describeCase(c)}: not signed`); continue; }
      // Change the path (a tampered URL) or the method: both are under (request-target).
      const tampered = c.n % 2 === 0
        ? { method: c.request.method, url: c.request.path.replace(/^\/./, (m) => `/${m[1] === 'z' ? 'y' : 'z'}`) }
        : { method: c.request.method === 'GET' ? 'POST' : 'GET', url: c.request.path };
      try {
        await verify({ ...tampered, headers: { ...pythonHeaders(c), [signatureHeaderName(c)]: answer.value } }, coreVerifyOptions(c));
        wrong.push(`${describeCase(c)}: tampered request accepted`);
      } catch (error) {
        if (!isHttpSignatureError(error) || error.code !== 'ERR_SIGNATURE_MISMATCH') wrong.push(`${describeCase(c)}: ${String(error)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('@httpsig/core signs -> Python httpsig verifies (the JumpServer call)', () => {
  const cases = makeCases(new Rng(SEED ^ 0xffff));
  /** The headers each case sends after core signed it (request headers plus core's). */
  const sent: Record<string, string>[] = [];
  let answers: PeerVerifyAnswer[] = [];
  let tamperedAnswers: PeerVerifyAnswer[] = [];
  const tamperedCases = cases.filter((c) => c.n % 9 === 0);

  beforeAll(async () => {
    for (const c of cases) {
      const options: SignOptions = {
        keyId: c.keyId,
        key: isRsa(c) ? RSA_PRIVATE_PKCS8 : c.signKey,
        algorithm: c.algorithm,
        headers: c.request.signed,
        scheme: c.scheme,
        now: new Date(c.request.date * 1000),
      };
      if (c.digest && c.request.body !== undefined) { options.body = c.request.body; options.digest = 'SHA-256'; }
      const result = await sign({ method: c.request.method, url: c.request.path, headers: c.request.headers }, options);
      sent[c.n] = { ...c.request.headers, ...result.headers };
    }
    const verifyRequest = (c: Case, method: string, path: string, headers: Record<string, string>): object => ({
      op: 'verify', secret: c.verifyKey, required: REQUIRED, method, path, headers, signHeader: c.scheme,
    });
    const requests = [
      ...cases.map((c) => verifyRequest(c, c.request.method, c.request.path, sent[c.n] as Record<string, string>)),
      // Tampered: another path, or a changed Date (signed always), must be refused.
      ...tamperedCases.map((c) => (c.n % 2 === 0
        ? verifyRequest(c, c.request.method, `${c.request.path.split('?')[0] as string}?tampered=1`, sent[c.n] as Record<string, string>)
        : verifyRequest(c, c.request.method, c.request.path, { ...sent[c.n], Date: new Date((c.request.date + 1) * 1000).toUTCString() }))),
    ];
    const all = await runPeer<PeerVerifyAnswer>(requests);
    answers = all.slice(0, cases.length);
    tamperedAnswers = all.slice(cases.length);
  }, 120_000);

  const failures = (subset: Case[]): string[] => subset
    .filter((c) => answers[c.n]?.ok !== true)
    .map((c) => `${describeCase(c)}: HeaderVerifier refused (${String(answers[c.n]?.error)}); sent ${JSON.stringify(sent[c.n])}`);

  test('core writes Authorization: Signature keyId=…,algorithm=…,headers=…,signature=… (or the bare list in Signature)', () => {
    const params = 'keyId="[^"]+",algorithm="[a-z0-9-]+",headers="[^"]+",signature="[A-Za-z0-9+/=]+"';
    expect(cases.filter((c) => c.scheme === 'signature').length).toBeGreaterThan(25);
    for (const c of cases) {
      if (c.scheme === 'authorization') expect(sent[c.n]?.['authorization']).toMatch(new RegExp(`^Signature ${params}$`));
      else expect(sent[c.n]?.['signature']).toMatch(new RegExp(`^${params}$`));
    }
  });

  test(`HMAC (sha1, sha256, sha512): ${HMAC_ALGORITHMS.length * HMAC_PER_ALGORITHM} random requests verify in Python`, () => {
    const subset = cases.filter((c) => !isRsa(c));
    expect(subset.length).toBeGreaterThanOrEqual(150);
    expect(failures(subset)).toEqual([]);
  });

  test(`RSA 2048 (rsa-sha256 x${RSA_SHA256}, rsa-sha1/rsa-sha512 x${RSA_OTHER}): random requests verify in Python`, () => {
    const subset = cases.filter(isRsa);
    expect(subset.filter((c) => c.algorithm === 'rsa-sha256').length).toBeGreaterThanOrEqual(100);
    expect(failures(subset)).toEqual([]);
  });

  test('tampered core-signed requests are refused by Python', () => {
    expect(tamperedAnswers.length).toBe(tamperedCases.length);
    expect(tamperedAnswers.length).toBeGreaterThan(25);
    const accepted = tamperedCases.filter((_c, i) => tamperedAnswers[i]?.ok !== false).map(describeCase);
    expect(accepted).toEqual([]);
  });
});

describe('the test-vectors runner for Python', () => {
  test('run_python.py passes every vector httpsig can express', () => {
    const script = join(__dirname, '..', '..', '..', 'test-vectors', 'run_python.py');
    const out = execFileSync(PYTHON, [script], { encoding: 'utf8' });
    const summary = /python-vectors: (\d+) passed, (\d+) failed\s*$/.exec(out);
    expect(summary).not.toBeNull();
    expect(Number(summary?.[2])).toBe(0);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(60);
  });
});

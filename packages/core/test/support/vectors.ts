// Loads the language-neutral test vectors of /test-vectors (format: test-vectors/README.md, schema.json) and turns
// them into arguments of @httpsig/core's sign and verify.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CavageAlgorithm, HttpSignatureErrorCode, SignableRequest, SignOptions, VerifyOptions,
} from '../../src/index.js';

/** The repository's test-vectors folder. */
export const VECTORS_DIR: string = join(__dirname, '..', '..', '..', '..', 'test-vectors');

/** A `[name, value]` header pair as sent. */
export type HeaderPair = [string, string];

/** The request of a vector. */
export interface VectorRequest {
  method: string;
  target: string;
  headers: HeaderPair[];
  body?: string;
}

/** A key reference: an HMAC secret or PEM files relative to test-vectors/. */
export type VectorKey =
  | { type: 'hmac'; secret: string }
  | { type: 'rsa' | 'ed25519'; privateKey?: string; publicKey: string };

/** Verification inputs shared by positive and negative vectors. */
export interface VectorVerify {
  now: number;
  algorithms: CavageAlgorithm[];
  requiredHeaders?: string[];
  clockSkew?: number;
  scheme?: 'authorization' | 'signature' | 'any';
  withBody?: boolean;
  maxHeaderLength?: number;
  maxSignedHeaders?: number;
}

interface VectorBase {
  id: string;
  description: string;
  source: string;
  request: VectorRequest;
  key: VectorKey;
  keyId: string;
  verify: VectorVerify;
  file: string;
}

/** A request that signs to exact values and verifies. */
export interface PositiveVector extends VectorBase {
  kind: 'positive';
  verifyOnly?: boolean;
  options: {
    algorithm: CavageAlgorithm;
    headers: string[];
    created?: number;
    expires?: number;
    scheme?: 'authorization' | 'signature';
    digest?: 'SHA-256' | 'SHA-512';
    digestHeader?: 'digest' | 'content-digest';
  };
  expected: {
    signingString: string;
    signature: string;
    signatureHeader: { name: 'authorization' | 'signature'; value: string };
    addedHeaders?: HeaderPair[];
  };
}

/** A signed request a verifier must refuse with `expectedError`. */
export interface NegativeVector extends VectorBase {
  kind: 'negative';
  expectedError: HttpSignatureErrorCode;
}

/** Any vector. */
export type Vector = PositiveVector | NegativeVector;

/** Every vector file under test-vectors/cavage, in a stable order. */
export function vectorFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) out.push(path);
    }
  };
  walk(join(VECTORS_DIR, 'cavage'));
  return out;
}

/** Loads every vector, split by kind. */
export function loadVectors(): { positive: PositiveVector[]; negative: NegativeVector[]; all: Vector[] } {
  const all: Vector[] = [];
  for (const file of vectorFiles()) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] };
    for (const v of parsed.vectors) all.push({ ...v, file: file.slice(VECTORS_DIR.length + 1) });
  }
  return {
    all,
    positive: all.filter((v): v is PositiveVector => v.kind === 'positive'),
    negative: all.filter((v): v is NegativeVector => v.kind === 'negative'),
  };
}

/** Reads a PEM file of test-vectors/keys. */
export function readKeyFile(path: string): string {
  return readFileSync(join(VECTORS_DIR, path), 'utf8');
}

/** The key a signer uses: the HMAC secret or the private key PEM. */
export function signingKey(key: VectorKey): string {
  if (key.type === 'hmac') return key.secret;
  if (key.privateKey === undefined) throw new Error('the vector key has no private key');
  return readKeyFile(key.privateKey);
}

/** The key a verifier's key store holds: the HMAC secret or the public key PEM. */
export function verificationKey(key: VectorKey): string {
  return key.type === 'hmac' ? key.secret : readKeyFile(key.publicKey);
}

/** `sign()` arguments for a positive vector. */
export function signArgs(v: PositiveVector): [SignableRequest, SignOptions] {
  const options: SignOptions = {
    keyId: v.keyId,
    key: signingKey(v.key),
    algorithm: v.options.algorithm,
    headers: v.options.headers,
    now: new Date(v.verify.now * 1000),
    // The draft's published test key is 1024-bit RSA: accepted here only, as the vectors' legacy key.
    minRsaBits: 1024,
  };
  if (v.options.created !== undefined) options.created = v.options.created;
  if (v.options.expires !== undefined) options.expires = v.options.expires;
  if (v.options.scheme !== undefined) options.scheme = v.options.scheme;
  if (v.options.digest !== undefined) options.digest = v.options.digest;
  if (v.options.digestHeader !== undefined) options.digestHeader = v.options.digestHeader;
  if (v.request.body !== undefined) options.body = v.request.body;
  return [{ method: v.request.method, url: v.request.target, headers: v.request.headers }, options];
}

/** The request a verifier receives: for a positive vector, the request plus the headers the signer added. */
export function receivedRequest(v: Vector): SignableRequest {
  const headers: HeaderPair[] = [...v.request.headers];
  if (v.kind === 'positive') {
    headers.push(...(v.expected.addedHeaders ?? []), [v.expected.signatureHeader.name, v.expected.signatureHeader.value]);
  }
  return { method: v.request.method, url: v.request.target, headers };
}

/** `verify()` options of a vector: a key store that knows only `keyId`, and the vector's policy. */
export function verifyOptions(v: Vector): VerifyOptions {
  const key = verificationKey(v.key);
  const options: VerifyOptions = {
    // The draft's published test key is 1024-bit RSA: accepted here only, as the vectors' legacy key.
    keyLookup: (keyId) => (keyId === v.keyId ? { key, algorithms: v.verify.algorithms, minRsaBits: 1024 } : null),
    now: new Date(v.verify.now * 1000),
  };
  const p = v.verify;
  if (p.requiredHeaders !== undefined) options.requiredHeaders = p.requiredHeaders;
  if (p.clockSkew !== undefined) options.clockSkew = p.clockSkew;
  if (p.scheme !== undefined) options.scheme = p.scheme;
  if (p.maxHeaderLength !== undefined) options.maxHeaderLength = p.maxHeaderLength;
  if (p.maxSignedHeaders !== undefined) options.maxSignedHeaders = p.maxSignedHeaders;
  if (p.withBody === true) {
    if (v.request.body === undefined) throw new Error(`${v.id}: withBody without a body`);
    options.body = v.request.body;
  }
  return options;
}

/** The error codes declared in packages/core/src/errors.ts (read from the source, so a new code is noticed). */
export function declaredErrorCodes(): string[] {
  const source = readFileSync(join(__dirname, '..', '..', 'src', 'errors.ts'), 'utf8');
  const union = /export type HttpSignatureErrorCode =([^;]+);/.exec(source);
  if (union === null) throw new Error('HttpSignatureErrorCode not found in errors.ts');
  return [...(union[1] as string).matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1] as string);
}

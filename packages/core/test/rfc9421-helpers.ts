// Loads the RFC 9421 vectors of /test-vectors/rfc9421 (format: test-vectors/rfc9421/README.md) and turns them into
// arguments of signRfc9421 / verifyRfc9421.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpSignatureErrorCode } from '../src/errors.js';
import { normalizeHeaders } from '../src/headers.js';
import type {
  Rfc9421Algorithm, Rfc9421Message, Rfc9421ParameterName, Rfc9421Request, SignRfc9421Options, VerifyRfc9421Options,
} from '../src/rfc9421/index.js';

/** test-vectors/rfc9421 */
export const RFC9421_DIR: string = join(__dirname, '..', '..', '..', 'test-vectors', 'rfc9421');

export type HeaderPair = [string, string];

export interface VectorRequest { method: string; target: string; scheme?: string; headers: HeaderPair[]; body?: string }

export type VectorMessage =
  | ({ type: 'request' } & VectorRequest)
  | { type: 'response'; status: number; headers: HeaderPair[]; body?: string; request?: VectorRequest };

export type VectorKey =
  | { type: 'hmac'; secretBase64: string }
  | { type: 'rsa' | 'rsa-pss' | 'ec-p256' | 'ed25519'; privateKey: string; publicKey: string };

export interface VectorVerify {
  now: number;
  requiredComponents: string[];
  requiredParameters: Rfc9421ParameterName[];
  withBody?: boolean;
  maxAge?: number;
  algorithms?: Rfc9421Algorithm[];
}

export interface Rfc9421Vector {
  id: string;
  kind: 'deterministic' | 'verify-and-round-trip' | 'verify-only' | 'negative';
  source: string;
  description?: string;
  message: VectorMessage;
  key: VectorKey;
  keyId: string;
  algorithm: Rfc9421Algorithm;
  label: string;
  sign?: { components: string[]; parameters: [Rfc9421ParameterName, string | number][] };
  expected?: { signatureBase: string; signatureInput?: string; signature?: string };
  expectedError?: HttpSignatureErrorCode;
  verify: VectorVerify;
}

/** Every vector of one file. */
export function loadRfc9421Vectors(file: 'appendix-b.json' | 'negative.json' | 'web-bot-auth.json'): Rfc9421Vector[] {
  return (JSON.parse(readFileSync(join(RFC9421_DIR, file), 'utf8')) as { vectors: Rfc9421Vector[] }).vectors;
}

/** A PEM file of test-vectors/rfc9421/keys. */
export function pemOf(name: string): string {
  return readFileSync(join(RFC9421_DIR, 'keys', name), 'utf8');
}

/** The signing key (HMAC secret bytes, or private PEM). */
export function signingKey(key: VectorKey): string | Uint8Array {
  return key.type === 'hmac' ? new Uint8Array(Buffer.from(key.secretBase64, 'base64')) : readFileSync(join(RFC9421_DIR, key.privateKey), 'utf8');
}

/** The verification key (HMAC secret bytes, or public PEM). */
export function verificationKey(key: VectorKey): string | Uint8Array {
  return key.type === 'hmac' ? new Uint8Array(Buffer.from(key.secretBase64, 'base64')) : readFileSync(join(RFC9421_DIR, key.publicKey), 'utf8');
}

/** The message as the library takes it; `withoutSignature` drops the Signature-Input and Signature fields. */
export function toMessage(message: VectorMessage, withoutSignature = false): Rfc9421Message {
  const headers = withoutSignature
    ? message.headers.filter(([name]) => !/^signature(-input)?$/i.test(name))
    : message.headers;
  if (message.type === 'response') return { status: message.status, headers, ...(message.request === undefined ? {} : { request: toRequest(message.request) }) };
  return toRequest({ ...message, headers });
}

/** A vector's request as the library takes it. */
function toRequest(request: VectorRequest): Rfc9421Request {
  return { method: request.method, url: request.target, headers: request.headers, ...(request.scheme === undefined ? {} : { scheme: request.scheme }) };
}

/** Signing options reproducing the vector's parameters, in their order. */
export function signOptions(vector: Rfc9421Vector): SignRfc9421Options {
  const parameters = new Map(vector.sign?.parameters ?? []);
  const options: SignRfc9421Options = {
    key: signingKey(vector.key),
    algorithm: vector.algorithm,
    label: vector.label,
    components: vector.sign?.components ?? [],
    parameterOrder: [...parameters.keys()],
    created: (parameters.get('created') as number | undefined) ?? false,
    includeAlg: parameters.has('alg'),
  };
  const keyid = parameters.get('keyid');
  if (typeof keyid === 'string') options.keyId = keyid;
  const expires = parameters.get('expires');
  if (typeof expires === 'number') options.expires = expires;
  const nonce = parameters.get('nonce');
  if (typeof nonce === 'string') options.nonce = nonce;
  const tag = parameters.get('tag');
  if (typeof tag === 'string') options.tag = tag;
  return options;
}

/** Verification options of the vector: a key store that knows only its keyId. */
export function verifyOptions(vector: Rfc9421Vector): VerifyRfc9421Options {
  const options: VerifyRfc9421Options = {
    keyLookup: (keyId) => (keyId === vector.keyId ? { key: verificationKey(vector.key), algorithms: vector.verify.algorithms ?? [vector.algorithm] } : null),
    label: vector.label,
    now: vector.verify.now * 1000,
    requiredComponents: vector.verify.requiredComponents,
    requiredParameters: vector.verify.requiredParameters,
  };
  if (vector.verify.maxAge !== undefined) options.maxAge = vector.verify.maxAge;
  if (vector.verify.withBody === true && vector.message.body !== undefined) options.body = vector.message.body;
  return options;
}

/** Merges headers a signer returned into a message (replacing fields of the same name). */
export function withHeaders(message: Rfc9421Message, added: Record<string, string>): Rfc9421Message {
  const pairs = normalizeHeaders(message.headers).filter(([name]) => !(name in added));
  return { ...message, headers: [...pairs, ...Object.entries(added)] };
}

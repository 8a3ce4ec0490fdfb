/**
 * Signing a request with a draft-cavage HTTP Signature (the draft-cavage path of the root {@link core/src!sign}).
 * @packageDocumentation
 */
import { backend } from '#backend';
import { primitiveFor, usesSecret, type BoundKey } from './algorithms.js';
import { createContentDigest } from '../content-digest.js';
import { createDigestHeader } from './digest.js';
import { AlgorithmNotAllowedError, InvalidKeyError, WebCryptoUnavailableError } from '../errors.js';
import { headerTable } from '../headers.js';
import { formatHttpDate } from '../http-date.js';
import { assertKeyInput, assertUsableSecret, importAsymmetricKey, isPemText } from '../keys.js';
import type { AsymmetricKey } from '../runtime/backend.js';
import { quoteParameter } from './signature-header.js';
import { signingPlan } from './signing-plan.js';
import { signingStringFromTable } from './signing-string.js';
import type { SignableRequest, SignResult } from '../types.js';
import type { CavageSignOptions } from './types.js';
import { nowMilliseconds } from '../lib/clock.js';

/**
 * The draft-cavage path of {@link core/src!sign}: one promise per call, everything runs synchronously unless a key is still
 * being imported. Internal.
 * @param request - the request to sign.
 * @param options - draft-cavage signing options.
 * @returns the headers to add and the signing string.
 */
export function signCavage(request: SignableRequest, options: CavageSignOptions): Promise<SignResult> {
  try {
    if (!('method' in request)) throw new TypeError('draft-cavage signs requests: the message needs a method and url');
    const result = signSync(request, options);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Draft-cavage {@link core/src!sign} without a forced promise: returns the result itself when every step ran synchronously
 * (an HMAC secret, or a private key already imported), and a promise only when a key is still being imported. The
 * headers, signing string and errors are those of {@link core/src!sign}; a failure is thrown synchronously, or rejects the
 * promise when it happens after the import.
 *
 * @param request - `{ method, url, headers }`; `url` is absolute or a path with query, used exactly as sent.
 * @param options - draft-cavage signing options (no `scheme: 'rfc9421'`).
 * @returns the headers to add and the signing string, or a promise of them.
 * @throws the typed errors listed under {@link core/src!sign}; a TypeError for `scheme: 'rfc9421'` (use {@link core/src!sign}).
 * @example
 * ```ts
 * const outcome = signSync(request, { keyId: 'ak', key: secret, algorithm: 'hmac-sha256' })
 * const { headers } = outcome instanceof Promise ? await outcome : outcome
 * ```
 */
export function signSync(request: SignableRequest, options: CavageSignOptions): SignResult | Promise<SignResult> {
  if ((options as { scheme?: unknown } | undefined)?.scheme === 'rfc9421') {
    throw new TypeError('signSync signs draft-cavage signatures; call sign with scheme: \'rfc9421\'');
  }
  const plan = signingPlan(options);
  const { keyId } = options;
  const table = headerTable(request.headers);
  const added: Record<string, string> = {};
  let names = plan.names;
  let headersParameter = plan.headersParameter;

  if (options.digest !== undefined) {
    if (options.body === undefined) throw new TypeError('a digest needs the body');
    const header = options.digestHeader ?? 'digest';
    const value = header === 'digest' ? createDigestHeader(options.body, options.digest) : createContentDigest(options.body, options.digest);
    added[header] = value;
    table.set(header, value);
    if (!names.includes(header)) {
      names = [...names, header];
      headersParameter = `,headers=${quoteParameter('headers', names.join(' '))}`;
    }
  }
  // The clock is read only when a Date or `created` has to be made.
  if (names.includes('date') && !table.has('date')) {
    added['date'] = formatHttpDate(nowMilliseconds(options.now));
    table.set('date', added['date']);
  }
  const created = options.created === true || (options.created === undefined && names.includes('(created)'))
    ? Math.floor(nowMilliseconds(options.now) / 1000)
    : options.created === false ? undefined : options.created;
  const { expires } = options;
  const times = (created === undefined ? '' : `,created=${unixSeconds('created', created)}`) +
    (expires === undefined ? '' : `,expires=${unixSeconds('expires', expires)}`);

  const signingString = signingStringFromTable(request.method, request.url, table, names, { created, expires }, keyId, withoutQuery(options.requestTarget));
  const finish = (signature: string): SignResult => {
    // keyId, algorithm, created, expires, headers, signature: the order of the draft's examples and Python httpsig.
    const params = `${plan.keyIdAndAlgorithm}${times}${headersParameter},signature="${signature}"`;
    if (options.scheme === 'signature') added['signature'] = params;
    else added['authorization'] = `Signature ${params}`;
    return { headers: added, signingString };
  };
  const signature = signString(signingString, options);
  return typeof signature === 'string' ? finish(signature) : signature.then(finish);
}

/** Whether `(request-target)` is signed without the query (`requestTarget: 'without-query'`). */
function withoutQuery(requestTarget: CavageSignOptions['requestTarget']): boolean {
  if (requestTarget === undefined || requestTarget === 'with-query') return false;
  if (requestTarget === 'without-query') return true;
  throw new TypeError("requestTarget must be 'with-query' or 'without-query'");
}

function unixSeconds(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer (Unix seconds)`);
  return String(value);
}

/** Signs a string with the options' key and algorithm; returns base64 (synchronously when it can). */
function signString(data: string, options: CavageSignOptions): string | Promise<string> {
  const { key, algorithm, keyId } = options;
  assertKeyInput(key, keyId);
  if (usesSecret(algorithm, options.hs2019)) {
    assertUsableSecret(key, keyId);
    const primitive = primitiveFor(algorithm, { type: 'secret' }, options.hs2019) as { type: 'hmac'; hash: 'SHA-1' | 'SHA-256' | 'SHA-512' };
    return backend.hmacBase64(primitive.hash, key, data);
  }
  if (key instanceof Uint8Array || (typeof key === 'string' && !isPemText(key))) {
    throw new AlgorithmNotAllowedError(algorithm === 'hs2019'
      ? "hs2019 needs a private key, or hs2019: 'hmac-sha512' to sign with a secret"
      : 'An asymmetric algorithm needs a private key, not a secret', { keyId });
  }
  const withKey = (asymmetric: AsymmetricKey): string | Promise<string> => {
    const primitive = primitiveFor(algorithm, asymmetric as BoundKey, options.hs2019);
    if (primitive === undefined || primitive.type === 'hmac') {
      throw new AlgorithmNotAllowedError('The algorithm does not fit the key type', { keyId });
    }
    const failed = (cause: unknown): never => {
      if (cause instanceof WebCryptoUnavailableError) throw new WebCryptoUnavailableError({ keyId });
      throw new InvalidKeyError('The key cannot sign with this algorithm', { keyId, cause: new Error(cause instanceof Error ? cause.name : 'Error') });
    };
    let signature: Uint8Array | Promise<Uint8Array>;
    try {
      signature = backend.sign(primitive, asymmetric, data);
    } catch (cause) {
      return failed(cause);
    }
    return signature instanceof Promise ? signature.then((bytes) => backend.base64Encode(bytes), failed) : backend.base64Encode(signature);
  };
  const imported = importAsymmetricKey(key, 'sign', keyId, options.minRsaBits);
  return imported instanceof Promise ? imported.then(withKey) : withKey(imported);
}

/**
 * Publishing a key directory (the HTTP Message Signatures Directory of draft-meunier-webbotauth-httpsig-protocol):
 * the JWK set of an agent's public keys, and its response signed with each key. Framework handlers
 * (`@httpsig/server`) only write what {@link KeyDirectory.respond} returns.
 * @packageDocumentation
 */
import { createContentDigest } from '../content-digest.js';
import { normalizeHeaders } from '../headers.js';
import { InvalidKeyError, MalformedRequestError } from '../errors.js';
import { jwkThumbprint, publicJwk, type PublicJwk } from '../jwk-thumbprint.js';
import { importAsymmetricKey } from '../keys.js';
import type { AsymmetricKeyInput } from '../runtime/backend.js';
import { nowMilliseconds } from '../lib/clock.js';
import { messageView } from '../rfc9421/message.js';
import { signRfc9421 } from '../rfc9421/sign.js';
import type { Rfc9421Request } from '../rfc9421/types.js';
import type { KeyInput } from '../types.js';
import { botAlgorithm } from './key.js';
import { DIRECTORY_COMPONENTS, DIRECTORY_MEDIA_TYPE, DIRECTORY_TAG } from './constants.js';
import type { WebBotAuthAlgorithm } from './sign.js';

/**
 * How long a directory response may be cached, in seconds (`Cache-Control: max-age`): one hour. Removing a key from
 * the directory takes effect at verifiers only when their copy expires (the draft's "Key Rotation"), so this bounds
 * how long a withdrawn key keeps verifying; the draft's example serves `max-age=86400`.
 */
export const DEFAULT_DIRECTORY_MAX_AGE = 3600;

/** One key of the directory: a public JWK with `kid` = its RFC 7638 thumbprint and `use: "sig"`. */
export type DirectoryKey = PublicJwk & { readonly kid: string; readonly use: 'sig' };

/** The JWK set served (RFC 7517 §5). */
export interface KeyDirectoryDocument {
  /** The public keys, in the order given. */
  readonly keys: readonly DirectoryKey[];
}

/** Options of {@link createKeyDirectory}. */
export interface KeyDirectoryOptions {
  /**
   * The agent's signing keys (private: each also signs the directory response, proving possession), Ed25519 or
   * RSA. Only their public members are published.
   */
  keys: readonly KeyInput[];
  /**
   * The authorities (`host[:port]`, as verifiers send `Host`; the scheme's default port left out) the directory is
   * served under, or a predicate on the normalised authority. The response signatures cover the requested
   * authority, so signing for any `Host` a client sends would let anyone collect proofs binding your keys to a
   * domain of their choosing: a request for another authority gets 421 Misdirected Request, unsigned.
   */
  authorities: readonly string[] | ((authority: string) => boolean);
  /** `Cache-Control: max-age`, seconds. Default {@link DEFAULT_DIRECTORY_MAX_AGE}. */
  maxAge?: number | undefined;
  /**
   * Seconds from `created` to `expires` of the response signatures. Default: `maxAge`, so that a cached copy
   * never carries expired signatures.
   */
  signatureExpiresIn?: number | undefined;
  /** The shortest RSA key accepted, in bits. Default 2048. */
  minRsaBits?: number | undefined;
}

/** The request for the directory, as a server received it. */
export interface DirectoryRequest {
  /** The method (`GET` and `HEAD` are served). */
  method: string;
  /** The request target as received (`/.well-known/http-message-signatures-directory`) or an absolute URL. */
  url: string;
  /** The request headers (`Host` gives the `@authority` the signatures cover; `If-None-Match` may answer 304). */
  headers?: Rfc9421Request['headers'];
}

/** What to answer: a framework handler writes it as it is. */
export interface DirectoryResponse {
  /**
   * 200; 304 when the client's `If-None-Match` holds the current `ETag`; 400 when the request has no authority to
   * bind the signatures to (no `Host`, several, or one that is not `host[:port]`); 405 for a method other than GET
   * and HEAD; 421 for an authority not in `authorities`.
   */
  status: 200 | 304 | 400 | 405 | 421;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The JWK set, exactly the bytes `Content-Digest` covers; absent for HEAD, 304 and 405. */
  body: string | undefined;
}

/** A published directory: the document and how to answer a request for it. */
export interface KeyDirectory {
  /** The JWK set. */
  readonly document: KeyDirectoryDocument;
  /** The exact response body (the JSON of `document`). */
  readonly body: string;
  /** The strong `ETag` of the body (its SHA-256). */
  readonly etag: string;
  /**
   * The response to a request for the directory: for GET and HEAD a 200 with `Content-Type`
   * (`application/http-message-signatures-directory+json`), `Cache-Control`, `ETag`,
   * `Access-Control-Allow-Origin: *`, `Content-Digest` and one signature per key (`binding0`, `binding1`, …:
   * `("@authority";req "content-digest")`, `created`, `expires`, `keyid` = thumbprint,
   * `tag="http-message-signatures-directory"`); a 304 when `If-None-Match` names the current `ETag`; a 400 when
   * the request has no usable authority, a 421 when it is not one of `authorities`; else a 405.
   * @param request - the request received.
   * @param now - the clock, Unix milliseconds or a `Date`; default now.
   * @returns the status, headers and body to send.
   * @throws RangeError when `now` is neither a finite number nor a valid `Date`.
   */
  respond(request: DirectoryRequest, now?: Date | number): Promise<DirectoryResponse>;
}

interface Signer {
  key: KeyInput;
  algorithm: WebBotAuthAlgorithm;
  keyId: string;
}

/**
 * Builds an agent's key directory from its keys: the JWK set (public members only, `kid` = RFC 7638 thumbprint,
 * `use: "sig"`) and a {@link KeyDirectory.respond} that signs each response with every key, as the draft's
 * "Validating the Domain Binding" appendix asks (one signature per key over `@authority` of the request and the
 * body's `Content-Digest`). Serve it at `DIRECTORY_PATH` with the `@httpsig/server` handlers.
 *
 * @param options - the keys and caching.
 * @returns the directory.
 * @throws {@link core/src!InvalidKeyError} `ERR_INVALID_KEY` — no key, an HMAC secret, a key that is neither Ed25519
 *   nor RSA, an RSA key under `minRsaBits`, a public key (it cannot sign the response), or the same key twice.
 * @throws RangeError — `maxAge` or `signatureExpiresIn` is not a non-negative integer. TypeError — `authorities` is
 *   neither a non-empty list of authorities nor a function.
 * @example
 * ```ts
 * const directory = await createKeyDirectory({ keys: [process.env.BOT_KEY_PEM!], authorities: ['bot.example'] });
 * const { status, headers, body } = await directory.respond({ method: 'GET', url: DIRECTORY_PATH, headers: { host: 'bot.example' } });
 * ```
 * @see https://datatracker.ietf.org/doc/draft-meunier-webbotauth-httpsig-protocol/
 */
export async function createKeyDirectory(options: KeyDirectoryOptions): Promise<KeyDirectory> {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.keys)) throw new TypeError('createKeyDirectory needs { keys }');
  const maxAge = seconds(options.maxAge ?? DEFAULT_DIRECTORY_MAX_AGE, 'maxAge');
  const expiresIn = seconds(options.signatureExpiresIn ?? maxAge, 'signatureExpiresIn');
  if (options.keys.length === 0) throw new InvalidKeyError('A key directory needs at least one key');
  const keys: DirectoryKey[] = [];
  const signers: Signer[] = [];
  for (const key of options.keys) {
    const jwk = await publicJwk(key);
    await importAsymmetricKey(key as AsymmetricKeyInput, 'sign', undefined, options.minRsaBits); // private: it signs the response
    const kid = jwkThumbprint(jwk as unknown as Readonly<Record<string, unknown>>);
    if (signers.some((s) => s.keyId === kid)) throw new InvalidKeyError('The same key is given twice');
    const algorithm = botAlgorithm(jwk);
    if (algorithm === undefined) throw new InvalidKeyError('A directory key is Ed25519 or RSA');
    keys.push(directoryKey(jwk, kid));
    signers.push({ key, algorithm, keyId: kid });
  }
  const document: KeyDirectoryDocument = { keys };
  const body = JSON.stringify(document);
  const contentDigest = createContentDigest(body, 'SHA-256');
  const etag = `"${contentDigest.slice('sha-256=:'.length, -1)}"`;
  const cacheControl = `public, max-age=${maxAge}`;
  const minRsaBits = options.minRsaBits;
  const served = servedAuthority(options.authorities);

  let signedSecond: number | undefined;
  const signedFor = new Map<string, Promise<Record<string, string>>>();

  async function respond(request: DirectoryRequest, now?: Date | number): Promise<DirectoryResponse> {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' }, body: undefined };
    const base: Record<string, string> = {
      'cache-control': cacheControl, etag, 'access-control-allow-origin': '*',
    };
    const bound = { method: request.method, url: request.url, headers: request.headers };
    // The authority the signatures will cover, read as a server reads a received request (one valid Host).
    let authority: string | undefined;
    try {
      authority = messageView(bound, {}, 'verify').request?.authority;
    } catch (error) {
      if (!(error instanceof MalformedRequestError || error instanceof TypeError)) throw error;
    }
    if (authority === undefined) return { status: 400, headers: {}, body: undefined };
    if (!served(authority)) return { status: 421, headers: {}, body: undefined };
    if (matchesEtag(request.headers, etag)) return { status: 304, headers: base, body: undefined };
    const created = Math.floor(nowMilliseconds(now) / 1000);
    // The signatures cover the authority and the body only: made once per authority and second, so that a flood of
    // unauthenticated requests does not cost one private-key signature per key and request.
    if (created !== signedSecond) {
      signedSecond = created;
      signedFor.clear();
    }
    const key = authority;
    let signing = signedFor.get(key);
    if (signing === undefined) {
      const pending = signResponse(bound, created);
      signing = pending;
      if (signedFor.size < MAX_SIGNED_AUTHORITIES) {
        signedFor.set(key, pending);
        // A failed signing is not kept: the next request tries again.
        pending.then(undefined, () => { if (signedFor.get(key) === pending) signedFor.delete(key); });
      }
    }
    return { status: 200, headers: { ...(await signing) }, body: method === 'HEAD' ? undefined : body };
  }

  /** The response headers with one signature per key, bound to the authority of `bound`. */
  async function signResponse(bound: DirectoryRequest, created: number): Promise<Record<string, string>> {
    let headers: Record<string, string> = {
      'content-type': DIRECTORY_MEDIA_TYPE, 'cache-control': cacheControl, etag, 'access-control-allow-origin': '*', 'content-digest': contentDigest,
    };
    for (const [index, signer] of signers.entries()) {
      const signed = await signRfc9421({ status: 200, headers, request: bound }, {
        key: signer.key, algorithm: signer.algorithm, keyId: signer.keyId, label: `binding${index}`,
        components: [...DIRECTORY_COMPONENTS, 'content-digest'], created, expires: created + expiresIn, tag: DIRECTORY_TAG,
        minRsaBits,
      });
      headers = { ...headers, ...signed.headers };
    }
    return headers;
  }

  return { document, body, etag, respond };
}

/** Most authorities whose signed headers are kept for the current second (a predicate may accept many). */
const MAX_SIGNED_AUTHORITIES = 64;

/** The published form of a key: type and curve, `kid`, the public members, `use`. */
function directoryKey(jwk: PublicJwk, kid: string): DirectoryKey {
  if (jwk.kty === 'OKP') return { kty: 'OKP', crv: jwk.crv, kid, x: jwk.x, use: 'sig' } as DirectoryKey;
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv, kid, x: jwk.x, y: jwk.y, use: 'sig' } as DirectoryKey;
  return { kty: 'RSA', kid, n: jwk.n, e: jwk.e, use: 'sig' } as DirectoryKey;
}

/** The `authorities` option as a predicate on a normalised authority (host names compared case-insensitively). */
function servedAuthority(authorities: KeyDirectoryOptions['authorities']): (authority: string) => boolean {
  if (typeof authorities === 'function') return authorities;
  if (!Array.isArray(authorities) || authorities.length === 0 || authorities.some((a) => typeof a !== 'string' || a === '')) {
    throw new TypeError('authorities must name the host[:port] the directory is served under');
  }
  const allowed = new Set(authorities.map((a) => a.toLowerCase()));
  return (authority) => allowed.has(authority.toLowerCase());
}

/** Whether `If-None-Match` names the current entity tag (weak comparison, RFC 9110 §13.1.2), or is `*`. */
function matchesEtag(headers: DirectoryRequest['headers'], etag: string): boolean {
  const values = normalizeHeaders(headers).filter(([name]) => name === 'if-none-match').map(([, value]) => value);
  return values.some((value) => value.trim() === '*' || value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));
}

function seconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer (seconds)`);
  return value;
}

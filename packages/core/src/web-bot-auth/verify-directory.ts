/**
 * Verifying the signatures of a key directory response (draft-meunier-http-message-signatures-directory): each key
 * is trusted only when the response carries a signature by that key.
 * @packageDocumentation
 */
import { DigestMissingError, MissingSignatureError, isHttpSignatureError } from '../errors.js';
import { messageView } from '../rfc9421/message.js';
import { DEFAULT_MAX_COMPONENTS, DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNATURES, parseSignatureFields, readSignature } from '../rfc9421/dictionaries.js';
import { verifyRfc9421 } from '../rfc9421/verify.js';
import type { Rfc9421Response, Rfc9421VerificationKey } from '../rfc9421/types.js';
import type { PublicJwk } from '../jwk-thumbprint.js';
import type { BodyInput, HeadersInit } from '../types.js';
import { botKeyOf, type BotKey } from './key.js';
import { DIRECTORY_COMPONENTS, DIRECTORY_PATH, DIRECTORY_TAG } from './constants.js';

/** Options of {@link verifyKeyDirectory}. */
export interface VerifyKeyDirectoryOptions {
  /** The current time (Unix milliseconds or a `Date`); default `Date.now()`. */
  now?: Date | number | undefined;
  /** Allowed clock difference for `created` and `expires`, seconds. Default 300. */
  clockSkew?: number | undefined;
}

/** The keys of a directory whose own signatures verified. */
export interface VerifyKeyDirectoryResult {
  /** The trusted keys by RFC 7638 thumbprint: each signed the response. Public members only. */
  keys: Map<string, PublicJwk>;
  /** The last Unix second every trusted key's signature is acceptable: do not trust the directory past it. */
  validUntil: number;
}

/**
 * Verifies a key directory response and returns the keys it vouches for. The draft asks the directory to carry one
 * signature per key, `tag="http-message-signatures-directory"`, covering `"@authority";req` (the origin it was
 * fetched from, so that a copy served elsewhere does not verify), with `created`, `expires` and `keyid` = the key's
 * thumbprint. A key is trusted only when a signature by it verifies; the others (unsigned, or of a type Web Bot
 * Auth does not use) are dropped. When no key is trusted the whole directory is refused.
 *
 * @param response - the response as received: `status`, `headers`, `keys`, the `keys` array of its JWK set
 *   (parsed and bounded by the caller), and `body`, the bytes `keys` was parsed from: a signature covering
 *   `Content-Digest` (as {@link createKeyDirectory}'s do) vouches for its keys only when the body matches it.
 * @param origin - the origin the directory was fetched from (`https://agent.example`): the bound request is a
 *   `GET` of its `/.well-known/http-message-signatures-directory`.
 * @param options - clock.
 * @returns the trusted keys and until when.
 * @throws {@link core/src!MissingSignatureError} `ERR_SIGNATURE_MISSING` — no signature fields, or no signature by a
 *   key of the directory.
 * @throws the first failure of a signature by a key of the directory (`ERR_SIGNATURE_MISMATCH`, `ERR_DIGEST_MISMATCH`
 *   for a body other than the covered `Content-Digest`, `ERR_DIGEST_MISSING` for such a signature without `body`,
 *   `ERR_SIGNATURE_EXPIRED`, `ERR_HEADER_NOT_SIGNED` for a missing tag, component or parameter…) when none verifies.
 * @example
 * ```ts
 * const response = await fetch('https://crawler.example/.well-known/http-message-signatures-directory');   // behind your SSRF guard
 * const body = new Uint8Array(await response.arrayBuffer());
 * const { keys: jwks } = JSON.parse(new TextDecoder().decode(body)) as { keys: unknown[] };
 * const { keys } = await verifyKeyDirectory({ status: response.status, headers: response.headers, keys: jwks, body }, 'https://crawler.example');
 * ```
 */
export async function verifyKeyDirectory(
  response: { status: number; headers: HeadersInit; keys: readonly unknown[]; body?: BodyInput | undefined },
  origin: string,
  options: VerifyKeyDirectoryOptions = {},
): Promise<VerifyKeyDirectoryResult> {
  const candidates = new Map<string, BotKey>();
  for (const jwk of response.keys) {
    try {
      const key = botKeyOf(jwk);
      candidates.set(key.thumbprint, key);
    } catch (error) {
      if (!isHttpSignatureError(error)) throw error;
      // A key this verifier cannot use is not trusted; it does not spoil the others.
    }
  }
  const message: Rfc9421Response = {
    status: response.status, headers: response.headers,
    request: { method: 'GET', url: `${new URL(origin).origin}${DIRECTORY_PATH}` },
  };
  const view = messageView(message, {}, 'verify');
  const limits = { maxHeaderLength: DEFAULT_MAX_HEADER_LENGTH, maxSignatures: DEFAULT_MAX_SIGNATURES, maxComponents: DEFAULT_MAX_COMPONENTS };
  const fields = parseSignatureFields(view.fields.get('signature-input'), view.fields.get('signature'), limits);
  const keys = new Map<string, PublicJwk>();
  let validUntil = Number.POSITIVE_INFINITY;
  let first: unknown;
  for (const label of fields.inputs.keys()) {
    let key: BotKey | undefined;
    let coversDigest = false;
    try {
      const signature = readSignature(fields, label, limits);
      key = signature.parameters.keyid === undefined ? undefined : candidates.get(signature.parameters.keyid);
      coversDigest = signature.components.some((c) => c.name === 'content-digest');
    } catch (error) {
      first ??= error;
      continue;
    }
    if (key === undefined || keys.has(key.thumbprint)) continue; // not a key of this directory: it vouches for nothing
    const entry: Rfc9421VerificationKey = { key: key.jwk as unknown as Rfc9421VerificationKey['key'], algorithms: [key.algorithm] };
    try {
      // A signature covering Content-Digest vouches for the body it was made over: the keys read are checked to be
      // those bytes (core checks the digest of a covered Content-Digest once the signature verified). Without the
      // body such a signature cannot be checked, and trusts nothing.
      if (coversDigest && response.body === undefined) {
        throw new DigestMissingError('The directory signature covers Content-Digest, but the body was not given to check it', { keyId: key.thumbprint });
      }
      const result = await verifyRfc9421(message, {
        ...(coversDigest ? { body: response.body } : {}),
        label, keyLookup: (keyId) => (keyId === key.thumbprint ? entry : null),
        requiredComponents: DIRECTORY_COMPONENTS, requiredParameters: ['created', 'expires', 'keyid'], tag: DIRECTORY_TAG,
        now: options.now, clockSkew: options.clockSkew,
      });
      keys.set(key.thumbprint, key.jwk);
      validUntil = Math.min(validUntil, result.validUntil);
    } catch (error) {
      if (!isHttpSignatureError(error)) throw error;
      first ??= error;
    }
  }
  if (keys.size === 0) throw first ?? new MissingSignatureError('The directory carries no signature by one of its keys');
  return { keys, validUntil };
}

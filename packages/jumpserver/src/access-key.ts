/**
 * JumpServer access keys: HTTP Signatures (draft-cavage) signed the way JumpServer verifies them.
 *
 * @packageDocumentation
 */
import type { CavageSigningOptions } from '@httpsig/core';

/** The HMAC algorithms JumpServer verifies (its secret is a string, so `rsa-*` cannot work). */
export type JumpServerAlgorithm = 'hmac-sha256' | 'hmac-sha1' | 'hmac-sha512';

/** Options of {@link accessKey}. */
export interface AccessKeyOptions {
  /** The access key id (a UUID). */
  keyId: string;
  /** The access key secret, as shown once by JumpServer. */
  secret: string;
  /** The organisation id sent (and signed) as `X-JMS-ORG`. */
  org?: string | undefined;
  /** Default `'hmac-sha256'`. */
  algorithm?: JumpServerAlgorithm | undefined;
}

/**
 * Signing options (draft-cavage) for a JumpServer access key, usable by every adapter of this project, plus
 * the headers each request must carry because they are signed.
 */
export interface JumpServerSigningOptions extends CavageSigningOptions {
  readonly keyId: string;
  readonly key: string;
  readonly algorithm: JumpServerAlgorithm;
  /** `(request-target) accept date`, plus `x-jms-org` when an organisation is set. */
  readonly headers: readonly string[];
  /** Always `'authorization'`: JumpServer reads only `Authorization: Signature …`. */
  readonly scheme: 'authorization';
  /**
   * Headers to put on every request: `accept: application/json` and `x-jms-org` when an organisation is
   * set. They are in the signed list, so a request without them cannot be signed.
   */
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The organisation, when set. */
  readonly org: string | undefined;
}

/** The Default organisation of every JumpServer. */
export const DEFAULT_ORG = '00000000-0000-0000-0000-000000000002';
/** The root (global) organisation: every organisation's objects, for superusers. */
export const ROOT_ORG = '00000000-0000-0000-0000-000000000000';
/** The System organisation. */
export const SYSTEM_ORG = '00000000-0000-0000-0000-000000000004';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALGORITHMS: readonly string[] = ['hmac-sha256', 'hmac-sha1', 'hmac-sha512'];

/**
 * Check an organisation id: JumpServer organisations are UUIDs.
 *
 * @param org - the value given.
 * @returns the id.
 * @throws TypeError when it is not a UUID.
 */
export function checkOrg(org: string): string {
  if (typeof org !== 'string' || !UUID.test(org)) throw new TypeError('The organisation must be a UUID (X-JMS-ORG)');
  return org;
}

/**
 * Signing options for a JumpServer access key. They sign `(request-target) accept date` (and
 * `x-jms-org` when `org` is set) with HMAC, never `content-type`/`content-length` (JumpServer answers 500
 * when those are signed) nor `host` (its nginx drops the port).
 *
 * @param options - key id, secret, optional organisation and algorithm.
 * @returns signing options, with `requestHeaders` to put on each request.
 * @throws TypeError when the key id or secret is empty or malformed, or the organisation is not a UUID.
 * @example
 * ```ts
 * const auth = accessKey({ keyId: process.env.JMS_KEY_ID!, secret: process.env.JMS_SECRET!, org: DEFAULT_ORG });
 * const fetchJms = signedFetch(auth);
 * await fetchJms('https://jms.example.com/api/v1/users/users/', { headers: auth.requestHeaders });
 * ```
 */
export function accessKey(options: AccessKeyOptions): JumpServerSigningOptions {
  const { keyId, secret } = options;
  if (typeof keyId !== 'string' || keyId.length === 0 || /["\\,\s]/.test(keyId)) {
    throw new TypeError('The access key id must be a non-empty string without quotes, commas or spaces');
  }
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('The access key secret must be a non-empty string');
  const algorithm = options.algorithm ?? 'hmac-sha256';
  if (!ALGORITHMS.includes(algorithm)) throw new TypeError('JumpServer access keys sign with hmac-sha256, hmac-sha1 or hmac-sha512');
  const org = options.org === undefined ? undefined : checkOrg(options.org);
  const headers = ['(request-target)', 'accept', 'date', ...(org === undefined ? [] : ['x-jms-org'])];
  const requestHeaders: Record<string, string> = { accept: 'application/json' };
  if (org !== undefined) requestHeaders['x-jms-org'] = org;
  return Object.freeze({
    keyId,
    key: secret,
    algorithm,
    headers: Object.freeze(headers),
    scheme: 'authorization',
    requestHeaders: Object.freeze(requestHeaders),
    org,
  });
}

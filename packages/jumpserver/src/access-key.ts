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
  /** The organisation sent (and signed) as `X-JMS-ORG`: an id, a name, or `default`/`root`/`system`. */
  org?: string | undefined;
  /** Default `'hmac-sha256'`. */
  algorithm?: JumpServerAlgorithm | undefined;
  /**
   * The signed headers (`x-jms-org` is added when `org` is set). Default {@link CLASSIC_SIGNED_HEADERS}, the
   * profile of JumpServer's REST API docs; {@link PAM_SIGNED_HEADERS} is the profile of JumpServer's own
   * pam-clients SDKs, with a SHA-256 `digest` of the body and a per-request `x-jms-request-id` (a UUID) that
   * {@link JumpServerClient} fills in. Must contain `(request-target)` and `date`; never `content-type` or
   * `content-length` (JumpServer answers 500) nor `host`.
   */
  signedHeaders?: readonly string[] | undefined;
}

/** `(request-target) accept date`: the headers JumpServer's API documentation signs. */
export const CLASSIC_SIGNED_HEADERS: readonly string[] = Object.freeze(['(request-target)', 'accept', 'date']);
/**
 * `(request-target) accept date digest x-jms-request-id`: the profile of JumpServer's pam-clients SDKs (v1.0),
 * which sign a body digest and a per-request nonce. JumpServer's public server checks only the signature over
 * them (it neither recomputes the digest nor remembers request ids).
 */
export const PAM_SIGNED_HEADERS: readonly string[] = Object.freeze(['(request-target)', 'accept', 'date', 'digest', 'x-jms-request-id']);

/**
 * Signing options (draft-cavage) for a JumpServer access key, usable by every adapter of this project, plus
 * the headers each request must carry because they are signed.
 */
export interface JumpServerSigningOptions extends CavageSigningOptions {
  readonly keyId: string;
  readonly key: string;
  readonly algorithm: JumpServerAlgorithm;
  /** The signed headers: the profile's, plus `x-jms-org` when an organisation is set. */
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

const ALGORITHMS: readonly string[] = ['hmac-sha256', 'hmac-sha1', 'hmac-sha512'];
const FORBIDDEN_SIGNED = ['content-type', 'content-length', 'host', 'authorization'];

/**
 * Check an organisation as JumpServer takes it (`X-JMS-ORG` or `?oid=`): an org id (UUID), an org name, or
 * the aliases `default`, `root` and `system` (any case). The value must fit in an HTTP header: printable
 * ASCII, 1 to 128 characters, no leading or trailing space (for an org whose name is not ASCII, use its id).
 *
 * @param org - the value given.
 * @returns the value.
 * @throws TypeError when it cannot be sent as a header.
 */
export function checkOrg(org: string): string {
  if (typeof org !== 'string' || !/^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/.test(org)) {
    throw new TypeError('The organisation must be an org id, an org name in printable ASCII, or default/root/system (X-JMS-ORG)');
  }
  return org;
}

/**
 * Signing options for a JumpServer access key. By default they sign `(request-target) accept date` (and
 * `x-jms-org` when `org` is set) with HMAC, never `content-type`/`content-length` (JumpServer answers 500
 * when those are signed) nor `host` (its nginx drops the port).
 *
 * @param options - key id, secret, optional organisation and algorithm.
 * @returns signing options, with `requestHeaders` to put on each request.
 * @throws TypeError when the key id or secret is empty or malformed, the organisation cannot be sent, or the
 *   signed headers lack `(request-target)`/`date` or name a header JumpServer cannot verify.
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
  const profile = (options.signedHeaders ?? CLASSIC_SIGNED_HEADERS).map((h) => {
    if (typeof h !== 'string' || !/^(\(request-target\)|[a-z0-9!#$%&'*+.^_`|~-]+)$/i.test(h)) throw new TypeError('signedHeaders must be header names');
    return h.toLowerCase();
  });
  if (!profile.includes('(request-target)') || !profile.includes('date')) {
    throw new TypeError('JumpServer requires (request-target) and date among the signed headers');
  }
  const bad = profile.find((h) => FORBIDDEN_SIGNED.includes(h));
  if (bad !== undefined) throw new TypeError(`Do not sign ${bad} for JumpServer (content-type/content-length give a 500; host loses its port behind nginx)`);
  const headers = [...new Set([...profile, ...(org === undefined ? [] : ['x-jms-org'])])];
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

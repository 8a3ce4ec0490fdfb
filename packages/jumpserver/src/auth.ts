/**
 * The ways a {@link JumpServerClient} can authenticate: an access key, a bearer token, or a private token.
 *
 * @packageDocumentation
 */
import type { CavageSigningOptions } from '@httpsig/core';
import type { OtpInput } from './login.js';

/** A bearer token from {@link login}, and optionally the credentials to log in again before it expires. */
export interface BearerAuth {
  readonly type: 'bearer';
  /** A token already obtained; when absent, the client logs in on first use. */
  readonly token?: string | undefined;
  /** When `token` expires; unknown means "until the server says 401". */
  readonly expiresAt?: Date | undefined;
  /** Credentials for (re-)login: before expiry, and once after a 401. */
  readonly credentials?: { readonly username: string; readonly password: string; readonly otp?: OtpInput | undefined } | undefined;
  /** Log in again this many seconds before expiry; default 60. */
  readonly refreshBefore?: number | undefined;
}

/** A permanent private token (`Authorization: Token <key>`), created from the JumpServer shell. */
export interface PrivateTokenAuth {
  readonly type: 'private-token';
  /** The private token. It is NOT an access key id. */
  readonly token: string;
}

/**
 * How a client authenticates: draft-cavage signing options (from {@link accessKey}, or hand-made core
 * options; JumpServer does not speak RFC 9421), a bearer token, or a private token.
 */
export type JumpServerAuth = CavageSigningOptions | BearerAuth | PrivateTokenAuth;

/**
 * Bearer authentication from a token, from credentials, or both.
 *
 * @param options - `token` (+ `expiresAt`) and/or `credentials` (+ `otp`), `refreshBefore`.
 * @returns the auth value for {@link JumpServerClient}.
 * @throws TypeError when neither a token nor credentials are given.
 * @example
 * ```ts
 * const client = new JumpServerClient({ baseUrl, auth: bearer({ credentials: { username, password, otp: { secret } } }) });
 * ```
 */
export function bearer(options: Omit<BearerAuth, 'type'>): BearerAuth {
  const hasToken = typeof options.token === 'string' && options.token !== '';
  if (!hasToken && options.credentials === undefined) throw new TypeError('bearer() needs a token or credentials');
  if (options.refreshBefore !== undefined && !(options.refreshBefore >= 0)) throw new RangeError('refreshBefore must be >= 0');
  return { ...options, type: 'bearer' };
}

/**
 * Private-token authentication.
 *
 * @param token - the private token.
 * @returns the auth value for {@link JumpServerClient}.
 * @throws TypeError when the token is empty or contains whitespace.
 * @example
 * ```ts
 * const client = new JumpServerClient({ baseUrl, auth: privateToken(process.env.JMS_PRIVATE_TOKEN!) });
 * ```
 */
export function privateToken(token: string): PrivateTokenAuth {
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) throw new TypeError('The private token must be a non-empty string without spaces');
  return { type: 'private-token', token };
}

/**
 * Whether an auth value is signing options (access key).
 *
 * @param auth - the auth value.
 * @returns true for signing options.
 */
export function isSigningAuth(auth: JumpServerAuth): auth is CavageSigningOptions {
  return typeof (auth as { keyId?: unknown }).keyId === 'string' && !('type' in auth && typeof auth.type === 'string');
}

/**
 * The exit codes of `httpsig`, stable for scripts.
 *
 * @packageDocumentation
 */

/** Exit codes of the `httpsig` command. */
export const EXIT_CODES: {
  /** Success (for `verify`: the signature is valid). */
  readonly OK: 0;
  /** The server answered an HTTP error (status >= 400), or an unexpected failure. */
  readonly HTTP_ERROR: 1;
  /** Bad usage: unknown option, missing argument, no secret or key available, unreadable file. */
  readonly USAGE: 2;
  /** `verify`: the signature does not verify. */
  readonly VERIFY_FAILED: 3;
  /** JumpServer refused the credentials, the organisation, the login or the MFA code (401, 403, login errors). */
  readonly AUTH_FAILED: 4;
  /** The server could not be reached. */
  readonly NETWORK: 5;
  /** `verify --remote-key`: the key of the keyId could not be fetched (`ERR_KEY_FETCH_*`): no verdict on the signature. */
  readonly KEY_UNAVAILABLE: 6;
} = Object.freeze({ OK: 0, HTTP_ERROR: 1, USAGE: 2, VERIFY_FAILED: 3, AUTH_FAILED: 4, NETWORK: 5, KEY_UNAVAILABLE: 6 });

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A usage error: printed with the command's help hint, exit code {@link EXIT_CODES.USAGE}. */
export class UsageError extends Error {
  /** Always `'ERR_CLI_USAGE'`. */
  readonly code = 'ERR_CLI_USAGE' as const;
  override name = 'UsageError';
}

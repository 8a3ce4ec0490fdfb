/**
 * Typed errors of the JumpServer client. Every failure carries a stable {@link JumpServerErrorCode} and a
 * `hint` that says what usually causes it and how to fix it. Messages never contain a secret, a token
 * or a signature.
 *
 * @packageDocumentation
 */

/** Every stable error code of `@httpsig/jumpserver`. */
export type JumpServerErrorCode =
  | 'ERR_JMS_AUTHENTICATION'
  | 'ERR_JMS_PERMISSION'
  | 'ERR_JMS_SERVER'
  | 'ERR_JMS_HTTP'
  | 'ERR_JMS_LOGIN_FAILED'
  | 'ERR_JMS_MFA_REQUIRED'
  | 'ERR_JMS_MFA_FAILED'
  | 'ERR_JMS_MFA_UNSET'
  | 'ERR_JMS_PASSWORD_EXPIRED'
  | 'ERR_JMS_LOGIN_CONFIRM_WAIT'
  | 'ERR_JMS_LOGIN_CONFIRM_REJECTED'
  | 'ERR_JMS_LOGIN_CONFIRM_TIMEOUT'
  | 'ERR_JMS_RATE_LIMITED'
  | 'ERR_JMS_IP_NOT_ALLOWED'
  | 'ERR_JMS_ORG_MISMATCH'
  | 'ERR_JMS_RESPONSE'
  | 'ERR_JMS_NETWORK';

/** The codes of {@link JumpServerLoginError}. */
export type JumpServerLoginErrorCode =
  | 'ERR_JMS_LOGIN_FAILED'
  | 'ERR_JMS_MFA_REQUIRED'
  | 'ERR_JMS_MFA_FAILED'
  | 'ERR_JMS_MFA_UNSET'
  | 'ERR_JMS_PASSWORD_EXPIRED'
  | 'ERR_JMS_LOGIN_CONFIRM_WAIT'
  | 'ERR_JMS_LOGIN_CONFIRM_REJECTED'
  | 'ERR_JMS_LOGIN_CONFIRM_TIMEOUT';

/** What a {@link JumpServerError} knows about the failed exchange. */
export interface JumpServerErrorDetails {
  /** The HTTP status, when a response arrived. */
  status?: number | undefined;
  /** The method of the failed request. */
  method?: string | undefined;
  /** The request target (path and query) of the failed request. */
  path?: string | undefined;
  /** The server's own message (`detail`, `msg` or `error`), when it sent one. */
  detail?: string | undefined;
  /** The signing string, when the request was signed (it holds no secret). */
  signingString?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Base class of every error of the JumpServer client.
 *
 * @example
 * ```ts
 * try { await client.get('/api/v1/assets/assets/') } catch (err) {
 *   if (err instanceof JumpServerError) console.error(err.code, err.hint)
 * }
 * ```
 */
export class JumpServerError extends Error {
  /** The stable machine-readable code. */
  readonly code: JumpServerErrorCode;
  /** What usually causes this failure and how to fix it. */
  readonly hint: string;
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** The method of the failed request. */
  readonly method: string | undefined;
  /** The request target of the failed request. */
  readonly path: string | undefined;
  /** The server's own message, when it sent one. */
  readonly detail: string | undefined;
  /** The signing string of a signed request (no secret in it), to compare with what the server saw. */
  readonly signingString: string | undefined;
  override name = 'JumpServerError';

  /**
   * @param code - the stable code.
   * @param message - a fixed description (never a secret).
   * @param hint - the likely cause and fix.
   * @param details - status, request and server detail.
   */
  constructor(code: JumpServerErrorCode, message: string, hint: string, details: JumpServerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = hint;
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.detail = details.detail;
    this.signingString = details.signingString;
  }
}

/** 401: the server refused the credentials (signature, bearer token or private token). */
export class JumpServerAuthenticationError extends JumpServerError {
  override name = 'JumpServerAuthenticationError';
  /** @param hint - the likely cause. @param details - status, request, server detail. */
  constructor(hint: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_AUTHENTICATION', 'JumpServer refused the credentials (401)', hint, details);
  }
}

/** 403: authenticated, but not allowed here (most often the organisation, `X-JMS-ORG`). */
export class JumpServerPermissionError extends JumpServerError {
  override name = 'JumpServerPermissionError';
  /** @param hint - the likely cause. @param details - status, request, server detail. */
  constructor(hint: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_PERMISSION', 'JumpServer denied the request (403)', hint, details);
  }
}

/** 5xx: the server failed (JumpServer answers 500 when `content-type`/`content-length` is signed). */
export class JumpServerServerError extends JumpServerError {
  override name = 'JumpServerServerError';
  /** @param hint - the likely cause. @param details - status, request, server detail. */
  constructor(hint: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_SERVER', `JumpServer failed (${String(details.status ?? 500)})`, hint, details);
  }
}

/** Any other unsuccessful HTTP status (400, 404, 405, 429, a redirect). */
export class JumpServerHttpError extends JumpServerError {
  override name = 'JumpServerHttpError';
  /** @param hint - the likely cause. @param details - status, request, server detail. */
  constructor(hint: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_HTTP', `JumpServer answered HTTP ${String(details.status ?? 0)}`, hint, details);
  }
}

/**
 * Login failed: wrong credentials, MFA needed but no code, wrong code, MFA not set up, a password that must be
 * changed first, or a login-review ticket not (yet) approved.
 */
export class JumpServerLoginError extends JumpServerError {
  override name = 'JumpServerLoginError';
  /**
   * @param code - one of {@link JumpServerLoginErrorCode}.
   * @param message - a fixed description.
   * @param hint - the likely cause.
   * @param details - status and server detail.
   */
  constructor(code: JumpServerLoginErrorCode, message: string, hint: string, details: JumpServerErrorDetails = {}) {
    super(code, message, hint, details);
  }
}

/**
 * A login-review ACL holds the login until an approver accepts its ticket: `ERR_JMS_LOGIN_CONFIRM_WAIT` (not
 * waiting, see `waitForConfirm`), `ERR_JMS_LOGIN_CONFIRM_TIMEOUT` (waited, still open) or
 * `ERR_JMS_LOGIN_CONFIRM_REJECTED` (rejected or closed).
 */
export class JumpServerLoginConfirmError extends JumpServerLoginError {
  override name = 'JumpServerLoginConfirmError';
  /** The id of the login-confirm ticket, to give to the approver (empty when the server did not name one). */
  readonly ticketId: string;
  /**
   * @param code - the wait, timeout or rejected code.
   * @param message - a fixed description.
   * @param hint - what to do.
   * @param ticketId - the ticket id.
   * @param details - status and server detail.
   */
  constructor(
    code: 'ERR_JMS_LOGIN_CONFIRM_WAIT' | 'ERR_JMS_LOGIN_CONFIRM_REJECTED' | 'ERR_JMS_LOGIN_CONFIRM_TIMEOUT',
    message: string,
    hint: string,
    ticketId: string,
    details: JumpServerErrorDetails = {},
  ) {
    super(code, message, hint, details);
    this.ticketId = ticketId;
  }
}

/** 429: JumpServer's rate limit (DRF throttling), after the bounded waits on `Retry-After` were used up. */
export class JumpServerRateLimitError extends JumpServerError {
  override name = 'JumpServerRateLimitError';
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfter: number | undefined;
  /**
   * @param retryAfter - the server's `Retry-After` in seconds, if any.
   * @param details - status, request, server detail.
   */
  constructor(retryAfter: number | undefined, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_RATE_LIMITED', 'JumpServer is rate limiting this client (429)',
      (retryAfter === undefined ? 'Slow down' : `The server asks to wait ${String(retryAfter)} s`) +
        ' (its limits are THROTTLE_RATES_USER / THROTTLE_RATES_ANON in config.txt; the client retried within maxRetryAfter).',
      details);
    this.retryAfter = retryAfter;
  }
}

/** 401 `Ip is not in access ip list.`: the access key has an IP allow-list (v3.9+) that this address is not in. */
export class JumpServerIpNotAllowedError extends JumpServerError {
  override name = 'JumpServerIpNotAllowedError';
  /** @param details - status, request, server detail. */
  constructor(details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_IP_NOT_ALLOWED', 'JumpServer refused the access key from this address (401)',
      'The access key has an IP allow-list and this client\'s address (as JumpServer sees it: the first ' +
        'X-Forwarded-For entry, else the peer) is not in it. Add the address or network to the key\'s "Access IP" ' +
        'list in the web UI (API keys), or run from an allowed host.',
      details);
  }
}

/** The request ran in another organisation than the one asked for (JumpServer falls back to Default silently). */
export class JumpServerOrgMismatchError extends JumpServerError {
  override name = 'JumpServerOrgMismatchError';
  /** The organisation asked for. */
  readonly requested: string;
  /** The organisation the server used (`id`). */
  readonly actual: string;
  /**
   * @param requested - the organisation asked for.
   * @param actual - the organisation the server reports.
   * @param details - request details.
   */
  constructor(requested: string, actual: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_ORG_MISMATCH', 'JumpServer used another organisation than the one asked for',
      'JumpServer runs a request whose org (X-JMS-ORG or ?oid=) is unknown in the Default organisation without an ' +
        'error. Check the org id or name (names are exact and case-sensitive; the aliases default, root and system are not).',
      details);
    this.requested = requested;
    this.actual = actual;
  }
}

/** The server answered something this client does not understand (not JumpServer, or a proxy page). */
export class JumpServerResponseError extends JumpServerError {
  override name = 'JumpServerResponseError';
  /** @param hint - the likely cause. @param details - status, request. */
  constructor(hint: string, details: JumpServerErrorDetails = {}) {
    super('ERR_JMS_RESPONSE', 'Unexpected answer from JumpServer', hint, details);
  }
}

/** The request could not be sent or no answer arrived (connection refused, DNS, TLS, reset). */
export class JumpServerNetworkError extends JumpServerError {
  override name = 'JumpServerNetworkError';
  /** @param details - the request and the cause. */
  constructor(details: JumpServerErrorDetails & { url?: string | undefined } = {}) {
    super('ERR_JMS_NETWORK', `Cannot reach JumpServer${details.url === undefined ? '' : ` at ${details.url}`}${causeText(details.cause)}`,
      'Check the base URL (scheme, host, port) and that the server is reachable from here.', details);
  }
}

/** ": ECONNREFUSED" and the like, from a fetch failure's cause chain (codes and messages hold no secret). */
function causeText(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return ` (${code})`;
    current = current.cause;
  }
  if (cause instanceof Error && cause.message !== '' && cause.message !== 'fetch failed') return ` (${cause.message.slice(0, 120)})`;
  return '';
}

/**
 * Whether a value is a {@link JumpServerError} (also across two loaded copies of this package).
 *
 * @param value - anything caught.
 * @returns true when it is a JumpServer client error.
 */
export function isJumpServerError(value: unknown): value is JumpServerError {
  return value instanceof JumpServerError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === 'string' &&
      (value as unknown as { code: string }).code.startsWith('ERR_JMS_') && 'hint' in value);
}

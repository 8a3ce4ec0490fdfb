/**
 * Username + password (+ MFA) login to JumpServer, giving a bearer token.
 *
 * @packageDocumentation
 */
import {
  JumpServerHttpError,
  JumpServerLoginConfirmError,
  JumpServerLoginError,
  JumpServerResponseError,
  JumpServerServerError,
} from './errors.js';
import { CookieJar } from './lib/cookies.js';
import { delay, normalizeBaseUrl, send, serverDetail, type FetchLike, type ReadResponse } from './lib/http.js';
import { totp, type TotpSecret } from './totp.js';

/**
 * The second factor: a code, a TOTP secret to compute the code from, or a function asked for the code only
 * when the server requires MFA (e.g. a prompt).
 */
export type OtpInput = string | TotpSecret | (() => string | Promise<string>);

/** Options of {@link login}. */
export interface LoginOptions {
  /** The JumpServer base URL, e.g. `https://jms.example.com`. */
  baseUrl: string;
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
  /**
   * The second factor, used only when the server asks for it. For an SMS or e-mail code (sent by the server
   * after `mfa/select/`) it must be a code or a function that asks for it; a TOTP secret answers only `otp`.
   */
  otp?: OtpInput | undefined;
  /**
   * The MFA type to answer when the server offers several (`otp`, `sms`, `email`, `radius`); default `otp` when
   * offered, else the first offered type this client can answer.
   */
  mfaType?: string | undefined;
  /** The v2 login path: `'auth'` (default) or `'tokens'` (the same view under its older name). */
  loginPath?: 'auth' | 'tokens' | undefined;
  /**
   * A login-review ACL answers `login_confirm_wait` until an approver accepts the ticket. Default `false`: throw
   * `ERR_JMS_LOGIN_CONFIRM_WAIT` (with the ticket id) at once. `true` or `{ timeout, interval }` (seconds; default
   * 300 and 3): poll `login-confirm-ticket/status/` with the session cookie until approved (then log in),
   * rejected (`ERR_JMS_LOGIN_CONFIRM_REJECTED`) or timed out (`ERR_JMS_LOGIN_CONFIRM_TIMEOUT`).
   */
  waitForConfirm?: boolean | { timeout?: number | undefined; interval?: number | undefined } | undefined;
  /** Called once when the login waits for approval, with the ticket id (e.g. to tell the user whom to ask). */
  onConfirmWait?: ((ticketId: string) => void) | undefined;
  /** Which login API: `'v2'` (JumpServer 2.0+), `'v1'`, or `'auto'` (default: v2, then v1 when v2 is absent). */
  apiVersion?: 'auto' | 'v2' | 'v1' | undefined;
  /** The fetch to use; default the global one. */
  fetch?: FetchLike | undefined;
  /** Aborts the login. */
  signal?: AbortSignal | undefined;
}

/** A JumpServer user as the login answer describes it (fields vary between versions). */
export interface JumpServerUser {
  /** The user id (a UUID). */
  id?: string;
  /** The login name. */
  username?: string;
  /** The display name. */
  name?: string;
  /** Any other field the server sent (email, roles, …). */
  [field: string]: unknown;
}

/** What {@link login} returns. */
export interface LoginResult {
  /** The token; send it as `Authorization: <keyword> <token>`. */
  token: string;
  /** The Authorization keyword, `'Bearer'`. */
  keyword: string;
  /** When the token expires (from `date_expired`; v1 gives none, 1 hour is assumed). */
  expiresAt: Date;
  /** The logged-in user, as the server described it. */
  user: JumpServerUser;
}

const V2_CHALLENGE = '/api/v1/authentication/mfa/challenge/';
const V2_SELECT = '/api/v1/authentication/mfa/select/';
const V2_TICKET = '/api/v1/authentication/login-confirm-ticket/status/';
/** MFA types answered with a code: `otp` (TOTP), `sms` and `email` (sent after mfa/select/), `radius`. */
const CODE_TYPES = ['otp', 'sms', 'email', 'radius'];
const SENT_TYPES = ['sms', 'email'];
const V1_AUTH = '/api/v1/users/auth/';
const V1_OTP = '/api/v1/users/otp/auth/';
const V1_LIFETIME_MS = 3600_000;

/**
 * Log in with a user name and password and get a bearer token, completing the steps JumpServer may ask for:
 * MFA (v2+: `mfa_required` and a session cookie, `jms_sessionid` by default; for SMS/e-mail the code is requested on
 * `mfa/select/`; the code is posted to `mfa/challenge/` with that cookie, then `auth/` again), and a
 * login-review ticket (`login_confirm_wait`, polled when `waitForConfirm` is set). JumpServer 1.x answers
 * HTTP 300 with a seed; the code is posted with the seed to `users/otp/auth/`.
 *
 * @param options - base URL, credentials, second factor, login-review waiting.
 * @returns the token, its keyword and expiry, and the user.
 * @throws JumpServerLoginError `ERR_JMS_LOGIN_FAILED` (wrong user name or password), `ERR_JMS_MFA_REQUIRED`
 *   (MFA asked but no usable `otp`), `ERR_JMS_MFA_FAILED` (wrong code), `ERR_JMS_MFA_UNSET` (MFA enforced but
 *   nothing bound), `ERR_JMS_PASSWORD_EXPIRED` (the password must be changed first);
 *   JumpServerLoginConfirmError `ERR_JMS_LOGIN_CONFIRM_WAIT` / `_TIMEOUT` / `_REJECTED`; JumpServerServerError
 *   (a 500 from the login API: on 2.24+ also an expired password); JumpServerResponseError for an answer that
 *   is not JumpServer's; JumpServerNetworkError.
 * @example
 * ```ts
 * const { token, expiresAt } = await login({
 *   baseUrl: 'https://jms.example.com', username: 'ops', password: process.env.JMS_PASSWORD!,
 *   otp: { secret: process.env.JMS_TOTP_SECRET! }, waitForConfirm: { timeout: 600 },
 * });
 * ```
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const base = normalizeBaseUrl(options.baseUrl);
  if (typeof options.username !== 'string' || options.username === '') throw new TypeError('username must be a non-empty string');
  if (typeof options.password !== 'string' || options.password === '') throw new TypeError('password must be a non-empty string');
  if (options.loginPath !== undefined && options.loginPath !== 'auth' && options.loginPath !== 'tokens') {
    throw new TypeError("loginPath must be 'auth' or 'tokens'");
  }
  const wait = waitSettings(options.waitForConfirm);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const version = options.apiVersion ?? 'auto';
  const jar = new CookieJar();
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<ReadResponse> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = jar.header();
    if (cookie !== '') headers['cookie'] = cookie;
    const response = await send(fetchImpl, `${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    jar.store(response.headers);
    return response;
  };
  const credentials = { username: options.username, password: options.password };
  if (version !== 'v1') {
    const authPath = `/api/v1/authentication/${options.loginPath ?? 'auth'}/`;
    const first = await call('POST', authPath, credentials);
    if (!(version === 'auto' && first.status === 404)) return loginV2(first, authPath, options, wait, jar, call, credentials);
  }
  const post: Post = (path, body) => call('POST', path, body);
  return loginV1(await post(V1_AUTH, credentials), options, post, credentials);
}

type Post = (path: string, body: unknown) => Promise<ReadResponse>;
type Call = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<ReadResponse>;

interface WaitSettings {
  timeoutMs: number;
  intervalMs: number;
}

function waitSettings(value: LoginOptions['waitForConfirm']): WaitSettings | undefined {
  if (value === undefined || value === false) return undefined;
  const given = value === true ? {} : value;
  const timeout = given.timeout ?? 300;
  const interval = given.interval ?? 3;
  if (!(timeout >= 0) || !(interval > 0) || !Number.isFinite(timeout) || !Number.isFinite(interval)) {
    throw new RangeError('waitForConfirm: timeout must be >= 0 and interval > 0 (seconds)');
  }
  return { timeoutMs: timeout * 1000, intervalMs: interval * 1000 };
}

function errorOf(response: ReadResponse): string {
  const body = response.json as Record<string, unknown> | undefined;
  return typeof body?.['error'] === 'string' ? body['error'] : '';
}

function dataOf(response: ReadResponse): Record<string, unknown> {
  const data = (response.json as Record<string, unknown> | undefined)?.['data'];
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

async function loginV2(
  first: ReadResponse,
  authPath: string,
  options: LoginOptions,
  wait: WaitSettings | undefined,
  jar: CookieJar,
  call: Call,
  credentials: { username: string; password: string },
): Promise<LoginResult> {
  let answer = first;
  let mfaDone = false;
  let waited = false;
  // At most: password, MFA, review, token; a server that loops is not followed for ever.
  for (let step = 0; step < 6; step++) {
    const error = answer.status < 300 ? errorOf(answer) : '';
    if (error === 'mfa_required') {
      if (mfaDone) {
        throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer still asks for MFA after the challenge',
          'The session cookie was not kept between the challenge and the second login (a proxy may strip Cookie).',
          { status: answer.status, path: authPath });
      }
      await mfaStep(answer, authPath, options, jar, call);
      mfaDone = true;
    } else if (error === 'login_confirm_wait') {
      const ticketId = String(dataOf(answer)['ticket_id'] ?? '');
      if (wait === undefined) {
        throw new JumpServerLoginConfirmError('ERR_JMS_LOGIN_CONFIRM_WAIT', 'The login waits for approval (login review)',
          `A login ACL asks an approver to accept ticket ${ticketId} first. Ask them, then log in again, or pass ` +
            'waitForConfirm (CLI: --wait-confirm) to wait for it.', ticketId, { status: answer.status, detail: serverDetail(answer.json), path: authPath });
      }
      if (waited) break;
      options.onConfirmWait?.(ticketId);
      await waitForTicket(ticketId, wait, options, call);
      waited = true;
    } else if (error === 'login_confirm_error') {
      throw confirmRejected(answer, authPath);
    } else {
      return tokenFrom(answer, authPath);
    }
    answer = await call('POST', authPath, credentials);
  }
  throw new JumpServerResponseError('JumpServer kept asking for more login steps; giving up.', { status: answer.status, path: authPath });
}

function confirmRejected(answer: ReadResponse, path: string): JumpServerLoginConfirmError {
  const ticketId = String(dataOf(answer)['ticket_id'] ?? '');
  return new JumpServerLoginConfirmError('ERR_JMS_LOGIN_CONFIRM_REJECTED', 'The login was not approved (login review)',
    'The approver rejected or closed the login ticket (or it no longer exists). Ask them and log in again.',
    ticketId, { status: answer.status, detail: serverDetail(answer.json), path });
}

async function waitForTicket(ticketId: string, wait: WaitSettings, options: LoginOptions, call: Call): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const status = await call('GET', V2_TICKET);
    const error = errorOf(status);
    if (status.status < 300 && error === '' && (status.json as { msg?: unknown } | undefined)?.msg === 'ok') return;
    if (error === 'login_confirm_error') throw confirmRejected(status, V2_TICKET);
    if (status.status >= 300 || (error !== '' && error !== 'login_confirm_wait')) {
      throw new JumpServerResponseError('Unexpected answer while waiting for the login ticket.', { status: status.status, path: V2_TICKET });
    }
    if (Date.now() + wait.intervalMs > deadline) {
      throw new JumpServerLoginConfirmError('ERR_JMS_LOGIN_CONFIRM_TIMEOUT', 'The login was not approved in time (login review)',
        `Ticket ${ticketId} is still open. Ask the approver, or wait longer (waitForConfirm.timeout).`, ticketId,
        { status: status.status, path: V2_TICKET });
    }
    await delay(wait.intervalMs, options.signal);
  }
}

async function mfaStep(answer: ReadResponse, authPath: string, options: LoginOptions, jar: CookieJar, call: Call): Promise<void> {
  const data = dataOf(answer);
  const choices = Array.isArray(data['choices']) ? data['choices'].map(String) : ['otp'];
  if (choices.length === 0) {
    throw new JumpServerLoginError('ERR_JMS_MFA_UNSET', 'MFA is required for this user but none is set up',
      'JumpServer enforces MFA for this user and no MFA method is bound (mfa_required with no choices). Log in once in ' +
        'the web UI and bind an authenticator, or ask an administrator to relax the MFA rule; use an access key for automation.',
      { status: answer.status, detail: serverDetail(answer.json), path: authPath });
  }
  const type = pickType(choices, options);
  // SESSION_COOKIE_NAME is SESSION_COOKIE_NAME_PREFIX + "sessionid": "jms_sessionid" unless the server renames it.
  if (!jar.names().some((name) => name.endsWith('sessionid'))) {
    throw new JumpServerResponseError('JumpServer asked for MFA without setting its session cookie (jms_sessionid or <prefix>sessionid); a proxy may strip Set-Cookie.',
      { status: answer.status, path: authPath });
  }
  if (SENT_TYPES.includes(type)) {
    if (options.otp !== undefined && typeof options.otp === 'object') {
      throw new JumpServerLoginError('ERR_JMS_MFA_REQUIRED', `JumpServer sends the ${type} code; a TOTP secret cannot answer it`,
        'Pass otp as a function that asks for the code that arrives (CLI: leave --otp out on a terminal).', { status: answer.status, path: authPath });
    }
    if (options.otp === undefined) await otpCode(options);
    const select = await call('POST', V2_SELECT, { type });
    if (select.status >= 300) {
      throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', `JumpServer did not send the ${type} code`,
        'The server refused mfa/select/ (no session, or this MFA type is not enabled for the user).',
        { status: select.status, detail: listDetail(select.json), path: V2_SELECT });
    }
  }
  const code = await otpCode(options);
  const url = data['url'];
  const challengePath = typeof url === 'string' && url.startsWith('/api/') ? withSlash(url) : V2_CHALLENGE;
  const challenge = await call('POST', challengePath, { type, code });
  if (challenge.status < 300) return;
  const detail = serverDetail(challenge.json);
  if (errorOf(challenge).startsWith('mfa') || errorOf(challenge) === 'block_mfa') {
    throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer refused the one-time code',
      type === 'otp'
        ? 'Check the TOTP secret and algorithm, and that this machine\'s clock is right (the server accepts ±2 steps of 30 s). Repeated failures lock MFA for a while.'
        : `Check the ${type} code (it is valid for a few minutes and only once).`,
      { status: challenge.status, detail, path: challengePath });
  }
  throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer did not accept the MFA step',
    'The MFA session was not found: the session cookie (jms_sessionid) from the first answer must be sent with the challenge (within about 300 s).',
    { status: challenge.status, detail, path: challengePath });
}

function pickType(choices: readonly string[], options: LoginOptions): string {
  if (options.mfaType !== undefined) {
    if (choices.includes(options.mfaType)) return options.mfaType;
    throw new JumpServerLoginError('ERR_JMS_MFA_REQUIRED', `JumpServer does not offer the MFA type ${options.mfaType}`,
      `The server offers ${choices.join(', ')}.`);
  }
  if (choices.includes('otp')) return 'otp';
  const usable = choices.find((c) => CODE_TYPES.includes(c));
  if (usable === undefined) {
    throw new JumpServerLoginError('ERR_JMS_MFA_REQUIRED', 'JumpServer requires an MFA method this client cannot answer',
      `The server offers ${choices.join(', ')}; this client answers ${CODE_TYPES.join(', ')}. Use an access key for automation.`);
  }
  return usable;
}

function listDetail(json: unknown): string | undefined {
  const error = (json as { error?: unknown } | undefined)?.error;
  if (Array.isArray(error) && typeof error[0] === 'string') return error[0].slice(0, 300);
  return serverDetail(json);
}

async function loginV1(
  first: ReadResponse,
  options: LoginOptions,
  post: Post,
  _credentials: { username: string; password: string },
): Promise<LoginResult> {
  const body = first.json as Record<string, unknown> | undefined;
  if (first.status !== 300) return tokenFrom(first, V1_AUTH);
  const seed = body?.['seed'];
  if (typeof seed !== 'string' || seed === '') {
    throw new JumpServerResponseError('JumpServer answered 300 without a seed.', { status: 300, path: V1_AUTH });
  }
  const code = await otpCode(options);
  const otpPath = typeof body?.['otp_url'] === 'string' && (body['otp_url'] as string).startsWith('/api/v1/')
    ? withSlash(body['otp_url'] as string)
    : V1_OTP;
  const answer = await post(otpPath, { seed, otp_code: code });
  if (answer.status >= 300) {
    throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer refused the one-time code',
      'Check the TOTP secret and the clock; the seed is valid for 300 s.', { status: answer.status, detail: serverDetail(answer.json), path: otpPath });
  }
  return tokenFrom(answer, otpPath);
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

async function otpCode(options: LoginOptions): Promise<string> {
  const otp = options.otp;
  if (otp === undefined) {
    throw new JumpServerLoginError('ERR_JMS_MFA_REQUIRED', 'JumpServer requires MFA for this user',
      'Pass otp: a code, a TOTP secret ({ secret }) or a function that asks for the code.');
  }
  const code = typeof otp === 'string' ? otp : typeof otp === 'function' ? await otp() : totp(otp.secret, {
    algorithm: otp.algorithm, digits: otp.digits, period: otp.period,
  });
  if (typeof code !== 'string' || !/^\d{6,10}$/.test(code.trim())) {
    throw new TypeError('The one-time code must be 6 to 10 digits');
  }
  return code.trim();
}

/** Parse JumpServer's `date_expired` (`2026/11/23 18:00:00 +0800`, in the server's TIME_ZONE, or ISO 8601). */
function parseExpiry(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (m === null) return undefined;
  const zone = m[7] === undefined || m[7] === 'Z' ? 'Z' : `${m[7].slice(0, 3)}:${m[7].slice(-2)}`;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function tokenFrom(response: ReadResponse, path: string): LoginResult {
  const body = response.json as Record<string, unknown> | undefined;
  const detail = serverDetail(body);
  if (response.status >= 500) {
    throw new JumpServerServerError(
      'JumpServer failed on the login API. From v2.24 this is also its answer when the user\'s password has expired, ' +
        'must be changed before login, or is too simple (the view cannot word that error): log in once in the web UI ' +
        'to change it. Otherwise the jms_core log has the traceback.',
      { status: response.status, path, method: 'POST' });
  }
  if (response.status >= 400) {
    const error = typeof body?.['error'] === 'string' ? body['error'] : '';
    if (/password has expired|change your password|password is too simple|passwd_(has_expired|need_update|too_simple)|password_expired/i.test(error)) {
      throw new JumpServerLoginError('ERR_JMS_PASSWORD_EXPIRED', 'The password must be changed before logging in',
        'The password has expired, must be updated, or is too simple for the password policy. Log in once in the web UI ' +
          '(or ask an administrator) to set a new one, then use it here.',
        { status: response.status, detail, path });
    }
    if (error.startsWith('mfa_unset') || /MFA unset/i.test(detail ?? '')) {
      throw new JumpServerLoginError('ERR_JMS_MFA_UNSET', 'MFA is required for this user but not set up',
        'Log in once in the web UI and bind an authenticator (MFA), or ask an administrator to relax the MFA rule.',
        { status: response.status, detail, path });
    }
    if (error.startsWith('mfa')) {
      throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer refused the MFA step', 'Check the one-time code and the clock.',
        { status: response.status, detail, path });
    }
    if (response.status === 404 || response.status === 405) {
      throw new JumpServerHttpError('The login API was not found: check baseUrl (no /api suffix) and apiVersion.',
        { status: response.status, detail, path, method: 'POST' });
    }
    throw new JumpServerLoginError('ERR_JMS_LOGIN_FAILED', 'JumpServer refused the user name or password',
      'Check the user name and password; repeated failures lock the account for a while. LDAP/SSO users may need a local password.',
      { status: response.status, detail, path });
  }
  const token = body?.['token'];
  if (response.status >= 300 || typeof token !== 'string' || token === '') {
    throw new JumpServerResponseError('The login answer has no token: is baseUrl the JumpServer root (not the web UI or a proxy page)?',
      { status: response.status, path });
  }
  const keyword = typeof body?.['keyword'] === 'string' && body['keyword'] !== '' ? body['keyword'] : 'Bearer';
  const expiresAt = parseExpiry(body?.['date_expired']) ?? new Date(Date.now() + V1_LIFETIME_MS);
  const user = (body?.['user'] !== null && typeof body?.['user'] === 'object' ? body['user'] : {}) as JumpServerUser;
  return { token, keyword, expiresAt, user };
}

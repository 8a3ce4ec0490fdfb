/**
 * Username + password (+ MFA) login to JumpServer, giving a bearer token.
 *
 * @packageDocumentation
 */
import { JumpServerLoginError, JumpServerResponseError, JumpServerHttpError } from './errors.js';
import { cookiesOf, normalizeBaseUrl, send, serverDetail, type FetchLike, type ReadResponse } from './lib/http.js';
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
  /** The second factor, used only when the server asks for it. */
  otp?: OtpInput | undefined;
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

const V2_AUTH = '/api/v1/authentication/auth/';
const V2_CHALLENGE = '/api/v1/authentication/mfa/challenge/';
const V1_AUTH = '/api/v1/users/auth/';
const V1_OTP = '/api/v1/users/otp/auth/';
const V1_LIFETIME_MS = 3600_000;

/**
 * Log in with a user name and password and get a bearer token, completing MFA when the server asks:
 * JumpServer 2.0+ answers `mfa_required` and a `jms_sessionid` cookie; the code is posted to
 * `mfa/challenge/` with that cookie, then `auth/` is posted again with it. JumpServer 1.x answers HTTP 300
 * with a seed; the code is posted with the seed to `users/otp/auth/`.
 *
 * @param options - base URL, credentials, second factor.
 * @returns the token, its keyword and expiry, and the user.
 * @throws JumpServerLoginError `ERR_JMS_LOGIN_FAILED` (wrong user name or password), `ERR_JMS_MFA_REQUIRED`
 *   (MFA asked but no `otp` given), `ERR_JMS_MFA_FAILED` (wrong code), `ERR_JMS_MFA_UNSET` (MFA enforced but
 *   not set up); JumpServerResponseError for an answer that is not JumpServer's; JumpServerNetworkError.
 * @example
 * ```ts
 * const { token, expiresAt } = await login({
 *   baseUrl: 'https://jms.example.com', username: 'ops', password: process.env.JMS_PASSWORD!,
 *   otp: { secret: process.env.JMS_TOTP_SECRET! },
 * });
 * ```
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const base = normalizeBaseUrl(options.baseUrl);
  if (typeof options.username !== 'string' || options.username === '') throw new TypeError('username must be a non-empty string');
  if (typeof options.password !== 'string' || options.password === '') throw new TypeError('password must be a non-empty string');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const version = options.apiVersion ?? 'auto';
  const post = (path: string, body: unknown, cookie?: string): Promise<ReadResponse> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (cookie !== undefined && cookie !== '') headers['cookie'] = cookie;
    return send(fetchImpl, `${base}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  };
  const credentials = { username: options.username, password: options.password };
  if (version !== 'v1') {
    const first = await post(V2_AUTH, credentials);
    if (!(version === 'auto' && first.status === 404)) return loginV2(first, options, post, credentials);
  }
  return loginV1(await post(V1_AUTH, credentials), options, post, credentials);
}

type Post = (path: string, body: unknown, cookie?: string) => Promise<ReadResponse>;

async function loginV2(
  first: ReadResponse,
  options: LoginOptions,
  post: Post,
  credentials: { username: string; password: string },
): Promise<LoginResult> {
  const body = first.json as Record<string, unknown> | undefined;
  if (first.status >= 400 || body?.['error'] !== 'mfa_required') return tokenFrom(first, V2_AUTH);
  const data = (body['data'] ?? {}) as { choices?: unknown; url?: unknown };
  const choices = Array.isArray(data.choices) ? data.choices.map(String) : ['otp'];
  if (!choices.includes('otp')) {
    throw new JumpServerLoginError('ERR_JMS_MFA_REQUIRED', 'JumpServer requires an MFA method this client cannot answer',
      `The server offers ${choices.join(', ')}; only OTP (TOTP) is supported. Use an access key for automation.`, { status: first.status });
  }
  const cookie = cookiesOf(first.headers);
  if (!cookie.includes('jms_sessionid=')) {
    throw new JumpServerResponseError('JumpServer asked for MFA without setting the jms_sessionid cookie; a proxy may strip Set-Cookie.',
      { status: first.status, path: V2_AUTH });
  }
  const code = await otpCode(options);
  const challengePath = typeof data.url === 'string' && data.url.startsWith('/') ? withSlash(data.url) : V2_CHALLENGE;
  const challenge = await post(challengePath, { type: 'otp', code }, cookie);
  if (challenge.status >= 300) {
    const detail = serverDetail(challenge.json);
    if (challenge.status === 401 || challenge.status === 403) {
      throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer did not accept the MFA step',
        'The MFA session was not found: the jms_sessionid cookie from the first answer must be sent with the challenge (within about 600 s).',
        { status: challenge.status, detail, path: challengePath });
    }
    throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer refused the one-time code',
      'Check the TOTP secret and algorithm, and that this machine\'s clock is right (the server accepts ±2 steps of 30 s).',
      { status: challenge.status, detail, path: challengePath });
  }
  const second = await post(V2_AUTH, credentials, mergeCookies(cookie, cookiesOf(challenge.headers)));
  const again = second.json as Record<string, unknown> | undefined;
  if (again?.['error'] === 'mfa_required') {
    throw new JumpServerLoginError('ERR_JMS_MFA_FAILED', 'JumpServer still asks for MFA after the challenge',
      'The session cookie was not kept between the challenge and the second login.', { status: second.status, path: V2_AUTH });
  }
  return tokenFrom(second, V2_AUTH);
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

function mergeCookies(a: string, b: string): string {
  const map = new Map<string, string>();
  for (const pair of `${a}; ${b}`.split(';')) {
    const trimmed = pair.trim();
    const at = trimmed.indexOf('=');
    if (at > 0) map.set(trimmed.slice(0, at), trimmed.slice(at + 1));
  }
  return [...map].map(([k, v]) => `${k}=${v}`).join('; ');
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

/** Parse JumpServer's `date_expired` (`2026/11/23 10:00:00 +0000`, or ISO 8601). */
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
  if (response.status >= 400) {
    const error = typeof body?.['error'] === 'string' ? body['error'] : '';
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

/**
 * `JumpServerClient`: JumpServer's REST API with access keys, bearer tokens or private tokens.
 *
 * @packageDocumentation
 */
import { sign } from '@httpsig/core';
import { sha256 } from '@noble/hashes/sha2';
import { checkOrg, type JumpServerSigningOptions } from './access-key.js';
import { isSigningAuth, type BearerAuth, type JumpServerAuth } from './auth.js';
import { JumpServerOrgMismatchError, JumpServerRateLimitError, JumpServerResponseError, type JumpServerError } from './errors.js';
import { errorFor, type FailureContext } from './lib/diagnose.js';
import { delay, normalizeBaseUrl, resolveApiUrl, send, type FetchLike, type ReadResponse } from './lib/http.js';
import { login, type LoginResult } from './login.js';

/** Options of {@link JumpServerClient}. */
export interface JumpServerClientOptions {
  /** The JumpServer base URL, e.g. `https://jms.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** An access key ({@link accessKey}), a bearer token ({@link bearer}) or a private token ({@link privateToken}). */
  auth: JumpServerAuth;
  /**
   * The organisation sent as `X-JMS-ORG`: an org id, an org name, or `default`/`root`/`system` (default: the
   * access key's, else none, i.e. the Default organisation).
   */
  org?: string | undefined;
  /**
   * Before the first request in an organisation, ask `orgs/orgs/current/` which organisation JumpServer
   * actually used and throw `ERR_JMS_ORG_MISMATCH` when it is not the one asked for (JumpServer runs a request
   * with an unknown org in the Default org without an error). Default false.
   */
  confirmOrg?: boolean | undefined;
  /** The fetch to use; default the global one. */
  fetch?: FetchLike | undefined;
  /** Retries of idempotent requests on 502/503/504 and network errors, and of any request on 429; default 2. */
  retries?: number | undefined;
  /** First retry delay in ms, doubled each time (a longer `Retry-After` wins); default 250. */
  retryDelay?: number | undefined;
  /**
   * The longest `Retry-After` (seconds) the client waits on a 429/503; a longer one is not waited for and the
   * error is thrown at once (`ERR_JMS_RATE_LIMITED` for a 429). Default 30.
   */
  maxRetryAfter?: number | undefined;
}

/** Query parameters of a request. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options of one request. */
export interface RequestOptions {
  /** Query parameters, added to any already in the path. */
  query?: QueryParams | undefined;
  /** A JSON-serialisable body (sent as `application/json`), or a string sent as is. */
  body?: unknown;
  /** Extra headers (never signed). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The organisation for this request only. */
  org?: string | undefined;
  /** Aborts the request. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link JumpServerClient.paginate}. */
export interface PaginateOptions {
  /** Page size (`limit`); default 100. */
  limit?: number | undefined;
  /** More query parameters (e.g. `search`). */
  query?: QueryParams | undefined;
  /** The organisation for these requests only. */
  org?: string | undefined;
  /** Stop after this many pages; default 10000. */
  maxPages?: number | undefined;
  /** Aborts the iteration. */
  signal?: AbortSignal | undefined;
}

/** What `GET /api/v1/orgs/orgs/current/` answers. */
export interface CurrentOrg {
  /** The organisation id. */
  id: string;
  /** Its name (`Default`, `GLOBAL`, `SYSTEM`, or the org's). */
  name: string;
  /** The Default organisation. */
  is_default?: boolean;
  /** The root (global) organisation. */
  is_root?: boolean;
  /** The System organisation. */
  is_system?: boolean;
  /** Other fields. */
  [field: string]: unknown;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/**
 * A JumpServer REST API client that avoids JumpServer's pitfalls by construction: paths get their trailing
 * slash, access keys sign only what JumpServer can verify, redirects are not followed with a signature,
 * MFA logins keep their session cookie, bearer tokens are renewed before they expire, and failures become
 * {@link JumpServerError}s with a hint.
 *
 * @example
 * ```ts
 * const client = new JumpServerClient({
 *   baseUrl: 'https://jms.example.com',
 *   auth: accessKey({ keyId: process.env.JMS_KEY_ID!, secret: process.env.JMS_SECRET! }),
 *   org: DEFAULT_ORG,
 * });
 * for await (const asset of client.paginate('/api/v1/assets/assets/', { limit: 50 })) console.log(asset);
 * ```
 */
export class JumpServerClient {
  /** The normalised base URL. */
  readonly baseUrl: string;
  /** The default organisation of this client, if any. */
  readonly org: string | undefined;
  readonly #auth: JumpServerAuth;
  readonly #fetch: FetchLike;
  readonly #retries: number;
  readonly #retryDelay: number;
  readonly #maxRetryAfter: number;
  readonly #confirmOrg: boolean;
  readonly #confirmedOrgs = new Map<string, Promise<void>>();
  #session: { token: string; expiresAt: Date | undefined } | undefined;
  #loggingIn: Promise<LoginResult> | undefined;

  /**
   * @param options - base URL, authentication, organisation, fetch and retry settings.
   * @throws TypeError for a bad base URL, organisation or auth value.
   */
  constructor(options: JumpServerClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    const auth = options.auth;
    if (auth === null || typeof auth !== 'object') throw new TypeError('auth must be accessKey(), bearer() or privateToken()');
    const keyOrg = isSigningAuth(auth) ? (auth as Partial<JumpServerSigningOptions>).org : undefined;
    this.org = options.org === undefined ? keyOrg : checkOrg(options.org);
    this.#auth = auth;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#retries = options.retries ?? 2;
    this.#retryDelay = options.retryDelay ?? 250;
    this.#maxRetryAfter = options.maxRetryAfter ?? 30;
    this.#confirmOrg = options.confirmOrg === true;
    if (!(this.#maxRetryAfter >= 0) || !Number.isFinite(this.#maxRetryAfter)) throw new RangeError('maxRetryAfter must be a finite number >= 0');
    if (!Number.isInteger(this.#retries) || this.#retries < 0 || this.#retries > 10) throw new RangeError('retries must be 0 to 10');
    if (!(this.#retryDelay >= 0)) throw new RangeError('retryDelay must be >= 0');
    if (isSigningAuth(auth)) {
      if (auth.scheme !== undefined && auth.scheme !== 'authorization') {
        throw new TypeError('JumpServer reads only Authorization: Signature (draft-cavage, scheme "authorization")');
      }
    } else if (auth.type === 'bearer') {
      if (auth.token !== undefined && auth.token !== '') this.#session = { token: auth.token, expiresAt: auth.expiresAt };
    } else if (auth.type !== 'private-token') {
      throw new TypeError('auth must be accessKey(), bearer() or privateToken()');
    }
  }

  /**
   * GET a path.
   *
   * @param path - the API path (the trailing slash is added).
   * @param options - query, headers, organisation.
   * @returns the parsed JSON body.
   * @throws JumpServerError (see {@link JumpServerClient.request}).
   */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  /**
   * POST a JSON body.
   *
   * @param path - the API path.
   * @param body - the body.
   * @param options - query, headers, organisation.
   * @returns the parsed JSON body.
   * @throws JumpServerError (see {@link JumpServerClient.request}).
   */
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  /**
   * PUT a JSON body.
   *
   * @param path - the API path.
   * @param body - the body.
   * @param options - query, headers, organisation.
   * @returns the parsed JSON body.
   * @throws JumpServerError (see {@link JumpServerClient.request}).
   */
  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  /**
   * PATCH with a JSON body.
   *
   * @param path - the API path.
   * @param body - the body.
   * @param options - query, headers, organisation.
   * @returns the parsed JSON body.
   * @throws JumpServerError (see {@link JumpServerClient.request}).
   */
  patch<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  /**
   * DELETE a path.
   *
   * @param path - the API path.
   * @param options - query, headers, organisation.
   * @returns the parsed JSON body, or undefined for an empty answer.
   * @throws JumpServerError (see {@link JumpServerClient.request}).
   */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * Iterate over every item of a paginated list, following `next` links (only their path and query are
   * used, so a proxy writing the wrong scheme or host into them does no harm).
   *
   * @param path - the list path, e.g. `/api/v1/assets/assets/`.
   * @param options - page size, query, organisation, page limit.
   * @returns an async iterator of the items.
   * @throws JumpServerError as {@link JumpServerClient.request}; JumpServerResponseError for an answer that is not a list.
   * @example
   * ```ts
   * for await (const user of client.paginate<{ username: string }>('/api/v1/users/users/', { limit: 100 })) {}
   * ```
   */
  async *paginate<T = unknown>(path: string, options: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    const maxPages = options.maxPages ?? 10000;
    let next: string | null = resolveApiUrl(this.baseUrl, path, { ...options.query, limit, offset: 0 }).target;
    const seen = new Set<string>();
    for (let page = 0; next !== null && page < maxPages; page++) {
      if (seen.has(next)) break;
      seen.add(next);
      const body: unknown = await this.request('GET', next, { org: options.org, signal: options.signal });
      if (Array.isArray(body)) {
        yield* body as T[];
        return;
      }
      const record = body as { results?: unknown; next?: unknown } | null;
      if (record === null || typeof record !== 'object' || !Array.isArray(record.results)) {
        throw new JumpServerResponseError('The answer is not a paginated list ({ count, next, results }).', { method: 'GET', path: next });
      }
      yield* record.results as T[];
      next = typeof record.next === 'string' && record.next !== '' && record.results.length > 0 ? record.next : null;
    }
  }

  /**
   * Send a request and parse the JSON answer.
   *
   * @param method - the HTTP method.
   * @param path - the API path (relative to the base URL; the trailing slash is added), or an absolute URL
   *   of the same server (only its path and query are used).
   * @param options - query, body, headers, organisation, abort signal.
   * @returns the parsed JSON body (a string when it is not JSON, undefined when empty).
   * @throws JumpServerAuthenticationError (401), JumpServerPermissionError (403), JumpServerServerError (5xx),
   *   JumpServerHttpError (other statuses, redirects), JumpServerNetworkError, JumpServerLoginError (bearer
   *   re-login), MissingHeaderError from core when a signed header is absent.
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase();
    const { url } = resolveApiUrl(this.baseUrl, path, options.query);
    const org = options.org === undefined ? this.org : checkOrg(options.org);
    const oid = new URL(url).searchParams.get('oid');
    if (oid !== null && org !== undefined && oid !== org) {
      throw new TypeError('The query has oid=, which JumpServer prefers to X-JMS-ORG: give the organisation once (org or oid)');
    }
    if (this.#confirmOrg && (oid ?? org) !== undefined) await this.#confirm(oid ?? (org as string), oid === null, options.signal);
    return this.#requestChecked<T>(verb, path, options);
  }

  async #requestChecked<T>(verb: string, path: string, options: RequestOptions): Promise<T> {
    const { url, target } = resolveApiUrl(this.baseUrl, path, options.query);
    const org = options.org === undefined ? this.org : checkOrg(options.org);
    const idempotent = IDEMPOTENT.has(verb);
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      let response: ReadResponse;
      let context: FailureContext;
      try {
        ({ response, context } = await this.#send(verb, url, target, org, options));
      } catch (error) {
        if ((error as JumpServerError).code === 'ERR_JMS_NETWORK' && idempotent && attempt <= this.#retries) {
          await delay(this.#backoff(attempt, null) ?? 0, options.signal);
          continue;
        }
        throw error;
      }
      if (response.status >= 200 && response.status < 300) {
        if (response.text === '') return undefined as T;
        return (response.json === undefined ? response.text : response.json) as T;
      }
      // A 429 comes from the throttle, before the view: nothing was done, so any method may be sent again.
      if (RETRY_STATUSES.has(response.status) && (idempotent || response.status === 429) && attempt <= this.#retries) {
        const wait = this.#backoff(attempt, response.headers.get('retry-after'));
        if (wait !== undefined) {
          await delay(wait, options.signal);
          continue;
        }
      }
      if (response.status === 401 && context.auth === 'bearer' && !relogged && this.#canLogin()) {
        relogged = true;
        this.#session = undefined;
        attempt--;
        continue;
      }
      throw errorFor(response, context);
    }
  }

  /** The delay before the next attempt, or undefined when the server asks to wait longer than maxRetryAfter. */
  #backoff(attempt: number, retryAfter: string | null): number | undefined {
    const exponential = this.#retryDelay * 2 ** (attempt - 1);
    const seconds = retryAfterSeconds(retryAfter);
    if (seconds === undefined) return exponential;
    if (seconds > this.#maxRetryAfter) return undefined;
    return Math.max(seconds * 1000, exponential);
  }

  /**
   * Which organisation JumpServer runs requests in for `org` (`GET /api/v1/orgs/orgs/current/`).
   *
   * @param org - the organisation to ask about; default the client's.
   * @param signal - aborts the request.
   * @returns the organisation: `id`, `name`, `is_default`, `is_root`, `is_system`.
   * @throws JumpServerError as {@link JumpServerClient.request}.
   */
  async currentOrg(org?: string, signal?: AbortSignal): Promise<CurrentOrg> {
    const body = await this.#requestUnconfirmed<CurrentOrg>('GET', '/api/v1/orgs/orgs/current/', { org, signal });
    if (body === null || typeof body !== 'object' || typeof (body as { id?: unknown }).id !== 'string') {
      throw new JumpServerResponseError('The current-org answer has no id (JumpServer 2.x+ has /api/v1/orgs/orgs/current/).',
        { method: 'GET', path: '/api/v1/orgs/orgs/current/' });
    }
    return body;
  }

  #confirm(org: string, asHeader: boolean, signal: AbortSignal | undefined): Promise<void> {
    const key = `${asHeader ? 'h' : 'q'}:${org}`;
    let pending = this.#confirmedOrgs.get(key);
    if (pending === undefined) {
      pending = (async () => {
        const current = asHeader
          ? await this.currentOrg(org, signal)
          : await this.#requestUnconfirmed<CurrentOrg>('GET', '/api/v1/orgs/orgs/current/', { query: { oid: org }, signal });
        if (!orgMatches(org, current)) {
          throw new JumpServerOrgMismatchError(org, String(current.id), { method: 'GET', path: '/api/v1/orgs/orgs/current/', detail: `JumpServer used ${String(current.name)} (${String(current.id)})` });
        }
      })();
      this.#confirmedOrgs.set(key, pending);
      pending.catch(() => this.#confirmedOrgs.delete(key));
    }
    return pending;
  }

  #requestUnconfirmed<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    return this.#requestChecked<T>(method, path, options);
  }

  #canLogin(): boolean {
    return this.#auth !== null && !isSigningAuth(this.#auth) && this.#auth.type === 'bearer' && this.#auth.credentials !== undefined;
  }

  async #bearerToken(auth: BearerAuth): Promise<string> {
    const margin = (auth.refreshBefore ?? 60) * 1000;
    const session = this.#session;
    const fresh = session !== undefined && (session.expiresAt === undefined || session.expiresAt.getTime() - margin > Date.now());
    if (session !== undefined && (fresh || auth.credentials === undefined)) return session.token;
    if (auth.credentials === undefined) throw new TypeError('bearer() needs a token or credentials');
    this.#loggingIn ??= login({
      baseUrl: this.baseUrl,
      username: auth.credentials.username,
      password: auth.credentials.password,
      otp: auth.credentials.otp,
      fetch: this.#fetch,
    }).finally(() => {
      this.#loggingIn = undefined;
    });
    const result = await this.#loggingIn;
    this.#session = { token: result.token, expiresAt: result.expiresAt };
    return result.token;
  }

  async #send(
    method: string,
    url: string,
    target: string,
    org: string | undefined,
    options: RequestOptions,
  ): Promise<{ response: ReadResponse; context: FailureContext }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    if (org !== undefined) headers['x-jms-org'] = org;
    let body: string | undefined;
    if (options.body !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const init: RequestInit = {
      method,
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    const auth = this.#auth;
    if (isSigningAuth(auth)) {
      const listed = (auth.headers ?? []).map((h) => h.toLowerCase());
      if (listed.includes('digest')) headers['digest'] ??= `SHA-256=${toBase64(sha256(new TextEncoder().encode(body ?? '')))}`;
      if (listed.includes('x-jms-request-id')) headers['x-jms-request-id'] = globalThis.crypto.randomUUID();
      // Signed over exactly what goes on the wire: the normalised target and these headers (core adds Date).
      const signed = await sign({ method, url: target, headers: { host: new URL(url).host, ...headers } }, auth);
      Object.assign(headers, signed.headers);
      const response = await send(this.#fetch, url, init);
      const signedHeaders = auth.headers ?? ['(request-target)', 'host', 'date'];
      return { response, context: { method, target, auth: 'signature', signedHeaders, org, signingString: signed.signingString } };
    }
    if (auth.type === 'bearer') {
      headers['authorization'] = `Bearer ${await this.#bearerToken(auth)}`;
      return { response: await send(this.#fetch, url, init), context: { method, target, auth: 'bearer', org } };
    }
    headers['authorization'] = `Token ${auth.token}`;
    return { response: await send(this.#fetch, url, init), context: { method, target, auth: 'private-token', org } };
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Whether the organisation JumpServer reports is the one asked for (by id, alias or name). */
function orgMatches(requested: string, current: CurrentOrg): boolean {
  const lower = requested.toLowerCase();
  if (lower === 'default') return current.is_default === true;
  if (lower === 'root') return current.is_root === true;
  if (lower === 'system') return current.is_system === true;
  return current.id.toLowerCase() === lower || current.name === requested;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

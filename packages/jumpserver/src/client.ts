/**
 * `JumpServerClient`: JumpServer's REST API with access keys, bearer tokens or private tokens.
 *
 * @packageDocumentation
 */
import { sign } from '@httpsig/core';
import { checkOrg, type JumpServerSigningOptions } from './access-key.js';
import { isSigningAuth, type BearerAuth, type JumpServerAuth } from './auth.js';
import { JumpServerResponseError, type JumpServerError } from './errors.js';
import { errorFor, type FailureContext } from './lib/diagnose.js';
import { delay, normalizeBaseUrl, resolveApiUrl, send, type FetchLike, type ReadResponse } from './lib/http.js';
import { login, type LoginResult } from './login.js';

/** Options of {@link JumpServerClient}. */
export interface JumpServerClientOptions {
  /** The JumpServer base URL, e.g. `https://jms.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** An access key ({@link accessKey}), a bearer token ({@link bearer}) or a private token ({@link privateToken}). */
  auth: JumpServerAuth;
  /** The organisation sent as `X-JMS-ORG` (default: the access key's, else none, i.e. the user's default). */
  org?: string | undefined;
  /** The fetch to use; default the global one. */
  fetch?: FetchLike | undefined;
  /** Retries of idempotent requests on 429/502/503/504 and network errors; default 2. */
  retries?: number | undefined;
  /** First retry delay in ms, doubled each time (a `Retry-After` up to 10 s wins); default 250. */
  retryDelay?: number | undefined;
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
    const { url, target } = resolveApiUrl(this.baseUrl, path, options.query);
    const org = options.org === undefined ? this.org : checkOrg(options.org);
    const attempts = IDEMPOTENT.has(verb) ? this.#retries + 1 : 1;
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      let response: ReadResponse;
      let context: FailureContext;
      try {
        ({ response, context } = await this.#send(verb, url, target, org, options));
      } catch (error) {
        if ((error as JumpServerError).code === 'ERR_JMS_NETWORK' && attempt < attempts) {
          await delay(this.#backoff(attempt, null), options.signal);
          continue;
        }
        throw error;
      }
      if (response.status >= 200 && response.status < 300) {
        if (response.text === '') return undefined as T;
        return (response.json === undefined ? response.text : response.json) as T;
      }
      if (RETRY_STATUSES.has(response.status) && attempt < attempts) {
        await delay(this.#backoff(attempt, response.headers.get('retry-after')), options.signal);
        continue;
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

  #backoff(attempt: number, retryAfter: string | null): number {
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0 && seconds <= 10) return Math.max(seconds * 1000, this.#retryDelay * 2 ** (attempt - 1));
    return this.#retryDelay * 2 ** (attempt - 1);
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

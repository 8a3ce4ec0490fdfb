/** Internal HTTP helpers of the JumpServer client: URLs, bodies, cookies, fetch wrapping. */
import { JumpServerNetworkError } from '../errors.js';

/** A fetch function (the global one, undici's, or a wrapper). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A response read to the end. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/**
 * Check and normalise a base URL: http(s), no query, no fragment, no trailing slash.
 *
 * @param baseUrl - e.g. `https://jms.example.com` or `https://example.com/jumpserver/`.
 * @returns the URL without a trailing slash.
 * @throws TypeError when it is not an absolute http(s) URL.
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new TypeError('baseUrl must be an absolute http(s) URL', { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('baseUrl must be an absolute http(s) URL');
  if (url.username !== '' || url.password !== '') throw new TypeError('baseUrl must not carry credentials');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Resolve an API path against the base URL, adding the trailing slash JumpServer's paths need (without it
 * Django redirects, and the signature made for the old path fails) and the query parameters.
 *
 * @param base - a normalised base URL.
 * @param path - `/api/v1/users/users`, `api/v1/users/users/?limit=2`, or an absolute URL (e.g. a `next` link:
 *   only its path and query are kept, so a proxy's wrong scheme or host in the link does not matter).
 * @param query - extra query parameters.
 * @returns the absolute URL and the request target exactly as it goes on the wire.
 */
export function resolveApiUrl(
  base: string,
  path: string,
  query?: Readonly<Record<string, string | number | boolean | undefined>>,
): { url: string; target: string } {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('The API path must be a non-empty string');
  let rest = path;
  if (/^https?:\/\//i.test(path)) {
    const absolute = new URL(path);
    rest = absolute.pathname + absolute.search;
    const prefix = new URL(base).pathname;
    if (prefix !== '/' && rest.startsWith(prefix)) rest = rest.slice(prefix.length);
  }
  const hashless = rest.split('#', 1)[0] ?? '';
  const queryAt = hashless.indexOf('?');
  let pathname = queryAt < 0 ? hashless : hashless.slice(0, queryAt);
  const search = queryAt < 0 ? '' : hashless.slice(queryAt + 1);
  if (!pathname.startsWith('/')) pathname = `/${pathname}`;
  if (!pathname.endsWith('/')) pathname = `${pathname}/`;
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const qs = params.toString();
  // Let the WHATWG URL parser normalise the target the same way fetch will, so what we sign is what is sent.
  const url = new URL(`${base}${pathname}${qs === '' ? '' : `?${qs}`}`);
  return { url: url.href, target: url.pathname + url.search };
}

/**
 * Send with fetch, turning a failure to connect into a {@link JumpServerNetworkError}.
 *
 * @param fetchImpl - the fetch to use.
 * @param url - the absolute URL.
 * @param init - the request.
 * @returns the response, fully read.
 * @throws JumpServerNetworkError when no answer arrives.
 */
export async function send(fetchImpl: FetchLike, url: string, init: RequestInit): Promise<ReadResponse> {
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, { redirect: 'manual', ...init });
    text = await response.text();
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'AbortError') throw cause;
    const where = new URL(url);
    // origin and path only: a query may carry search terms, and a URL never carries credentials here.
    throw new JumpServerNetworkError({ method: init.method, path: where.pathname, url: `${where.origin}${where.pathname}`, cause });
  }
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * The server's message from a JumpServer error body (`detail`, `msg`, `error`), if any.
 *
 * @param json - the parsed body.
 * @returns the message, shortened to 300 characters.
 */
export function serverDetail(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const record = json as Record<string, unknown>;
  for (const name of ['detail', 'msg', 'error']) {
    const value = record[name];
    if (typeof value === 'string' && value !== '') return value.slice(0, 300);
  }
  return undefined;
}

/**
 * Wait, abortable.
 *
 * @param ms - milliseconds.
 * @param signal - an abort signal.
 * @returns after the delay.
 */
export function delay(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

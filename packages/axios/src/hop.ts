/**
 * One request hop as axios will send it: the final URL (baseURL + url + params through axios's own
 * serializer or the caller's `paramsSerializer`), headers, and body bytes.
 *
 * @packageDocumentation
 */
import { Axios, AxiosHeaders } from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';
import { readAxiosBody } from './body.js';

/** A request hop, final in every part that is signed. Internal. */
export interface Hop {
  url: URL;
  method: string;
  headers: AxiosHeaders;
  body: Uint8Array | undefined;
  /** Whether this hop is signed: false once a redirect left the origin (unless allowed) or downgraded to http. */
  sign: boolean;
  /** Whether a redirect of this chain has changed the origin; the config's `auth` is then no longer sent. */
  crossOrigin: boolean;
  /** Whether the body may be sent again for a double-knock retry: false for a stream body. */
  replayable: boolean;
}

// An Axios with empty defaults: its getUri(config) is exactly buildURL(buildFullPath(baseURL, url), params,
// paramsSerializer), the path axios's adapters send, without mixing in any global axios defaults.
const uriResolver = new Axios({});

/**
 * Builds the first hop from the config axios hands to its adapter (after interceptors and `transformRequest`).
 *
 * @param config - the adapter's config.
 * @param maxBodyBytes - the limit for stream bodies.
 * @returns the hop.
 * @throws TypeError for a URL that cannot be resolved; BodyTooLargeError for a stream body over the limit.
 */
export async function firstHop(config: InternalAxiosRequestConfig, maxBodyBytes: number): Promise<Hop> {
  // Like axios's http adapter: a Unix-socket request may have a path-only url; browsers resolve against the page.
  const base = config.socketPath ? 'http://localhost' : (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(uriResolver.getUri(config), base);
  url.hash = '';
  const headers = new AxiosHeaders(config.headers);
  const read = await readAxiosBody(config.data, maxBodyBytes);
  if (read !== undefined) {
    // Blob and FormData impose their content type, as axios's http adapter does.
    if (read.contentType !== undefined) headers.setContentType(read.contentType);
    if (!headers.has('content-length')) headers.setContentLength(String(read.bytes.byteLength));
  }
  return {
    url, method: (config.method ?? 'get').toUpperCase(), headers, body: read?.bytes, sign: true, crossOrigin: false, replayable: read?.stream !== true,
  };
}

/**
 * The adapter config that sends a hop exactly as signed: absolute normalised URL, no `baseURL`/`params` left
 * to re-apply, the body as bytes, no redirect following and every status resolved (the caller settles), and
 * no `auth` once a redirect has left the first origin.
 *
 * @param config - the original adapter config.
 * @param hop - the hop.
 * @param headers - the signed headers.
 * @returns a new config; `config` is not changed.
 */
export function hopConfig(config: InternalAxiosRequestConfig, hop: Hop, headers: AxiosHeaders): InternalAxiosRequestConfig {
  const next: InternalAxiosRequestConfig = {
    ...config,
    url: hop.url.href,
    method: hop.method.toLowerCase(),
    headers,
    data: hop.body === undefined ? undefined : exactBuffer(hop.body),
    maxRedirects: 0,
    validateStatus: null,
    fetchOptions: { ...(config.fetchOptions as Record<string, unknown> | undefined), redirect: 'manual' },
  };
  delete next.baseURL;
  delete next.params;
  // Like follow-redirects: basic-auth credentials are not sent to another origin.
  if (hop.crossOrigin) delete next.auth;
  return next;
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}

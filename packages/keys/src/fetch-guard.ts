/**
 * The guarded fetch of a key document: which URLs and addresses may be fetched, connecting only to the address
 * that was checked, size and time limits, redirects, content types.
 *
 * @packageDocumentation
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { classifyAddress } from './address.js';
import {
  KeyFetchBadDocumentError, KeyFetchFailedError, KeyFetchRefusedAddressError, KeyFetchRefusedUrlError, KeyFetchTimeoutError,
  KeyFetchTooLargeError,
} from './errors.js';
import { parseCacheControl, type CacheDirectives } from './cache-control.js';

/** One resolved address, as `dns.lookup` with `all: true` gives it. */
export interface ResolvedAddress {
  /** The IPv4 or IPv6 literal. */
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to every address it has (default: `dns.lookup(hostname, { all: true })`). */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** How key documents are fetched. Every limit has a safe default. */
export interface FetchGuardOptions {
  /** Allow `http:` key URLs and redirects (default false: https only). */
  allowHttp?: boolean | undefined;
  /**
   * Permits an address the guard refuses (loopback, private, link-local...): for tests and intranets. Called
   * for refused addresses only, after DNS resolution, with the host name and port of the URL being fetched.
   */
  allowAddress?: ((address: string, hostname: string, port: number) => boolean) | undefined;
  /** Resolves host names (tests map names to loopback with it). Default `dns.lookup` with `all: true`. */
  lookup?: HostLookup | undefined;
  /**
   * The ports key URLs (and redirects) may use, e.g. `[443]`; another port is refused (`ERR_KEY_FETCH_REFUSED_URL`).
   * Default: any port (the address checks apply whatever the port).
   */
  ports?: readonly number[] | undefined;
  /** Most redirects followed, each checked like the first URL. Default 3. */
  maxRedirects?: number | undefined;
  /** Largest document read, in bytes; counted while streaming. Default 256 KiB. */
  maxBytes?: number | undefined;
  /** Milliseconds to connect (TCP and TLS) to one host. Default 5000. */
  connectTimeout?: number | undefined;
  /** Milliseconds for the whole fetch, redirects included. Default 10000. */
  timeout?: number | undefined;
  /** Certificate authorities to trust instead of Node's defaults, PEM (tests, intranets). */
  ca?: string | readonly string[] | undefined;
  /** The `User-Agent` sent. Default `'@httpsig/keys'`. */
  userAgent?: string | undefined;
}

/** A fetched JSON document. */
export interface FetchedDocument {
  /** The parsed JSON. */
  json: unknown;
  /** The URL the document was finally read from (after redirects), without fragment. */
  url: string;
  /** The response's `Cache-Control` directives that matter to a cache. */
  cache: CacheDirectives;
  /** The length of the document, bytes. */
  bytes: number;
  /** The document's bytes as received, when the {@link DocumentKind} asks for them (else not kept). */
  body?: Uint8Array | undefined;
  /** The response header fields the {@link DocumentKind} asked to keep (lower-case names, one entry per field line). */
  headers?: Record<string, string[]> | undefined;
}

/**
 * What kind of document a fetch expects: the `Accept` it sends, the content types it accepts, and the response
 * header fields it keeps (e.g. the signature fields of a signed key directory).
 */
export interface DocumentKind {
  /** The `Accept` header sent. */
  accept: string;
  /** Whether a `Content-Type` is accepted. */
  isType: (contentType: string | undefined) => boolean;
  /** Response header fields to return in {@link FetchedDocument.headers}. */
  headers?: readonly string[] | undefined;
  /** Whether to return the bytes read in {@link FetchedDocument.body} (a signed directory's `Content-Digest` is checked against them). */
  body?: boolean | undefined;
}

/** Default size limit of a key document: 256 KiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES: number = 256 * 1024;
/** Default number of redirects followed. */
export const DEFAULT_MAX_REDIRECTS = 3;
/** Default connect timeout, ms. */
export const DEFAULT_CONNECT_TIMEOUT = 5000;
/** Default timeout of a whole fetch, ms. */
export const DEFAULT_FETCH_TIMEOUT = 10_000;
/** The `Accept` header of a key fetch: ActivityStreams first, then JWK sets, then plain JSON. */
export const KEY_DOCUMENT_ACCEPT: string =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", '
  + 'application/jwk-set+json;q=0.9, application/json;q=0.8';
const ACTIVITYSTREAMS = 'https://www.w3.org/ns/activitystreams';
/** The documents {@link fetchKeyDocument} fetches unless told otherwise: actors, key documents, JWK sets. */
const KEY_DOCUMENT: DocumentKind = { accept: KEY_DOCUMENT_ACCEPT, isType: isKeyDocumentType };
const MAX_URL_LENGTH = 2048;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Whether a `Content-Type` is one a key document may have: `application/activity+json`, `application/json`,
 * `application/jwk-set+json`, or `application/ld+json` with the ActivityStreams profile.
 *
 * @param header - the `Content-Type` value, if any.
 * @returns true when the type is accepted.
 */
export function isKeyDocumentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...params] = header.split(';');
  const media = type.trim().toLowerCase();
  if (media === 'application/activity+json' || media === 'application/json' || media === 'application/jwk-set+json') return true;
  if (media !== 'application/ld+json') return false;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'profile') continue;
    const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (value.split(/\s+/).includes(ACTIVITYSTREAMS)) return true;
  }
  return false;
}

/**
 * Checks a URL against the URL policy: http(s) only (http when allowed), no credentials, bounded length, an allowed
 * port when `ports` is given.
 *
 * @param url - the URL to fetch.
 * @param options - the guard options.
 * @param keyId - for the error.
 * @returns the parsed URL without its fragment.
 * @throws {@link KeyFetchRefusedUrlError}
 */
export function checkKeyUrl(url: string, options: FetchGuardOptions, keyId: string): URL {
  if (url.length > MAX_URL_LENGTH) throw new KeyFetchRefusedUrlError('The key URL is too long', { keyId });
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new KeyFetchRefusedUrlError('The keyId is not an absolute URL', { keyId }); }
  if (parsed.protocol === 'http:') {
    if (options.allowHttp !== true) throw new KeyFetchRefusedUrlError('Key URLs must be https', { keyId });
  } else if (parsed.protocol !== 'https:') {
    throw new KeyFetchRefusedUrlError('Key URLs must be http(s)', { keyId });
  }
  if (parsed.username !== '' || parsed.password !== '') throw new KeyFetchRefusedUrlError('Key URLs must not carry credentials', { keyId });
  if (parsed.hostname === '') throw new KeyFetchRefusedUrlError('The key URL has no host', { keyId });
  if (options.ports !== undefined && !options.ports.includes(portOf(parsed))) throw new KeyFetchRefusedUrlError('The key URL\'s port is not allowed', { keyId });
  parsed.hash = '';
  return parsed;
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks every address; returns the one to connect to.
 * @throws {@link KeyFetchRefusedAddressError} when any address is refused and not allowed.
 */
async function checkedAddress(url: URL, options: FetchGuardOptions, keyId: string, deadline: Deadline): Promise<ResolvedAddress> {
  const hostname = bareHostname(url);
  const port = portOf(url);
  const family = isIP(hostname);
  let addresses: readonly ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await deadline.race((options.lookup ?? defaultLookup)(hostname));
    } catch (error) {
      if (error instanceof KeyFetchTimeoutError) throw error;
      throw new KeyFetchFailedError('The key host name does not resolve', { keyId, cause: error });
    }
  }
  if (!Array.isArray(addresses) || addresses.length === 0) throw new KeyFetchFailedError('The key host name does not resolve', { keyId });
  // Every address is checked: a name that resolves to one public and one private address is refused, whichever
  // the connection would have used.
  for (const entry of addresses) {
    const cls = classifyAddress(String(entry?.address));
    if (cls !== undefined && options.allowAddress?.(String(entry.address), hostname, port) !== true) {
      throw new KeyFetchRefusedAddressError(cls, { keyId });
    }
  }
  const chosen = addresses[0] as ResolvedAddress;
  return { address: chosen.address, family: isIP(chosen.address) };
}

function portOf(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The total-time budget of one fetch. */
class Deadline {
  readonly #end: number;
  readonly #keyId: string;
  constructor(ms: number, keyId: string) {
    this.#end = Date.now() + ms;
    this.#keyId = keyId;
  }
  remaining(): number { return this.#end - Date.now(); }
  expired(): KeyFetchTimeoutError { return new KeyFetchTimeoutError('The key fetch took too long', { keyId: this.#keyId }); }
  async race<T>(promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.expired()), Math.max(0, this.remaining()));
    });
    try { return await Promise.race([promise, timeout]); } finally { clearTimeout(timer); }
  }
}

type HopResult = { redirect: string } | FetchedDocument;

/**
 * Fetches a JSON key document under the guard: URL policy, every resolved address checked before connecting and
 * the connection pinned to the checked address (SNI and `Host` stay the host name), bounded redirects each checked
 * again, content type, streamed size limit, connect and total timeouts.
 *
 * @param url - the key URL (a fragment is dropped).
 * @param options - the guard options.
 * @param keyId - the keyId, attached to errors.
 * @param kind - the `Accept` sent, the content types accepted and the response headers kept; default: key
 *   documents ({@link KEY_DOCUMENT_ACCEPT}, {@link isKeyDocumentType}).
 * @returns the parsed document, its final URL and cache directives.
 * @throws {@link KeyFetchRefusedUrlError}, {@link KeyFetchRefusedAddressError}, {@link KeyFetchTimeoutError},
 *   {@link KeyFetchTooLargeError}, {@link KeyFetchFailedError}, {@link KeyFetchBadDocumentError}.
 */
export async function fetchKeyDocument(url: string, options: FetchGuardOptions, keyId: string, kind: DocumentKind = KEY_DOCUMENT): Promise<FetchedDocument> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const deadline = new Deadline(options.timeout ?? DEFAULT_FETCH_TIMEOUT, keyId);
  let current = checkKeyUrl(url, options, keyId);
  for (let hop = 0; ; hop += 1) {
    const address = await checkedAddress(current, options, keyId, deadline);
    if (deadline.remaining() <= 0) throw deadline.expired();
    const result = await fetchHop(current, address, options, keyId, deadline, kind);
    if (!('redirect' in result)) return result;
    if (hop >= maxRedirects) throw new KeyFetchFailedError('Too many redirects', { keyId });
    let next: string;
    try { next = new URL(result.redirect, current).href; } catch { throw new KeyFetchRefusedUrlError('A redirect is not a URL', { keyId }); }
    current = checkKeyUrl(next, options, keyId);
  }
}

function fetchHop(url: URL, address: ResolvedAddress, options: FetchGuardOptions, keyId: string, deadline: Deadline, kind: DocumentKind): Promise<HopResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const hostname = bareHostname(url);
  const https = url.protocol === 'https:';
  return new Promise<HopResult>((resolve, reject) => {
    let settled = false;
    let request: ClientRequest | undefined;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const finish = (error: Error | undefined, value?: HopResult): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      if (error !== undefined) {
        request?.destroy();
        reject(error);
      } else {
        resolve(value as HopResult);
      }
    };
    timers.push(setTimeout(() => finish(deadline.expired()), Math.max(0, deadline.remaining())));
    const connectTimer = setTimeout(() => finish(new KeyFetchTimeoutError('Connecting to the key host took too long', { keyId })), connectTimeout);
    timers.push(connectTimer);
    // The connection goes to the address that was checked, whatever DNS answers now: no rebinding between the
    // check and the connect. TLS still verifies the certificate for `hostname` (SNI from `host`).
    const pinnedLookup = (name: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
      if (name !== hostname) { callback(new Error('Unexpected host name lookup')); return; }
      if (lookupOptions?.all === true) callback(null, [{ address: address.address, family: address.family }]);
      else callback(null, address.address, address.family);
    };
    const requestOptions = {
      protocol: url.protocol,
      host: hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      agent: false as const,
      lookup: pinnedLookup as never,
      headers: {
        accept: kind.accept,
        'accept-encoding': 'identity',
        'user-agent': options.userAgent ?? '@httpsig/keys',
      },
      ...(https && options.ca !== undefined ? { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] } : {}),
    };
    try {
      request = (https ? httpsRequest : httpRequest)(requestOptions);
    } catch (error) {
      finish(new KeyFetchFailedError('The key fetch could not start', { keyId, cause: error }));
      return;
    }
    request.on('socket', (socket: Socket) => {
      socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    request.on('error', (error) => finish(new KeyFetchFailedError('The key host could not be reached', { keyId, cause: error })));
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        const location = response.headers.location;
        request?.destroy();
        if (location === undefined) finish(new KeyFetchFailedError('A redirect without Location', { keyId }, status));
        else finish(undefined, { redirect: location });
        return;
      }
      if (status !== 200) { finish(new KeyFetchFailedError(`The key host answered ${status}`, { keyId }, status)); return; }
      if (!kind.isType(response.headers['content-type'])) {
        finish(new KeyFetchBadDocumentError('The key document has an unexpected content type', { keyId }));
        return;
      }
      const encoding = response.headers['content-encoding'];
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        finish(new KeyFetchBadDocumentError('The key document is content-encoded', { keyId }));
        return;
      }
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (declared > maxBytes) { finish(new KeyFetchTooLargeError(maxBytes, { keyId })); return; }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxBytes) { finish(new KeyFetchTooLargeError(maxBytes, { keyId })); return; }
        chunks.push(chunk);
      });
      response.on('error', (error) => finish(new KeyFetchFailedError('The key document was cut off', { keyId, cause: error })));
      response.on('aborted', () => finish(new KeyFetchFailedError('The key document was cut off', { keyId })));
      response.on('end', () => {
        let json: unknown;
        const body = new Uint8Array(Buffer.concat(chunks, length));
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
        } catch {
          finish(new KeyFetchBadDocumentError('The key document is not JSON', { keyId }));
          return;
        }
        const document: FetchedDocument = { json, url: url.href, cache: parseCacheControl(response.headers['cache-control']), bytes: length };
        if (kind.body === true) document.body = body;
        if (kind.headers !== undefined) {
          document.headers = {};
          for (const name of kind.headers) {
            const lines = response.headersDistinct[name];
            if (lines !== undefined) document.headers[name] = [...lines];
          }
        }
        finish(undefined, document);
      });
    });
    request.end();
  });
}

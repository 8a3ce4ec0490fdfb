/**
 * Turns fetch's `(input, init)` into one prepared request whose URL, method, headers and body bytes are
 * final: what is signed is exactly what is sent (WHATWG Fetch §5.4 `new Request(input, init)` semantics).
 *
 * @packageDocumentation
 */
import { bufferBody } from '@httpsig/core/adapter';
import { readBody } from './body.js';

/** A request ready to be signed and sent, hop after hop. Internal. */
export interface PreparedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | undefined;
  redirect: RequestRedirect;
  /** Whether this hop is signed: false once a redirect left the origin (unless allowed) or downgraded to http. */
  sign: boolean;
  /**
   * Whether the body may be sent again for a double-knock retry: false for a stream body (a `ReadableStream`, an
   * async iterable, or the body of a `Request`, which is a stream here), true for no body or one given as a value.
   */
  replayable: boolean;
  /** The rest of the caller's init (signal, dispatcher, keepalive, …), passed through. */
  init: RequestInit;
}

/** The parts of a `Request` read here; matched by shape so a `Request` from another fetch implementation works. */
interface RequestLike {
  url: string;
  method: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  redirect?: RequestRedirect;
  signal?: AbortSignal;
  clone(): RequestLike;
}

function isRequestLike(value: unknown): value is RequestLike {
  return typeof value === 'object' && value !== null && !(value instanceof URL) &&
    typeof (value as RequestLike).url === 'string' && typeof (value as RequestLike).method === 'string' &&
    typeof (value as RequestLike).clone === 'function' && typeof (value as RequestLike).headers === 'object';
}

/**
 * Prepares a request from fetch's arguments.
 *
 * @param input - a URL string, a `URL` or a `Request`.
 * @param init - fetch's init; its fields override the `Request`'s.
 * @param maxBodyBytes - the limit for bodies read from a stream.
 * @returns the prepared request.
 * @throws TypeError for an invalid URL or body; BodyTooLargeError for a stream body over the limit.
 */
export async function prepareRequest(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  maxBodyBytes: number,
): Promise<PreparedRequest> {
  const { method: initMethod, headers: initHeaders, body: initBody, redirect: initRedirect, ...rest } = init ?? {};
  const request = isRequestLike(input) ? input : undefined;
  // A relative URL resolves against the page in browsers, as fetch does; in Node it is a TypeError.
  const url = new URL(request !== undefined ? request.url : String(input), (globalThis as { location?: { href?: string } }).location?.href);
  url.hash = '';
  const method = initMethod ?? request?.method ?? 'GET';
  const headers = new Headers(initHeaders ?? request?.headers ?? undefined);
  let body: Uint8Array<ArrayBuffer> | undefined;
  let replayable = true;
  if (initBody !== undefined && initBody !== null) {
    const read = await readBody(initBody, maxBodyBytes);
    body = read?.bytes;
    replayable = read?.stream !== true;
    if (read?.contentType !== undefined && !headers.has('content-type')) headers.set('content-type', read.contentType);
  } else if (request !== undefined && request.body !== null) {
    // As in fetch, a null `init.body` does not replace a Request's body (the Fetch standard uses the input's body
    // unless init's is non-null). A Request's body is a stream even when it was made from a string: read a clone,
    // keep the caller's intact.
    const clone = request.clone();
    if (clone.body !== null) body = await bufferBody(clone.body, maxBodyBytes);
    replayable = false;
  }
  if (request?.signal !== undefined && rest.signal === undefined) rest.signal = request.signal;
  delete (rest as { duplex?: unknown }).duplex;
  return { url, method, headers, body, redirect: initRedirect ?? request?.redirect ?? 'follow', sign: true, replayable, init: rest };
}

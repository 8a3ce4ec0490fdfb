/**
 * Reading a node:http request body for the digest check while leaving it readable for the app. Internal.
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { BodyTooLargeError } from '@httpsig/core';
import { BodyTimeoutError, RequestAbortedError } from '../errors.js';

/**
 * Whether an HTTP/1.x request has a body at all (RFC 9112 §6.3: Transfer-Encoding, or a non-zero
 * Content-Length), from its raw header pairs (lower-case names). Meaningless for HTTP/2 and later, where a body
 * needs neither header: see {@link mayHaveBody}.
 */
export function announcesBody(pairs: readonly (readonly [string, string])[]): boolean {
  for (let index = 0; index < pairs.length; index++) {
    const [name, value] = pairs[index] as readonly [string, string];
    if (name === 'transfer-encoding' || (name === 'content-length' && value.trim() !== '0')) return true;
  }
  return false;
}

/**
 * Whether the request may carry body bytes: always over HTTP/2 and later (DATA frames need no
 * Content-Length; RFC 9113 §8.1), else when the HTTP/1.x framing headers announce one. Fails closed:
 * false only when there is certainly no body.
 * @param httpVersionMajor - `req.httpVersionMajor`.
 * @param pairs - the request's raw header pairs, lower-case names.
 */
export function mayHaveBody(httpVersionMajor: number, pairs: readonly (readonly [string, string])[]): boolean {
  return !(httpVersionMajor < 2) || announcesBody(pairs);
}

/** Whether an HTTP/2 stream was aborted or closed with an RST_STREAM error code (`Http2Stream#aborted`, `#rstCode`). */
function wasReset(stream: Readable): boolean {
  const { aborted, rstCode } = stream as { aborted?: unknown; rstCode?: unknown };
  return aborted === true || (typeof rstCode === 'number' && rstCode !== 0);
}

/** The HTTP/2 stream under a node:http2 compatibility request (`Http2ServerRequest#stream`), if any. */
function http2StreamOf(req: IncomingMessage): Readable | undefined {
  if (!(req.httpVersionMajor >= 2)) return undefined;
  const stream = (req as { stream?: unknown }).stream;
  return typeof stream === 'object' && stream !== null && typeof (stream as Readable).once === 'function' ? stream as Readable : undefined;
}

/** Throws when a declared Content-Length is already over the limit (nothing is read then). */
export function checkDeclaredLength(headers: IncomingMessage['headers'], limit: number): void {
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > limit) throw new BodyTooLargeError(limit);
}

/**
 * Reads the whole body of `req` (up to `limit` bytes) and puts it back, so that body parsers running after
 * verification (express.json(), a handler reading the stream) still receive every byte.
 *
 * How: the stream is read in paused mode (`'readable'` + `read()`). `'readable'` is also emitted once the
 * end of the data is reached, before `'end'`; at that point `req.complete` is true, and the bytes are pushed
 * back with `unshift()` — allowed until `'end'` has been emitted — so the stream ends only after the app
 * has read them again.
 *
 * Over HTTP/2 (node:http2 compatibility API) `req.complete` only turns true once the stream is closed, so
 * the end of the data is the `'end'` of the underlying HTTP/2 stream instead: by then every byte has been
 * pushed into `req`, which is drained and put back the same way. A stream that ends without data resolves with
 * no bytes. Call it only for a request that may have a body ({@link mayHaveBody}).
 *
 * @param req - the request.
 * @param limit - the most bytes read.
 * @param timeout - the most milliseconds the whole body may take to arrive.
 * @returns the body bytes.
 * @throws {@link BodyTooLargeError} over `limit`; {@link BodyTimeoutError} after `timeout`;
 *   {@link RequestAbortedError} when the client aborts (closed connection, reset stream, stream error).
 */
export function readNodeBody(req: IncomingMessage, limit: number, timeout: number): Promise<Uint8Array> {
  const saved = (req as { rawBody?: unknown }).rawBody;
  if (req.readableDidRead || req.readableEnded) {
    // Something read the body before verification; accept the bytes it kept (a body parser's `verify` hook).
    if (saved instanceof Uint8Array) {
      if (saved.length > limit) return Promise.reject(new BodyTooLargeError(limit));
      return Promise.resolve(saved);
    }
    return Promise.reject(new Error(
      'The request body was read before signature verification: put the verifier before body parsers, or keep the raw bytes in req.rawBody'));
  }
  try {
    checkDeclaredLength(req.headers, limit);
  } catch (error) {
    return Promise.reject(error);
  }
  const h2 = http2StreamOf(req);
  if (req.httpVersionMajor >= 2 && h2 === undefined) {
    return Promise.reject(new Error('Cannot tell where this HTTP/2 request body ends'));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let sourceEnded = h2?.readableEnded === true;
    let checked = false;
    let settled = false;
    const finished = (): boolean => (h2 === undefined ? req.complete : sourceEnded);
    const timer = setTimeout(() => { cleanup(); reject(new BodyTimeoutError()); }, timeout);
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      req.removeListener('readable', onReadable);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      h2?.removeListener('end', onSourceEnd);
    };
    const onError = (error: Error): void => { cleanup(); reject(new RequestAbortedError({ cause: error })); };
    const onClose = (): void => {
      if (!finished()) { cleanup(); reject(new RequestAbortedError()); }
    };
    const onReadable = (): void => {
      // Until the deferred check below, nothing is read: reading the ended `req` dry would let it emit 'end'.
      if (settled || (sourceEnded && !checked)) return;
      // A reset HTTP/2 stream also ends its readable side: that is an aborted request, not the end of the body.
      if (h2 !== undefined && sourceEnded && wasReset(h2)) { cleanup(); reject(new RequestAbortedError()); return; }
      // Exactly what is buffered, never a read past it: a read that comes back empty on an ended stream
      // schedules its 'end', and the body could then no longer be put back.
      while (req.readableLength > 0) {
        const chunk = req.read(req.readableLength) as Buffer | null;
        if (chunk === null) break;
        total += chunk.length;
        if (total > limit) { cleanup(); reject(new BodyTooLargeError(limit)); return; }
        chunks.push(chunk);
      }
      if (!finished()) return; // more data to come
      cleanup();
      const body = chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks, total);
      if (body.length > 0) req.unshift(body);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    // The HTTP/2 stream's 'end' comes after its last byte was pushed into `req` (and `req` was ended). A
    // received RST_STREAM also ends it, just before the stream is marked aborted (same socket read): the
    // check waits one turn of the event loop so that a reset is seen as an abort, not as the end of the body.
    const check = (): void => { checked = true; onReadable(); };
    const onSourceEnd = (): void => { sourceEnded = true; setImmediate(check); };
    req.on('readable', onReadable);
    req.on('error', onError);
    req.on('close', onClose);
    if (h2 !== undefined) {
      if (sourceEnded) setImmediate(check);
      else h2.once('end', onSourceEnd);
    }
  });
}

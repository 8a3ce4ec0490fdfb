/**
 * Reading a node:http request body for the digest check while leaving it readable for the app. Internal.
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '@httpsig/core';

const EMPTY = new Uint8Array(0);

/** Whether the request has a body at all (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export function announcesBody(headers: IncomingMessage['headers']): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
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
 */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  if (!announcesBody(req.headers)) return Promise.resolve(EMPTY);
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
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.removeListener('readable', onReadable);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
    };
    const onError = (error: Error): void => { cleanup(); reject(error); };
    const onClose = (): void => {
      if (!req.complete) { cleanup(); reject(new Error('The request was aborted')); }
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = req.read() as Buffer | null) !== null) {
        total += chunk.length;
        if (total > limit) { cleanup(); reject(new BodyTooLargeError(limit)); return; }
        chunks.push(chunk);
      }
      if (!req.complete) return; // more data to come
      cleanup();
      const body = chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks, total);
      if (body.length > 0) req.unshift(body);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    req.on('readable', onReadable);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

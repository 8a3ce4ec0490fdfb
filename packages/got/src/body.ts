/**
 * The exact bytes got sends for a finalised body (after `json`/`form` became a string and `FormData` an
 * encoder stream): strings as UTF-8, buffers and views as they are, streams and (async) iterables buffered
 * up to a limit.
 *
 * @packageDocumentation
 */
import { bufferBody } from '@httpsig/core/adapter';

const encoder = new TextEncoder();

/** A body's bytes, and whether it came from a stream (so got's body must be replaced by the bytes). Internal. */
export interface GotBodyBytes {
  bytes: Uint8Array;
  fromStream: boolean;
}

/**
 * Reads got's finalised body.
 *
 * @param body - `options.body` in a `beforeRequest` hook.
 * @param maxBytes - the limit for stream bodies.
 * @returns undefined when there is no body.
 * @throws BodyTooLargeError (`ERR_BODY_TOO_LARGE`) when a stream is over `maxBytes`; TypeError for an
 *   unsupported body.
 */
export async function readGotBody(body: unknown, maxBytes: number): Promise<GotBodyBytes | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return { bytes: encoder.encode(body), fromStream: false };
  if (ArrayBuffer.isView(body)) {
    return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), fromStream: false };
  }
  if (typeof body === 'object' && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return { bytes: await bufferBody(body as AsyncIterable<unknown>, maxBytes), fromStream: true };
  }
  if (typeof body === 'object' && typeof (body as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return { bytes: await bufferBody(body as Iterable<unknown>, maxBytes), fromStream: true };
  }
  throw new TypeError('unsupported got body type');
}

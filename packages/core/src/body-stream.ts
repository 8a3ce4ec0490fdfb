/**
 * Reading a streamed body whole, up to a limit: a digest covers the exact bytes, so a client must buffer a
 * stream before signing it and a server before verifying it. Shared by the adapters and the server.
 * @packageDocumentation
 */
import { BodyTooLargeError } from './errors.js';

/** The default limit for bodies read from a stream: 8 MiB. */
export const DEFAULT_MAX_BODY_BYTES: number = 8 * 1024 * 1024;

const encoder = new TextEncoder();

/** A source of body chunks: a web `ReadableStream`, a Node stream, or any (async) iterable of chunks. */
export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<unknown> | Iterable<unknown>;

/**
 * The bytes of one chunk, copied (so later writes by the producer cannot change what was digested).
 *
 * @param chunk - a string (UTF-8 encoded), an `ArrayBuffer` or a view.
 * @returns the bytes, or undefined when the chunk is none of those.
 */
export function chunkBytes(chunk: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
  return undefined;
}

/**
 * Concatenates byte arrays.
 *
 * @param chunks - the parts, in order.
 * @returns one array with all their bytes.
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a streamed body into one byte array, refusing more than `maxBytes`: reading stops at the limit and
 * the source is cancelled (web stream) or destroyed (Node stream).
 *
 * @param source - a web `ReadableStream`, a Node stream or an (async) iterable of string or byte chunks.
 * @param maxBytes - the limit; default {@link DEFAULT_MAX_BODY_BYTES}.
 * @returns the bytes.
 * @throws {@link core/src!BodyTooLargeError} `ERR_BODY_TOO_LARGE` when the body is longer than `maxBytes`.
 * @throws TypeError when a chunk is not a string or bytes.
 * @example
 * ```ts
 * const bytes = await bufferBody(request.body!, 1024 * 1024)
 * ```
 */
export async function bufferBody(source: BodySource, maxBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const add = (chunk: unknown): boolean => {
    const bytes = chunkBytes(chunk);
    if (bytes === undefined) throw new TypeError('a body stream must yield strings or bytes');
    total += bytes.byteLength;
    if (total > maxBytes) return false;
    chunks.push(bytes);
    return true;
  };
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!add(value)) {
        // Not awaited: cancelling one branch of a tee'd stream (a cloned Request's body) settles only once the
        // other branch is cancelled too, which may never happen.
        reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(maxBytes);
      }
    }
    return concatBytes(chunks);
  }
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (!add(chunk)) {
      (source as { destroy?: () => void }).destroy?.();
      throw new BodyTooLargeError(maxBytes);
    }
  }
  return concatBytes(chunks);
}

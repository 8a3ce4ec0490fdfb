/**
 * The exact bytes axios sends for request data after `transformRequest`, mirroring its http adapter: strings
 * as UTF-8, ArrayBuffers and views as they are, Blobs with their type, spec `FormData` serialised once with
 * one boundary, streams buffered up to a limit.
 *
 * @packageDocumentation
 */
import { BodyTooLargeError } from '@httpsig/core';
import { bufferBody, chunkBytes, concatBytes } from '@httpsig/core/adapter';

/** Body bytes and the content type they impose (Blob type, multipart boundary), if any. Internal. */
export interface AxiosBodyBytes {
  bytes: Uint8Array;
  contentType: string | undefined;
  /** Whether it was read from a stream (async iterable or pipe): such a body is never sent twice. */
  stream?: boolean;
}

const encoder = new TextEncoder();

/**
 * Reads transformed axios request data.
 *
 * @param data - `config.data` after `transformRequest`.
 * @param maxBytes - the limit for stream bodies.
 * @returns undefined when there is no body.
 * @throws BodyTooLargeError (`ERR_BODY_TOO_LARGE`) when a stream is over `maxBytes`; TypeError for data axios
 *   cannot send either.
 */
export async function readAxiosBody(data: unknown, maxBytes: number): Promise<AxiosBodyBytes | undefined> {
  if (data === undefined || data === null || data === '') return undefined;
  if (typeof data === 'string') return { bytes: encoder.encode(data), contentType: undefined };
  if (data instanceof ArrayBuffer) return { bytes: new Uint8Array(data.slice(0)), contentType: undefined };
  if (ArrayBuffer.isView(data)) {
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(), contentType: undefined };
  }
  if (data instanceof URLSearchParams) return { bytes: encoder.encode(data.toString()), contentType: undefined };
  if (typeof FormData !== 'undefined' && data instanceof FormData) {
    const response = new Response(data);
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    return {
      bytes: new Uint8Array(await data.arrayBuffer()),
      contentType: data.size > 0 ? data.type || 'application/octet-stream' : undefined,
    };
  }
  if (typeof data === 'object' && typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return { bytes: await bufferBody(data as AsyncIterable<unknown>, maxBytes), contentType: undefined, stream: true };
  }
  if (typeof data === 'object' && typeof (data as PipeSource).pipe === 'function') {
    // An old-style stream, such as the `form-data` package axios uses for multipart in Node: its boundary
    // comes from getHeaders(), as axios's http adapter reads it.
    const getHeaders = (data as PipeSource).getHeaders;
    const contentType = typeof getHeaders === 'function' ? getHeaders.call(data)['content-type'] : undefined;
    return { bytes: await readPipe(data as PipeSource, maxBytes), contentType, stream: true };
  }
  throw new TypeError('request data after transformRequest must be a string, bytes, a Blob, FormData or a stream');
}

/** A Node stream that only offers `pipe` (no async iteration). */
interface PipeSource {
  pipe(destination: unknown): unknown;
  on?(event: string, listener: (error: unknown) => void): unknown;
  getHeaders?(): Record<string, string | undefined>;
}

async function readPipe(source: PipeSource, maxBytes: number): Promise<Uint8Array> {
  const { Writable } = await import('node:stream');
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const sink = new Writable({
      write(chunk: Uint8Array | string, _encoding, callback) {
        const bytes = chunkBytes(chunk) as Uint8Array;
        total += bytes.byteLength;
        if (total > maxBytes) {
          callback(new BodyTooLargeError(maxBytes));
          return;
        }
        chunks.push(bytes);
        callback();
      },
      final(callback) {
        callback();
        resolve(concatBytes(chunks));
      },
    });
    sink.on('error', reject);
    source.on?.('error', reject);
    source.pipe(sink);
  });
}

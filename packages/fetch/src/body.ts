/**
 * The exact bytes a fetch body puts on the wire, and the `Content-Type` fetch would add for it
 * (WHATWG Fetch §5.2 "extract a body"), so the digest covers what is sent.
 *
 * @packageDocumentation
 */
import { bufferBody, chunkBytes } from '@httpsig/core/adapter';

/** A body as bytes, with the content type its kind implies (if any). Internal. */
export interface BodyBytes {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string | undefined;
  /** Whether it was read from a stream (a `ReadableStream` or async iterable): such a body is never sent twice. */
  stream?: boolean;
}

const encoder = new TextEncoder();

/**
 * The bytes and implied content type of any fetch body.
 *
 * @param body - a fetch `BodyInit` (string, bytes, `URLSearchParams`, `Blob`, `FormData`, `ReadableStream`) or
 *   a Node async iterable.
 * @param maxBytes - the limit for bodies read from a stream.
 * @returns undefined for no body.
 * @throws BodyTooLargeError (`ERR_BODY_TOO_LARGE`) when a stream body is over `maxBytes`; TypeError for an
 *   unsupported body.
 */
export async function readBody(body: unknown, maxBytes: number): Promise<BodyBytes | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return { bytes: encoder.encode(body), contentType: 'text/plain;charset=UTF-8' };
  const bytes = chunkBytes(body);
  if (bytes !== undefined) return { bytes, contentType: undefined };
  if (body instanceof URLSearchParams) {
    return { bytes: encoder.encode(body.toString()), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return { bytes: new Uint8Array(await body.arrayBuffer()), contentType: body.type === '' ? undefined : body.type };
  }
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    // Serialise once, with one boundary; the bytes are sent as they are, so the digest matches.
    const response = new Response(body);
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
    return { bytes: await bufferBody(body as ReadableStream<Uint8Array>, maxBytes), contentType: undefined, stream: true };
  }
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return { bytes: await bufferBody(body as AsyncIterable<unknown>, maxBytes), contentType: undefined, stream: true };
  }
  throw new TypeError('unsupported fetch body type');
}

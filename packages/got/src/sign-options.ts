/**
 * Signs got's normalised options in place with core `sign`: `(request-target)` from the final URL (prefixUrl
 * and searchParams already merged by got), `Host` as Node sends it (`URL.host`: the port only when it is not
 * the default) unless a Host header is set, a `Date` when absent, the digest over the exact body bytes.
 *
 * @packageDocumentation
 */
import { signOutgoing } from '@httpsig/core/adapter';
import type { SigningOptions } from '@httpsig/core';
import { Buffer } from 'node:buffer';
import { readGotBody } from './body.js';
import type { GotRequestOptions } from './options.js';


/**
 * Signs one hop.
 *
 * @param options - got's options for the hop; headers (and a buffered stream body) are written into it.
 * @param signing - the signing options.
 * @param maxBodyBytes - the limit for stream bodies.
 * @returns the `Date` value this call added, if it added one.
 * @throws MissingHeaderError (`ERR_MISSING_HEADER`) when a header to sign is absent; `BodyTooLargeError`
 *   (`ERR_BODY_TOO_LARGE`) for a stream body over the limit; other core errors for a bad key or options.
 */
export async function signGotOptions(
  options: GotRequestOptions,
  signing: SigningOptions,
  maxBodyBytes: number,
): Promise<string | undefined> {
  if (options.url === undefined) throw new TypeError('got options have no url');
  const url = typeof options.url === 'string' ? new URL(options.url) : options.url;
  const headers = options.headers;
  let body: Uint8Array | undefined;
  if (signing.digest !== undefined) {
    const read = await readGotBody(options.body, maxBodyBytes);
    if (read?.fromStream === true) {
      // The stream is consumed: send the bytes that were digested (and can be re-sent on a 307/308).
      options.body = Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength);
      if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
        headers['content-length'] = String(read.bytes.byteLength);
      }
    }
    body = read?.bytes;
  }
  const result = await signOutgoing({ method: options.method, url, headers, body }, signing);
  for (const [name, value] of Object.entries(result.headers)) headers[name] = value;
  return result.headers['date'];
}

/**
 * Signs got's normalised options in place with core (`signOutgoing`, or the retry of double-knocking): `(request-target)` from the final URL (prefixUrl
 * and searchParams already merged by got), `Host` as Node sends it (`URL.host`: the port only when it is not
 * the default) unless a Host header is set, a `Date` when absent, the digest over the exact body bytes.
 *
 * @packageDocumentation
 */
import type { KnockAttempt } from '@httpsig/core/adapter';
import { Buffer } from 'node:buffer';
import { readGotBody } from './body.js';
import type { GotRequestOptions } from './options.js';


/**
 * Signs one hop.
 *
 * @param options - got's options for the hop; headers (and a buffered stream body) are written into it.
 * @param attempt - the try (its spec and signing options) of core's double-knock policy.
 * @param digest - whether a digest is made (then the body is read, a stream one buffered).
 * @param maxBodyBytes - the limit for stream bodies.
 * @returns the names of the headers this call set (a `Date` among them only when it added one).
 * @throws MissingHeaderError (`ERR_MISSING_HEADER`) when a header to sign is absent; `BodyTooLargeError`
 *   (`ERR_BODY_TOO_LARGE`) for a stream body over the limit; other core errors for a bad key or options.
 */
export async function signGotOptions(
  options: GotRequestOptions,
  attempt: KnockAttempt,
  digest: boolean,
  maxBodyBytes: number,
): Promise<Record<string, string>> {
  if (options.url === undefined) throw new TypeError('got options have no url');
  const url = typeof options.url === 'string' ? new URL(options.url) : options.url;
  const headers = options.headers;
  let body: Uint8Array | undefined;
  if (digest) {
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
  const result = await attempt.sign({ method: options.method, url, headers, body });
  for (const [name, value] of Object.entries(result.headers)) headers[name] = value;
  return result.headers;
}

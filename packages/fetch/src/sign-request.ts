/**
 * Signs one prepared request with core `sign`: `(request-target)` from the final URL's path and query,
 * `Host` as fetch sends it (`URL.host`: the port only when it is not the default), the digest over the exact
 * body bytes.
 *
 * @packageDocumentation
 */
import { sign } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import type { PreparedRequest } from './prepare.js';

const EMPTY = new Uint8Array(0);

/**
 * The headers to send for one hop: the request's own plus those `sign` adds (date, digest, signature).
 *
 * @param request - the hop to sign.
 * @param options - the signing options.
 * @returns a fresh `Headers`.
 * @throws MissingHeaderError (`ERR_MISSING_HEADER`) when a header to sign is absent; other core errors for
 *   a bad key or options.
 */
export async function signRequest(request: PreparedRequest, options: SigningOptions): Promise<Headers> {
  const pairs: [string, string][] = [...request.headers];
  if (!request.headers.has('host')) pairs.push(['host', request.url.host]);
  const result = await sign(
    // The absolute URL without its fragment: draft-cavage takes the path and query from it unchanged, RFC 9421
    // also derives @scheme, @authority and @target-uri.
    { method: request.method, url: request.url.origin + request.url.pathname + request.url.search, headers: pairs },
    options.digest === undefined ? options : { ...options, body: request.body ?? EMPTY },
  );
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
  return headers;
}

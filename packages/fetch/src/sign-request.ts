/**
 * Signs one prepared request with core (`signOutgoing`, or the retry of double-knocking): `(request-target)` from the final URL's path and query,
 * `Host` as fetch sends it (`URL.host`: the port only when it is not the default), the digest over the exact
 * body bytes.
 *
 * @packageDocumentation
 */
import type { KnockAttempt } from '@httpsig/core/adapter';
import type { PreparedRequest } from './prepare.js';

/**
 * The headers to send for one hop: the request's own plus those `sign` adds (date, digest, signature).
 *
 * @param request - the hop to sign.
 * @param attempt - the try (its spec and signing options) of core's double-knock policy.
 * @returns a fresh `Headers`.
 * @throws MissingHeaderError (`ERR_MISSING_HEADER`) when a header to sign is absent; other core errors for
 *   a bad key or options.
 */
export async function signRequest(request: PreparedRequest, attempt: KnockAttempt): Promise<Headers> {
  const result = await attempt.sign({ method: request.method, url: request.url, headers: request.headers, body: request.body });
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
  return headers;
}

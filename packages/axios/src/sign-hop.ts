/**
 * Signs one axios hop with core (`signOutgoing`, or the retry of double-knocking): `(request-target)` from the final URL's path and query, `Host` as
 * Node sends it (`URL.host`: the port only when it is not the default) unless the config sets one, and the
 * digest over the exact body bytes.
 *
 * @packageDocumentation
 */
import type { KnockAttempt } from '@httpsig/core/adapter';
import { AxiosHeaders } from 'axios';
import type { Hop } from './hop.js';

/**
 * The headers to send for a hop: its own plus those `sign` adds (date, digest, signature).
 *
 * @param hop - the hop to sign.
 * @param attempt - the try (its spec and signing options) of core's double-knock policy.
 * @returns new headers; the hop's are not changed.
 * @throws MissingHeaderError (`ERR_MISSING_HEADER`) when a header to sign is absent; other core errors for a
 *   bad key or options.
 */
export async function signHop(hop: Hop, attempt: KnockAttempt): Promise<AxiosHeaders> {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(hop.headers.toJSON(true))) {
    if (typeof value === 'string') pairs.push([name, value]);
    else if (typeof value === 'number') pairs.push([name, String(value)]);
  }
  const result = await attempt.sign({ method: hop.method, url: hop.url, headers: pairs, body: hop.body });
  const headers = new AxiosHeaders(hop.headers);
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
  return headers;
}

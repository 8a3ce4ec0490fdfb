/**
 * `httpSignature`: hooks that sign every got request, and every same-origin redirect hop.
 *
 * @packageDocumentation
 */
import { mayRedirectCarrySignature } from '@httpsig/core/adapter';
import type { GotRedirectResponse, GotRequestOptions, GotSignatureExtension, GotSignatureOptions } from './options.js';
import { splitOptions } from './options.js';
import { signGotOptions } from './sign-options.js';

// Set in got's per-request context once a redirect left the origin unsigned; got copies the context to later
// hops and to retries, so the whole rest of the chain stays unsigned.
const UNSIGNED = Symbol.for('@httpsig/got.unsigned-redirect');
const ALL_SIGNATURE_HEADERS = ['authorization', 'signature', 'signature-input'];


/** Whether an earlier redirect of this chain left the origin unsigned (see {@link UNSIGNED}). */
function isUnsigned(options: GotRequestOptions): boolean {
  const context = options.context as Record<symbol, unknown> | undefined;
  return context !== undefined && context[UNSIGNED] === true;
}

/**
 * Options for `got.extend(...)` that sign every request over what got actually sends: the final URL
 * (`prefixUrl` + `url` + `searchParams`), `Host` with a non-default port, a `Date` when absent, and a digest
 * over the body bytes after got serialised `json`/`form`/`body` (streams buffered up to `maxBodyBytes`).
 * A `beforeRequest` hook signs each request (and retry); a `beforeRedirect` hook drops the previous hop's
 * signature, date and digest and signs the redirected request again when it stays on the same origin. A
 * redirect to another origin (scheme, host or port) is followed WITHOUT a signature (and the rest of that
 * chain, retries included, stays unsigned) unless `signCrossOriginRedirects` is true; an https → http
 * downgrade is never signed.
 *
 * @param options - the shared signing options of `@httpsig/core` plus `maxBodyBytes` and
 *   `signCrossOriginRedirects`.
 * @returns `{ hooks }` for `got.extend`.
 * @throws RangeError when `maxBodyBytes` is invalid; TypeError when `signCrossOriginRedirects` is not a
 *   boolean. Requests then reject with got's `RequestError` whose
 *   `code` is `ERR_MISSING_HEADER` (and `cause` the core `MissingHeaderError`) before anything is sent when a
 *   header to sign is absent, and with got's `HTTPError` for statuses such as 401.
 * @example
 * ```ts
 * import got from 'got'
 * import { httpSignature } from '@httpsig/got'
 * const jms = got.extend({ prefixUrl: 'https://jms.example.com/api/v1', headers: { accept: 'application/json' } },
 *   httpSignature({ keyId: accessKeyId, key: secret, algorithm: 'hmac-sha256',
 *     headers: ['(request-target)', 'accept', 'date'] }))
 * const users = await jms.get('users/users/', { searchParams: { limit: 10 } }).json()
 * ```
 */
export function httpSignature(options: GotSignatureOptions): GotSignatureExtension {
  const { signing, maxBodyBytes, signCrossOriginRedirects } = splitOptions(options);
  // The Date values this extension added (a few recent ones), so that a retry or a redirect, for which got
  // copies the headers into new options, gets a fresh Date; a Date the caller set is kept (unless it is
  // byte-for-byte one this extension generated in the same second).
  const addedDates = new Set<string>();
  // What a previous hop's signature left on the headers (RFC 9421 adds to an existing Signature-Input, so a
  // stale one must go before re-signing).
  const signatureHeaders = signing.scheme === 'rfc9421' ? ['signature-input', 'signature']
    : [signing.scheme === 'signature' ? 'signature' : 'authorization'];
  const digestHeader = signing.scheme === 'rfc9421' ? 'content-digest' : signing.digestHeader ?? 'digest';

  const strip = (hop: GotRequestOptions, names: readonly string[]): void => {
    const previousDate = hop.headers['date'];
    if (typeof previousDate === 'string' && addedDates.has(previousDate)) delete hop.headers['date'];
    for (const name of names) delete hop.headers[name];
    if (signing.digest !== undefined) delete hop.headers[digestHeader];
  };

  const signHop = async (hop: GotRequestOptions): Promise<void> => {
    if (isUnsigned(hop)) {
      strip(hop, ALL_SIGNATURE_HEADERS);
      return;
    }
    strip(hop, signatureHeaders);
    const date = await signGotOptions(hop, signing, maxBodyBytes);
    if (date !== undefined) {
      addedDates.add(date);
      if (addedDates.size > 16) addedDates.delete(addedDates.values().next().value as string);
    }
  };

  return {
    hooks: {
      beforeRequest: [
        async (gotOptions: GotRequestOptions): Promise<undefined> => {
          await signHop(gotOptions);
          return undefined;
        },
      ],
      beforeRedirect: [
        async (updatedOptions: GotRequestOptions, response: GotRedirectResponse): Promise<void> => {
          const to = updatedOptions.url === undefined ? undefined : new URL(String(updatedOptions.url));
          const from = new URL(response.url);
          if (to === undefined || (from.protocol === 'https:' && to.protocol !== 'https:')) {
            // got drops credentials only when the host or port changes; an https -> http downgrade to the same
            // host and port must not carry them in plain text either.
            delete updatedOptions.headers['cookie'];
            if (updatedOptions.username !== undefined && updatedOptions.username !== '') updatedOptions.username = '';
            if (updatedOptions.password !== undefined && updatedOptions.password !== '') updatedOptions.password = '';
          }
          if (to === undefined || !mayRedirectCarrySignature(from, to, signCrossOriginRedirects)) {
            if (updatedOptions.context === undefined) updatedOptions.context = {};
            (updatedOptions.context as Record<symbol, unknown>)[UNSIGNED] = true;
          }
          await signHop(updatedOptions);
        },
      ],
    },
  };
}

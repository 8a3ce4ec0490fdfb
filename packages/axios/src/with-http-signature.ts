/**
 * `withHttpSignature`: one line to sign every request of an axios instance.
 *
 * @packageDocumentation
 */
import type { AxiosInstance } from 'axios';
import { splitOptions } from './options.js';
import type { AxiosSignatureOptions } from './options.js';
import { createSigningAdapter } from './signing-adapter.js';

/**
 * Attaches a request interceptor that signs every request of `instance` over what axios actually sends:
 * the final URL (`baseURL` + `url` + `params`, serialised by axios or your `paramsSerializer`), `Host` with a
 * non-default port, a `Date` when absent, and a digest over the bytes after `transformRequest`. Redirects
 * are followed by the signing layer (in Node and with the fetch adapter) and every same-origin hop is
 * re-signed; a redirect to another origin (scheme, host or port) is followed WITHOUT a signature, credential
 * headers or `auth` (and the rest of that chain stays unsigned) unless `signCrossOriginRedirects` is true,
 * and an https → http downgrade is never signed. `maxRedirects` keeps its meaning (0: do not follow). With
 * `doubleKnock`, a signed hop the server refuses (401, or a 4xx with an `Accept-Signature` challenge) is signed once
 * more with the other spec (draft-cavage ↔ RFC 9421) and sent again, and the spec that worked is remembered for the
 * origin (see `createKnocker` of `@httpsig/core/adapter`); a stream body (a Node stream, `form-data`, an async
 * iterable) is never sent twice: its 401 is the answer.
 *
 * @param instance - an axios instance (or the default `axios`).
 * @param options - the shared signing options of `@httpsig/core` plus `maxBodyBytes`,
 *   `signCrossOriginRedirects` and `doubleKnock`.
 * @returns a function that detaches the interceptor.
 * @throws RangeError when `maxBodyBytes` is invalid; TypeError when `signCrossOriginRedirects` is not a
 *   boolean or `doubleKnock` is invalid. Requests then reject with a TypeError, before anything is sent, when the config sets `auth`
 *   while the signature goes in `Authorization` (draft-cavage's default scheme: axios would replace it with
 *   Basic credentials and send the request unsigned; use `scheme: 'signature'`), with `MissingHeaderError`
 *   (`ERR_MISSING_HEADER`) before anything is sent when a header to sign is absent, with `BodyTooLargeError`
 *   (`ERR_BODY_TOO_LARGE`) for a stream body over the limit, and with axios's usual `AxiosError` for HTTP errors such as 401.
 *   With `doubleKnock`, an `Accept-Signature` challenge the client cannot follow rejects with core's typed error
 *   (`HeaderTooLargeError`, `MalformedSignatureError`, `UnknownKeyError`, `AlgorithmNotAllowedError`).
 * @example
 * ```ts
 * import axios from 'axios'
 * import { withHttpSignature } from '@httpsig/axios'
 * const jms = axios.create({ baseURL: 'https://jms.example.com/api/v1/', headers: { Accept: 'application/json' } })
 * withHttpSignature(jms, { keyId: accessKeyId, key: secret, algorithm: 'hmac-sha256',
 *   headers: ['(request-target)', 'accept', 'date'] })
 * const { data } = await jms.get('users/users/', { params: { limit: 10 } })
 * ```
 */
export function withHttpSignature(instance: AxiosInstance, options: AxiosSignatureOptions): () => void {
  const { maxBodyBytes, signCrossOriginRedirects, knocker } = splitOptions(options);
  const id = instance.interceptors.request.use((config) => {
    config.adapter = createSigningAdapter(config.adapter, knocker, maxBodyBytes, signCrossOriginRedirects);
    return config;
  });
  return (): void => {
    instance.interceptors.request.eject(id);
  };
}

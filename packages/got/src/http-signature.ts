/**
 * `httpSignature`: hooks that sign every got request, and every same-origin redirect hop.
 *
 * @packageDocumentation
 */
import { mayRedirectCarrySignature } from '@httpsig/core/adapter';
import type { KnockAttempt } from '@httpsig/core/adapter';
import type { SigningOptions } from '@httpsig/core';
import type { GotKnockResponse, GotRedirectResponse, GotRequestOptions, GotSignatureExtension, GotSignatureOptions } from './options.js';
import { splitOptions } from './options.js';
import { signGotOptions } from './sign-options.js';

// Set in got's per-request context once a redirect left the origin unsigned; got copies the context to later
// hops and to retries, so the whole rest of the chain stays unsigned.
const UNSIGNED = Symbol.for('@httpsig/got.unsigned-redirect');
const ALL_SIGNATURE_HEADERS = ['authorization', 'signature', 'signature-input'];
// Double-knocking state of one request in got's context (copied to redirect hops, the same object on a retry): the
// try that signed the last hop, the retry to sign next with the URL of the hop it answers, and whether the body may
// be sent again.
const KNOCK = Symbol.for('@httpsig/got.double-knock');

interface KnockState {
  attempt?: KnockAttempt | undefined;
  next?: { attempt: KnockAttempt; href: string } | undefined;
  replayable: boolean;
}

/** A body got can send again: none, a string or bytes (`json`/`form` are strings by now); never a stream. */
function isReplayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === 'string' || ArrayBuffer.isView(body);
}

/** The request's double-knock state, made at its first signed hop. */
function knockState(options: GotRequestOptions): KnockState {
  if (options.context === undefined) options.context = {};
  const context = options.context as Record<symbol, KnockState | undefined>;
  return (context[KNOCK] ??= { replayable: isReplayable(options.body) });
}

/** The headers where the signatures of these options go. */
function signatureHeadersOf(signings: readonly SigningOptions[]): string[] {
  return [...new Set(signings.flatMap((s) => (s.scheme === 'rfc9421' ? ['signature-input', 'signature'] : [s.scheme === 'signature' ? 'signature' : 'authorization'])))];
}

/** The digest headers these options write. */
function digestHeadersOf(signings: readonly SigningOptions[]): string[] {
  return [...new Set(signings.filter((s) => s.digest !== undefined).map((s) => (s.scheme === 'rfc9421' ? 'content-digest' : s.digestHeader ?? 'digest')))];
}


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
 * downgrade is never signed. With `doubleKnock`, an `afterResponse` hook asks core whether a refused signed hop
 * (401, or a 4xx with an `Accept-Signature` challenge) is sent once more signed with the other spec
 * (draft-cavage ↔ RFC 9421), through got's `retryWithMergedOptions` (not counted against `retry.limit`), and the
 * spec that worked is remembered for the hop's origin; each signed hop of a redirect chain is tried for its own
 * origin and knocked on by itself, as in the fetch and axios adapters (got >= 14.5; older got, which cannot keep
 * the hook for the retry, knocks once per request); a stream body (a Node stream, an iterable, `FormData`) is never
 * sent twice: its 401 is the answer.
 *
 * @param options - the shared signing options of `@httpsig/core` plus `maxBodyBytes`,
 *   `signCrossOriginRedirects` and `doubleKnock`.
 * @returns `{ hooks }` for `got.extend`.
 * @throws RangeError when `maxBodyBytes` is invalid; TypeError when `signCrossOriginRedirects` is not a
 *   boolean or `doubleKnock` is invalid. Requests then reject with got's `RequestError` whose
 *   `code` is `ERR_MISSING_HEADER` (and `cause` the core `MissingHeaderError`) before anything is sent when a
 *   header to sign is absent, and with got's `HTTPError` for statuses such as 401. With `doubleKnock`, an
 *   `Accept-Signature` challenge the client cannot follow rejects with a `RequestError` whose `code` is core's
 *   (`ERR_HEADER_TOO_LARGE`, `ERR_MALFORMED_SIGNATURE`, `ERR_UNKNOWN_KEY`, `ERR_ALGORITHM_NOT_ALLOWED`).
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
  const { maxBodyBytes, signCrossOriginRedirects, knocker } = splitOptions(options);
  // The Date values this extension added (a few recent ones), so that a retry or a redirect, for which got
  // copies the headers into new options, gets a fresh Date; a Date the caller set is kept (unless it is
  // byte-for-byte one this extension generated in the same second).
  const addedDates = new Set<string>();
  // What a previous hop's signature left on the headers (RFC 9421 adds to an existing Signature-Input, so a
  // stale one must go before re-signing), for both specs when double-knocking.
  let written: Promise<{ signatureHeaders: string[]; digestHeaders: string[] }> | undefined;
  const headersWritten = (): Promise<{ signatureHeaders: string[]; digestHeaders: string[] }> =>
    (written ??= knocker.signings().then((signings) => ({ signatureHeaders: signatureHeadersOf(signings), digestHeaders: digestHeadersOf(signings) })));

  const strip = (hop: GotRequestOptions, names: readonly string[], digestHeaders: readonly string[]): void => {
    const previousDate = hop.headers['date'];
    if (typeof previousDate === 'string' && addedDates.has(previousDate)) delete hop.headers['date'];
    for (const name of names) delete hop.headers[name];
    for (const name of digestHeaders) delete hop.headers[name];
  };

  const signHop = async (hop: GotRequestOptions): Promise<void> => {
    const { signatureHeaders, digestHeaders } = await headersWritten();
    if (isUnsigned(hop)) {
      strip(hop, ALL_SIGNATURE_HEADERS, digestHeaders);
      return;
    }
    strip(hop, signatureHeaders, digestHeaders);
    if (hop.url === undefined) throw new TypeError('got options have no url');
    const state = knockState(hop);
    const url = typeof hop.url === 'string' ? new URL(hop.url) : hop.url;
    // The retry signs the hop that was refused, and only it; any other hop is tried afresh for its own origin.
    const attempt = state.next?.href === url.href ? state.next.attempt : await knocker.first(url);
    state.next = undefined;
    state.attempt = attempt;
    const date = (await signGotOptions(hop, attempt, digestHeaders.length > 0, maxBodyBytes))['date'];
    if (date !== undefined) {
      addedDates.add(date);
      if (addedDates.size > 16) addedDates.delete(addedDates.values().next().value as string);
    }
  };

  const settle = async <R extends GotKnockResponse>(response: R): Promise<R> => {
    const state = (response.request.options.context as Record<symbol, KnockState | undefined> | undefined)?.[KNOCK];
    if (state?.attempt !== undefined && !isUnsigned(response.request.options)) await knocker.settle(state.attempt, response.statusCode);
    return response;
  };

  const knock = async <R extends GotKnockResponse>(response: R, retryWithMergedOptions: (options: { preserveHooks?: true }) => unknown): Promise<R> => {
    const hop = response.request.options;
    const state = (hop.context as Record<symbol, KnockState | undefined> | undefined)?.[KNOCK];
    if (state?.attempt === undefined || isUnsigned(hop)) return response;
    const decision = await knocker.decide(state.attempt, response.statusCode, response.headers, state.replayable);
    if (decision.retry === undefined) return response;
    state.next = { attempt: decision.retry, href: String(hop.url) };
    // got sends the request again, to the hop that was refused, through beforeRequest (which signs it with `next`).
    // The hooks are kept (got >= 14.5), so that a redirect the retry is answered with leads to a hop knocked on by
    // itself; core answers a retry's refusal with no retry, so this asks once per hop. Older got knows no
    // `preserveHooks` and keeps only the hooks before this one: one knock per request there.
    try {
      return await retryWithMergedOptions({ preserveHooks: true }) as R;
    } catch (error) {
      if (error instanceof Error && error.message === 'Unexpected option: preserveHooks') return retryWithMergedOptions({}) as R;
      throw error;
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
      afterResponse: knocker.enabled ? [settle, knock] : [],
    },
  };
}

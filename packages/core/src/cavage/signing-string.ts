/**
 * The draft-cavage signing string (draft-cavage-12 §2.3).
 * @packageDocumentation
 */
import { MalformedSignatureError, MissingHeaderError } from '../errors.js';
import { headerTable, type HeaderTable } from '../headers.js';
import { hostOfUrl, lowerCaseMethod, originFormOf, requestTarget, requestTargetWithoutQuery, type RequestTarget } from '../request-target.js';
import type { SignableRequest } from '../types.js';

/** Whether a header value holds a line break (which would forge an extra line of the signing string). */
function hasLineBreak(value: string): boolean {
  return value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1;
}

/** Values of the `(created)` and `(expires)` pseudo-headers, in Unix seconds. */
export interface SigningStringTimes {
  /** The `(created)` value. */
  created?: number | undefined;
  /** The `(expires)` value. */
  expires?: number | undefined;
}

/**
 * Builds the signing string: one line `name: value` per entry of `headerNames`, in order, joined by `\n`,
 * no trailing newline. `(request-target)` is the lower-cased method and the path with query as sent;
 * repeated headers are joined with `", "`; an empty value gives `name: `. `host` falls back to the
 * authority of an absolute URL when the request has no Host header.
 *
 * @param request - the request (method, url, headers).
 * @param headerNames - the names to sign, any case.
 * @param times - `(created)` / `(expires)` values, needed when those pseudo-headers are listed.
 * @returns the signing string.
 * @throws {@link core/src!MissingHeaderError} when a listed header or pseudo-header has no value.
 * @throws {@link core/src!MalformedSignatureError} when a header value contains a line break.
 * @example
 * ```ts
 * buildSigningString({ method: 'GET', url: '/api/v1/users/?a=1', headers: { Date: 'Sun, 22 Nov 2026 10:00:00 GMT' } },
 *   ['(request-target)', 'date'])
 * // '(request-target): get /api/v1/users/?a=1\ndate: Sun, 22 Nov 2026 10:00:00 GMT'
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2.3
 */
export function buildSigningString(request: SignableRequest, headerNames: readonly string[], times: SigningStringTimes = {}): string {
  const names = headerNames.map((name) => name.toLowerCase());
  return signingStringFromTable(request.method, request.url, headerTable(request.headers), names, times);
}

/**
 * {@link buildSigningString} over an already built header table; `headerNames` must be lower-case. With
 * `withoutQuery`, `(request-target)` is built without the query (the Fediverse compatibility form). `target` is the
 * URL already parsed (a verifier checked the received target first: its origin form is the one
 * {@link requestTarget} would derive from `url`; an origin-form target, which a received one cannot carry a fragment
 * in, is `url` itself), so that it is not parsed twice. Internal.
 */
export function signingStringFromTable(
  method: string,
  url: string,
  table: HeaderTable,
  headerNames: readonly string[],
  times: SigningStringTimes,
  keyId?: string,
  withoutQuery = false,
  target?: RequestTarget,
): string {
  let out = '';
  for (let index = 0; index < headerNames.length; index++) {
    const name = headerNames[index] as string;
    let value: string | undefined;
    if (name === '(request-target)') {
      value = withoutQuery ? requestTargetWithoutQuery(method, url)
        : target === undefined ? requestTarget(method, url) : `${lowerCaseMethod(method)} ${target.form === 'origin' ? url : originFormOf(target)}`;
    }
    else if (name === '(created)') value = times.created === undefined ? undefined : String(times.created);
    else if (name === '(expires)') value = times.expires === undefined ? undefined : String(times.expires);
    else {
      value = table.get(name);
      if (value === undefined && name === 'host') value = hostOfUrl(url);
      if (value !== undefined && hasLineBreak(value)) {
        throw new MalformedSignatureError('A signed header value contains a line break', { keyId });
      }
    }
    if (value === undefined) throw new MissingHeaderError(name, { keyId });
    out += index === 0 ? `${name}: ${value}` : `\n${name}: ${value}`;
  }
  return out;
}

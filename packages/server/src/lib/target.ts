/**
 * The request target a server verifies: the received one, checked by core's parser, in the form the application
 * routes on. Internal.
 * @packageDocumentation
 */
import { MalformedRequestError } from '@httpsig/core';
import { originFormOf, parseRequestTarget, sameAuthority } from '@httpsig/core/adapter';

/** The last value of a header among ordered pairs (lower-case names). */
function onlyValue(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers) if (n === name) value = v;
  return value;
}

/**
 * The request target to verify, from the one received: checked with core `parseRequestTarget` (a fragment, bytes
 * RFC 3986 does not allow, a bare `%`, a leading `//`, a form unfit for the method are refused), and an
 * absolute-form target (`GET https://host/x`) turned into its origin form (`/x`). Its scheme and authority
 * never reach RFC 9421 `@scheme`/`@authority`/`@target-uri` (those come from the connection and `Host`): it must
 * name the same authority as `Host`, or it is refused.
 *
 * @param method - the request method.
 * @param target - the request target as received (`req.url`, or an absolute `Request.url`).
 * @param headers - the header pairs, lower-case names.
 * @returns the target to verify: origin form, `*` or `host:port` (CONNECT).
 * @throws MalformedRequestError (`ERR_MALFORMED_REQUEST`) for any of the above.
 */
export function verifiedTarget(method: string, target: string, headers: readonly (readonly [string, string])[]): string {
  const parsed = parseRequestTarget(target, method);
  if (parsed.form !== 'absolute') return target;
  const host = onlyValue(headers, 'host');
  if (host === undefined || !sameAuthority(parsed.authority as string, host, parsed.scheme)) {
    throw new MalformedRequestError('The authority of an absolute-form request target differs from Host');
  }
  return originFormOf(parsed);
}

/**
 * The request target (RFC 9112 §3.2) and the authority of a request: the one parser every scheme, server and
 * tool reads a target with, the `(request-target)` pseudo-header, and the checks of a received target and `Host`.
 * @packageDocumentation
 */
import { MalformedRequestError } from './errors.js';
import { trimOws } from './lib/char-class.js';

/** The four forms of a request target (RFC 9112 §3.2). */
export type RequestTargetForm = 'origin' | 'absolute' | 'authority' | 'asterisk';

/** A request target split into the parts signatures cover, each exactly as written (no decoding, no normalising). */
export interface RequestTarget {
  /** `origin` (`/path?query`), `absolute` (`https://host/path?query`), `authority` (`host:port`, CONNECT), `asterisk` (`*`, OPTIONS). */
  form: RequestTargetForm;
  /** The lower-cased scheme of an absolute-form target; undefined otherwise. */
  scheme: string | undefined;
  /** The authority (`host[:port]`) of an absolute-form or authority-form target, as written; undefined otherwise. */
  authority: string | undefined;
  /** The path: `/…` for origin form, `/…` or `''` for absolute form, `''` for authority and asterisk form. */
  path: string;
  /** The query without its `?`, or undefined when there is no `?`. */
  query: string | undefined;
}

/** Whose input is parsed: a received request's (refused with a typed error) or the caller's own (TypeError). */
export type TargetMode = 'received' | 'outgoing';
type Mode = TargetMode;

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** A method is a token (RFC 9110 §9.1). */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The methods of RFC 9110 §9.3 and PATCH, each with its lower-cased form: known tokens, no string made per call. */
const COMMON_METHODS: ReadonlyMap<string, string> = new Map(
  ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'].map((name) => [name, name.toLowerCase()]),
);

/**
 * A method lower-cased, as `(request-target)` writes it. Internal.
 * @param method - the HTTP method, any case.
 * @returns `method.toLowerCase()`.
 * @internal
 */
export function lowerCaseMethod(method: string): string {
  return COMMON_METHODS.get(method) ?? method.toLowerCase();
}
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/** 1 for the characters of RFC 3986 `pchar` besides pct-encoded, plus `/`: unreserved, sub-delims, `:`, `@`. */
const PATH_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/") PATH_CHARS[c.charCodeAt(0)] = 1;
/**
 * The query also allows `?` and, beyond RFC 3986, the characters WHATWG URL serialisation (browsers, fetch) and
 * axios leave raw there: `[ ] { } | ^` and the backtick. Query parsers read each exactly as its escaped form.
 */
const QUERY_CHARS = PATH_CHARS.slice();
for (const c of '?[]{}|^`') QUERY_CHARS[c.charCodeAt(0)] = 1;
/** A registered name in `Host` or an authority: unreserved characters only (no pct-encoding, no sub-delims). */
const NAME_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') NAME_CHARS[c.charCodeAt(0)] = 1;

/**
 * An origin-form target (after its leading `/`) whose every character passes {@link checkChars}: path characters and
 * `%HH`, then optionally `?` and query characters and `%HH`. Each alternative starts with its own characters, so
 * the expression is linear. A target it matches splits exactly as {@link splitPathQuery} splits it; any other goes
 * through {@link splitPathQuery} (and its precise refusals).
 */
const PLAIN_ORIGIN_FORM = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@\/]|%[0-9A-Fa-f]{2})*(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@\/?[\]{}|^`]|%[0-9A-Fa-f]{2})*)?$/;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Builds the error of a mode: a typed refusal for a received request, a TypeError for the caller's own input. */
function failure(mode: Mode, message: string): Error {
  return mode === 'received' ? new MalformedRequestError(message) : new TypeError(message);
}

/**
 * Checks `text[start, end)` against a character table: only listed ASCII characters and `%` followed by two
 * hex digits. A linear scan.
 */
function checkChars(text: string, start: number, end: number, allowed: Uint8Array, mode: Mode, what: string): void {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 37 /* % */) {
      if (i + 2 >= end || !isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) throw failure(mode, `The ${what} has a "%" not followed by two hex digits`);
      i += 2;
      continue;
    }
    if (code >= 128 || allowed[code] !== 1) {
      if (code === 35 /* # */) throw failure(mode, `The ${what} has a fragment ("#"), which is never sent in a request`);
      throw failure(mode, `The ${what} has a character a request target may not carry (RFC 9112 §3.2, RFC 3986)`);
    }
  }
}

/**
 * The host and port of an authority (`uri-host [ ":" port ]`, RFC 3986 §3.2 / RFC 9110 §7.2), checked: an IP
 * literal in brackets, or a name of letters, digits, `-`, `.`, `_`, `~` (which covers IPv4 addresses); the port
 * is up to five digits and may be empty. No userinfo, no percent-encoding, no spaces.
 *
 * @param value - the authority or `Host` value.
 * @returns the host (lower-cased) and the port (undefined when absent or empty).
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` when the value is anything else.
 * @example
 * ```ts
 * parseAuthority('API.example.com:8443') // { host: 'api.example.com', port: '8443' }
 * parseAuthority('evil.example:1@api.example.com') // throws MalformedRequestError
 * ```
 */
export function parseAuthority(value: string): { host: string; port: string | undefined } {
  return authorityOf(value, 'received');
}

/**
 * An authority that needs no lower-casing or care: a lower-case name of letters, digits, `-`, `.`, `_`, `~` and an
 * optional port of one to five digits. {@link authorityOf} reads it to the same host and port.
 */
const PLAIN_AUTHORITY = /^[a-z0-9\-._~]+(?::[0-9]{1,5})?$/;

/**
 * The host and port of a plain authority ({@link PLAIN_AUTHORITY}, at most 1024 characters), in one native pass;
 * undefined for any other value. Internal (exported for the differential test against {@link checkedAuthority}).
 * @param value - the authority or `Host` value.
 * @returns the host and the port, or undefined.
 * @internal
 */
export function plainAuthorityParts(value: string): { host: string; port: string | undefined } | undefined {
  if (value.length > 1024 || !PLAIN_AUTHORITY.test(value)) return undefined;
  const colon = value.indexOf(':');
  return colon === -1 ? { host: value, port: undefined } : { host: value.slice(0, colon), port: value.slice(colon + 1) };
}

function authorityOf(value: string, mode: Mode): { host: string; port: string | undefined } {
  return (typeof value === 'string' ? plainAuthorityParts(value) : undefined) ?? checkedAuthority(value, mode);
}

/**
 * The checks of {@link parseAuthority}, character by character, for any value. Internal (exported for the
 * differential test against {@link plainAuthorityParts}).
 * @param value - the authority or `Host` value.
 * @param mode - whose value it is: a received one is refused with a typed error, the caller's own with a TypeError.
 * @returns the host (lower-cased) and the port (undefined when absent or empty).
 * @internal
 */
export function checkedAuthority(value: string, mode: Mode): { host: string; port: string | undefined } {
  if (typeof value !== 'string' || value === '' || value.length > 1024) throw failure(mode, 'The authority is empty or too long');
  let hostEnd: number;
  if (value.charCodeAt(0) === 91 /* [ */) {
    const close = value.indexOf(']');
    if (close < 3) throw failure(mode, 'The authority has an unterminated IP literal');
    for (let i = 1; i < close; i++) {
      const code = value.charCodeAt(i);
      // IPv6 and IPvFuture: hex digits, ':', '.', and 'v' (IPvFuture's unreserved/sub-delims are not accepted).
      if (!(isHex(code) || code === 58 || code === 46 || code === 118 || code === 86)) throw failure(mode, 'The authority has an invalid IP literal');
    }
    hostEnd = close + 1;
  } else {
    hostEnd = 0;
    while (hostEnd < value.length && value.charCodeAt(hostEnd) !== 58 /* : */) {
      const code = value.charCodeAt(hostEnd);
      if (code >= 128 || NAME_CHARS[code] !== 1) {
        throw failure(mode, code === 64 /* @ */ ? 'The authority carries userinfo ("@")' : 'The authority has a character a host name may not carry');
      }
      hostEnd++;
    }
    if (hostEnd === 0) throw failure(mode, 'The authority has no host');
  }
  let port: string | undefined;
  if (hostEnd < value.length) {
    if (value.charCodeAt(hostEnd) !== 58) throw failure(mode, 'The authority has characters after its IP literal');
    port = value.slice(hostEnd + 1);
    if (port.length > 5 || !/^[0-9]*$/.test(port)) throw failure(mode, 'The authority has an invalid port');
    if (port === '') port = undefined;
  }
  return { host: value.slice(0, hostEnd).toLowerCase(), port };
}

/**
 * An authority normalised as RFC 9421 §2.2.3 prints it: host lower-cased, the port dropped when empty or the
 * scheme's default. Throws as {@link parseAuthority} (a TypeError for the caller's own, outgoing, value).
 * @internal
 */
export function normalizedAuthority(value: string, scheme: string | undefined, mode: Mode = 'received'): string {
  const { host, port } = authorityOf(value, mode);
  return port === undefined || (scheme !== undefined && DEFAULT_PORTS[scheme] === port) ? host : `${host}:${port}`;
}

/**
 * Whether two received authorities (e.g. an absolute-form target's and `Host`, or HTTP/2 `:authority` and `Host`)
 * name the same host and port, the scheme's default port filled in. Spaces and tabs around a value (header
 * whitespace, RFC 9110 §5.5) are ignored; any other character outside `uri-host [ ":" port ]` is refused.
 *
 * @param a - one authority, `host[:port]`.
 * @param b - the other.
 * @param scheme - the scheme whose default port an absent port stands for (none filled in when undefined).
 * @returns whether they are the same.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` when either is not a valid authority.
 */
export function sameAuthority(a: string, b: string, scheme: string | undefined): boolean {
  return normalizedAuthority(trimOws(a), scheme) === normalizedAuthority(trimOws(b), scheme);
}

/**
 * The path and query of an origin-form target whose characters are all plain ({@link PLAIN_ORIGIN_FORM}), in one
 * native pass; undefined for any other target. Internal (exported for the differential test against
 * {@link splitPathQuery}).
 * @param text - a request target starting with `/`.
 * @returns the path and the query (without `?`), or undefined.
 * @internal
 */
export function plainOriginParts(text: string): { path: string; query: string | undefined } | undefined {
  if (!PLAIN_ORIGIN_FORM.test(text)) return undefined;
  const mark = text.indexOf('?');
  return mark === -1 ? { path: text, query: undefined } : { path: text.slice(0, mark), query: text.slice(mark + 1) };
}

/**
 * Splits `text` from `start` into its path and query, each checked by {@link checkChars}; a fragment is refused
 * (received) or dropped (outgoing). Internal (exported for the differential test against {@link plainOriginParts}).
 * @param text - the request target.
 * @param start - where its path starts.
 * @param mode - whose target it is: a received one is refused with a typed error, the caller's own with a TypeError.
 * @returns the path and the query (without `?`).
 * @throws {@link core/src!MalformedRequestError} (received) or TypeError (outgoing) on a character a target may not carry.
 * @internal
 */
export function splitPathQuery(text: string, start: number, mode: Mode): { path: string; query: string | undefined } {
  let end = text.length;
  const hash = text.indexOf('#', start);
  if (hash !== -1) {
    if (mode === 'received') throw failure(mode, 'The request target has a fragment ("#"), which is never sent in a request');
    end = hash;
  }
  const mark = text.indexOf('?', start);
  const pathEnd = mark === -1 || mark > end ? end : mark;
  checkChars(text, start, pathEnd, PATH_CHARS, mode, 'request target');
  if (pathEnd === end) return { path: text.slice(start, end), query: undefined };
  checkChars(text, pathEnd + 1, end, QUERY_CHARS, mode, 'request target');
  return { path: text.slice(start, pathEnd), query: text.slice(pathEnd + 1, end) };
}

/** The one parser behind {@link parseRequestTarget} (received) and the outgoing side (sign, tools). */
function parseTarget(target: string, method: string | undefined, mode: Mode): RequestTarget {
  if (typeof target !== 'string' || target === '') throw failure(mode, 'The request target is empty');
  const upper = typeof method !== 'string' ? undefined : COMMON_METHODS.has(method) ? method : method.toUpperCase();
  if (target.charCodeAt(0) === 47 /* / */) {
    // `//host/x` is a path to HTTP, a network-path reference (an authority) to URL parsers: never ambiguous here.
    if (target.charCodeAt(1) === 47) throw failure(mode, 'The request target starts with "//", which URL parsers read as an authority');
    if (upper === 'CONNECT' && mode === 'received') throw failure(mode, 'A CONNECT request target must be in authority form');
    const { path, query } = plainOriginParts(target) ?? splitPathQuery(target, 0, mode);
    return { form: 'origin', scheme: undefined, authority: undefined, path, query };
  }
  if (target === '*') {
    if (upper !== undefined && upper !== 'OPTIONS' && mode === 'received') throw failure(mode, 'Only OPTIONS may have the request target "*"');
    return { form: 'asterisk', scheme: undefined, authority: undefined, path: '', query: undefined };
  }
  if (ABSOLUTE.test(target)) {
    if (upper === 'CONNECT' && mode === 'received') throw failure(mode, 'A CONNECT request target must be in authority form');
    const authorityStart = target.indexOf('//') + 2;
    let end = authorityStart;
    while (end < target.length) {
      const c = target.charCodeAt(end);
      if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
      end++;
    }
    const authority = target.slice(authorityStart, end);
    if (mode === 'received') authorityOf(authority, mode);
    const scheme = target.slice(0, authorityStart - 3).toLowerCase();
    const { path, query } = splitPathQuery(target, end, mode);
    return { form: 'absolute', scheme, authority, path, query };
  }
  if (upper === 'CONNECT') {
    const { port } = authorityOf(target, mode);
    if (port === undefined) throw failure(mode, 'A CONNECT request target needs a port');
    return { form: 'authority', scheme: undefined, authority: target, path: '', query: undefined };
  }
  throw failure(mode, 'The request target must be a path starting with "/", an absolute URL, "*" or (CONNECT) host:port');
}

/**
 * Parses a request target as received (RFC 9112 §3.2), refusing what a framework could read differently from
 * a verifier: a fragment (`#`), a control character, a space, a non-ASCII byte, a backslash or another character
 * RFC 3986 does not allow (except ``[ ] { } | ^ ` `` in the query, which browsers send raw), a `%` not followed by two hex digits, a target starting
 * with `//`, and, when the method is given, a form that does not fit it (authority form for CONNECT only,
 * `*` for OPTIONS only). An absolute-form authority must be a valid `uri-host [ ":" port ]` without userinfo.
 *
 * @param target - the request target exactly as in the request line (Node's `req.url`).
 * @param method - the request method, to check the form against (optional).
 * @returns the form and the parts, as written.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` when the target is none of the four forms or
 *   carries anything above.
 * @example
 * ```ts
 * parseRequestTarget('/pay?amount=10') // { form: 'origin', path: '/pay', query: 'amount=10', … }
 * parseRequestTarget('example.com:443', 'CONNECT') // { form: 'authority', authority: 'example.com:443', … }
 * parseRequestTarget('/pay#&amount=1000') // throws MalformedRequestError
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 */
export function parseRequestTarget(target: string, method?: string): RequestTarget {
  return parseTarget(target, method, 'received');
}

/**
 * Parses the URL of a request being signed or sent (the caller's own input): the same grammar as
 * {@link parseRequestTarget}, except that a fragment is dropped (a client never sends it), the authority of an
 * absolute URL is not checked (userinfo is dropped where it is used), and any method may go with any form but
 * CONNECT's authority form. Invalid input is a `TypeError`.
 * @internal
 */
export function parseOutgoingTarget(url: string, method?: string): RequestTarget {
  return parseTarget(url, method, 'outgoing');
}

/**
 * The request target a parsed target gives on a request line to an origin server: the path and query (`/` for
 * an absolute URL without a path), `*`, or `host:port` for CONNECT.
 *
 * @param target - a target from {@link parseRequestTarget}.
 * @returns e.g. `/pay?amount=10` for `https://bank.example/pay?amount=10`.
 * @example
 * ```ts
 * originFormOf(parseRequestTarget('https://bank.example?x=1')) // '/?x=1'
 * ```
 */
export function originFormOf(target: RequestTarget): string {
  if (target.form === 'asterisk') return '*';
  if (target.form === 'authority') return target.authority as string;
  const path = target.path === '' ? '/' : target.path;
  return target.query === undefined ? path : `${path}?${target.query}`;
}

/**
 * The value of the `(request-target)` pseudo-header: the lower-cased method, a space, and the path with its
 * query exactly as sent (draft-cavage-12 §2.3). A CONNECT request whose target is in authority form
 * (`host:port`, as Node's `req.url` gives it) uses that authority as sent; `OPTIONS *` gives `options *`.
 * A fragment of the URL is dropped (a client never sends one); {@link core/src!verify} refuses a received target with a
 * fragment before this is built.
 *
 * @param method - the HTTP method, any case.
 * @param url - an absolute URL, a path with query, `*`, or `host:port` for CONNECT.
 * @returns e.g. `get /api/v1/users/?limit=10`, `connect example.com:443`.
 * @throws TypeError when the URL is none of those forms, or has a character a request target may not carry
 *   (see {@link parseRequestTarget}).
 * @example
 * ```ts
 * requestTarget('GET', 'https://jms.example.com/api/v1/users/users/?search=a%20b') // 'get /api/v1/users/users/?search=a%20b'
 * requestTarget('CONNECT', 'example.com:443') // 'connect example.com:443'
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2.3
 */
export function requestTarget(method: string, url: string): string {
  if (typeof method !== 'string' || method === '') throw new TypeError('A request needs a method');
  return `${lowerCaseMethod(method)} ${originFormOf(parseOutgoingTarget(url, method))}`;
}

/**
 * The `(request-target)` value without the query: the lower-cased method and the path alone — what Fedify (and
 * Misskey given an absolute URL, and older Mastodon releases) sign. Not the draft's value: the query is left unsigned.
 * Used only when a caller asks for it (`requestTarget: 'without-query'` on sign, `'with-or-without-query'` on
 * verify). Internal.
 *
 * @param method - the HTTP method, any case.
 * @param url - as {@link requestTarget}.
 * @returns `"<method> <path>"`; for the asterisk and authority forms, the same as {@link requestTarget}.
 * @throws TypeError as {@link requestTarget}.
 */
export function requestTargetWithoutQuery(method: string, url: string): string {
  if (typeof method !== 'string' || method === '') throw new TypeError('A request needs a method');
  const target = parseOutgoingTarget(url, method);
  return `${lowerCaseMethod(method)} ${originFormOf({ ...target, query: undefined })}`;
}

/**
 * Whether a request target carries a query (a `?`, even with nothing after it): only then do the two
 * `(request-target)` forms differ. Internal.
 * @param url - the request target or URL.
 * @returns true when the target has a `?` before any fragment.
 */
export function targetHasQuery(url: string): boolean {
  const hash = url.indexOf('#');
  const question = url.indexOf('?');
  return question !== -1 && (hash === -1 || question < hash);
}

/**
 * The `Host` a client sends for an absolute URL: lower-cased host name, the port only when it is not the
 * scheme's default. Returns undefined for a path-only URL.
 */
export function hostOfUrl(url: string): string | undefined {
  if (!ABSOLUTE.test(url)) return undefined;
  try {
    const host = new URL(url).host;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

/**
 * Checks a received request before anything is verified: the target (with its method) per
 * {@link parseRequestTarget}, at most one `Host` (RFC 9112 §3.2), a valid one (see {@link parseAuthority}), and
 * an absolute-form or authority-form target naming the same authority as `Host`.
 *
 * @param method - the request method.
 * @param target - the request target as received.
 * @param hosts - every `Host` value of the request, in order.
 * @returns the parsed target.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` on any of these.
 * @internal
 */
export function checkReceivedRequest(method: unknown, target: unknown, hosts: readonly string[]): RequestTarget {
  if (typeof method !== 'string' || !(COMMON_METHODS.has(method) || METHOD_TOKEN.test(method))) throw new MalformedRequestError('The request method is missing or not a token');
  if (typeof target !== 'string') throw new MalformedRequestError('The request target is missing');
  const parsed = parseRequestTarget(target, method);
  if (hosts.length > 1) throw new MalformedRequestError('The request has more than one Host');
  // Only spaces and tabs are header whitespace: a non-breaking space (which `trim()` drops) is refused by the
  // authority check, as frameworks would keep it in the host name the application reads.
  const host = hosts[0] === undefined ? undefined : trimOws(hosts[0]);
  if (host !== undefined) parseAuthority(host);
  if (host !== undefined && parsed.authority !== undefined && !sameAuthority(parsed.authority, host, parsed.scheme)) {
    throw new MalformedRequestError('The authority of the request target differs from Host');
  }
  return parsed;
}

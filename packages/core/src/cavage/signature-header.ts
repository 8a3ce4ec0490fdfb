/**
 * Parsing and formatting the draft-cavage signature parameters, as carried by `Authorization: Signature …`
 * or a `Signature: …` header (draft-cavage-12 §2.1, §3.1, §4.1).
 *
 * The parser is linear in the input length and bounded by a size cap checked before anything else: a value in the
 * form signers write is read by one regular expression; any other by one regular expression pass for escapes and
 * control characters, then one left-to-right scan. Both readings give the same parameters (a differential property
 * test holds them to it).
 * @packageDocumentation
 */
import { HeaderTooLargeError, MalformedSignatureError } from '../errors.js';
import { isBase64 } from '../lib/bytes.js';
import { BARE_VALUE, QUOTED_TEXT, TOKEN, charClass, isNameAt } from '../lib/char-class.js';
import type { SignatureParameters, SignatureScheme, VerifyLimits } from './types.js';

/** Default cap on a signature header's length, in characters. */
export const DEFAULT_MAX_HEADER_LENGTH = 8192;
/** Default cap on the number of names in `headers=`. */
export const DEFAULT_MAX_SIGNED_HEADERS = 64;

const enum Ch { Tab = 9, Space = 32, Quote = 34, Comma = 44, Equals = 61, Backslash = 92 }

const INTEGER = /^\d{1,15}$/;
/** A character a quoted value cannot hold as it is: a backslash (an escape) or a control character. */
const ESCAPE_OR_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\\]/;
/**
 * The form signers write (this library's {@link formatSignatureHeader}, Python httpsig, JumpServer's clients): an
 * optional `Signature ` scheme, then `keyId`, `algorithm`, optional unquoted `created` and `expires`, `headers` and
 * `signature`, in that order, separated by single commas, each quoted value without a quote, backslash or control
 * character, and `signature` of base64 characters ending in at most two `=`. For a value in this form one native
 * pass yields the six raw values that the scanner would; anything else (another order or case, whitespace, escapes,
 * unknown or repeated parameters, a signature that is not base64) goes to the scanner. The expression is linear:
 * each quoted group ends at the first quote, which it cannot contain.
 */
const USUAL_FORM = /^(?:Signature )?keyId="([^"\\\u0000-\u0008\u000a-\u001f\u007f]*)",algorithm="([^"\\\u0000-\u0008\u000a-\u001f\u007f]*)"(?:,created=(\d+))?(?:,expires=(\d+))?,headers="([^"\\\u0000-\u0008\u000a-\u001f\u007f]*)",signature="([A-Za-z0-9+/]*={0,2})"$/;

/**
 * Parses signature parameters. Accepts `Signature keyId="…",…` (an Authorization value) or the bare list
 * (a `Signature` header value). Parameter names are case-insensitive, whitespace around `=` and after
 * commas is allowed, quoted values may contain commas and `\"`; duplicate parameters are refused and
 * unknown ones ignored.
 *
 * @param value - the header value.
 * @param limits - size caps (defaults: 8192 characters, 64 signed headers).
 * @returns the parameters, with `headers` lower-cased (default `['date']` when absent).
 * @throws {@link core/src!HeaderTooLargeError} when a cap is exceeded.
 * @throws {@link core/src!MalformedSignatureError} on any syntax error, a duplicate, or a missing `keyId`/`signature`.
 * @example
 * ```ts
 * parseSignatureHeader('Signature keyId="ak",algorithm="hmac-sha256",headers="(request-target) date",signature="c2ln"')
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12#section-2.1
 */
export function parseSignatureHeader(value: string, limits: VerifyLimits = {}): SignatureParameters {
  const maxLength = limits.maxHeaderLength ?? DEFAULT_MAX_HEADER_LENGTH;
  if (value.length > maxLength) throw new HeaderTooLargeError('The signature header is over the size limit');
  const usual = usualFormParameters(value);
  const raw = usual ?? scanParameters(value);

  const { keyId, signature } = raw;
  if (keyId === undefined || keyId === '') throw new MalformedSignatureError('The keyId parameter is missing');
  if (signature === undefined || signature === '') {
    throw new MalformedSignatureError('The signature parameter is missing', { keyId });
  }
  // The usual form admits base64 characters only, `=` only at the end: what is left to check is the length.
  if (usual === undefined ? !isBase64(signature) : signature.length % 4 !== 0) {
    throw new MalformedSignatureError('The signature parameter is not base64', { keyId });
  }

  const headersValue = raw.headers;
  let headers: string[];
  if (headersValue === undefined) {
    headers = ['date'];
  } else {
    headers = splitHeaderNames(headersValue);
    if (headers.length === 0) throw new MalformedSignatureError('The headers parameter is empty', { keyId });
  }
  const maxSigned = limits.maxSignedHeaders ?? DEFAULT_MAX_SIGNED_HEADERS;
  if (headers.length > maxSigned) throw new HeaderTooLargeError('Too many signed headers', { keyId });

  const params: SignatureParameters = { keyId, headers, headersGiven: headersValue !== undefined, signature };
  if (raw.algorithm !== undefined) params.algorithm = raw.algorithm.toLowerCase();
  if (raw.created !== undefined) params.created = integerParameter('created', raw.created, keyId);
  if (raw.expires !== undefined) params.expires = integerParameter('expires', raw.expires, keyId);
  return params;
}

function integerParameter(name: 'created' | 'expires', text: string, keyId: string): number {
  if (!INTEGER.test(text)) throw new MalformedSignatureError(`The ${name} parameter is not an integer`, { keyId });
  return Number(text);
}

/**
 * The last `headers=` value split, and its names: a client sends the same list on every request. Kept private;
 * callers get a copy.
 */
let lastList: { text: string; names: readonly string[] } = { text: '', names: [] };

/** Splits `headers=` on runs of spaces and tabs, lower-casing each name. */
function splitHeaderNames(list: string): string[] {
  if (list === lastList.text) return lastList.names.slice();
  const names = splitUncached(list);
  lastList = { text: list, names: names.slice() };
  return names;
}

function splitUncached(list: string): string[] {
  const lower = list.toLowerCase(); // spaces and tabs are unchanged, so this lower-cases each name
  const names: string[] = [];
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : Ch.Space;
    if (c === Ch.Space || c === Ch.Tab) {
      if (start !== -1) names.push(lower.slice(start, i));
      start = -1;
    } else if (start === -1) {
      start = i;
    }
  }
  return names;
}

/** The parameters the draft defines; other names are only checked for duplicates. Internal. @internal */
export interface RawParameters {
  /** `keyId`, unescaped. */
  keyId: string | undefined;
  /** `algorithm`, as written. */
  algorithm: string | undefined;
  /** `headers`, as written. */
  headers: string | undefined;
  /** `signature`, as written. */
  signature: string | undefined;
  /** `created`, as written. */
  created: string | undefined;
  /** `expires`, as written. */
  expires: string | undefined;
}

/**
 * The raw parameters of a value in the usual form ({@link USUAL_FORM}), exactly as {@link scanParameters} reads
 * them; undefined for any other value. Internal (exported for the differential test against the scanner).
 * @param value - the header value.
 * @returns the raw parameters, or undefined when the value is not in the usual form.
 * @internal
 */
export function usualFormParameters(value: string): RawParameters | undefined {
  const m = USUAL_FORM.exec(value);
  if (m === null) return undefined;
  return { keyId: m[1], algorithm: m[2], headers: m[5], signature: m[6], created: m[3], expires: m[4] };
}

/** The parameters the draft defines, as found by {@link fieldAt}. */
const enum Field { Other, KeyId, Algorithm, Headers, Signature, Created, Expires }

/** Which draft parameter the token `value[start, end)` names, compared case-insensitively without copying it. */
function fieldAt(value: string, start: number, end: number): Field {
  switch (end - start) {
    case 5: return isNameAt(value, start, 'keyid') ? Field.KeyId : Field.Other;
    case 7:
      if (isNameAt(value, start, 'headers')) return Field.Headers;
      if (isNameAt(value, start, 'created')) return Field.Created;
      return isNameAt(value, start, 'expires') ? Field.Expires : Field.Other;
    case 9:
      if (isNameAt(value, start, 'algorithm')) return Field.Algorithm;
      return isNameAt(value, start, 'signature') ? Field.Signature : Field.Other;
    default: return Field.Other;
  }
}

function duplicate(name: string): MalformedSignatureError {
  return new MalformedSignatureError(`The ${name} parameter appears twice`);
}

/**
 * Scans `name=value` pairs (one linear pass, one table lookup per character); refuses duplicates.
 * Known parameter names are matched in place; only other names are copied (to detect their duplicates).
 * Internal (exported for the differential test against {@link usualFormParameters}).
 * @param value - the header value.
 * @returns the raw parameters.
 * @throws {@link core/src!MalformedSignatureError} on a syntax error or a duplicate.
 * @internal
 */
export function scanParameters(value: string): RawParameters {
  let keyId: string | undefined;
  let algorithm: string | undefined;
  let headers: string | undefined;
  let signature: string | undefined;
  let created: string | undefined;
  let expires: string | undefined;
  let others: Set<string> | undefined;
  const n = value.length;
  // Without a backslash or a control character anywhere (one native pass), a quoted value simply ends at the
  // next quote; otherwise quoted values are read character by character.
  const careful = ESCAPE_OR_CONTROL.test(value);
  let i = skipSpace(value, 0);

  // An optional auth-scheme: a token followed by whitespace and then not by "=".
  const schemeEnd = readToken(value, i);
  if (schemeEnd > i) {
    const afterSpace = skipSpace(value, schemeEnd);
    if (afterSpace > schemeEnd && value.charCodeAt(afterSpace) !== Ch.Equals) {
      if (schemeEnd - i !== 9 || !isNameAt(value, i, 'signature')) {
        throw new MalformedSignatureError('The authorization scheme is not Signature');
      }
      i = afterSpace;
    }
  }
  if (i >= n) throw new MalformedSignatureError('The signature header has no parameters');

  for (;;) {
    const nameStart = i;
    const nameEnd = readToken(value, i);
    if (nameEnd === nameStart) throw new MalformedSignatureError('Expected a parameter name');
    i = skipSpace(value, nameEnd);
    if (value.charCodeAt(i) !== Ch.Equals) throw new MalformedSignatureError('Expected "=" after a parameter name');
    i = skipSpace(value, i + 1);

    let paramValue: string;
    if (value.charCodeAt(i) === Ch.Quote) {
      const start = ++i;
      if (careful) while (i < n && (charClass(value.charCodeAt(i)) & QUOTED_TEXT) !== 0) i++;
      else i = value.indexOf('"', start);
      if (i === -1) throw new MalformedSignatureError('A quoted parameter value is not terminated');
      if (i < n && value.charCodeAt(i) === Ch.Quote) {
        paramValue = value.slice(start, i);
        i++;
      } else {
        const quoted = quotedWithCare(value, start, i);
        paramValue = quoted.text;
        i = quoted.next;
      }
    } else {
      const start = i;
      while (i < n && (charClass(value.charCodeAt(i)) & BARE_VALUE) !== 0) i++;
      if (i === start) throw new MalformedSignatureError('Expected a parameter value');
      paramValue = value.slice(start, i);
    }

    switch (fieldAt(value, nameStart, nameEnd)) {
      case Field.KeyId: if (keyId !== undefined) throw duplicate('keyid'); keyId = paramValue; break;
      case Field.Algorithm: if (algorithm !== undefined) throw duplicate('algorithm'); algorithm = paramValue; break;
      case Field.Headers: if (headers !== undefined) throw duplicate('headers'); headers = paramValue; break;
      case Field.Signature: if (signature !== undefined) throw duplicate('signature'); signature = paramValue; break;
      case Field.Created: if (created !== undefined) throw duplicate('created'); created = paramValue; break;
      case Field.Expires: if (expires !== undefined) throw duplicate('expires'); expires = paramValue; break;
      default: {
        const name = value.slice(nameStart, nameEnd).toLowerCase();
        others ??= new Set();
        if (others.has(name)) throw new MalformedSignatureError('A parameter appears twice');
        others.add(name);
      }
    }

    i = skipSpace(value, i);
    if (i >= n) break;
    if (value.charCodeAt(i) !== Ch.Comma) throw new MalformedSignatureError('Expected "," between parameters');
    i = skipSpace(value, i + 1);
    if (i >= n) throw new MalformedSignatureError('The signature header ends with a comma');
  }
  return { keyId, algorithm, headers, signature, created, expires };
}

/**
 * The rest of a quoted value that holds a character needing care: `start` is just after the opening quote,
 * `i` at the first such character. Backslash escapes are resolved; a control character or a missing closing
 * quote is refused.
 * @returns the unescaped text and the index just after the closing quote.
 */
function quotedWithCare(value: string, start: number, i: number): { text: string; next: number } {
  const n = value.length;
  let out = '';
  for (;;) {
    if (i >= n) throw new MalformedSignatureError('A quoted parameter value is not terminated');
    const c = value.charCodeAt(i);
    if (c === Ch.Quote) break;
    if (c === Ch.Backslash) {
      if (i + 1 >= n) throw new MalformedSignatureError('A quoted parameter value is not terminated');
      // A quoted-pair escapes a visible character, space or tab (RFC 9110 §5.6.4), never a control character.
      const escaped = value.charCodeAt(i + 1);
      if ((charClass(escaped) & QUOTED_TEXT) === 0 && escaped !== Ch.Quote && escaped !== Ch.Backslash) {
        throw new MalformedSignatureError('A parameter value contains a control character');
      }
      out += value.slice(start, i);
      start = i + 1;
      i += 2;
      continue;
    }
    if ((charClass(c) & QUOTED_TEXT) === 0) throw new MalformedSignatureError('A parameter value contains a control character');
    i++;
  }
  return { text: out + value.slice(start, i), next: i + 1 };
}

function skipSpace(value: string, i: number): number {
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c !== Ch.Space && c !== Ch.Tab) break;
    i++;
  }
  return i;
}

function readToken(value: string, i: number): number {
  while (i < value.length && (charClass(value.charCodeAt(i)) & TOKEN) !== 0) i++;
  return i;
}

/** The parameters {@link formatSignatureHeader} writes. */
export interface SignatureHeaderFields {
  /** The key identifier (escaped when it contains quotes or backslashes). */
  keyId: string;
  /** The algorithm name, omitted when undefined. */
  algorithm?: string | undefined;
  /** The signed header names, in order. */
  headers: readonly string[];
  /** The base64 signature. */
  signature: string;
  /** Unix seconds, written unquoted. */
  created?: number | undefined;
  /** Unix seconds, written unquoted. */
  expires?: number | undefined;
}

/**
 * Quotes a parameter value: `"` and `\` are escaped; control characters (a header-injection risk) are refused.
 * @throws TypeError on a control character.
 */
const NEEDS_CARE = /[\u0000-\u0008\u000a-\u001f\u007f"\\]/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Quotes a parameter value for a signature header. Internal.
 * @throws TypeError on a control character.
 */
export function quoteParameter(name: string, value: string): string {
  if (!NEEDS_CARE.test(value)) return `"${value}"`;
  if (CONTROL.test(value)) throw new TypeError(`${name} must not contain control characters`);
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Formats signature parameters in the order the draft's examples and Python httpsig use:
 * `keyId, algorithm, created, expires, headers, signature`.
 *
 * @param fields - the parameters.
 * @param scheme - `'authorization'` prefixes `Signature ` (for the Authorization header); `'signature'` does not.
 * @returns the header value.
 * @throws TypeError when a value contains a control character or a timestamp is not an integer.
 * @example
 * ```ts
 * formatSignatureHeader({ keyId: 'ak', algorithm: 'hmac-sha256', headers: ['date'], signature: 'c2ln' }, 'authorization')
 * // 'Signature keyId="ak",algorithm="hmac-sha256",headers="date",signature="c2ln"'
 * ```
 */
export function formatSignatureHeader(fields: SignatureHeaderFields, scheme: SignatureScheme = 'authorization'): string {
  let out = `keyId=${quoteParameter('keyId', fields.keyId)}`;
  if (fields.algorithm !== undefined) out += `,algorithm=${quoteParameter('algorithm', fields.algorithm)}`;
  if (fields.created !== undefined) out += `,created=${integer('created', fields.created)}`;
  if (fields.expires !== undefined) out += `,expires=${integer('expires', fields.expires)}`;
  out += `,headers=${quoteParameter('headers', fields.headers.join(' '))},signature=${quoteParameter('signature', fields.signature)}`;
  return scheme === 'authorization' ? `Signature ${out}` : out;
}

function integer(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer (Unix seconds)`);
  return String(value);
}

/**
 * Formats a `WWW-Authenticate` challenge asking for a signature (draft-cavage-12 §3.1.1).
 *
 * @param options - the realm (default `"api"`) and the headers the server requires
 *   (default `(request-target) date`).
 * @returns e.g. `Signature realm="api",headers="(request-target) date"`.
 * @example
 * ```ts
 * res.setHeader('WWW-Authenticate', formatChallenge({ realm: 'api' }))
 * ```
 */
export function formatChallenge(options: { realm?: string | undefined; headers?: readonly string[] | undefined } = {}): string {
  const realm = options.realm ?? 'api';
  const headers = options.headers ?? ['(request-target)', 'date'];
  return `Signature realm=${quoteParameter('realm', realm)},headers=${quoteParameter('headers', headers.join(' '))}`;
}

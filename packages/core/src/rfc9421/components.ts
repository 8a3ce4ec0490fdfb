/**
 * RFC 9421 §2.1, §2.2: the values components take in a message, as signature base lines. Internal.
 * @packageDocumentation
 */
import {
  isInnerList, parseDictionary, parseItem, parseList, serializeDictionary, serializeInnerList, serializeItem,
  serializeList,
} from 'structured-headers';
import { backend } from '#backend';
import { MalformedRequestError, MissingHeaderError } from '../errors.js';
import { utf8 } from '../lib/bytes.js';
import { invalid, type ComponentId, type Mode } from './component-id.js';
import { isResponseView, type MessageView, type RequestView } from './message.js';

/**
 * Structured Field types of the fields this library knows (RFC 9421 §2.1.1 needs the type to re-serialise).
 * Callers add others with the `structuredFields` option.
 */
const KNOWN_STRUCTURED_FIELDS: Readonly<Record<string, 'item' | 'list' | 'dictionary'>> = {
  'signature': 'dictionary', 'signature-input': 'dictionary', 'accept-signature': 'dictionary',
  'content-digest': 'dictionary', 'repr-digest': 'dictionary', 'want-content-digest': 'dictionary',
  'want-repr-digest': 'dictionary', 'priority': 'dictionary', 'cdn-cache-control': 'dictionary',
  'cache-status': 'list', 'proxy-status': 'list', 'client-cert': 'item', 'client-cert-chain': 'list',
  // Web Bot Auth (draft-meunier-webbotauth-httpsig-protocol, Signature-Agent): `"signature-agent";key="sig1"` names one member.
  'signature-agent': 'dictionary',
};

/** Percent-encodes with the application/x-www-form-urlencoded percent-encode set (RFC 9421 §2.2.8). */
function encodeFormComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes a form-urlencoded name or value (`+` is a space, percent-escapes as UTF-8). Escapes that are not valid
 * UTF-8 are refused rather than decoded to U+FFFD: `%FF`, `%FE` and `%C0` would all give the same text, so a
 * signature over one would verify another that an application reads as different bytes.
 */
/** A query an application may read differently: refused as a malformed request (verify), a TypeError (sign). */
function malformedQuery(mode: Mode, message: string, keyId: string | undefined): Error {
  return mode === 'verify' ? new MalformedRequestError(message, { keyId }) : new TypeError(message);
}

function decodeFormComponent(value: string, mode: Mode, keyId: string | undefined): string {
  const spaced = value.includes('+') ? value.replace(/\+/g, ' ') : value;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw malformedQuery(mode, 'A query parameter name or value is not valid UTF-8 once decoded', keyId);
  }
}

/**
 * Most query parameters a query may have when a `@query-param` is covered. Express' parsers (node's querystring,
 * `qs`) keep only the first 1000 and silently drop the rest, so a covered parameter placed after them would be
 * verified while the application never sees it.
 */
const MAX_QUERY_PARAMETERS = 999;

/** Whether a decoded query name contains `[` or `]`, which parsers that nest (`qs`) read as a path into an object. */
function hasBracket(name: string): boolean {
  return name.includes('[') || name.includes(']');
}

/**
 * The values of the query parameter `wanted` (§2.2.8), each re-encoded. Every name and value of the query must
 * decode as UTF-8; no other name may carry a bracket (`pet[]`, `pet[x]`, `[pet]` beside `pet`: parsers that nest,
 * such as Express' extended parser, would merge them into what the application reads); and the query may have
 * at most 999 parameters (parsers drop the ones after their limit).
 */
function queryParamValues(query: string, wanted: string, mode: Mode, keyId: string | undefined): string[] {
  const values: string[] = [];
  let count = 0;
  for (const part of query.split('&')) {
    if (part === '') continue;
    if (++count > MAX_QUERY_PARAMETERS) throw malformedQuery(mode, 'A query with a covered parameter has more parameters than applications parse', keyId);
    const equals = part.indexOf('=');
    const name = decodeFormComponent(equals === -1 ? part : part.slice(0, equals), mode, keyId);
    const value = decodeFormComponent(equals === -1 ? '' : part.slice(equals + 1), mode, keyId);
    if (name === wanted) values.push(encodeFormComponent(value));
    else if (hasBracket(name)) throw malformedQuery(mode, 'A query with a covered parameter has a bracketed name a parser may merge with it', keyId);
  }
  return values;
}

/** Whether a character code is SP or HTAB. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * RFC 9421 §2.1: obs-fold (CRLF or LF followed by SP/HTAB) replaced by one space, then the line trimmed of
 * leading and trailing SP/HTAB (a linear scan). A CR or LF left over is refused: it would add a line to the
 * signature base.
 * @throws TypeError (sign) / MalformedSignatureError (verify) when a CR or LF remains after unfolding.
 */
function cleanLine(line: string, mode: Mode, keyId: string | undefined): string {
  let value = line;
  if (value.includes('\n')) {
    value = value.replace(/\r?\n[ \t]+/g, ' ');
    if (value.includes('\n')) throw invalid(mode, 'A covered field value contains a CR or LF', keyId);
  }
  if (value.includes('\r')) throw invalid(mode, 'A covered field value contains a CR or LF', keyId);
  let start = 0;
  let end = value.length;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function lineBytes(line: string): Uint8Array {
  // Node decodes header bytes as Latin-1: taking the code units back gives the bytes as received.
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 255) return utf8(line);
  const out = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) out[i] = line.charCodeAt(i);
  return out;
}

function structuredType(name: string, view: MessageView): 'item' | 'list' | 'dictionary' | undefined {
  return view.structuredFields?.[name] ?? KNOWN_STRUCTURED_FIELDS[name];
}

/** The value of an HTTP field component (RFC 9421 §2.1, §2.1.1–§2.1.3). */
function fieldValue(component: ComponentId, fields: Map<string, string[]>, view: MessageView, mode: Mode, keyId: string | undefined): string {
  const { name, params } = component;
  const lines = fields.get(name);
  if (lines === undefined) throw new MissingHeaderError(component.id, { keyId });
  // Without parameters (the usual case), the lines joined: one line is its own value.
  if (params.size === 0) return lines.length === 1 ? cleanLine(lines[0] as string, mode, keyId) : lines.map((line) => cleanLine(line, mode, keyId)).join(', ');
  if (params.has('bs')) return lines.map((line) => `:${backend.base64Encode(lineBytes(cleanLine(line, mode, keyId)))}:`).join(', ');
  const combined = lines.map((line) => cleanLine(line, mode, keyId)).join(', ');
  const key = params.get('key');
  if (typeof key === 'string') {
    const type = structuredType(name, view);
    if (type !== undefined && type !== 'dictionary') throw invalid(mode, 'The key parameter needs a dictionary field', keyId);
    let dictionary: ReturnType<typeof parseDictionary>;
    try {
      dictionary = parseDictionary(combined);
    } catch {
      throw invalid(mode, 'A covered dictionary field does not parse', keyId);
    }
    const member = dictionary.get(key);
    if (member === undefined) throw new MissingHeaderError(component.id, { keyId });
    return isInnerList(member) ? serializeInnerList(member) : serializeItem(member);
  }
  if (params.has('sf')) {
    const type = structuredType(name, view);
    if (type === undefined) throw invalid(mode, 'The structured type of a field covered with sf is unknown', keyId);
    try {
      if (type === 'dictionary') return serializeDictionary(parseDictionary(combined));
      if (type === 'list') return serializeList(parseList(combined));
      return serializeItem(parseItem(combined));
    } catch {
      throw invalid(mode, 'A covered structured field does not parse', keyId);
    }
  }
  return combined;
}

/** The value of a derived component (RFC 9421 §2.2): always one line (`@query-param` refuses a repeated name). */
function derivedValue(
  component: ComponentId, request: RequestView | undefined, status: number | undefined, mode: Mode, keyId: string | undefined, bareQuery: boolean,
): string {
  const { name } = component;
  if (name === '@status') {
    if (status === undefined) throw invalid(mode, '@status is a response component', keyId);
    return String(status);
  }
  if (request === undefined) throw invalid(mode, 'A request component is covered on a response without req', keyId);
  switch (name) {
    case '@method':
      return request.method;
    case '@authority':
      if (request.authority === undefined) throw new MissingHeaderError(component.id, { keyId });
      return request.authority;
    case '@scheme':
      if (request.scheme === undefined) throw new MissingHeaderError(component.id, { keyId });
      return request.scheme;
    case '@target-uri':
      if (request.scheme === undefined || request.authority === undefined) throw new MissingHeaderError(component.id, { keyId });
      return `${request.scheme}://${request.authority}${request.path}${request.query === undefined ? '' : `?${request.query}`}`;
    case '@request-target':
      return request.target;
    case '@path':
      // §2.2.6: an empty path (the asterisk and authority forms) is a single slash.
      return request.path === '' ? '/' : request.path;
    case '@query':
      // §2.2.7 has the leading `?`; Fedify writes the query without it (a compatibility form, asked for explicitly).
      return bareQuery ? request.query ?? '' : `?${request.query ?? ''}`;
    case '@query-param': {
      // §2.2.8: parsed as application/x-www-form-urlencoded, the value re-encoded. A name that
      // occurs several times "MUST NOT be included" (sign the whole @query instead): refused.
      const wanted = decodeFormComponent(component.params.get('name') as string, mode, keyId);
      const values = queryParamValues(request.query ?? '', wanted, mode, keyId);
      if (values.length === 0) throw new MissingHeaderError(component.id, { keyId });
      if (values.length > 1) throw invalid(mode, 'A covered query parameter occurs more than once (cover @query instead)', keyId);
      return values[0] as string;
    }
    default:
      // Not a request component (the derived ones are checked when read: none other reaches here).
      throw invalid(mode, 'A request component is covered on a response without req', keyId);
  }
}

/**
 * The signature base lines of one component: `"<id>": <value>` and a line feed each (RFC 9421 §2.5 step 2).
 * @throws MissingHeaderError when the message lacks the field, query parameter, dictionary key, or request.
 * @throws TypeError (sign) / MalformedRequestError (verify) when a covered query parameter's query has a name or
 * value that is not UTF-8 once decoded, or a bracketed sibling of the covered name (`pet[]` beside `pet`).
 * @throws TypeError (sign) / MalformedSignatureError (verify) when the component cannot apply to the message, or
 * its value has a CR or LF (after unfolding obs-fold in field values).
 * @internal
 */
export function componentLines(component: ComponentId, view: MessageView, mode: Mode, keyId: string | undefined): string {
  const bound = component.params.size !== 0 && component.params.has('req');
  if (bound && view.boundRequest === undefined) {
    if (!isResponseView(view)) throw invalid(mode, 'The req parameter applies to responses only', keyId);
    throw new MissingHeaderError(component.id, { keyId });
  }
  if (component.name.charCodeAt(0) !== 64 /* @ */) {
    // A field value has no CR or LF: its lines were refused with one (cleanLine), and a re-serialised structured
    // value (sf, key) or byte sequence (bs) cannot have one.
    return `${component.id}: ${fieldValue(component, bound ? (view.boundRequest as RequestView).fields : view.fields, view, mode, keyId)}\n`;
  }
  return line(component, derivedValue(component, bound ? view.boundRequest : view.request, bound ? undefined : view.status, mode, keyId, view.bareQuery === true), mode, keyId);
}

/** One signature base line, `"<id>": <value>` and its line feed; a value with a CR or LF is refused. */
function line(component: ComponentId, value: string, mode: Mode, keyId: string | undefined): string {
  // Derived values come from the method and target the caller passed: a CR or LF there would forge a line too.
  if (value.includes('\n') || value.includes('\r')) throw invalid(mode, 'A covered component value contains a CR or LF', keyId);
  return `${component.id}: ${value}\n`;
}

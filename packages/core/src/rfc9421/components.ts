/**
 * RFC 9421 §2: component identifiers (HTTP fields with `;sf ;key ;bs ;req`, derived components with `@`),
 * and the values they take in a message. Internal.
 * @packageDocumentation
 */
import {
  isInnerList, parseDictionary, parseItem, parseList, serializeDictionary, serializeInnerList, serializeItem,
  serializeList, type BareItem, type Parameters,
} from 'structured-headers';
import { backend } from '#backend';
import { MalformedSignatureError, MissingHeaderError } from '../errors.js';
import { normalizeHeaders } from '../headers.js';
import { utf8 } from '../lib/bytes.js';
import type { HeadersInit } from '../types.js';
import type { ComponentOptions, Rfc9421Message, Rfc9421Request } from './types.js';

/** A parsed component identifier: its name, its parameters, and its canonical serialisation. */
export interface ComponentId {
  readonly name: string;
  readonly params: Parameters;
  /** The sf-string item serialisation, e.g. `"@query-param";name="Pet"` (RFC 9421 §2). */
  readonly id: string;
}

/** Where a component identifier came from: the caller (mistakes are TypeErrors) or a received signature. */
export type Mode = 'sign' | 'verify';

/** A caller mistake on the signing side, or a malformed signature on the verifying side. */
export function invalid(mode: Mode, message: string, keyId?: string): Error {
  return mode === 'sign' ? new TypeError(message) : new MalformedSignatureError(message, { keyId });
}

/** The derived components of RFC 9421 §2.2 (`@signature-params` is not a coverable component, §2.3). */
const DERIVED = new Set(['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query', '@query-param', '@status']);
const REQUEST_ONLY = new Set(['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query', '@query-param']);
/** Field names: RFC 9110 tokens, lower case (RFC 9421 §2.1). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Structured Field types of the fields this library knows (RFC 9421 §2.1.1 needs the type to re-serialise).
 * Callers add others with the `structuredFields` option.
 */
const KNOWN_STRUCTURED_FIELDS: Readonly<Record<string, 'item' | 'list' | 'dictionary'>> = {
  'signature': 'dictionary', 'signature-input': 'dictionary', 'accept-signature': 'dictionary',
  'content-digest': 'dictionary', 'repr-digest': 'dictionary', 'want-content-digest': 'dictionary',
  'want-repr-digest': 'dictionary', 'priority': 'dictionary', 'cdn-cache-control': 'dictionary',
  'cache-status': 'list', 'proxy-status': 'list', 'client-cert': 'item', 'client-cert-chain': 'list',
};

/** Checks the parameters of a component identifier (RFC 9421 §2.1, §2.2, §6.5 registry). */
function checkParams(name: string, params: Parameters, mode: Mode, keyId: string | undefined): void {
  const derived = name.startsWith('@');
  if (derived && !DERIVED.has(name)) throw invalid(mode, 'Unknown derived component', keyId);
  if (!derived && !FIELD_NAME.test(name)) throw invalid(mode, 'A component name is not a lower-case field name', keyId);
  for (const [param, value] of params) {
    switch (param) {
      case 'req':
        if (value !== true) throw invalid(mode, 'The req component parameter takes no value', keyId);
        if (name === '@status') throw invalid(mode, '@status cannot be taken from the request', keyId);
        break;
      case 'sf':
      case 'bs':
        if (derived || value !== true) throw invalid(mode, 'The sf and bs parameters apply to fields only', keyId);
        break;
      case 'key':
        if (derived || typeof value !== 'string') throw invalid(mode, 'The key parameter applies to fields only and takes a string', keyId);
        break;
      case 'name':
        if (name !== '@query-param' || typeof value !== 'string') throw invalid(mode, 'The name parameter applies to @query-param only', keyId);
        break;
      default:
        // `tr` (trailers) and unregistered parameters are not supported: fail closed (RFC 9421 §2.1).
        throw invalid(mode, 'Unsupported component parameter', keyId);
    }
  }
  if (params.has('bs') && (params.has('sf') || params.has('key'))) throw invalid(mode, 'The bs parameter cannot be combined with sf or key', keyId);
  if (name === '@query-param' && !params.has('name')) throw invalid(mode, '@query-param needs a name parameter', keyId);
}

function make(name: string, params: Parameters, mode: Mode, keyId?: string): ComponentId {
  checkParams(name, params, mode, keyId);
  return { name, params, id: serializeItem([name, params]) };
}

/**
 * Reads a component identifier a caller wrote: `'@method'`, `'content-digest'`, `'"@query-param";name="Pet"'`
 * or the unquoted form `'signature;key="sig1";req'`. The name is lower-cased.
 * @throws TypeError when it is not a valid identifier.
 */
export function parseComponentText(text: string): ComponentId {
  if (typeof text !== 'string' || text === '') throw new TypeError('A component identifier must be a non-empty string');
  let source = text.trim();
  if (!source.startsWith('"')) {
    const semicolon = source.indexOf(';');
    const name = semicolon === -1 ? source : source.slice(0, semicolon);
    source = `"${name.toLowerCase()}"${semicolon === -1 ? '' : source.slice(semicolon)}`;
  }
  let item: ReturnType<typeof parseItem>;
  try {
    item = parseItem(source);
  } catch {
    throw new TypeError('A component identifier does not parse');
  }
  if (typeof item[0] !== 'string') throw new TypeError('A component identifier must be a string');
  return make(item[0].toLowerCase(), item[1], 'sign');
}

/**
 * Reads a component identifier item of a received `Signature-Input` member (RFC 9421 §4.1): an sf-string
 * that is already lower case.
 * @throws MalformedSignatureError when it is not.
 */
export function componentFromItem(item: readonly [BareItem, Parameters], keyId: string | undefined): ComponentId {
  const [name, params] = item;
  if (typeof name !== 'string' || name === '') throw new MalformedSignatureError('A covered component is not a string', { keyId });
  if (name !== name.toLowerCase()) throw new MalformedSignatureError('A covered component name is not lower case', { keyId });
  return make(name, params, 'verify', keyId);
}

/** A key under which two identifiers with the same name and parameters (in any order) compare equal. */
export function matchKey(component: ComponentId): string {
  const params = [...component.params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return serializeItem([component.name, new Map(params)]);
}

/** The parts of a request that derived components read (RFC 9421 §2.2). */
interface RequestView {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
  fields: Map<string, string[]>;
}

/** A message prepared for component derivation. */
export interface MessageView {
  request: RequestView | undefined;
  status: number | undefined;
  /** The fields of the message itself. */
  fields: Map<string, string[]>;
  /** The request a response is bound to (for `;req`). */
  boundRequest: RequestView | undefined;
  structuredFields: Readonly<Record<string, 'item' | 'list' | 'dictionary'>> | undefined;
}

function fieldMap(headers: HeadersInit | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of normalizeHeaders(headers)) {
    const lines = map.get(name);
    if (lines === undefined) map.set(name, [value]);
    else lines.push(value);
  }
  return map;
}

const ABSOLUTE_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/** RFC 9421 §2.2.3: lower-case host, no userinfo, no default port. */
function normalizeAuthority(raw: string, scheme: string | undefined): string {
  let authority = raw.slice(raw.lastIndexOf('@') + 1).trim().toLowerCase();
  const colon = authority.lastIndexOf(':');
  if (colon !== -1 && colon > authority.lastIndexOf(']')) {
    const port = authority.slice(colon + 1);
    if (port === '' || (scheme !== undefined && DEFAULT_PORTS[scheme] === port)) authority = authority.slice(0, colon);
  }
  return authority;
}

function requestView(request: Rfc9421Request): RequestView {
  if (typeof request.method !== 'string' || typeof request.url !== 'string') throw new TypeError('a request needs a method and a url');
  const fields = fieldMap(request.headers);
  const absolute = ABSOLUTE_URL.exec(request.url);
  if (absolute !== null) {
    const scheme = (absolute[1] as string).toLowerCase();
    return {
      method: request.method, scheme, authority: normalizeAuthority(absolute[2] as string, scheme),
      path: absolute[3] === '' ? '/' : absolute[3] as string, query: absolute[4], fields,
    };
  }
  if (!request.url.startsWith('/') && request.url !== '*') throw new TypeError('url must be absolute or start with "/"');
  const hash = request.url.indexOf('#');
  const target = hash === -1 ? request.url : request.url.slice(0, hash);
  const mark = target.indexOf('?');
  const scheme = request.scheme?.toLowerCase();
  const host = fields.get('host');
  return {
    method: request.method, scheme,
    authority: host === undefined || host.length !== 1 ? undefined : normalizeAuthority(host[0] as string, scheme),
    path: mark === -1 ? target : target.slice(0, mark),
    query: mark === -1 ? undefined : target.slice(mark + 1),
    fields,
  };
}

/**
 * Prepares a request or response for component derivation.
 * @throws TypeError when the message is not a request or a response.
 */
export function messageView(message: Rfc9421Message, options: ComponentOptions): MessageView {
  if (typeof message !== 'object' || message === null) throw new TypeError('the message must be a request or a response');
  const structuredFields = options.structuredFields;
  if ('status' in message && typeof message.status === 'number') {
    if (!Number.isInteger(message.status) || message.status < 100 || message.status > 999) throw new TypeError('status must be a three-digit integer');
    return {
      request: undefined, status: message.status, fields: fieldMap(message.headers),
      boundRequest: message.request === undefined ? undefined : requestView(message.request), structuredFields,
    };
  }
  const request = requestView(message as Rfc9421Request);
  return { request, status: undefined, fields: request.fields, boundRequest: undefined, structuredFields };
}

/** Whether the message is a response. */
export function isResponseView(view: MessageView): boolean {
  return view.status !== undefined;
}

/** Percent-encodes with the application/x-www-form-urlencoded percent-encode set (RFC 9421 §2.2.8). */
function encodeFormComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes a form-urlencoded name (`+` is a space; percent-escapes decoded as UTF-8, leniently). */
function decodeFormComponent(value: string): string {
  return new URLSearchParams(`a=${value.replace(/&/g, '%26')}`).get('a') ?? '';
}

/** RFC 9421 §2.1: each field line trimmed, obs-fold replaced by one space. */
function cleanLine(line: string): string {
  return line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '');
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
  if (params.has('bs')) return lines.map((line) => `:${backend.base64Encode(lineBytes(cleanLine(line)))}:`).join(', ');
  const combined = lines.map(cleanLine).join(', ');
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

/** The value(s) of a derived component (RFC 9421 §2.2); `@query-param` may give several lines. */
function derivedValues(component: ComponentId, request: RequestView | undefined, status: number | undefined, mode: Mode, keyId: string | undefined): string[] {
  const { name } = component;
  if (name === '@status') {
    if (status === undefined) throw invalid(mode, '@status is a response component', keyId);
    return [String(status)];
  }
  if (request === undefined || !REQUEST_ONLY.has(name)) throw invalid(mode, 'A request component is covered on a response without req', keyId);
  switch (name) {
    case '@method':
      return [request.method];
    case '@authority':
      if (request.authority === undefined) throw new MissingHeaderError(component.id, { keyId });
      return [request.authority];
    case '@scheme':
      if (request.scheme === undefined) throw new MissingHeaderError(component.id, { keyId });
      return [request.scheme];
    case '@target-uri':
      if (request.scheme === undefined || request.authority === undefined) throw new MissingHeaderError(component.id, { keyId });
      return [`${request.scheme}://${request.authority}${request.path}${request.query === undefined ? '' : `?${request.query}`}`];
    case '@request-target':
      return [`${request.path}${request.query === undefined ? '' : `?${request.query}`}`];
    case '@path':
      return [request.path === '' ? '/' : request.path];
    case '@query':
      return [`?${request.query ?? ''}`];
    default: {
      // @query-param (§2.2.8): parsed as application/x-www-form-urlencoded, each value re-encoded; one line
      // per occurrence, in order.
      const wanted = decodeFormComponent(component.params.get('name') as string);
      const values: string[] = [];
      for (const [key, value] of new URLSearchParams(request.query ?? '')) if (key === wanted) values.push(encodeFormComponent(value));
      if (values.length === 0) throw new MissingHeaderError(component.id, { keyId });
      return values;
    }
  }
}

/**
 * The signature base lines of one component: `"<id>": <value>` (RFC 9421 §2.5 step 2).
 * @throws MissingHeaderError when the message lacks the field, query parameter, dictionary key, or request.
 * @throws TypeError (sign) / MalformedSignatureError (verify) when the component cannot apply to the message.
 */
export function componentLines(component: ComponentId, view: MessageView, mode: Mode, keyId: string | undefined): string[] {
  const bound = component.params.has('req');
  if (bound && view.boundRequest === undefined) {
    if (!isResponseView(view)) throw invalid(mode, 'The req parameter applies to responses only', keyId);
    throw new MissingHeaderError(component.id, { keyId });
  }
  const values = component.name.startsWith('@')
    ? derivedValues(component, bound ? view.boundRequest : view.request, bound ? undefined : view.status, mode, keyId)
    : [fieldValue(component, bound ? (view.boundRequest as RequestView).fields : view.fields, view, mode, keyId)];
  return values.map((value) => `${component.id}: ${value}`);
}

/** Whether the message (or its bound request) has a field, for choosing default components. */
export function hasQuery(view: MessageView): boolean {
  return view.request?.query !== undefined;
}

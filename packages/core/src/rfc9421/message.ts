/**
 * A request or response prepared for component derivation: its fields by name, and the parts of the target URI
 * the derived components read (RFC 9421 §2.2). Internal.
 * @packageDocumentation
 */
import { normalizeHeaders } from '../headers.js';
import type { HeadersInit } from '../types.js';
import type { ComponentOptions, Rfc9421Message, Rfc9421Request } from './types.js';

/** The parts of a request that derived components read (RFC 9421 §2.2). */
export interface RequestView {
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


/** Whether the message (or its bound request) has a field, for choosing default components. */
export function hasQuery(view: MessageView): boolean {
  return view.request?.query !== undefined;
}

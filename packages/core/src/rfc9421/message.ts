/**
 * A request or response prepared for component derivation: its fields by name, and the parts of the target URI
 * the derived components read (RFC 9421 §2.2). Internal.
 * @packageDocumentation
 */
import { MalformedRequestError } from '../errors.js';
import { forEachHeader } from '../headers.js';
import { trimOws } from '../lib/char-class.js';
import {
  checkReceivedRequest, normalizedAuthority, originFormOf, parseOutgoingTarget, type RequestTarget,
} from '../request-target.js';
import type { HeadersInit } from '../types.js';
import type { Mode } from './component-id.js';
import type { ComponentOptions, Rfc9421Message, Rfc9421Request } from './types.js';

/** The parts of a request that derived components read (RFC 9421 §2.2). */
export interface RequestView {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  /** `@request-target`: the path and query (origin form), `*` (asterisk form) or `host:port` (CONNECT). */
  target: string;
  /** The path: `/…`, or `''` for the asterisk and authority forms (whose target URI has no path). */
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
  /** `@query` without its leading `?` (Fedify's form; `queryComponent: 'without-question-mark'`). */
  bareQuery?: boolean | undefined;
}

function fieldMap(headers: HeadersInit | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  forEachHeader(headers, (name, value) => {
    const lines = map.get(name);
    if (lines === undefined) map.set(name, [value]);
    else lines.push(value);
  });
  return map;
}

/**
 * The parts of a request target derived components read. A received request (`verify`) is checked first
 * (target, one valid `Host`, an absolute or authority form naming the same authority as `Host`); the caller's
 * own request (`sign`) may carry a fragment (dropped) and userinfo in an absolute URL (dropped: never sent).
 */
function requestView(request: Rfc9421Request, mode: Mode): RequestView {
  const fields = fieldMap(request.headers);
  const hosts = fields.get('host') ?? [];
  let target: RequestTarget;
  if (mode === 'verify') {
    target = checkReceivedRequest(request.method, request.url, hosts);
  } else {
    if (typeof request.method !== 'string' || typeof request.url !== 'string') throw new TypeError('a request needs a method and a url');
    target = parseOutgoingTarget(request.url, request.method);
  }
  const targetMode = mode === 'verify' ? 'received' : 'outgoing';
  const connection = request.scheme?.toLowerCase();
  // A received absolute-form target (`GET http://host/x` over TLS) names a scheme the client chose: it never
  // replaces the connection's, which the caller passed (RFC 9112 §3.2.2: the server decides the target URI's scheme).
  if (mode === 'verify' && target.scheme !== undefined && connection !== undefined && target.scheme !== connection) {
    throw new MalformedRequestError('The scheme of the request target differs from the connection\'s');
  }
  const scheme = target.scheme ?? connection;
  let authority: string | undefined;
  if (target.form === 'absolute') {
    const written = target.authority as string;
    authority = normalizedAuthority(mode === 'verify' ? written : written.slice(written.lastIndexOf('@') + 1), scheme, targetMode);
  } else if (hosts.length === 1) {
    authority = normalizedAuthority(trimOws(hosts[0] as string), scheme, targetMode);
  } else if (target.form === 'authority') {
    authority = normalizedAuthority(target.authority as string, scheme, targetMode);
  }
  const hasPath = target.form === 'origin' || target.form === 'absolute';
  return {
    method: request.method, scheme, authority,
    target: originFormOf(target),
    path: hasPath && target.path === '' ? '/' : target.path,
    query: target.query,
    fields,
  };
}

/**
 * Prepares a request or response for component derivation.
 * @param mode - `verify` for a received message: its request target and `Host` are checked first.
 * @throws TypeError when the message is not a request or a response, or (sign) its URL cannot be signed.
 * @throws MalformedRequestError (verify) when a request target or `Host` is one an application may read
 *   differently (see `parseRequestTarget`).
 */
export function messageView(message: Rfc9421Message, options: ComponentOptions, mode: Mode = 'sign'): MessageView {
  if (typeof message !== 'object' || message === null) throw new TypeError('the message must be a request or a response');
  const structuredFields = options.structuredFields;
  if ('status' in message && typeof message.status === 'number') {
    if (!Number.isInteger(message.status) || message.status < 100 || message.status > 999) throw new TypeError('status must be a three-digit integer');
    return {
      request: undefined, status: message.status, fields: fieldMap(message.headers),
      boundRequest: message.request === undefined ? undefined : requestView(message.request, mode), structuredFields,
    };
  }
  const request = requestView(message as Rfc9421Request, mode);
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

/**
 * RFC 9421 §2: component identifiers — an sf-string naming an HTTP field (with `;sf ;key ;bs ;req`) or a derived
 * component (`@…`, with `;req`, and `;name` for `@query-param`) — parsed and checked. Internal.
 * @packageDocumentation
 */
import { parseItem, type BareItem, type Parameters } from 'structured-headers';
import { MalformedSignatureError } from '../errors.js';
import { serializeStringItem } from './sf.js';

/** A parsed component identifier: its name, its parameters, and its canonical serialisation. Internal: not in the published types. @internal */
export interface ComponentId {
  readonly name: string;
  readonly params: Parameters;
  /** The sf-string item serialisation, e.g. `"@query-param";name="Pet"` (RFC 9421 §2). */
  readonly id: string;
  /** Equal for two identifiers with the same name and parameters in any order. */
  readonly key: string;
}

/** Where a component identifier came from: the caller (mistakes are TypeErrors) or a received signature. */
export type Mode = 'sign' | 'verify';

/** A caller mistake on the signing side, or a malformed signature on the verifying side. */
export function invalid(mode: Mode, message: string, keyId?: string): Error {
  return mode === 'sign' ? new TypeError(message) : new MalformedSignatureError(message, { keyId });
}

/** The derived components of RFC 9421 §2.2 (`@signature-params` is not a coverable component, §2.3). */
const DERIVED = new Set(['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query', '@query-param', '@status']);
/** Field names: RFC 9110 tokens, lower case (RFC 9421 §2.1). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

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
  const id = serializeStringItem(name, params);
  if (params.size < 2) return { name, params, id, key: id };
  const sorted = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { name, params, id, key: serializeStringItem(name, new Map(sorted)) };
}

/** Parsed caller identifiers, by text: signing and policies name the same few components on every request. */
const parsedTexts = new Map<string, ComponentId>();
const MAX_PARSED_TEXTS = 1024;

/**
 * Reads a component identifier a caller wrote: `'@method'`, `'content-digest'`, `'"@query-param";name="Pet"'`
 * or the unquoted form `'signature;key="sig1";req'`. The name is lower-cased.
 * @throws TypeError when it is not a valid identifier.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function parseComponentText(text: string): ComponentId {
  if (typeof text !== 'string' || text === '') throw new TypeError('A component identifier must be a non-empty string');
  const cached = parsedTexts.get(text);
  if (cached !== undefined) return cached;
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
  // The source starts with `"`, so a successful parse is an sf-string.
  const component = make((item[0] as string).toLowerCase(), item[1], 'sign');
  if (parsedTexts.size >= MAX_PARSED_TEXTS) parsedTexts.clear();
  parsedTexts.set(text, component);
  return component;
}

/**
 * Reads a component identifier item of a received `Signature-Input` member (RFC 9421 §4.1): an sf-string
 * that is already lower case.
 * @throws MalformedSignatureError when it is not.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function componentFromItem(item: readonly [BareItem, Parameters], keyId: string | undefined): ComponentId {
  const [name, params] = item;
  if (typeof name === 'string' && params.size === 0) {
    const known = receivedNames.get(name);
    if (known !== undefined) return known;
  }
  if (typeof name !== 'string' || name === '') throw new MalformedSignatureError('A covered component is not a string', { keyId });
  if (name !== name.toLowerCase()) throw new MalformedSignatureError('A covered component name is not lower case', { keyId });
  const component = make(name, params, 'verify', keyId);
  if (params.size === 0) {
    if (receivedNames.size >= MAX_PARSED_TEXTS) receivedNames.clear();
    receivedNames.set(name, component);
  }
  return component;
}

/**
 * Received identifiers without parameters that were valid, by name: signatures cover the same few components on
 * every request, so each is checked and serialised once (only valid ones are kept, so a refusal is never skipped).
 */
const receivedNames = new Map<string, ComponentId>();

/**
 * Whether two lists of identifier texts are the same, text by text: a list a caller gave before and may have changed
 * since. Internal.
 */
export function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * RFC 9421 §2.3 signature parameters: reading them from a received inner list, building them for signing.
 * Internal.
 * @packageDocumentation
 */
import type { Parameters } from 'structured-headers';
import { InvalidDateError, MalformedSignatureError } from '../errors.js';
import type { ComponentId } from './component-id.js';
import { serializeParam, serializeParams } from './sf.js';
import type { Rfc9421ParameterName, Rfc9421Parameters } from './types.js';

/**
 * The order in which {@link signRfc9421} writes parameters unless told otherwise. It reproduces the RFC 9421
 * Appendix B examples (`created`, then `keyid`, then `nonce` or `tag`).
 */
export const DEFAULT_PARAMETER_ORDER: readonly Rfc9421ParameterName[] = ['created', 'expires', 'keyid', 'alg', 'nonce', 'tag'];

const TIME_PARAMS = new Set(['created', 'expires']);
const STRING_PARAMS = new Set(['nonce', 'alg', 'keyid', 'tag']);

/**
 * Reads the known parameters of a received signature (RFC 9421 §2.3): `created`/`expires` must be integers,
 * the others strings; unknown parameters are kept in the serialisation and otherwise ignored.
 * @throws InvalidDateError when `created`/`expires` is not a non-negative integer.
 * @throws MalformedSignatureError when `nonce`/`alg`/`keyid`/`tag` is not a string.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function readParameters(params: Parameters): Rfc9421Parameters {
  const keyidValue = params.get('keyid');
  const keyId = typeof keyidValue === 'string' ? keyidValue : undefined;
  const out: Rfc9421Parameters = {};
  // Each parameter is set by its name (not `out[name]`: a store by computed key is measured slow), in the order given.
  for (const [name, value] of params) {
    if (TIME_PARAMS.has(name)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new InvalidDateError(`The ${name} parameter is not an integer time`, { keyId });
      }
      if (name === 'created') out.created = value;
      else out.expires = value;
    } else if (STRING_PARAMS.has(name)) {
      if (typeof value !== 'string') throw new MalformedSignatureError(`The ${name} parameter is not a string`, { keyId });
      if (name === 'keyid') out.keyid = value;
      else if (name === 'nonce') out.nonce = value;
      else if (name === 'alg') out.alg = value;
      else out.tag = value;
    }
  }
  return out;
}

/**
 * Builds the parameter map in the given order, skipping absent values.
 * @throws TypeError when a value has the wrong type (non-integer time, non-ASCII string).
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function buildParameters(values: Rfc9421Parameters, order: readonly Rfc9421ParameterName[] = DEFAULT_PARAMETER_ORDER): Parameters {
  const params: Parameters = new Map();
  const names = parameterNames(order);
  for (let index = 0; index < names.length; index++) {
    const value = checkedParameter(names, index, values);
    if (value !== undefined) params.set(names[index] as string, value);
  }
  return params;
}

/**
 * The serialisation of the parameters {@link buildParameters} builds (what `serializeParams` writes of them), with
 * the same checks, without the map. Internal.
 * @throws TypeError when a value has the wrong type (non-integer time, non-ASCII string).
 */
export function serializeBuiltParameters(values: Rfc9421Parameters, order: readonly Rfc9421ParameterName[] = DEFAULT_PARAMETER_ORDER): string {
  let out = '';
  // Every value is checked before a serialisation error (an integer of more than 15 digits) is thrown.
  let failure: { error: unknown } | undefined;
  const names = parameterNames(order);
  for (let index = 0; index < names.length; index++) {
    const value = checkedParameter(names, index, values);
    if (value === undefined || failure !== undefined) continue;
    try {
      out += serializeParam(names[index] as string, value);
    } catch (error) {
      failure = { error };
    }
  }
  if (failure !== undefined) throw failure.error;
  return out;
}

/** The names in the given order, the others after them in the default order. */
function parameterNames(order: readonly Rfc9421ParameterName[]): readonly Rfc9421ParameterName[] {
  return order === DEFAULT_PARAMETER_ORDER ? order : [...order, ...DEFAULT_PARAMETER_ORDER.filter((name) => !order.includes(name))];
}

/** The value of the parameter at `index` of `names`, checked; undefined when it is absent or named before. */
function checkedParameter(names: readonly Rfc9421ParameterName[], index: number, values: Rfc9421Parameters): string | number | undefined {
  const name = names[index] as Rfc9421ParameterName;
  if (names !== DEFAULT_PARAMETER_ORDER) {
    if (!DEFAULT_PARAMETER_ORDER.includes(name)) throw new TypeError('parameterOrder names an unknown parameter');
    // A name given twice is one parameter, in its first place.
    if (names.indexOf(name) !== index) return undefined;
  }
  const value = values[name];
  if (value === undefined) return undefined;
  if (TIME_PARAMS.has(name)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer (Unix seconds)`);
  } else if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
    throw new TypeError(`${name} must be a printable ASCII string`);
  }
  return value;
}

/** Serialises `@signature-params`: the inner list of component identifiers with the parameters (RFC 9421 §2.3). Internal: not in the published types. @internal */
export function serializeSignatureParams(components: readonly ComponentId[], params: Parameters | string): string {
  return componentListText(components) + (typeof params === 'string' ? params : serializeParams(params));
}

/**
 * The inner list of component identifiers, `("@method" "@path")`, without parameters. Internal: not in the published
 * types. @internal
 */
export function componentListText(components: readonly ComponentId[]): string {
  let list = '(';
  for (let i = 0; i < components.length; i++) list += (i === 0 ? '' : ' ') + (components[i] as ComponentId).id;
  return `${list})`;
}

/**
 * RFC 9421 §2.5: the signature base — one `"<component>": <value>` line per covered component, then the
 * `"@signature-params"` line, joined by `\n` with no trailing newline.
 * @packageDocumentation
 */
import { isInnerList, parseList, type Parameters } from 'structured-headers';
import { MalformedSignatureError } from '../errors.js';
import { componentFromItem, invalid, parseComponentText, type ComponentId, type Mode } from './component-id.js';
import { componentLines } from './components.js';
import { messageView, type MessageView } from './message.js';
import { buildParameters, serializeSignatureParams } from './parameters.js';
import { SF_KEY } from './sf.js';
import type { ComponentOptions, Rfc9421Message, Rfc9421Parameters, SignatureParamsInit } from './types.js';

/**
 * The signature base of covered components over a prepared message (RFC 9421 §2.5). Internal.
 * @throws TypeError (sign) / MalformedSignatureError (verify) on a duplicate or inapplicable component.
 * @throws MissingHeaderError when a covered field, query parameter or dictionary key is absent.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function signatureBaseOf(view: MessageView, components: readonly ComponentId[], signatureParams: string, mode: Mode, keyId: string | undefined): string {
  // A few components (the usual case) are compared with those before them; a long list goes through a Set.
  const seen = components.length > FEW_COMPONENTS ? new Set<string>() : undefined;
  let base = '';
  for (let index = 0; index < components.length; index++) {
    const component = components[index] as ComponentId;
    const { key } = component;
    // §2.5 step 2.1: the same component identifier must not appear twice.
    if (seen === undefined ? coveredBefore(components, index, key) : seen.has(key)) throw invalid(mode, 'A component is covered twice', keyId);
    seen?.add(key);
    base += componentLines(component, view, mode, keyId);
  }
  return `${base}"@signature-params": ${signatureParams}`;
}

/** Up to this many components, duplicates are found by comparing each with those before it (no Set per base). */
const FEW_COMPONENTS = 16;

/** Whether a component before `index` has the key `key`. */
function coveredBefore(components: readonly ComponentId[], index: number, key: string): boolean {
  for (let i = 0; i < index; i++) if ((components[i] as ComponentId).key === key) return true;
  return false;
}

function parametersFrom(init: SignatureParamsInit['parameters']): Parameters {
  if (init === undefined) return new Map();
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const params: Parameters = new Map();
    for (const pair of init as Iterable<readonly [string, string | number | boolean]>) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !SF_KEY.test(pair[0])) {
        throw new TypeError('parameters must be [name, value] pairs with lower-case structured field keys');
      }
      const value: unknown = pair[1];
      if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e12)) {
        throw new TypeError('a parameter value must be a string, a boolean or a number');
      }
      params.set(pair[0], value);
    }
    return params;
  }
  return buildParameters(init as Rfc9421Parameters);
}

/**
 * Builds the signature base of a message, for debugging or for signing with an external key (an HSM, a
 * KMS). Give either the `@signature-params` value as received (a `Signature-Input` member value such as
 * `("@method" "@path");created=1618884473;keyid="k"`) or the components and parameters.
 *
 * @param message - a request `{ method, url, headers }` or a response `{ status, headers, request? }`.
 * @param signatureParams - the `@signature-params` inner list as text, or `{ components, parameters }`.
 * @param options - Structured Field types of fields covered with `;sf`/`;key`.
 * @returns the exact signature base (lines joined by `\n`, no trailing newline).
 * @throws {@link core/src!MissingHeaderError} when a covered field, query parameter, dictionary key or bound request is absent.
 * @throws {@link core/src!MalformedSignatureError} when the text is not an inner list of valid component identifiers.
 * @throws TypeError on an invalid component identifier or parameter given as an object.
 * @example
 * ```ts
 * buildSignatureBase(
 *   { method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog', headers: { date: 'Tue, 20 Apr 2021 02:07:55 GMT' } },
 *   { components: ['@method', '@authority', 'date'], parameters: { created: 1618884473, keyid: 'k' } },
 * )
 * // "@method": POST\n"@authority": example.com\n"date": Tue, 20 Apr 2021 02:07:55 GMT\n"@signature-params": ("@method" "@authority" "date");created=1618884473;keyid="k"
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-2.5
 */
export function buildSignatureBase(message: Rfc9421Message, signatureParams: string | SignatureParamsInit, options: ComponentOptions = {}): string {
  const view = messageView(message, options);
  if (typeof signatureParams === 'string') {
    let list: ReturnType<typeof parseList>;
    try {
      list = parseList(signatureParams);
    } catch {
      throw new MalformedSignatureError('The signature parameters are not a structured field inner list');
    }
    const member = list[0];
    if (list.length !== 1 || member === undefined || !isInnerList(member)) {
      throw new MalformedSignatureError('The signature parameters are not one inner list');
    }
    const components = member[0].map((item) => componentFromItem(item, undefined));
    return signatureBaseOf(view, components, serializeSignatureParams(components, member[1]), 'verify', undefined);
  }
  const components = signatureParams.components.map(parseComponentText);
  return signatureBaseOf(view, components, serializeSignatureParams(components, parametersFrom(signatureParams.parameters)), 'sign', undefined);
}

/**
 * The `Signature-Input` and `Signature` fields: Structured Field dictionaries keyed by signature label
 * (RFC 9421 §4.1, §4.2, §4.3). Internal.
 * @packageDocumentation
 */
import { isInnerList, serializeDictionary, type Dictionary, type InnerList, type Item, type Parameters } from 'structured-headers';
import { HeaderTooLargeError, MalformedSignatureError, MissingSignatureError } from '../errors.js';
import { componentFromItem, type ComponentId } from './component-id.js';
import { readParameters, serializeSignatureParams } from './parameters.js';
import { Base64Text, parseSignatureDictionary, readSignatureDictionary, type SignatureMember } from './sf-dictionary.js';
import type { Rfc9421Parameters } from './types.js';

/** Default cap on the length of `Signature-Input` / `Signature`, characters. */
export const DEFAULT_MAX_HEADER_LENGTH = 8192;
/** Default cap on the number of signatures in one message. */
export const DEFAULT_MAX_SIGNATURES = 16;
/** Default cap on the number of components one signature covers. */
export const DEFAULT_MAX_COMPONENTS = 64;

/** A signature label: a Structured Field dictionary key (RFC 8941 §3.2). */
export const LABEL: RegExp = /^[a-z*][a-z0-9_\-.*]{0,63}$/;

/** The label of a signature added to a message without one. */
export const DEFAULT_LABEL = 'sig1';

/** The two fields of a message, parsed. Internal: not in the published types. @internal */
export interface SignatureFields {
  inputs: Map<string, SignatureMember>;
  signatures: Map<string, SignatureMember>;
  /** The `Signature-Input` members written canonically, as written (their `@signature-params`), by label. */
  inputTexts: Map<string, string> | undefined;
}

/** One signature, read from its `Signature-Input` member and `Signature` member. Internal: not in the published types. @internal */
export interface ParsedSignature {
  label: string;
  components: ComponentId[];
  params: Parameters;
  parameters: Rfc9421Parameters;
  /** `@signature-params`: the member serialised canonically (RFC 9421 §2.3): as written when it was written so. */
  signatureParams: string;
  /**
   * The `Signature` member's byte sequence: its base64 text when it was written canonically (padded, no bits after
   * the last byte: the text and the bytes determine each other), else its bytes.
   */
  signature: string | Uint8Array;
}

/**
 * The components of item lists, by list (only lists whose every component is valid): the reader shares the item
 * list of a text it read before, so its components are read once too. Shared, never changed (nor are the lists).
 */
const componentLists = new WeakMap<readonly Item[], ComponentId[]>();

/** Limits applied before and while parsing. */
export interface DictionaryLimits {
  maxHeaderLength: number;
  maxSignatures: number;
  maxComponents: number;
}

/** The joined value of a field's lines, within the size cap. */
function fieldText(lines: readonly string[], name: string, limits: DictionaryLimits): string {
  const value = lines.length === 1 ? lines[0] as string : lines.join(', ');
  if (value.length > limits.maxHeaderLength) throw new HeaderTooLargeError(`The ${name} header is over the size limit`);
  return value;
}

/** Refuses a dictionary with more members than the cap. */
function checkSize(size: number, name: string, limits: DictionaryLimits): void {
  if (size > limits.maxSignatures) throw new HeaderTooLargeError(`The ${name} header has too many members`);
}

function parseField(lines: readonly string[] | undefined, name: string, limits: DictionaryLimits): Dictionary {
  if (lines === undefined) return new Map();
  const value = fieldText(lines, name, limits);
  let dictionary: Dictionary;
  try {
    dictionary = parseSignatureDictionary(value);
  } catch {
    throw new MalformedSignatureError(`The ${name} header is not a structured field dictionary`);
  }
  checkSize(dictionary.size, name, limits);
  return dictionary;
}

/** {@link parseField} as the verifier reads a field: {@link readSignatureDictionary}. */
function readField(lines: readonly string[], name: string, limits: DictionaryLimits): ReturnType<typeof readSignatureDictionary> {
  const value = fieldText(lines, name, limits);
  let read: ReturnType<typeof readSignatureDictionary>;
  try {
    read = readSignatureDictionary(value);
  } catch {
    throw new MalformedSignatureError(`The ${name} header is not a structured field dictionary`);
  }
  checkSize(read.members.size, name, limits);
  return read;
}

/**
 * Parses the signature fields of a received message.
 * @throws MissingSignatureError when there is no `Signature-Input` or no `Signature` field.
 * @throws HeaderTooLargeError, MalformedSignatureError.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function parseSignatureFields(inputLines: readonly string[] | undefined, signatureLines: readonly string[] | undefined, limits: DictionaryLimits): SignatureFields {
  if (inputLines === undefined && signatureLines === undefined) throw new MissingSignatureError('The message has no Signature-Input and Signature headers');
  if (inputLines === undefined) throw new MissingSignatureError('The message has a Signature header but no Signature-Input header');
  if (signatureLines === undefined) throw new MissingSignatureError('The message has a Signature-Input header but no Signature header');
  const inputs = readField(inputLines, 'Signature-Input', limits);
  return { inputs: inputs.members, signatures: readField(signatureLines, 'Signature', limits).members, inputTexts: inputs.texts };
}

/**
 * Reads one labelled signature (RFC 9421 §3.2 steps 1–4).
 * @throws MalformedSignatureError when the member is not an inner list of component identifiers, or its
 * `Signature` member is missing or not a byte sequence.
 * @throws HeaderTooLargeError when it covers too many components.
 * @throws InvalidDateError when `created`/`expires` is not an integer.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function readSignature(fields: SignatureFields, label: string, limits: DictionaryLimits): ParsedSignature {
  const input = fields.inputs.get(label);
  if (input === undefined || !isInnerList(input as InnerList)) throw new MalformedSignatureError('A Signature-Input member is not an inner list');
  const [items, params] = input as InnerList;
  const parameters = readParameters(params);
  const keyId = parameters.keyid;
  if (items.length > limits.maxComponents) throw new HeaderTooLargeError('The signature covers too many components', { keyId });
  let components = componentLists.get(items);
  if (components === undefined) {
    components = items.map((item) => componentFromItem(item, keyId));
    // An item list the reader shares (the same list on every request) has its components read once.
    componentLists.set(items, components);
  }
  const member = fields.signatures.get(label);
  if (member === undefined) throw new MalformedSignatureError('The Signature header has no member for this label', { keyId });
  const value = member[0];
  let signature: string | Uint8Array;
  if (value instanceof Base64Text) signature = value.text;
  else if (value instanceof ArrayBuffer) signature = new Uint8Array(value);
  else throw new MalformedSignatureError('A Signature member is not a byte sequence', { keyId });
  const signatureParams = fields.inputTexts?.get(label) ?? serializeSignatureParams(components, params);
  return { label, components, params, parameters, signatureParams, signature };
}

/**
 * Adds a signature to the message's existing `Signature-Input` and `Signature` values (RFC 9421 §4.3), choosing
 * the first free `sig<n>` label when none is given. Existing members are kept (re-serialised canonically); the new
 * signature is given as standard padded base64.
 * @returns both field values and the label used.
 * @throws TypeError when the given label is invalid or already used.
 * @throws MalformedSignatureError when an existing field does not parse.
 */
export function addSignature(
  inputLines: readonly string[] | undefined, signatureLines: readonly string[] | undefined,
  label: string | undefined, signatureParams: string, signature: string,
): { label: string; input: string; signature: string } {
  if (label !== undefined && !LABEL.test(label)) {
    throw new TypeError('label must be a lower-case structured field key (a-z, 0-9, _-.*), at most 64 characters');
  }
  const encoded = `:${signature}:`;
  if (inputLines === undefined && signatureLines === undefined) {
    const chosen = label ?? DEFAULT_LABEL;
    return { label: chosen, input: `${chosen}=${signatureParams}`, signature: `${chosen}=${encoded}` };
  }
  const limits = { maxHeaderLength: Number.POSITIVE_INFINITY, maxSignatures: Number.POSITIVE_INFINITY, maxComponents: Number.POSITIVE_INFINITY };
  const inputs = parseField(inputLines, 'Signature-Input', limits);
  const signatures = parseField(signatureLines, 'Signature', limits);
  let chosen = label;
  if (chosen === undefined) {
    // Among the first size + 1 candidates one is free (pigeonhole), so the loop is bounded.
    const taken = inputs.size + signatures.size;
    let n = 1;
    for (; n <= taken; n++) if (!inputs.has(`sig${n}`) && !signatures.has(`sig${n}`)) break;
    chosen = `sig${n}`;
  } else if (inputs.has(chosen) || signatures.has(chosen)) {
    throw new TypeError('the message already carries a signature with this label');
  }
  const join = (existing: Dictionary, member: string): string => (existing.size === 0 ? member : `${serializeDictionary(existing)}, ${member}`);
  return { label: chosen, input: join(inputs, `${chosen}=${signatureParams}`), signature: join(signatures, `${chosen}=${encoded}`) };
}

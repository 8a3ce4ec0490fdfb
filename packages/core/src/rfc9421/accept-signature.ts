/**
 * `Accept-Signature` (RFC 9421 §5): a server asking for signatures, and a helper that signs what it asks for.
 * @packageDocumentation
 */
import { isInnerList, parseDictionary } from 'structured-headers';
import { AlgorithmNotAllowedError, HeaderTooLargeError, MalformedSignatureError, UnknownKeyError } from '../errors.js';
import { componentFromItem, parseComponentText } from './component-id.js';
import { DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNATURES } from './dictionaries.js';
import { messageView } from './message.js';
import { defaultComponents, signRfc9421 } from './sign.js';
import type { AcceptSignatureRequest, Rfc9421Message, Rfc9421Parameters, SignForAcceptSignatureOptions, SignRfc9421Result } from './types.js';

/** Reads the requested parameters; `created`/`expires` only as integers, the others only as strings (RFC 9421 §5.1). */
function requestedParameters(params: ReadonlyMap<string, unknown>): Rfc9421Parameters {
  const out: Rfc9421Parameters = {};
  for (const [name, value] of params) {
    if (name === 'created' || name === 'expires') {
      if (typeof value === 'number' && Number.isInteger(value)) out[name] = value;
      else if (typeof value !== 'boolean') throw new MalformedSignatureError(`The requested ${name} parameter is not an integer or a boolean`);
    } else if (name === 'keyid' || name === 'alg' || name === 'tag' || name === 'nonce') {
      if (typeof value !== 'string') throw new MalformedSignatureError(`The requested ${name} parameter is not a string`);
      out[name] = value;
    }
  }
  return out;
}

/**
 * The requested components, then each of the signer's own `components` and of the floor — what
 * {@link signRfc9421} covers by default for this message — that the request left out: a server cannot get a
 * signature that covers less than the signer's defaults (one over `@method` alone would be valid for any URL), nor
 * less than the signer's options require (a Web Bot Auth signer's `signature-agent`).
 */
function withFloor(requested: readonly string[], own: readonly string[], message: Rfc9421Message, options: SignForAcceptSignatureOptions): string[] {
  const out: string[] = [];
  const keys = new Set<string>();
  const add = (id: string, requestedOne: boolean): void => {
    const component = parseComponentText(id);
    // What the server asks for is covered as asked; the rest only when nothing covers it yet.
    if (!requestedOne && keys.has(component.key)) return;
    out.push(id);
    keys.add(component.key);
    // `@target-uri` holds the authority, path and query: covering it meets those parts of the floor.
    if (component.name !== '@target-uri') return;
    const req = component.params.has('req') ? ';req' : '';
    for (const part of ['"@authority"', '"@path"', '"@query"']) keys.add(parseComponentText(part + req).key);
  };
  for (const id of requested) add(id, true);
  for (const id of own) add(id, false);
  for (const id of defaultComponents(messageView(message, options))) add(id, false);
  return out;
}

/**
 * Parses an `Accept-Signature` field: one member per requested signature, its label the key, the covered
 * components the inner list, the wanted parameters its parameters (RFC 9421 §5.1).
 *
 * @param value - the field value (several field lines joined with `", "`).
 * @param maxLength - longest accepted value, characters (default 8192).
 * @returns the requested signatures, in order.
 * @throws {@link core/src!HeaderTooLargeError} when the value is over the cap or has more than 16 members.
 * @throws {@link core/src!MalformedSignatureError} when it is not a dictionary of inner lists of component identifiers.
 * @example
 * ```ts
 * parseAcceptSignature('sig1=("@method" "@target-uri" "content-digest");keyid="test-key-rsa";nonce="abc"')
 * // [{ label: 'sig1', components: ['"@method"', '"@target-uri"', '"content-digest"'], parameters: { keyid: 'test-key-rsa', nonce: 'abc' } }]
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-5.1
 */
export function parseAcceptSignature(value: string, maxLength: number = DEFAULT_MAX_HEADER_LENGTH): AcceptSignatureRequest[] {
  if (typeof value !== 'string') throw new TypeError('Accept-Signature must be a string');
  if (value.length > maxLength) throw new HeaderTooLargeError('The Accept-Signature header is over the size limit');
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(value);
  } catch {
    throw new MalformedSignatureError('The Accept-Signature header is not a structured field dictionary');
  }
  if (dictionary.size > DEFAULT_MAX_SIGNATURES) throw new HeaderTooLargeError('The Accept-Signature header has too many members');
  const out: AcceptSignatureRequest[] = [];
  for (const [label, member] of dictionary) {
    if (!isInnerList(member)) throw new MalformedSignatureError('An Accept-Signature member is not an inner list');
    out.push({
      label,
      components: member[0].map((item) => componentFromItem(item, undefined).id),
      parameters: requestedParameters(member[1]),
    });
  }
  return out;
}

/**
 * Signs a message the way an `Accept-Signature` asks (RFC 9421 §5.2): takes the first requested signature
 * that the signer's key can give — a requested `keyid` must equal `options.keyId`, a requested `alg` must equal
 * `options.algorithm`, a requested `tag` must equal `options.tag` when the signer has one — and signs its
 * components under its label, copying its `nonce` and `tag` (and writing `alg` when it was asked for).
 *
 * What the signer's options require is kept in addition to what is asked: a challenge adds to a signature, never
 * takes from it. The options' own `components` that the request left out are covered after the requested ones
 * (a Web Bot Auth signer's `signature-agent`), its `tag` is written when the request names none, and its `nonce`
 * when the request names none (a requested nonce is the server's, and is the one written). The signature never
 * covers less than {@link signRfc9421}'s defaults either: components of the default set (`@method @authority
 * @path`, and `@query` when the URL has one; for a response `@status` and `"@path";req "@query";req` when its
 * request is given) that are still left out come last (a covered `@target-uri` stands for `@authority @path
 * @query`), so a server asking for `("@method")` alone gets a signature bound to the URL too.
 *
 * @param message - the request or response to sign.
 * @param acceptSignature - the `Accept-Signature` value, or its parsed form.
 * @param options - the signer's key, algorithm, keyId, times, body + digest, and what every signature of it carries
 *   (`components`, `tag`, `nonce`, `fields`: the options of a preset such as `webBotAuth`, as they are).
 *   `label` is the request's.
 * @returns what {@link signRfc9421} returns.
 * @throws {@link core/src!UnknownKeyError} when every request names another `keyid` (the first mismatch is reported).
 * @throws {@link core/src!AlgorithmNotAllowedError} when every request names another `alg`.
 * @throws {@link core/src!MalformedSignatureError} when the value does not parse or asks for nothing, or every
 *   request names a `tag` other than the signer's (a signature has one tag: a Web Bot Auth signer signs only
 *   `web-bot-auth`).
 * @throws everything {@link signRfc9421} throws.
 * @example
 * ```ts
 * const challenge = response.headers.get('accept-signature')
 * if (challenge !== null) {
 *   const { headers } = await signForAcceptSignature(request, challenge, { key, algorithm: 'ed25519', keyId: 'my-key' })
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-5.2
 */
export async function signForAcceptSignature(
  message: Rfc9421Message,
  acceptSignature: string | readonly AcceptSignatureRequest[],
  options: SignForAcceptSignatureOptions,
): Promise<SignRfc9421Result> {
  const requests = typeof acceptSignature === 'string' ? parseAcceptSignature(acceptSignature) : acceptSignature;
  if (requests.length === 0) throw new MalformedSignatureError('Accept-Signature asks for no signature');
  let mismatch: Error | undefined;
  const { components: own = [], label: _label, ...signer } = options;
  for (const request of requests) {
    const { keyid, alg, nonce, tag } = request.parameters;
    if (keyid !== undefined && keyid !== options.keyId) {
      mismatch ??= new UnknownKeyError({ keyId: keyid });
      continue;
    }
    if (alg !== undefined && alg !== options.algorithm) {
      mismatch ??= new AlgorithmNotAllowedError('The requested algorithm is not the signer\'s', { keyId: keyid });
      continue;
    }
    if (tag !== undefined && options.tag !== undefined && tag !== options.tag) {
      mismatch ??= new MalformedSignatureError('The requested tag is not the signer\'s');
      continue;
    }
    return signRfc9421(message, {
      ...signer,
      components: withFloor(request.components, own, message, options),
      label: request.label,
      nonce: nonce ?? options.nonce,
      tag: tag ?? options.tag,
      includeAlg: options.includeAlg === true || alg !== undefined,
    });
  }
  throw mismatch as Error;
}

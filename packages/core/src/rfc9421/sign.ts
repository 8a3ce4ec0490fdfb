/**
 * Signing a request or response with an RFC 9421 HTTP Message Signature.
 * @packageDocumentation
 */
import { createContentDigest } from '../content-digest.js';
import { AlgorithmNotAllowedError } from '../errors.js';
import { isRfc9421Algorithm, signBase } from './algorithms.js';
import { parseComponentText, sameTexts, type ComponentId } from './component-id.js';
import { hasQuery, isResponseView, messageView, type MessageView } from './message.js';
import { addSignature } from './dictionaries.js';
import { componentListText, serializeBuiltParameters } from './parameters.js';
import { signatureBaseOf } from './signature-base.js';
import { nowMilliseconds } from '../lib/clock.js';
import { reported } from '../telemetry.js';
import type { Rfc9421Message, SignRfc9421Options, SignRfc9421Result } from './types.js';

/**
 * The components covered when the caller names none: `@method @authority @path` (+ `@query` when the URL has
 * one) for a request; for a response `@status`, bound to its request's path and query (`"@path";req
 * "@query";req`, the query `?` when there is none) when a request is given, so the answer to one query cannot
 * pass as the answer to another. Also the floor of {@link signForAcceptSignature}. Internal.
 */
export function defaultComponents(view: MessageView): string[] {
  if (!isResponseView(view)) return ['@method', '@authority', '@path', ...(hasQuery(view) ? ['@query'] : [])];
  return view.boundRequest === undefined ? ['@status'] : ['@status', '"@path";req', '"@query";req'];
}

/**
 * Signs a request or a response (RFC 9421 §3.1). Makes the `Content-Digest` when asked (RFC 9530), derives
 * the covered components, builds the signature base, signs it, and adds the signature to the message's
 * `Signature-Input` and `Signature` dictionaries under a label — so a message can carry several signatures.
 *
 * @param message - a request `{ method, url, headers }` or a response `{ status, headers, request? }` (the
 * request is needed for components with `;req`).
 * @param options - key, algorithm, keyId, label, components, `created`/`expires`/`nonce`/`tag`, body + digest.
 * @returns the headers to set (`signature-input`, `signature`, and `content-digest` when made), the label and
 * the signature base.
 * @throws {@link core/src!AlgorithmNotAllowedError} when the algorithm is unknown or does not fit the key.
 * @throws {@link core/src!InvalidKeyError} when the key cannot be imported, is an RSA key shorter than `minRsaBits` (default
 * 2048), or an HMAC secret is empty or public-key material (PEM, DER, JWK, OpenSSH).
 * @throws {@link core/src!MissingHeaderError} when a covered field, query parameter, dictionary key or bound request is absent.
 * @throws {@link core/src!MalformedSignatureError} when the message's existing signature fields do not parse.
 * @throws TypeError on a malformed option (bad component identifier, duplicate or used label, no body for a
 * digest, `expiresIn` with `expires` or without `created`, a `fields` name that is not a token or a value that is not
 * printable ASCII), or a field value with a CR or LF left after unfolding obsolete line folding.
 * @throws RangeError when `now` is neither a finite number nor a valid `Date`, `expiresIn` is not a non-negative
 * integer, or `expires` is before `created`.
 * @example
 * ```ts
 * const { headers } = await signRfc9421(
 *   { method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog', headers: { 'content-type': 'application/json' } },
 *   { key: privateKeyPem, algorithm: 'ed25519', keyId: 'test-key-ed25519', body, digest: 'SHA-512',
 *     components: ['@method', '@authority', '@path', 'content-type'] },
 * )
 * // headers: { 'content-digest': 'sha-512=:…:', 'signature-input': 'sig1=(…);created=…;keyid="test-key-ed25519"', signature: 'sig1=:…:' }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-3.1
 */
export function signRfc9421(message: Rfc9421Message, options: SignRfc9421Options): Promise<SignRfc9421Result> {
  try {
    const result = signRfc9421Steps(message, options);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@link signRfc9421} without a forced promise: the result itself when every step ran synchronously (an HMAC
 * secret), a promise when the key is imported or signs asynchronously; failures before that are thrown. Internal:
 * the root `sign` wraps it in its one promise.
 * @param message - the request or response.
 * @param options - RFC 9421 signing options.
 * @returns what {@link signRfc9421} resolves to, or a promise of it.
 */
export function signRfc9421Steps(message: Rfc9421Message, options: SignRfc9421Options): SignRfc9421Result | Promise<SignRfc9421Result> {
  return reported('sign', 'rfc9421', signMessage, message, options);
}

/** The RFC 9421 signing steps of {@link signRfc9421Steps}, reported by it. */
function signMessage(message: Rfc9421Message, options: SignRfc9421Options): SignRfc9421Result | Promise<SignRfc9421Result> {
  if (typeof options !== 'object' || options === null) throw new TypeError('signRfc9421 needs options');
  const { algorithm, keyId } = options;
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw new TypeError('keyId must be a non-empty string');
  if (!isRfc9421Algorithm(algorithm)) throw new AlgorithmNotAllowedError('The algorithm is not supported', { keyId });
  const view = messageView(message, options);
  const { queryComponent } = options;
  if (queryComponent !== undefined && queryComponent !== 'rfc9421' && queryComponent !== 'without-question-mark') {
    throw new TypeError("queryComponent must be 'rfc9421' or 'without-question-mark'");
  }
  if (queryComponent === 'without-question-mark') view.bareQuery = true;
  const added: Record<string, string> = {};
  if (options.fields !== undefined) setFields(view, options.fields, added);
  const given = options.components;
  // The usual case: the same list of components on every request, parsed once.
  const { components, text: listText } = options.digest === undefined && Array.isArray(given)
    ? componentList(given as readonly string[]) : componentsWithDigest(view, options, given, added);

  const time = nowMilliseconds(options.now);
  const created = options.created === false ? undefined : options.created ?? Math.floor(time / 1000);
  const expires = expiresOf(options, created);
  if (created !== undefined && expires !== undefined && expires < created) throw new RangeError('expires must not be before created');
  const nonce = typeof options.nonce === 'function' ? options.nonce() : options.nonce;
  const params = serializeBuiltParameters(
    { created, expires, keyid: keyId, alg: options.includeAlg === true ? algorithm : undefined, nonce, tag: options.tag },
    options.parameterOrder,
  );
  const signatureParams = listText + params;
  const signatureBase = signatureBaseOf(view, components, signatureParams, 'sign', keyId);
  const signed = signBase(algorithm, options.key, signatureBase, keyId, options.minRsaBits);
  if (typeof signed === 'string') return signedResult(view, options, added, signatureBase, signatureParams, signed);
  return signed.then((signature) => signedResult(view, options, added, signatureBase, signatureParams, signature));
}

/** The result: the signature added to the message's `Signature-Input` and `Signature` under its label. */
function signedResult(
  view: MessageView, options: SignRfc9421Options, added: Record<string, string>, signatureBase: string, signatureParams: string, signature: string,
): SignRfc9421Result {
  const fields = addSignature(view.fields.get('signature-input'), view.fields.get('signature'), options.label, signatureParams, signature);
  added['signature-input'] = fields.input;
  added['signature'] = fields.signature;
  return { headers: added, label: fields.label, signatureBase, signatureParams };
}


/** Components and their inner list, parsed from the texts the caller gave. */
interface ComponentList {
  readonly texts: readonly string[];
  readonly components: readonly ComponentId[];
  /** `("@method" "@path")`. */
  readonly text: string;
}

/**
 * Parsed `components` options, by the list given (the same options sign every request; shared, never changed). A
 * list changed since is parsed again: its texts are compared each time.
 */
const componentLists = new WeakMap<readonly string[], ComponentList>();

/** The components of a list the caller gave, parsed once per list (and again when it changed). */
function componentList(given: readonly string[]): ComponentList {
  const known = componentLists.get(given);
  if (known !== undefined && sameTexts(known.texts, given)) return known;
  const texts = [...given];
  const components = texts.map(parseComponentText);
  const list = { texts, components, text: componentListText(components) };
  componentLists.set(given, list);
  return list;
}

/** The components when a digest is made (`content-digest` covered, added last when not named), or none are given. */
function componentsWithDigest(
  view: MessageView, options: SignRfc9421Options, given: readonly string[] | undefined, added: Record<string, string>,
): { components: readonly ComponentId[]; text: string } {
  const names = given === undefined ? defaultComponents(view) : [...given];
  if (options.digest !== undefined) {
    if (options.body === undefined) throw new TypeError('a digest needs the body');
    const value = createContentDigest(options.body, options.digest);
    added['content-digest'] = value;
    view.fields.set('content-digest', [value]);
    if (!names.some((name) => parseComponentText(name).id === '"content-digest"')) names.push('content-digest');
  }
  const components = names.map(parseComponentText);
  return { components, text: componentListText(components) };
}

/** `expires`: the absolute option, or `created` + `expiresIn` for this message. */
function expiresOf(options: SignRfc9421Options, created: number | undefined): number | undefined {
  if (options.expiresIn === undefined) return options.expires;
  if (options.expires !== undefined) throw new TypeError('expires and expiresIn cannot both be given');
  if (created === undefined) throw new TypeError('expiresIn needs created');
  if (!Number.isSafeInteger(options.expiresIn) || options.expiresIn < 0) throw new RangeError('expiresIn must be a non-negative integer (seconds)');
  return created + options.expiresIn;
}

const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const FIELD_VALUE = /^[\x20-\x7e]*$/;

/** Sets the `fields` option on the message to sign (RFC 9110 §5.1 token names, printable ASCII values). */
function setFields(view: MessageView, fields: Readonly<Record<string, string>>, added: Record<string, string>): void {
  if (typeof fields !== 'object' || fields === null) throw new TypeError('fields must be an object of field values');
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name) || name === 'signature' || name === 'signature-input') throw new TypeError('fields names a field that cannot be set');
    if (typeof value !== 'string' || !FIELD_VALUE.test(value)) throw new TypeError('a value of fields is not printable ASCII');
    view.fields.set(name, [value]);
    added[name] = value;
  }
}

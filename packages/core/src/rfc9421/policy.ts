/**
 * The verifier's policy (RFC 9421 §3.2 step 6, §7.2): which components and parameters a signature must
 * have, and its validity in time. Internal.
 * @packageDocumentation
 */
import { DEFAULT_CLOCK_SKEW } from '../lib/clock.js';
import { ExpiredSignatureError, HeaderNotSignedError, InvalidDateError, NotYetValidSignatureError } from '../errors.js';
import { parseComponentText, sameTexts, type ComponentId } from './component-id.js';
import type { ParsedSignature } from './dictionaries.js';
import type { MessageView } from './message.js';
import type { Rfc9421ParameterName, VerifyRfc9421Options } from './types.js';

/** Components a request signature must cover unless the caller says otherwise. */
export const DEFAULT_REQUIRED_REQUEST_COMPONENTS: readonly string[] = ['@method', '@authority', '@path'];
/**
 * Components a response signature must cover unless the caller says otherwise. Without `requiredComponents`, a
 * response signature must also bind the request's target (see {@link RESPONSE_TARGET_BINDING}).
 */
export const DEFAULT_REQUIRED_RESPONSE_COMPONENTS: readonly string[] = ['@status'];
/**
 * What the default response policy accepts as binding a response to its request's target (RFC 9421 §2.4):
 * `"@target-uri";req`, or `"@path";req` together with `"@query";req` when the bound request has a query (or no
 * request is bound; `"@path";req` alone when it has none — a `"@query";req` signed for another query still fails
 * to verify). Without it, a response signed for `/loan?account=alice` would verify as the answer to `/loan?account=bob`.
 */
export const RESPONSE_TARGET_BINDING = {
  /** Enough on its own. */
  targetUri: '"@target-uri";req',
  /** Enough when the bound request has no query. */
  path: '"@path";req',
  /** Needed beside `path` when the bound request has a query. */
  query: '"@query";req',
} as const;
/** Parameters a signature must carry unless the caller says otherwise. */
export const DEFAULT_REQUIRED_PARAMETERS: readonly Rfc9421ParameterName[] = ['created', 'keyid'];
export { DEFAULT_CLOCK_SKEW };

/** The policy with its identifiers parsed once per verification. Internal: not in the published types. @internal */
export interface CompiledPolicy {
  required: ComponentId[];
  /** Per required component, the key of the `@target-uri` (same `req`) that covers it too, if any. */
  coveredBy: (string | undefined)[];
  parameters: readonly Rfc9421ParameterName[];
  tag: string | undefined;
  nonce: boolean;
  /** The default response policy's target binding: none (a request, or explicit components), the path, or path + query. */
  target: 'none' | 'path' | 'path-and-query';
}

const TARGET_URI_KEY = parseComponentText(RESPONSE_TARGET_BINDING.targetUri).key;
const PATH_KEY = parseComponentText(RESPONSE_TARGET_BINDING.path).key;
const QUERY_KEY = parseComponentText(RESPONSE_TARGET_BINDING.query).key;
const TARGET_URI_REQUEST_KEY = parseComponentText('@target-uri').key;

/**
 * The parts of the target URI that a covered `@target-uri` covers as well (RFC 9421 §2.2.2: it is the scheme,
 * authority, path and query together), so that a policy requiring one of them accepts a signature covering
 * `@target-uri` instead (Fedify and Mastodon cover `@target-uri`, not `@path`).
 */
export const COVERED_BY_TARGET_URI: ReadonlySet<string> = new Set(['@scheme', '@authority', '@path', '@query']);

/** The key of the `@target-uri` (with the same `req`) that covers a required component, or undefined. */
function targetUriCovering(component: ComponentId): string | undefined {
  if (!COVERED_BY_TARGET_URI.has(component.name)) return undefined;
  if (component.params.size === 0) return TARGET_URI_REQUEST_KEY;
  return component.params.size === 1 && component.params.has('req') ? TARGET_URI_KEY : undefined;
}

/** Required component identifiers, parsed, with the `@target-uri` covering each; for the texts they were parsed from. */
interface RequiredComponents {
  readonly texts: readonly string[];
  readonly required: ComponentId[];
  readonly coveredBy: (string | undefined)[];
}

/**
 * Parsed required components, by the list given (the same options on every request; shared, never changed). A list
 * changed since is parsed again: its texts are compared each time.
 */
const requiredLists = new WeakMap<readonly string[], RequiredComponents>();

/** The required components of a list of identifiers, parsed once per list (and again when the list changed). */
function requiredOf(components: readonly string[]): RequiredComponents {
  const known = requiredLists.get(components);
  if (known !== undefined && sameTexts(known.texts, components)) return known;
  const required = components.map(parseComponentText);
  const compiled = { texts: [...components], required, coveredBy: required.map(targetUriCovering) };
  requiredLists.set(components, compiled);
  return compiled;
}

/**
 * Compiles the static part of the policy.
 * @param options - the verification options.
 * @param view - the message (a response's default policy depends on whether its bound request has a query).
 * @returns the policy.
 * @throws TypeError when a required component identifier is invalid.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function compilePolicy(options: VerifyRfc9421Options, view: MessageView): CompiledPolicy {
  const response = view.status !== undefined;
  const components = options.requiredComponents ?? (response ? DEFAULT_REQUIRED_RESPONSE_COMPONENTS : DEFAULT_REQUIRED_REQUEST_COMPONENTS);
  const bound = view.boundRequest;
  const { required, coveredBy } = requiredOf(components);
  return {
    target: !response || options.requiredComponents !== undefined ? 'none' : bound !== undefined && bound.query === undefined ? 'path' : 'path-and-query',
    required,
    coveredBy,
    parameters: options.requiredParameters ?? DEFAULT_REQUIRED_PARAMETERS,
    tag: options.tag,
    nonce: options.replayStore !== undefined && options.requireNonce !== false,
  };
}

/**
 * Checks what a signature covers and carries (RFC 9421 §3.2 step 6, §7.2.1).
 * @throws HeaderNotSignedError naming the first required component or parameter that is missing, `"@target-uri";req`
 * when a response under the default policy does not bind its request's target, or `tag`.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function checkCoverage(signature: ParsedSignature, policy: CompiledPolicy): void {
  const keyId = signature.parameters.keyid;
  const { required, coveredBy } = policy;
  for (let index = 0; index < required.length; index++) {
    const wanted = required[index] as ComponentId;
    const alternative = coveredBy[index];
    if (!signature.components.some((c) => c.key === wanted.key || c.key === alternative)) throw new HeaderNotSignedError(wanted.id, { keyId });
  }
  for (const name of policy.parameters) {
    if (signature.parameters[name] === undefined) throw new HeaderNotSignedError(name, { keyId });
  }
  if (policy.target !== 'none' && !bindsTarget(signature, policy.target)) throw new HeaderNotSignedError(RESPONSE_TARGET_BINDING.targetUri, { keyId });
  if (policy.tag !== undefined && signature.parameters.tag !== policy.tag) throw new HeaderNotSignedError('tag', { keyId });
  if (policy.nonce && signature.parameters.nonce === undefined) throw new HeaderNotSignedError('nonce', { keyId });
}

/**
 * Checks `created`, `expires` and the maximum age against the clock (RFC 9421 §3.2 step 6, §7.2.2). Fails
 * closed: a signature bounded by neither `expires` nor `maxAge` is acceptable only until `created` + skew (as a
 * draft-cavage signature dated only by `created`), and one with neither `created` nor `expires` is refused, since
 * a captured copy of it would be valid forever.
 * @returns the last Unix second at which the signature is acceptable (a replay store keeps its nonce as long).
 * @throws RangeError when `clockSkew` or `maxAge` is not a non-negative number.
 * @throws InvalidDateError when `expires` is before `created`.
 * @throws NotYetValidSignatureError when `created` is after now + skew.
 * @throws ExpiredSignatureError when `expires` is before now − skew, `created` is older than `maxAge` + skew,
 * or, with neither `expires` nor `maxAge`, `created` is before now − skew.
 * @throws HeaderNotSignedError naming `created` when `maxAge` is set and the signature has no `created`, or when
 * the signature has neither `created` nor `expires`.
 * @internal Not in the published types (they name the structured-headers parser types).
 */
export function checkTimes(signature: ParsedSignature, options: VerifyRfc9421Options, nowSeconds: number): number {
  const { created, expires, keyid: keyId } = signature.parameters;
  const skew = options.clockSkew ?? DEFAULT_CLOCK_SKEW;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) throw new RangeError('clockSkew must be a non-negative number of seconds');
  const { maxAge } = options;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0)) {
    throw new RangeError('maxAge must be a non-negative number of seconds');
  }
  if (created !== undefined && expires !== undefined && expires < created) throw new InvalidDateError('The signature expires before it was created', { keyId });
  if (created !== undefined && created > nowSeconds + skew) throw new NotYetValidSignatureError('The signature was created in the future', { keyId });
  if (expires !== undefined && expires < nowSeconds - skew) throw new ExpiredSignatureError('The signature has expired', { keyId });
  let until = expires === undefined ? undefined : expires + skew;
  if (maxAge !== undefined) {
    if (created === undefined) throw new HeaderNotSignedError('created', { keyId });
    if (created + maxAge < nowSeconds - skew) throw new ExpiredSignatureError('The signature is older than the maximum age', { keyId });
    const ageLimit = created + maxAge + skew;
    until = until === undefined ? ageLimit : Math.min(until, ageLimit);
  }
  if (until === undefined) {
    // Neither `expires` nor `maxAge`: age out like a signature with `maxAge: 0`.
    if (created === undefined) throw new HeaderNotSignedError('created', { keyId });
    if (created < nowSeconds - skew) throw new ExpiredSignatureError('The signature was created too long ago', { keyId });
    until = created + skew;
  }
  return until;
}

/** Whether a response signature binds its request's target: `@target-uri;req`, or `@path;req` (+ `@query;req`). */
function bindsTarget(signature: ParsedSignature, target: 'path' | 'path-and-query'): boolean {
  let path = false;
  let query = false;
  for (const component of signature.components) {
    if (component.key === TARGET_URI_KEY) return true;
    if (component.key === PATH_KEY) path = true;
    else if (component.key === QUERY_KEY) query = true;
  }
  return path && (query || target === 'path');
}

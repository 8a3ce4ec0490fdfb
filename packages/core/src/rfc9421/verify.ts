/**
 * Verifying an RFC 9421 HTTP Message Signature under a strict policy.
 * @packageDocumentation
 */
import { checkContentDigest } from '../content-digest-check.js';
import {
  AlgorithmNotAllowedError, DigestMissingError, InvalidKeyError,
  MissingSignatureError, SignatureMismatchError, UnknownKeyError, isHttpSignatureError,
} from '../errors.js';
import { assertSingleLine } from '../singleton-headers.js';
import { bodyBytes } from '../lib/bytes.js';
import { recordSignature } from '../replay-record.js';
import type { BodyInput } from '../types.js';
import { isRfc9421Algorithm, verifyBase } from './algorithms.js';
import { messageView, type MessageView } from './message.js';
import {
  DEFAULT_MAX_COMPONENTS, DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNATURES, parseSignatureFields, readSignature,
  type DictionaryLimits, type ParsedSignature, type SignatureFields,
} from './dictionaries.js';
import { checkCoverage, checkTimes, compilePolicy, type CompiledPolicy } from './policy.js';
import { signatureBaseOf } from './signature-base.js';
import { nowMilliseconds } from '../lib/clock.js';
import { isPromiseLike } from '../lib/promise-like.js';
import { reported } from '../telemetry.js';
import type { Rfc9421Algorithm, Rfc9421Message, Rfc9421VerificationKey, VerifyRfc9421Options, VerifyRfc9421Result } from './types.js';

/**
 * Checks one signature against the policy: the required components and parameters, and no covered field that
 * node:http would read differently (a singleton header given twice).
 */
function meetsPolicy(fields: SignatureFields, label: string, view: MessageView, policy: CompiledPolicy, limits: DictionaryLimits): ParsedSignature {
  const signature = readSignature(fields, label, limits);
  checkCoverage(signature, policy);
  for (const component of signature.components) {
    if (component.name.startsWith('@') || component.params.has('req')) continue;
    assertSingleLine(component.name, view.fields.get(component.name)?.length ?? 0, signature.parameters.keyid);
  }
  return signature;
}

/**
 * The signatures to verify, in order (RFC 9421 §3.2, §4.3): the labelled one, or every one that meets the policy
 * (at most `maxSignatures`, the cap on the dictionaries). When none meets it, the first one's reason is thrown.
 */
function select(fields: SignatureFields, view: MessageView, options: VerifyRfc9421Options, policy: CompiledPolicy, limits: DictionaryLimits): ParsedSignature[] {
  if (options.label !== undefined) {
    if (!fields.inputs.has(options.label)) throw new MissingSignatureError('The message has no signature with this label');
    return [meetsPolicy(fields, options.label, view, policy, limits)];
  }
  const candidates: ParsedSignature[] = [];
  let first: unknown;
  for (const label of fields.inputs.keys()) {
    try {
      candidates.push(meetsPolicy(fields, label, view, policy, limits));
    } catch (error) {
      first ??= error;
    }
  }
  if (candidates.length === 0) throw first ?? new MissingSignatureError('The Signature-Input header has no member');
  return candidates;
}

/** RFC 9421 §3.2 step 5: the algorithm comes from the key's allowed list; `alg` must be one of them. */
function chooseAlgorithm(signature: ParsedSignature, entry: Rfc9421VerificationKey): Rfc9421Algorithm {
  const keyId = signature.parameters.keyid;
  const allowed = entry.algorithms;
  if (!Array.isArray(allowed) || allowed.length === 0 || !allowed.every(isRfc9421Algorithm)) {
    throw new AlgorithmNotAllowedError('The key allows no supported algorithm', { keyId });
  }
  const hmac = allowed.includes('hmac-sha256');
  if (hmac && allowed.length > 1) throw new InvalidKeyError('A key cannot allow both HMAC and asymmetric algorithms', { keyId });
  const { alg } = signature.parameters;
  if (alg === undefined) return allowed[0] as Rfc9421Algorithm;
  if (!isRfc9421Algorithm(alg)) throw new AlgorithmNotAllowedError('The algorithm is not supported', { keyId });
  if (!allowed.includes(alg)) throw new AlgorithmNotAllowedError('The algorithm is not allowed for this key', { keyId });
  return alg;
}

/** Recomputes a covered `content-digest` over the body; a non-empty body needs one (RFC 9530 §2, RFC 9421 §7.2.8). */
function checkBody(signature: ParsedSignature, view: MessageView, body: BodyInput): void {
  const keyId = signature.parameters.keyid;
  const covered = signature.components.some((c) => c.name === 'content-digest' && !c.params.has('req') && !c.params.has('key') && !c.params.has('bs'));
  if (covered) {
    checkContentDigest((view.fields.get('content-digest') as string[]).join(', '), body, keyId);
  } else if (bodyBytes(body).length > 0) {
    throw new DigestMissingError('The message has a body but its signature does not cover Content-Digest', { keyId });
  }
}

/**
 * Verifies an RFC 9421 signature on a request or response (RFC 9421 §3.2). In order: size caps and parsing of
 * `Signature-Input`/`Signature`; selection (by `label`, else every signature that covers the required components
 * and carries the required parameters and `tag`, in `Signature-Input` order, at most `maxKeyLookups` of them,
 * default 4); then, for each selected signature until one verifies: `created`/`expires`/`maxAge` against the clock
 * with skew; the key lookup; the algorithm bound to the key; the signature base; the signature itself (HMAC
 * compared in constant time); then, for a signature that verified, the body's `Content-Digest` (a lazy `body` is
 * read once, only then); last, the replay record (key identity + signature base). With a `replayStore` and no
 * `label`, every selected signature that verifies is recorded, so that the message is refused as a replay whichever
 * signature comes first when it is sent again. When none verifies, the error of the first selected signature is
 * thrown (when none is selected, the first signature's policy failure). These end the verification at once: an
 * error that is not an {@link core/src!HttpSignatureError} (a failing key lookup), a replay or a store that cannot
 * record, and a body that cannot be read (too large, too slow, aborted).
 *
 * A response verified under the default policy (no `requiredComponents`) must also bind its request's target:
 * `"@target-uri";req`, or `"@path";req` with `"@query";req` when the bound request has a query
 * ({@link RESPONSE_TARGET_BINDING}).
 *
 * @param message - the request `{ method, url, headers }` as received (`url` may be `req.url`, with `Host`
 * giving `@authority`), or a response `{ status, headers, request? }`. An absolute `url` gives `@scheme` and
 * `@authority` itself: a server passes the origin form and the connection's `scheme` instead (an absolute-form
 * target with another scheme than the `scheme` passed is refused, `ERR_MALFORMED_REQUEST`).
 * @param options - key lookup, label, required components/parameters, tag, clock, replay store, body, limits.
 * @returns the label, keyId, algorithm, covered components, parameters and signature base that verified, and
 * `validUntil`, the last Unix second the signature is acceptable.
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` — checked first, for the request and a response's
 *   bound request: a target or `Host` an application may read differently (a fragment, bytes RFC 3986 does not
 *   allow, a bare `%`, a leading `//`, a form that does not fit the method, a repeated `Host` or one with
 *   userinfo, an absolute-form authority other than `Host`; see `parseRequestTarget`); and, for a covered
 *   `@query-param`, a query name or value that is not UTF-8 once decoded or a bracketed sibling (`pet[]`).
 * @throws {@link core/src!MissingSignatureError} `ERR_SIGNATURE_MISSING` — no signature fields, or none with the label.
 * @throws {@link core/src!HeaderTooLargeError} `ERR_HEADER_TOO_LARGE` — over a size cap.
 * @throws {@link core/src!MalformedSignatureError} `ERR_MALFORMED_SIGNATURE` — unparsable fields, bad component, missing
 * member, or a covered value with a CR or LF left after unfolding obsolete line folding.
 * @throws {@link core/src!HeaderNotSignedError} `ERR_HEADER_NOT_SIGNED` — a required component, parameter, tag or nonce is
 * missing, a response does not bind its request's target (default policy), or the signature has neither
 * `created` nor `expires` (so nothing bounds it in time).
 * @throws {@link core/src!MalformedRequestError} `ERR_MALFORMED_REQUEST` — a covered header that node:http keeps only once
 * (`content-type`, `user-agent`, ... {@link core/src/adapter!SINGLETON_HEADERS}) appears more than once.
 * @throws {@link core/src!InvalidDateError}, {@link core/src!ExpiredSignatureError}, {@link core/src!NotYetValidSignatureError} — time checks
 * (without `expires` and `maxAge`, a signature expires at `created` + `clockSkew`).
 * @throws {@link core/src!ReplayedSignatureError} `ERR_SIGNATURE_REPLAYED` — with a `replayStore`: the signature was already
 *   accepted; {@link core/src!ReplayStoreUnavailableError} `ERR_REPLAY_STORE_UNAVAILABLE` — the store cannot record it (full,
 *   unreachable); {@link core/src!ReplayWindowTooLongError} `ERR_REPLAY_WINDOW_TOO_LONG` — valid beyond `maxReplayWindow`.
 * @throws {@link core/src!UnknownKeyError} `ERR_UNKNOWN_KEY` — the lookup returned nothing.
 * @throws {@link core/src!AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — `alg` unknown or not allowed, or unfit for the key.
 * @throws {@link core/src!InvalidKeyError} `ERR_INVALID_KEY` — the looked-up key cannot be used (e.g. an empty HMAC secret,
 *   public-key material given as an HMAC secret, an RSA key under `minRsaBits`).
 * @throws RangeError when `now` is neither a finite number nor a valid `Date`, or `clockSkew`/`maxAge` is negative.
 * @throws {@link core/src!MissingHeaderError} `ERR_MISSING_HEADER` — a covered component is absent from the message.
 * @throws {@link core/src!DigestMissingError}, {@link core/src!DigestMismatchError} — body integrity.
 * @throws {@link core/src!SignatureMismatchError} `ERR_SIGNATURE_MISMATCH` — the signature does not verify.
 * @example
 * ```ts
 * const result = await verifyRfc9421({ method: req.method!, url: req.url!, headers: req.headers }, {   // req: node:http
 *   keyLookup: async (keyId) => keyId === undefined ? null : { key: await publicKeyFor(keyId), algorithms: ['ed25519'] },
 *   requiredComponents: ['@method', '@authority', '@path', 'content-digest'],
 *   maxAge: 300, body,
 * })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-3.2
 */
export function verifyRfc9421(message: Rfc9421Message, options: VerifyRfc9421Options): Promise<VerifyRfc9421Result> {
  try {
    const result = reported('verify', 'rfc9421', verifySignatures, message, options);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The RFC 9421 verification of {@link verifyRfc9421}: select the signatures, then try them in order. Synchronous
 * until a step is not (the key lookup, an asymmetric key, the body, the replay store); failures before that are
 * thrown.
 */
function verifySignatures(message: Rfc9421Message, options: VerifyRfc9421Options): VerifyRfc9421Result | Promise<VerifyRfc9421Result> {
  if (typeof options?.keyLookup !== 'function') throw new TypeError('verifyRfc9421 needs a keyLookup function');
  const { queryComponent } = options;
  if (queryComponent !== undefined && queryComponent !== 'rfc9421' && queryComponent !== 'rfc9421-or-without-question-mark') {
    throw new TypeError("queryComponent must be 'rfc9421' or 'rfc9421-or-without-question-mark'");
  }
  const view = messageView(message, options, 'verify');
  const limits: DictionaryLimits = {
    maxHeaderLength: options.maxHeaderLength ?? DEFAULT_MAX_HEADER_LENGTH,
    maxSignatures: options.maxSignatures ?? DEFAULT_MAX_SIGNATURES,
    maxComponents: options.maxComponents ?? DEFAULT_MAX_COMPONENTS,
  };
  const policy = compilePolicy(options, view);
  const fields = parseSignatureFields(view.fields.get('signature-input'), view.fields.get('signature'), limits);
  const candidates = select(fields, view, options, policy, limits);
  // Without a label, every signature that meets the policy is tried in order (at most `maxKeyLookups`), so that
  // one prepended by someone else (an unknown key, a wrong signature) cannot hide a valid one; the first failure is
  // reported. With a replay store, every signature that verifies is recorded: a message carrying several valid
  // signatures is then refused as a replay whichever of them comes first when it is sent again. A signature that
  // verified but cannot be recorded (a replay, a full store), and a body that cannot be read, end it.
  const maxKeyLookups = options.maxKeyLookups ?? DEFAULT_MAX_KEY_LOOKUPS;
  if (!Number.isSafeInteger(maxKeyLookups) || maxKeyLookups < 1) throw new RangeError('maxKeyLookups must be a positive integer');
  const attempts: Attempts = {
    view, options, readBody: onceBody(options.body), recordAll: options.replayStore !== undefined && options.label === undefined,
    tried: candidates.length > maxKeyLookups ? candidates.slice(0, maxKeyLookups) : candidates, first: undefined, verified: undefined,
  };
  const { tried } = attempts;
  for (let index = 0; index < tried.length; index++) {
    let result: VerifyRfc9421Result | Promise<VerifyRfc9421Result>;
    try {
      result = verifySelected(view, tried[index] as ParsedSignature, options, attempts.readBody);
    } catch (error) {
      failed(attempts, error);
      continue;
    }
    // From the first step that was not synchronous on, the rest of the attempts wait for it.
    if (result instanceof Promise) return attemptsFrom(attempts, index, result);
    if (!attempts.recordAll) return result;
    attempts.verified ??= result;
  }
  return outcome(attempts);
}

/** The signatures of one message being tried in order, and what came of them so far. */
interface Attempts {
  readonly view: MessageView;
  readonly options: VerifyRfc9421Options;
  readonly readBody: (() => Promise<BodyInput>) | undefined;
  /** Whether every signature that verifies is recorded (a replay store, no label), rather than the first returned. */
  readonly recordAll: boolean;
  readonly tried: readonly ParsedSignature[];
  /** The first failure of a signature. */
  first: unknown;
  /** The first signature that verified. */
  verified: VerifyRfc9421Result | undefined;
}

/**
 * Takes the failure of one signature: a decisive one, or one that is not an {@link core/src!HttpSignatureError},
 * ends the verification (thrown); else the first is kept and the next signature is tried.
 */
function failed(attempts: Attempts, error: unknown): void {
  if (error instanceof Decisive) throw error.error;
  if (!isHttpSignatureError(error)) throw error;
  attempts.first ??= error;
}

/** The end of the attempts: the first signature that verified, else the first failure. */
function outcome(attempts: Attempts): VerifyRfc9421Result {
  if (attempts.verified !== undefined) return attempts.verified;
  throw attempts.first;
}

/** The attempts from the one at `index`, whose verification is `pending`, on: each waits for the one before. */
async function attemptsFrom(attempts: Attempts, index: number, pending: Promise<VerifyRfc9421Result>): Promise<VerifyRfc9421Result> {
  const { tried } = attempts;
  for (let at = index; at < tried.length; at++) {
    try {
      const step = at === index ? pending : verifySelected(attempts.view, tried[at] as ParsedSignature, attempts.options, attempts.readBody);
      const result = step instanceof Promise ? await step : step;
      if (!attempts.recordAll) return result;
      attempts.verified ??= result;
    } catch (error) {
      failed(attempts, error);
    }
  }
  return outcome(attempts);
}

/** Whether the message's query, or its bound request's, starts with `?` (`/x??a`). */
function startsWithQuestionMark(view: MessageView): boolean {
  return view.request?.query?.startsWith('?') === true || view.boundRequest?.query?.startsWith('?') === true;
}

/** Default `maxKeyLookups`: signatures tried per message without a label. */
export const DEFAULT_MAX_KEY_LOOKUPS = 4;

/** A failure that ends the verification whatever other signatures the message carries. */
class Decisive {
  /** @param error - the failure to report. */
  constructor(readonly error: unknown) {}
}

/** The body, read at most once for all the signatures of one message (a lazy body is a stream read once). */
function onceBody(body: VerifyRfc9421Options['body']): (() => Promise<BodyInput>) | undefined {
  if (body === undefined) return undefined;
  let read: Promise<BodyInput> | undefined;
  return () => {
    read ??= Promise.resolve().then(() => (typeof body === 'function' ? body() : body));
    return read;
  };
}

/** Verifies one selected signature: times, key, algorithm, base, body digest, signature bytes, nonce. */
function verifySelected(
  view: MessageView, signature: ParsedSignature, options: VerifyRfc9421Options, readBody: (() => Promise<BodyInput>) | undefined,
): VerifyRfc9421Result | Promise<VerifyRfc9421Result> {
  const { parameters } = signature;
  const keyId = parameters.keyid;

  const nowSeconds = nowMilliseconds(options.now) / 1000;
  // Always bounded: by `expires`, `maxAge`, or else `created` + skew (policy.ts). The replay store keeps the
  // nonce exactly that long.
  const acceptableUntil = checkTimes(signature, options, nowSeconds);

  const found: unknown = options.keyLookup(keyId, parameters);
  if (isPromiseLike(found)) {
    return Promise.resolve(found).then((entry) => verifyWithEntry(view, signature, options, readBody, acceptableUntil, entry as Rfc9421VerificationKey | null | undefined));
  }
  return verifyWithEntry(view, signature, options, readBody, acceptableUntil, found as Rfc9421VerificationKey | null | undefined);
}

/** The steps after the key lookup: algorithm, signature base, signature bytes; then body digest and replay record. */
function verifyWithEntry(
  view: MessageView, signature: ParsedSignature, options: VerifyRfc9421Options, readBody: (() => Promise<BodyInput>) | undefined,
  acceptableUntil: number, entry: Rfc9421VerificationKey | null | undefined,
): VerifyRfc9421Result | Promise<VerifyRfc9421Result> {
  const keyId = signature.parameters.keyid;
  if (entry === null || entry === undefined) throw new UnknownKeyError({ keyId });
  const algorithm = chooseAlgorithm(signature, entry);

  const signatureBase = signatureBaseOf(view, signature.components, signature.signatureParams, 'verify', keyId);
  const valid = verifyBase(algorithm, entry.key, signatureBase, signature.signature, keyId, entry.minRsaBits);
  // The usual case, what the steps below give for it: verified at once, no body to check, no replay record.
  if (valid === true && readBody === undefined && options.replayStore === undefined) return verifiedResult(signature, algorithm, signatureBase, acceptableUntil, false);
  const verified = (ok: boolean, base: string, bareQuery: boolean): VerifyRfc9421Result | Promise<VerifyRfc9421Result> => {
    if (!ok) throw new SignatureMismatchError({ keyId });
    const result = verifiedResult(signature, algorithm, base, acceptableUntil, bareQuery);
    if (readBody === undefined && options.replayStore === undefined) return result;
    return afterSignature(view, signature, options, readBody, entry, base, acceptableUntil).then(() => result);
  };
  const first = (ok: boolean): VerifyRfc9421Result | Promise<VerifyRfc9421Result> => {
    // Fedify's `@query` (no `?`), once, when asked for and covered: the same key and algorithm over the other form.
    // Not for a query that starts with `?`: its `?`-less form is the RFC form of the query without that `?` (a
    // signature for `/x?a` would pass for `/x??a`, whose application reads a parameter `?a`).
    if (ok || options.queryComponent !== 'rfc9421-or-without-question-mark' || !signature.components.some((c) => c.name === '@query')
      || startsWithQuestionMark(view)) {
      return verified(ok, signatureBase, false);
    }
    const bareBase = signatureBaseOf({ ...view, bareQuery: true }, signature.components, signature.signatureParams, 'verify', keyId);
    const again = verifyBase(algorithm, entry.key, bareBase, signature.signature, keyId, entry.minRsaBits);
    return typeof again === 'boolean' ? verified(again, bareBase, true) : again.then((ok2) => verified(ok2, bareBase, true));
  };
  return typeof valid === 'boolean' ? first(valid) : valid.then(first);
}

/** For a signature that verified: the body digest, then the replay record. */
async function afterSignature(
  view: MessageView, signature: ParsedSignature, options: VerifyRfc9421Options, readBody: (() => Promise<BodyInput>) | undefined,
  entry: Rfc9421VerificationKey, signatureBase: string, acceptableUntil: number,
): Promise<void> {
  const keyId = signature.parameters.keyid;
  // Only a signature that verified gets its body read and hashed: it covers `content-digest`, so a forged
  // message costs no body work.
  if (readBody !== undefined) {
    let bytes: BodyInput;
    try {
      bytes = await readBody();
    } catch (error) {
      // Too large, too slow, aborted: the message, not this signature, is at fault.
      throw new Decisive(error);
    }
    checkBody(signature, view, bytes);
  }

  if (options.replayStore !== undefined) {
    // Last, so that a signature failing any other check never uses up a record (RFC 9421 §7.2.2). Keyed on the
    // key that verified and the signature base (which carries the nonce); a store that cannot record it (a full
    // one) refuses too: accepting would allow a replay later.
    try {
      await recordSignature(options.replayStore, entry, signatureBase, acceptableUntil, keyId, options);
    } catch (error) {
      throw new Decisive(error);
    }
  }
}

/** The result of a signature that verified (over the `?`-less `@query` when `bareQuery`). */
function verifiedResult(
  signature: ParsedSignature, algorithm: Rfc9421Algorithm, signatureBase: string, acceptableUntil: number, bareQuery: boolean,
): VerifyRfc9421Result {
  const { parameters } = signature;
  const result: VerifyRfc9421Result = {
    label: signature.label, keyId: parameters.keyid, algorithm, components: signature.components.map((c) => c.id), parameters, signatureBase,
    validUntil: acceptableUntil,
  };
  if (bareQuery) result.queryComponent = 'without-question-mark';
  return result;
}

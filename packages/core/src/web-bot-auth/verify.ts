/**
 * Verifying a bot's request under the Web Bot Auth policy (draft-meunier-web-bot-auth-architecture, its successor
 * draft-ietf-webbotauth-httpsig-protocol): RFC 9421 with a fixed tag, a short validity, `@authority` (and the
 * `Signature-Agent` when sent) covered, and the key named by its thumbprint.
 * @packageDocumentation
 */
import {
  HeaderNotSignedError, InvalidDateError, MissingSignatureError, UnknownKeyError, isHttpSignatureError,
} from '../errors.js';
import { recordSignature } from '../replay-record.js';
import { messageView } from '../rfc9421/message.js';
import {
  DEFAULT_MAX_COMPONENTS, DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNATURES, parseSignatureFields, readSignature,
  type DictionaryLimits, type ParsedSignature,
} from '../rfc9421/dictionaries.js';
import { DEFAULT_MAX_KEY_LOOKUPS, verifyRfc9421 } from '../rfc9421/verify.js';
import type { Rfc9421Message, Rfc9421Parameters, Rfc9421VerificationKey, VerifyRfc9421Options, VerifyRfc9421Result } from '../rfc9421/types.js';
import type { BodyInput, ReceivedBody } from '../types.js';
import type { PublicJwk } from '../jwk-thumbprint.js';
import { botKeyOf, isKeyringKey } from './key.js';
import { signatureAgentOrigin } from './signature-agent.js';
import { SIGNATURE_AGENT_HEADER, WEB_BOT_AUTH_COMPONENTS, WEB_BOT_AUTH_TAG } from './constants.js';

/**
 * Finds the public key a bot signed with: by its thumbprint (`keyid`), and the agent origin its covered
 * `Signature-Agent` names (undefined when it sent none). Returns the public JWK, or `null`/`undefined` when unknown.
 * {@link webBotAuthKeyring} builds one from keys you hold; `signatureAgentKeys` of `@httpsig/keys` fetches the
 * agent's signed key directory.
 *
 * A key source other than a keyring answers for the agent it is given: the verifier reports that agent as the
 * bot's ({@link VerifyWebBotAuthResult.agent}), so return a key only when that agent vouches for it (its
 * directory holds it), never whatever agent is named. A keyring's keys are found whatever agent is named, and
 * vouch for none ({@link VerifyWebBotAuthResult.claimedAgent} only).
 */
export type WebBotAuthKeys = (
  keyId: string,
  agent: string | undefined,
) => Readonly<Record<string, unknown>> | PublicJwk | null | undefined | Promise<Readonly<Record<string, unknown>> | PublicJwk | null | undefined>;

/** Options of {@link verifyWebBotAuth}: the key source and limits; the policy itself is fixed. */
export interface VerifyWebBotAuthOptions extends Omit<VerifyRfc9421Options, 'keyLookup' | 'requiredComponents' | 'requiredParameters' | 'tag' | 'maxAge'> {
  /** Where the bots' keys come from: {@link core/src/web-bot-auth!webBotAuthKeyring}, or `signatureAgentKeys()` of `@httpsig/keys`. */
  keys: WebBotAuthKeys;
  /**
   * The longest validity accepted, `expires − created`, in seconds. Default {@link DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY}
   * (one hour). A longer-lived signature is refused with `ERR_INVALID_DATE` before any key is looked up. With a
   * `replayStore`, records are kept at least this long plus two `clockSkew`s, whatever `maxReplayWindow` says.
   */
  maxValidity?: number | undefined;
  /**
   * With a `replayStore`: whether a signature must carry a `nonce` (`ERR_HEADER_NOT_SIGNED` without one).
   * Default `true`. A signature that verified is recorded by its key and nonce (by its signature base when it has
   * no nonce), so that a nonce is accepted once per key, whatever else the request changes.
   */
  requireNonce?: boolean | undefined;
}

/** What a successful {@link verifyWebBotAuth} returns: the RFC 9421 result and who the bot is. */
export interface VerifyWebBotAuthResult extends VerifyRfc9421Result {
  /** The `keyid`, which is the key's RFC 7638 SHA-256 thumbprint. */
  keyId: string;
  /** The key's thumbprint (the same as `keyId`, which was checked against the key). */
  thumbprint: string;
  /**
   * The agent the key was vouched for by (e.g. `https://crawler.example`): the origin the covered
   * `Signature-Agent` names, set only when the key source answered for that agent — with `signatureAgentKeys` of
   * `@httpsig/keys`, the key is in that origin's signed directory. Undefined when the request named no agent, and
   * for a key of a {@link core/src/web-bot-auth!webBotAuthKeyring}, which holds keys, not agents: any bot it knows
   * may name any agent. Grant rights by agent on this member only.
   */
  agent: string | undefined;
  /**
   * The origin the covered `Signature-Agent` names, whoever vouched for the key: the bot's claim, signed by its
   * key but, for a keyring's key, checked against no directory (then `agent` is undefined). Undefined when the
   * request named no agent. For logs and display, not for granting rights.
   */
  claimedAgent: string | undefined;
}

/**
 * Default longest validity of a bot's signature, `expires − created`: one hour, the window of the examples of
 * draft-meunier-web-bot-auth-architecture (Appendix A: `created=1735689600;expires=1735693200`). With a replay
 * store, records are kept for at least `maxValidity` and two clock skews, whatever `maxReplayWindow` says (as
 * `maxAge` does for RFC 9421), so a signature the policy accepts is never refused as `ERR_REPLAY_WINDOW_TOO_LONG`.
 * `web-bot-auth` 0.1.3 signs for five minutes in its examples; its verifier bounds nothing beyond `expires`.
 */
export const DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY = 3600;

/** What an RFC 7638 SHA-256 thumbprint looks like: 32 bytes, base64url without padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** The parameters every bot signature must carry (`tag` is checked on top). */
const REQUIRED_PARAMETERS = ['created', 'expires', 'keyid'] as const;

/** A body read once for every signature tried; a failure to read it ends the verification. */
function onceBody(body: ReceivedBody | undefined): { body: ReceivedBody | undefined; failure: () => unknown } {
  if (typeof body !== 'function') return { body, failure: () => undefined };
  let read: Promise<BodyInput> | undefined;
  let failed: { error: unknown } | undefined;
  const once = (): Promise<BodyInput> => {
    read ??= Promise.resolve().then(body).then(undefined, (error: unknown) => { failed = { error }; throw error; });
    return read;
  };
  return { body: once, failure: () => failed?.error };
}

function positiveSeconds(value: number | undefined, fallback: number, name: string): number {
  const seconds = value ?? fallback;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new RangeError(`${name} must be a finite number of seconds, 0 or more`);
  return seconds;
}

/**
 * Verifies a bot's request under the Web Bot Auth policy, stricter than what the drafts require of a verifier:
 *
 * - the signature carries `tag="web-bot-auth"`, `created`, `expires` and `keyid`, and `expires − created` is at
 *   most `maxValidity` (checked before any key is looked up);
 * - it covers `@authority` (`web-bot-auth` 0.1.3 checks only tag, times and keyid: a signature covering nothing
 *   would pass there, and could be replayed to any site);
 * - when the request has a `Signature-Agent` field, the signature must cover it: a `Signature-Agent` present but
 *   not covered is refused (`ERR_HEADER_NOT_SIGNED`), never ignored. Anyone on the path can add or change an
 *   uncovered field; resolving keys from it, or reporting it as the bot's identity, would attribute the request to
 *   an origin the signer never named. Both syntaxes are read: `"signature-agent";key="…"` over a dictionary member
 *   (current drafts) and `"signature-agent"` over an sf-string (architecture-02, `web-bot-auth` 0.1.3);
 * - the key comes from `keys` by `keyid` and the agent origin; its RFC 7638 thumbprint must be the `keyid`
 *   (`ERR_UNKNOWN_KEY` otherwise), and its algorithm is decided by its type — Ed25519 `ed25519`, RSA
 *   `rsa-pss-sha512` — never by `alg`;
 * - with a `replayStore`, the nonce is required (unless `requireNonce: false`) and recorded once per key: a nonce
 *   seen twice is `ERR_SIGNATURE_REPLAYED`.
 *
 * Every signature with the tag is tried (at most `maxKeyLookups`, in `Signature-Input` order, or only `label`)
 * until one verifies; when none does, the first one's error is thrown.
 *
 * @param message - the request as received (`url` may be `req.url`, `Host` giving `@authority`).
 * @param options - the key source, and the clock, body, replay store and limits of {@link core/src/rfc9421!verifyRfc9421}.
 * @returns the RFC 9421 result with the `thumbprint` of the bot, the `agent` that vouched for its key (none for a
 *   keyring's key) and the `claimedAgent` its `Signature-Agent` names.
 * @throws {@link core/src!HeaderNotSignedError} `ERR_HEADER_NOT_SIGNED` — no signature tagged `web-bot-auth`, a
 *   missing `created`/`expires`/`keyid`, `@authority` or a present `Signature-Agent` not covered, or no `nonce`
 *   with a replay store.
 * @throws {@link core/src!InvalidDateError} `ERR_INVALID_DATE` — valid for longer than `maxValidity`.
 * @throws {@link core/src!MalformedSignatureError} `ERR_MALFORMED_SIGNATURE` — a `Signature-Agent` that names no
 *   http(s) origin.
 * @throws {@link core/src!HeaderTooLargeError} `ERR_HEADER_TOO_LARGE` — a `Signature-Agent` over 2048 characters
 *   (and the size caps of `Signature-Input` and `Signature`).
 * @throws {@link core/src!UnknownKeyError} `ERR_UNKNOWN_KEY` — no key for the `keyid`, or a key whose thumbprint
 *   is not the `keyid`.
 * @throws {@link core/src!AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — a key neither Ed25519 nor RSA, or
 *   an `alg` that is not the key's algorithm.
 * @throws {@link core/src!ReplayedSignatureError} `ERR_SIGNATURE_REPLAYED` — the nonce was seen before for this key.
 * @throws whatever {@link core/src/rfc9421!verifyRfc9421} throws (times, missing fields, size caps, mismatch),
 *   and what `keys` throws (e.g. `ERR_KEY_FETCH_*` from `@httpsig/keys`).
 * @throws TypeError — `keys` is not a function, or the message is a response. RangeError — `maxValidity` is not a
 *   finite number of seconds, 0 or more, or `maxKeyLookups` not a positive integer.
 * @example
 * ```ts
 * const bot = await verifyWebBotAuth({ method: req.method!, url: req.url!, headers: req.headers }, {
 *   keys: webBotAuthKeyring([await publicJwk(publicKeyPem)]),
 * });
 * console.log(bot.thumbprint, bot.claimedAgent); // a keyring vouches for the key only: bot.agent is undefined
 * ```
 * @see https://datatracker.ietf.org/doc/draft-meunier-web-bot-auth-architecture/
 */
export async function verifyWebBotAuth(message: Rfc9421Message, options: VerifyWebBotAuthOptions): Promise<VerifyWebBotAuthResult> {
  if (typeof options?.keys !== 'function') throw new TypeError('verifyWebBotAuth needs a keys function');
  const maxValidity = positiveSeconds(options.maxValidity, DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, 'maxValidity');
  const maxKeyLookups = options.maxKeyLookups ?? DEFAULT_MAX_KEY_LOOKUPS;
  if (!Number.isSafeInteger(maxKeyLookups) || maxKeyLookups < 1) throw new RangeError('maxKeyLookups must be a positive integer');
  const {
    keys, maxValidity: _maxValidity, replayStore, requireNonce, body: givenBody, label, ...rest
  } = options;
  const structuredFields = { ...options.structuredFields, [SIGNATURE_AGENT_HEADER]: 'dictionary' as const };
  const view = messageView(message, { structuredFields }, 'verify');
  if (view.status !== undefined) throw new TypeError('verifyWebBotAuth verifies requests');
  const limits: DictionaryLimits = {
    maxHeaderLength: options.maxHeaderLength ?? DEFAULT_MAX_HEADER_LENGTH,
    maxSignatures: options.maxSignatures ?? DEFAULT_MAX_SIGNATURES,
    maxComponents: options.maxComponents ?? DEFAULT_MAX_COMPONENTS,
  };
  const fields = parseSignatureFields(view.fields.get('signature-input'), view.fields.get('signature'), limits);
  const labels = label === undefined ? [...fields.inputs.keys()] : [label];
  if (label !== undefined && !fields.inputs.has(label)) throw new MissingSignatureError('The message has no signature with this label');
  const agentLines = view.fields.get(SIGNATURE_AGENT_HEADER);
  const needNonce = replayStore !== undefined && requireNonce !== false;
  const { body, failure } = onceBody(givenBody);

  let first: unknown;
  let tried = 0;
  for (const candidate of labels) {
    let signature: ParsedSignature;
    try {
      signature = readSignature(fields, candidate, limits);
      if (signature.parameters.tag !== WEB_BOT_AUTH_TAG) throw new HeaderNotSignedError('tag', { keyId: signature.parameters.keyid });
    } catch (error) {
      first ??= error;
      continue;
    }
    if (tried >= maxKeyLookups) break;
    tried += 1;
    try {
      return await verifyOne(message, signature, {
        ...rest, structuredFields, label: candidate, ...(body === undefined ? {} : { body }),
      }, { keys, maxValidity, agentLines, needNonce, replayStore });
    } catch (error) {
      const unreadable = failure();
      if (unreadable !== undefined) throw unreadable;
      if (!isHttpSignatureError(error) || error.code === 'ERR_SIGNATURE_REPLAYED' || error.code === 'ERR_REPLAY_STORE_UNAVAILABLE'
        || error.code === 'ERR_REPLAY_WINDOW_TOO_LONG') throw error;
      first ??= error;
    }
  }
  throw first ?? new MissingSignatureError('The Signature-Input header has no member');
}

interface BotPolicy {
  keys: WebBotAuthKeys;
  maxValidity: number;
  agentLines: string[] | undefined;
  needNonce: boolean;
  replayStore: VerifyRfc9421Options['replayStore'];
}

/** Verifies one signature tagged `web-bot-auth`. */
async function verifyOne(message: Rfc9421Message, signature: ParsedSignature, options: Omit<VerifyRfc9421Options, 'keyLookup'>, policy: BotPolicy): Promise<VerifyWebBotAuthResult> {
  const keyId = signature.parameters.keyid;
  const agentComponent = signature.components.find((component) => component.name === SIGNATURE_AGENT_HEADER);
  if (policy.agentLines !== undefined && agentComponent === undefined) throw new HeaderNotSignedError(SIGNATURE_AGENT_HEADER, { keyId });
  // A covered Signature-Agent that is absent is refused by the RFC 9421 verifier (ERR_MISSING_HEADER).
  const agent = policy.agentLines !== undefined && agentComponent !== undefined ? signatureAgentOrigin(policy.agentLines, agentComponent, keyId) : undefined;
  if (policy.needNonce && signature.parameters.nonce === undefined) throw new HeaderNotSignedError('nonce', { keyId });
  let found: { jwk: PublicJwk; thumbprint: string; vouchedBy: string | undefined } | undefined;
  const keyLookup = async (id: string | undefined, params: Rfc9421Parameters): Promise<Rfc9421VerificationKey | null> => {
    const { created, expires } = params;
    if (id === undefined || created === undefined || expires === undefined) return null; // required: refused before
    // Cheap before expensive: the validity is bounded before any key is looked up (or fetched).
    if (expires - created > policy.maxValidity) throw new InvalidDateError('The signature is valid for longer than allowed', { keyId: id });
    // A keyid that cannot be a thumbprint names no key: the key source (maybe a fetch) is not asked.
    if (!THUMBPRINT.test(id)) return null;
    const jwk = await policy.keys(id, agent);
    if (jwk === null || jwk === undefined) return null;
    const key = botKeyOf(jwk, id);
    // The keyid names the key by its thumbprint: a key source that answers with another key is not trusted.
    if (key.thumbprint !== id) throw new UnknownKeyError({ keyId: id });
    // Who vouches for the key: the agent the key source answered for (its directory holds the key), or none for a
    // key of a keyring, found whatever agent the bot names. The replay share is that agent, else the key itself —
    // else a bot naming a new agent each time would take a new share of the replay store each time.
    found = { jwk: key.jwk, thumbprint: key.thumbprint, vouchedBy: isKeyringKey(jwk) ? undefined : agent };
    return { key: key.jwk as unknown as Rfc9421VerificationKey['key'], algorithms: [key.algorithm], id: `jwk-thumbprint:${key.thumbprint}`, replayShare: found.vouchedBy };
  };
  const requiredComponents = [...WEB_BOT_AUTH_COMPONENTS, ...(agentComponent === undefined ? [] : [agentComponent.id])];
  const result = await verifyRfc9421(message, {
    ...options, keyLookup, requiredComponents, requiredParameters: [...REQUIRED_PARAMETERS], tag: WEB_BOT_AUTH_TAG,
  });
  const key = found as unknown as { jwk: PublicJwk; thumbprint: string; vouchedBy: string | undefined };
  if (policy.replayStore !== undefined) {
    // Keyed on the key and its nonce: a nonce is accepted once per key, whatever else the request changes.
    const nonce = result.parameters.nonce;
    const record = nonce === undefined ? result.signatureBase : `web-bot-auth nonce\u0000${nonce}`;
    // maxValidity bounds how long the policy accepts a signature, as maxAge does for RFC 9421: the records' window is
    // never shorter than that (a bot signing for the whole maxValidity is not refused by the default maxReplayWindow).
    await recordSignature(policy.replayStore, { key: key.jwk as unknown as Rfc9421VerificationKey['key'], id: `jwk-thumbprint:${key.thumbprint}`, replayShare: key.vouchedBy }, record, result.validUntil, key.thumbprint, { ...options, maxAge: policy.maxValidity });
  }
  // The agent is reported only when it vouched for the key (the key source answered for it); a keyring's key was
  // found whatever agent the bot named, so that name is only claimed.
  return { ...result, keyId: key.thumbprint, thumbprint: key.thumbprint, agent: key.vouchedBy, claimedAgent: agent };
}

/**
 * Double-knocking: a client signs with the spec it prefers (draft-cavage or RFC 9421), and when the server refuses
 * it, signs once more with the other and remembers, per origin, the spec that worked. Decided here once for the
 * fetch, axios and got adapters, which only send what this says.
 *
 * @packageDocumentation
 */
import type { CavageAlgorithm, CavageSigningOptions } from './cavage/types.js';
import { headerTable } from './headers.js';
import { KnockMemory, type KnockMemoryOptions, type SignatureSpec } from './knock-memory.js';
import type { AcceptSignatureRequest, Rfc9421Algorithm, Rfc9421SigningOptions } from './rfc9421/types.js';
import type { SigningOptions } from './sign-options.js';
import { outgoingBody, outgoingMessage, signOutgoing, type OutgoingRequest } from './sign-outgoing.js';
import type { HeadersInit, SignResult } from './types.js';

/**
 * Double-knocking of a client adapter (its `doubleKnock` option): the signing options the adapter was given are
 * tried first; on a refusal the request is signed once more with `other`.
 */
export interface DoubleKnockOptions extends KnockMemoryOptions {
  /**
   * How to sign with the other spec. Default: derived from the main options' key and keyId with what the
   * Fediverse (Mastodon, Misskey, Fedify) accepts — for RFC 9421 `@method @target-uri` (+ `content-digest` with
   * `digest`) and `created`; for draft-cavage `(request-target) host date` (+ `digest`) in the `Signature` header.
   * The algorithm follows the key: `rsa-sha256` ↔ `rsa-v1_5-sha256`, `ecdsa-sha256` ↔ `ecdsa-p256-sha256`,
   * `ed25519` ↔ `ed25519`, `hmac-sha256` ↔ `hmac-sha256`, `rsa-pss-sha512` → `hs2019` (RSASSA-PSS); other
   * algorithms need `other` given.
   */
  other?: SigningOptions | undefined;
  /** A memory shared with other clients; the bounds and clock of this object are then ignored. */
  memory?: KnockMemory | undefined;
}

/** The `doubleKnock` option: off (default), on with the defaults (`true`), or {@link DoubleKnockOptions}. */
export type DoubleKnockSetting = boolean | DoubleKnockOptions | undefined;

/** One signed try of a request: with which spec, for which origin, and how to sign it. */
export interface KnockAttempt {
  /** The spec this try signs with. */
  readonly spec: SignatureSpec;
  /** The origin of the request (the memory's key). */
  readonly origin: string;
  /** Whether this is the one retry. */
  readonly retry: boolean;
  /**
   * Signs the request for this try: fresh `Date`/`created`, signature and digest over the exact body.
   * @param request - the request as the client will send it.
   * @returns the headers to add (replace a previous try's) and the signed string.
   * @throws the errors of `signOutgoing`; for a retry asked by an `Accept-Signature`, those of `signForAcceptSignature`
   *   (`UnknownKeyError`, `AlgorithmNotAllowedError` when the server asks for another key or algorithm).
   */
  sign(request: OutgoingRequest): Promise<SignResult>;
}

/**
 * Why a response was (not) answered with a retry:
 * - `'unauthorized'`: a 401 without a challenge; retry with the other spec.
 * - `'accept-signature'`: an `Accept-Signature` challenge (RFC 9421 §5.1); retry with RFC 9421 as it asks.
 * - `'cavage-challenge'`: a 401 with `WWW-Authenticate: Signature` (the draft-cavage challenge) after an RFC 9421 try.
 * - `'off'`: double-knocking is not configured; `'not-refused'`: no 401 and no challenge; `'retried'`: this was
 *   the retry already (one retry, never more).
 * - `'body-not-replayable'`: the body was a stream, which is not sent twice.
 * - `'same-spec-refused'`: a 401 with `WWW-Authenticate: Signature` after a draft-cavage try: the server reads
 *   draft-cavage and refused the signature for another reason (key, clock), which the other spec would not mend.
 */
export type KnockReason =
  | 'unauthorized' | 'accept-signature' | 'cavage-challenge'
  | 'off' | 'not-refused' | 'retried' | 'body-not-replayable' | 'same-spec-refused';

/** What {@link Knocker.decide} says about a response: the retry to send, or why there is none. */
export type KnockDecision =
  | { retry: KnockAttempt; reason: 'unauthorized' | 'accept-signature' | 'cavage-challenge' }
  | { retry: undefined; reason: 'off' | 'not-refused' | 'retried' | 'body-not-replayable' | 'same-spec-refused' };

/** The double-knock policy of one client: which spec first, when to retry, what to remember. */
export interface Knocker {
  /** Whether double-knocking is on. */
  readonly enabled: boolean;
  /** The signing options in use: the main ones, and the other spec's when double-knocking is on. */
  readonly signings: readonly SigningOptions[];
  /**
   * The first try for a URL: the spec remembered for its origin, else the main options'.
   * @param url - the request URL.
   * @returns the try.
   */
  first(url: URL): KnockAttempt;
  /**
   * Whether a response to a signed try calls for the other spec: a 401, or a 4xx carrying `Accept-Signature`.
   * @param attempt - the try that got the response.
   * @param status - the response status.
   * @param headers - the response headers (read only for a 4xx).
   * @param replayable - whether the body can be sent again (false for a stream body).
   * @returns the decision.
   * @throws {@link core/src!HeaderTooLargeError} when the `Accept-Signature` is over 8192 characters or 16 members;
   *   {@link core/src!MalformedSignatureError} when it does not parse or asks for nothing.
   */
  decide(attempt: KnockAttempt, status: number, headers: HeadersInit, replayable: boolean): Promise<KnockDecision>;
  /**
   * Records the spec of a try the server accepted (2xx) for its origin; anything else records nothing.
   * @param attempt - the last try.
   * @param status - its response status.
   */
  settle(attempt: KnockAttempt, status: number): void;
}

const RFC9421_FOR: Partial<Record<CavageAlgorithm, Rfc9421Algorithm>> = {
  'rsa-sha256': 'rsa-v1_5-sha256', 'ecdsa-sha256': 'ecdsa-p256-sha256', ed25519: 'ed25519', 'hmac-sha256': 'hmac-sha256',
};
const CAVAGE_FOR: Record<Rfc9421Algorithm, CavageAlgorithm> = {
  'rsa-v1_5-sha256': 'rsa-sha256', 'ecdsa-p256-sha256': 'ecdsa-sha256', ed25519: 'ed25519', 'hmac-sha256': 'hmac-sha256',
  'rsa-pss-sha512': 'hs2019', 'ecdsa-p384-sha384': 'hs2019',
};
/** What the Fediverse requires of RFC 9421 requests (Mastodon): the method and the whole target URI. */
const FEDIVERSE_COMPONENTS: readonly string[] = ['@method', '@target-uri'];
/** What the Fediverse requires of draft-cavage requests (Mastodon, Misskey): draft-cavage-12 §2.1.3 + host. */
const FEDIVERSE_HEADERS: readonly string[] = ['(request-target)', 'host', 'date'];

/** The spec of signing options. */
function specOf(options: SigningOptions): SignatureSpec {
  return options.scheme === 'rfc9421' ? 'rfc9421' : 'cavage';
}

/** The other spec's options, derived from the main ones (see {@link DoubleKnockOptions.other}). */
function deriveOther(main: SigningOptions): SigningOptions {
  const digest = main.digest === undefined ? {} : { digest: main.digest };
  const minRsaBits = main.minRsaBits === undefined ? {} : { minRsaBits: main.minRsaBits };
  if (main.scheme === 'rfc9421') {
    if (typeof main.keyId !== 'string') throw new TypeError('doubleKnock derives draft-cavage options from a keyId: give keyId, or doubleKnock.other');
    const algorithm = CAVAGE_FOR[main.algorithm];
    if (algorithm === undefined) throw new TypeError('doubleKnock cannot derive draft-cavage options for this algorithm: give doubleKnock.other');
    const cavage: CavageSigningOptions = { keyId: main.keyId, key: main.key, algorithm, headers: FEDIVERSE_HEADERS, scheme: 'signature', ...digest, ...minRsaBits };
    if (main.algorithm === 'rsa-pss-sha512') cavage.hs2019 = 'rsa-pss-sha512';
    return cavage;
  }
  const algorithm = RFC9421_FOR[main.algorithm] ?? (main.algorithm === 'hs2019' && main.hs2019 === 'rsa-pss-sha512' ? 'rsa-pss-sha512' : undefined);
  if (algorithm === undefined) throw new TypeError('doubleKnock cannot derive RFC 9421 options for this algorithm: give doubleKnock.other');
  return { scheme: 'rfc9421', keyId: main.keyId, key: main.key, algorithm, components: FEDIVERSE_COMPONENTS, ...digest, ...minRsaBits };
}

/** The draft-cavage challenge: an auth-scheme `Signature` in `WWW-Authenticate` (draft-cavage-12 §3.1). */
const CAVAGE_CHALLENGE = /(?:^|,)[ \t]*signature(?:[ \t]|,|$)/i;
/** Longest `WWW-Authenticate` read for the challenge; the rest is ignored. */
const MAX_CHALLENGE_SCAN = 8192;

/**
 * The double-knock policy for a client's signing options: with `setting` off, one try signed with `signing` and
 * never a retry; on, the preferred spec (the main options') or the one remembered for the origin first, and one
 * retry with the other when the server refuses (see {@link Knocker.decide}).
 *
 * @param signing - the main signing options: the preferred spec.
 * @param setting - the `doubleKnock` option.
 * @returns the knocker.
 * @throws TypeError when `setting` is not a boolean or an object, when `other` is of the same spec as `signing`,
 *   or when the other spec's options cannot be derived (give `other`); RangeError for bad memory bounds.
 * @example
 * ```ts
 * const knocker = createKnocker({ keyId: 'https://me.example/users/alice#main-key', key: privateKeyPem, algorithm: 'rsa-sha256' }, true)
 * const url = new URL('https://server.example/users/bob')
 * let attempt = knocker.first(url)
 * let signed = await attempt.sign({ method: 'GET', url, headers: { accept: 'application/activity+json' } })
 * // … send it with signed.headers; the server answers 401:
 * const { retry } = await knocker.decide(attempt, 401, {}, true)
 * if (retry !== undefined) {
 *   attempt = retry
 *   signed = await attempt.sign({ method: 'GET', url, headers: { accept: 'application/activity+json' } })
 *   // … send it again; the server answers 200:
 *   knocker.settle(attempt, 200)
 * }
 * ```
 */
export function createKnocker(signing: SigningOptions, setting: DoubleKnockSetting): Knocker {
  if (setting !== undefined && typeof setting !== 'boolean' && (typeof setting !== 'object' || setting === null)) {
    throw new TypeError('doubleKnock must be a boolean or an options object');
  }
  const mainSpec = specOf(signing);
  const attempt = (spec: SignatureSpec, origin: string, retry: boolean, options: SigningOptions): KnockAttempt =>
    ({ spec, origin, retry, sign: (request) => signOutgoing(request, options) });
  if (setting === undefined || setting === false) {
    return {
      enabled: false,
      signings: [signing],
      first: (url) => attempt(mainSpec, url.origin, false, signing),
      decide: async () => ({ retry: undefined, reason: 'off' }),
      settle: () => undefined,
    };
  }
  const options: DoubleKnockOptions = setting === true ? {} : setting;
  const other = options.other ?? deriveOther(signing);
  if (specOf(other) === mainSpec) throw new TypeError('doubleKnock.other must be of the other spec than the main options');
  const memory = options.memory ?? new KnockMemory(options);
  const bySpec = (spec: SignatureSpec): SigningOptions => (spec === mainSpec ? signing : other);
  const rfc9421 = (mainSpec === 'rfc9421' ? signing : other) as Rfc9421SigningOptions;
  return {
    enabled: true,
    signings: [signing, other],
    first(url) {
      const spec = memory.get(url.origin) ?? mainSpec;
      return attempt(spec, url.origin, false, bySpec(spec));
    },
    async decide(tried, status, headers, replayable) {
      if (tried.retry) return { retry: undefined, reason: 'retried' };
      if (status < 400 || status > 499) return { retry: undefined, reason: 'not-refused' };
      const table = headerTable(headers);
      const challenge = table.get('accept-signature');
      if (challenge === undefined && status !== 401) return { retry: undefined, reason: 'not-refused' };
      if (!replayable) return { retry: undefined, reason: 'body-not-replayable' };
      if (challenge !== undefined) {
        // Parsed (bounded, typed errors) before anything is sent again; loaded on first use like the RFC 9421 signer.
        const { parseAcceptSignature } = await import('./rfc9421/accept-signature.js');
        const requests = parseAcceptSignature(challenge);
        return { retry: { spec: 'rfc9421', origin: tried.origin, retry: true, sign: (request) => signForChallenge(request, requests, rfc9421) }, reason: 'accept-signature' };
      }
      const authenticate = table.get('www-authenticate');
      if (authenticate !== undefined && CAVAGE_CHALLENGE.test(authenticate.slice(0, MAX_CHALLENGE_SCAN))) {
        if (tried.spec === 'cavage') return { retry: undefined, reason: 'same-spec-refused' };
        return { retry: attempt('cavage', tried.origin, true, bySpec('cavage')), reason: 'cavage-challenge' };
      }
      const next: SignatureSpec = tried.spec === 'cavage' ? 'rfc9421' : 'cavage';
      return { retry: attempt(next, tried.origin, true, bySpec(next)), reason: 'unauthorized' };
    },
    settle(tried, status) {
      // A redirect is no proof (servers redirect before they authenticate); a refusal never changes the memory.
      if (status >= 200 && status < 300) memory.remember(tried.origin, tried.spec);
    },
  };
}

/** Signs an outgoing request as an `Accept-Signature` asks (RFC 9421 §5.2), with the RFC 9421 options' key. */
async function signForChallenge(request: OutgoingRequest, requests: readonly AcceptSignatureRequest[], options: Rfc9421SigningOptions): Promise<SignResult> {
  const { signForAcceptSignature } = await import('./rfc9421/accept-signature.js');
  const { scheme: _scheme, headers: _headers, components: _components, digestHeader: _digestHeader, ...rest } = options;
  const result = await signForAcceptSignature(outgoingMessage(request), requests,
    options.digest === undefined ? rest : { ...rest, body: outgoingBody(request) });
  return { headers: result.headers, signingString: result.signatureBase, label: result.label };
}

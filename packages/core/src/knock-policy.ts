/**
 * The double-knock policy (see `double-knock.ts`): the other spec's options derived from the main ones, the memory,
 * and what a response calls for. Loaded on first use by `createKnocker`.
 * @packageDocumentation
 */
import type { CavageAlgorithm, CavageSigningOptions } from './cavage/types.js';
import type { DoubleKnockOptions, KnockAttempt, KnockPolicy, KnockPolicyDeps, SignatureSpec } from './double-knock.js';
import { KnockMemory } from './knock-memory.js';
import { FEDIVERSE_COMPONENTS, FEDIVERSE_SIGNED_HEADERS } from './presets/fediverse-coverage.js';
import type { AcceptSignatureRequest, Rfc9421Algorithm, Rfc9421SigningOptions } from './rfc9421/types.js';
import type { SigningOptions } from './sign-options.js';
import type { OutgoingRequest } from './sign-outgoing.js';
import type { SignResult } from './types.js';

const RFC9421_FOR: Partial<Record<CavageAlgorithm, Rfc9421Algorithm>> = {
  'rsa-sha256': 'rsa-v1_5-sha256', 'ecdsa-sha256': 'ecdsa-p256-sha256', ed25519: 'ed25519', 'hmac-sha256': 'hmac-sha256',
};
const CAVAGE_FOR: Record<Rfc9421Algorithm, CavageAlgorithm> = {
  'rsa-v1_5-sha256': 'rsa-sha256', 'ecdsa-p256-sha256': 'ecdsa-sha256', ed25519: 'ed25519', 'hmac-sha256': 'hmac-sha256',
  'rsa-pss-sha512': 'hs2019', 'ecdsa-p384-sha384': 'hs2019',
};

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
    const cavage: CavageSigningOptions = { keyId: main.keyId, key: main.key, algorithm, headers: FEDIVERSE_SIGNED_HEADERS, scheme: 'signature', ...digest, ...minRsaBits };
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
 * The double-knock policy for the main signing options and the `doubleKnock` options. Internal: loaded on first use
 * by `createKnocker`.
 *
 * @param signing - the main signing options: the preferred spec.
 * @param options - the `doubleKnock` options.
 * @param deps - the signing and header functions of the module that loads this one.
 * @returns the policy.
 * @throws TypeError when the other spec's options cannot be derived (give `other`).
 */
export function knockPolicy(signing: SigningOptions, options: DoubleKnockOptions, deps: KnockPolicyDeps): KnockPolicy {
  const { signOutgoing, headerTable } = deps;
  const mainSpec = specOf(signing);
  const attempt = (spec: SignatureSpec, origin: string, retry: boolean, signWith: SigningOptions): KnockAttempt =>
    ({ spec, origin, retry, sign: async (request) => signOutgoing(forOrigin(request, origin), signWith) });
  const other = options.other ?? deriveOther(signing);
  const memory = new KnockMemory(options);
  const bySpec = (spec: SignatureSpec): SigningOptions => (spec === mainSpec ? signing : other);
  const rfc9421 = (mainSpec === 'rfc9421' ? signing : other) as Rfc9421SigningOptions;
  return {
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
        return { retry: { spec: 'rfc9421', origin: tried.origin, retry: true, sign: async (request) => signForChallenge(forOrigin(request, tried.origin), requests, rfc9421, deps) }, reason: 'accept-signature' };
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

/**
 * The request, when it goes to the origin a try was made for. A try, and above all a retry answering one origin's
 * refusal or challenge, signs for that origin only: what it learns is remembered for that origin, and a challenge
 * (its key, nonce, tag) is that origin's.
 * @throws TypeError when the request goes to another origin (an adapter bug: each hop is tried for its own origin).
 */
function forOrigin(request: OutgoingRequest, origin: string): OutgoingRequest {
  if (request.url.origin !== origin) throw new TypeError('a double-knock try signs only for the origin it was made for');
  return request;
}

/** Signs an outgoing request as an `Accept-Signature` asks (RFC 9421 §5.2), with the RFC 9421 options' key. */
async function signForChallenge(request: OutgoingRequest, requests: readonly AcceptSignatureRequest[], options: Rfc9421SigningOptions, deps: KnockPolicyDeps): Promise<SignResult> {
  const { outgoingMessage, outgoingBody } = deps;
  const { signForAcceptSignature } = await import('./rfc9421/accept-signature.js');
  // What the signing options require (components, tag, nonce: a Web Bot Auth signer's) is kept in the answer.
  const { scheme: _scheme, headers, components, digestHeader: _digestHeader, ...rest } = options;
  const own = components ?? headers;
  const signer = own === undefined ? rest : { ...rest, components: own };
  const result = await signForAcceptSignature(outgoingMessage(request), requests,
    options.digest === undefined ? signer : { ...signer, body: outgoingBody(request) });
  return { headers: result.headers, signingString: result.signatureBase, label: result.label };
}

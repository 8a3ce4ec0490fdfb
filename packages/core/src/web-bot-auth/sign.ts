/**
 * The Web Bot Auth signing preset: RFC 9421 options that make a request signature a bot's, as
 * draft-meunier-webbotauth-httpsig-protocol ("Generating HTTP Message Signature", "Signature-Agent") asks.
 * @packageDocumentation
 */
import { AlgorithmNotAllowedError, InvalidKeyError } from '../errors.js';
import { jwkThumbprint, publicJwk } from '../jwk-thumbprint.js';
import { importAsymmetricKey } from '../keys.js';
import type { AsymmetricKeyInput } from '../runtime/backend.js';
import { encodeBase64 } from '../lib/base64.js';
import { DEFAULT_LABEL, LABEL } from '../rfc9421/dictionaries.js';
import type { Rfc9421ParameterName, Rfc9421SigningOptions } from '../rfc9421/types.js';
import type { KeyInput } from '../types.js';
import { botAlgorithm } from './key.js';
import { SIGNATURE_AGENT_HEADER, WEB_BOT_AUTH_COMPONENTS, WEB_BOT_AUTH_TAG } from './constants.js';

/**
 * How long a bot's signature stays valid by default, in seconds: five minutes, what Cloudflare's `web-bot-auth`
 * README and its verification worker sign with (`expires: now + 300_000` ms). The draft only asks for `expires`
 * and RECOMMENDS at most 24 hours; a short window bounds replay of a signature that covers only `@authority`.
 */
export const DEFAULT_WEB_BOT_AUTH_EXPIRES_IN = 300;

/** Random bytes in a nonce: 64, as in the draft's examples and Cloudflare's `web-bot-auth` (`NONCE_LENGTH_IN_BYTES`). */
export const WEB_BOT_AUTH_NONCE_BYTES = 64;

/** The algorithms a bot may sign with here: Ed25519 and RSASSA-PSS with SHA-512 (RFC 9421 §3.3). */
export type WebBotAuthAlgorithm = 'ed25519' | 'rsa-pss-sha512';

/**
 * How `Signature-Agent` is sent. `'dictionary'` (the draft since architecture-04, and what signers MUST send
 * now): a Structured Field Dictionary whose member is keyed by the signature's label (`sig1="https://…"`), covered
 * as that member, `"signature-agent";key="sig1"`. `'string'` (the legacy form): a bare String
 * (`"https://…"`), covered as the whole field, `"signature-agent"` — what Cloudflare's `web-bot-auth` 0.1.3
 * signs, and the only form its verifier (`http-message-sig` 0.2.0, which reads no `;key`) can check.
 */
export type SignatureAgentForm = 'dictionary' | 'string';

/** Options of {@link webBotAuth}. */
export interface WebBotAuthOptions {
  /** The bot's private key: Ed25519 or RSA (2048 bits or more), in any form core takes (PEM, JWK, KeyObject, CryptoKey). */
  key: KeyInput;
  /** The algorithm. Default: `ed25519` for an Ed25519 key, `rsa-pss-sha512` for an RSA key. */
  algorithm?: WebBotAuthAlgorithm | undefined;
  /**
   * The `https` origin serving the bot's key directory at `/.well-known/http-message-signatures-directory`
   * (`https://bot.example`), sent in `Signature-Agent` (as the origin's serialisation: a trailing `/` is dropped)
   * and covered. The draft requires it on every request; without it a verifier must already hold the key.
   */
  signatureAgent?: string | undefined;
  /** How `Signature-Agent` is written and covered. Default `'dictionary'`. */
  signatureAgentForm?: SignatureAgentForm | undefined;
  /** The signature's label (and the `Signature-Agent` member key). Default `sig1`. */
  label?: string | undefined;
  /**
   * The covered components before `signature-agent` (which `signatureAgent` adds). Default `['@authority']`, the
   * draft's minimum; it must hold `@authority` or `@target-uri`. Add `@method` and `@path` to narrow a signature to
   * one request.
   */
  components?: readonly string[] | undefined;
  /** Seconds from `created` to `expires`, for each request. Default {@link DEFAULT_WEB_BOT_AUTH_EXPIRES_IN}. */
  expiresIn?: number | undefined;
  /** Send a `nonce`: 64 random bytes (WebCrypto's CSPRNG), base64, new for every request. Default `false`. */
  nonce?: boolean | undefined;
  /** The shortest RSA key accepted, in bits. Default 2048. */
  minRsaBits?: number | undefined;
}

/** The parameter order of the draft's examples and Cloudflare's signer (any order verifies). */
const PARAMETER_ORDER: readonly Rfc9421ParameterName[] = ['created', 'keyid', 'alg', 'expires', 'nonce', 'tag'];

/**
 * RFC 9421 signing options that sign a request as a Web Bot Auth agent, for core `sign` and every client adapter
 * (`signedFetch`, axios' `withHttpSignature`, got's `httpSignature`): `tag="web-bot-auth"`, `keyid` = the key's
 * RFC 7638 SHA-256 thumbprint (computed here, once), `alg`, `created` and `expires` fresh for every request, an
 * optional random `nonce` per request, and `Signature-Agent` set and covered when given. Covered components:
 * `@authority` (or what `components` says), then `signature-agent`. With an adapter's `doubleKnock`, a site's
 * `Accept-Signature` is answered keeping all of this (tag, nonce, covered `signature-agent`) in addition to what it
 * asks: see {@link core/src/rfc9421!signForAcceptSignature}.
 *
 * @param options - the key, the `Signature-Agent` URL and the choices above.
 * @returns options to pass as they are (or spread, to add adapter limits).
 * @throws {@link core/src!InvalidKeyError} `ERR_INVALID_KEY` — an HMAC secret (the draft forbids shared secrets), a
 *   key that cannot be read, an RSA key under `minRsaBits`, a public key, or a key that is neither Ed25519 nor RSA.
 * @throws {@link core/src!AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — `algorithm` does not fit the key.
 * @throws TypeError — `signatureAgent` is not an `https` origin a Structured Field String can carry, `label` is not a
 *   Structured Field key, or `components` lacks `@authority` and `@target-uri` or names `signature-agent`. RangeError — `expiresIn` is not a
 *   non-negative integer.
 * @example
 * ```ts
 * import { signedFetch } from '@httpsig/fetch';
 * import { webBotAuth } from '@httpsig/core/web-bot-auth';
 *
 * const botFetch = signedFetch(await webBotAuth({ key: process.env.BOT_KEY_PEM!, signatureAgent: 'https://bot.example' }));
 * const page = await botFetch('https://news.example/today');
 * ```
 * @see https://datatracker.ietf.org/doc/draft-meunier-webbotauth-httpsig-protocol/
 */
export async function webBotAuth(options: WebBotAuthOptions): Promise<Rfc9421SigningOptions> {
  if (typeof options !== 'object' || options === null) throw new TypeError('webBotAuth needs options');
  const label = options.label ?? DEFAULT_LABEL;
  // What RFC 9421 signing takes as a label, which is also a Structured Field key for the Signature-Agent member.
  if (typeof label !== 'string' || !LABEL.test(label)) throw new TypeError('label must be a Structured Field key (lower case, at most 64 characters)');
  const expiresIn = options.expiresIn ?? DEFAULT_WEB_BOT_AUTH_EXPIRES_IN;
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 0) throw new RangeError('expiresIn must be a non-negative integer (seconds)');
  const components = [...(options.components ?? WEB_BOT_AUTH_COMPONENTS)];
  if (!components.includes('@authority') && !components.includes('@target-uri')) {
    throw new TypeError('a Web Bot Auth signature covers @authority or @target-uri');
  }
  if (components.some((c) => typeof c !== 'string' || c.replace(/"/g, '').startsWith(SIGNATURE_AGENT_HEADER))) {
    throw new TypeError('components are strings; signature-agent is added by signatureAgent');
  }
  const agent = options.signatureAgent === undefined ? undefined : signatureAgentField(options.signatureAgent, label, options.signatureAgentForm ?? 'dictionary');

  // Cheap checks first; the key is read once, here, for its algorithm and thumbprint.
  const jwk = await publicJwk(options.key);
  await importAsymmetricKey(options.key as AsymmetricKeyInput, 'sign', undefined, options.minRsaBits);
  const algorithm = algorithmOf(jwk, options.algorithm);
  const signing: Rfc9421SigningOptions = {
    scheme: 'rfc9421',
    key: options.key,
    algorithm,
    keyId: jwkThumbprint(jwk),
    label,
    components: agent === undefined ? components : [...components, agent.component],
    tag: WEB_BOT_AUTH_TAG,
    expiresIn,
    includeAlg: true,
    parameterOrder: PARAMETER_ORDER,
  };
  if (agent !== undefined) signing.fields = { [SIGNATURE_AGENT_HEADER]: agent.value };
  if (options.nonce === true) signing.nonce = randomNonce;
  if (options.minRsaBits !== undefined) signing.minRsaBits = options.minRsaBits;
  return signing;
}

/** The algorithm for the key: the one asked for when it fits, else the key type's. */
function algorithmOf(jwk: { kty: string; crv?: string }, asked: WebBotAuthAlgorithm | undefined): WebBotAuthAlgorithm {
  const fits = botAlgorithm(jwk);
  if (fits === undefined) throw new InvalidKeyError('A Web Bot Auth key is Ed25519 or RSA');
  if (asked !== undefined && asked !== fits) throw new AlgorithmNotAllowedError('The algorithm does not fit the key');
  return fits;
}

/** The `Signature-Agent` value and the component that covers it, in the chosen form. */
function signatureAgentField(url: string, label: string, form: SignatureAgentForm): { value: string; component: string } {
  if (typeof url !== 'string' || !/^[\x20-\x7e]*$/.test(url) || /["\\]/.test(url) || !URL.canParse(url)) {
    throw new TypeError('signatureAgent must be an https URL');
  }
  const parsed = new URL(url);
  // A `directory` member (the default type) is the ASCII serialisation of an origin; a verifier ignores anything else.
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') {
    throw new TypeError('signatureAgent must be an https origin (no credentials, path, query or fragment)');
  }
  const origin = parsed.origin;
  if (form === 'string') return { value: `"${origin}"`, component: SIGNATURE_AGENT_HEADER };
  if (form !== 'dictionary') throw new TypeError('signatureAgentForm must be "dictionary" or "string"');
  return { value: `${label}="${origin}"`, component: `"${SIGNATURE_AGENT_HEADER}";key="${label}"` };
}

/** A fresh nonce: {@link WEB_BOT_AUTH_NONCE_BYTES} bytes from WebCrypto's CSPRNG, base64. */
function randomNonce(): string {
  return encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(WEB_BOT_AUTH_NONCE_BYTES)));
}

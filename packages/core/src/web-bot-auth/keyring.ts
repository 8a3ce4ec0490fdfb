/**
 * A local keyring of Web Bot Auth keys: the bots a site knows, indexed by thumbprint. Internal.
 * @packageDocumentation
 */
import { botKeyOf, markKeyringKey } from './key.js';
import type { PublicJwk } from '../jwk-thumbprint.js';
import type { WebBotAuthKeys } from './verify.js';

/**
 * A key source for {@link verifyWebBotAuth} from keys you hold: public JWKs (Ed25519 or RSA), each found by its
 * RFC 7638 thumbprint, whatever `Signature-Agent` the request names. The keyring vouches for the key, not for that
 * agent: the result's `agent` stays undefined and the named origin is only its `claimedAgent` (identify the bot by
 * its `thumbprint`), and the replay records of its key count against the key's own share of a replay store. Use it for the bots
 * you know; use `signatureAgentKeys` of `@httpsig/keys` to fetch the keys of any agent from its directory.
 *
 * @param keys - the bots' public JWKs (`publicJwk(pem)` turns a PEM into one); only their public members are kept.
 * @returns the key source.
 * @throws {@link core/src!AlgorithmNotAllowedError} `ERR_ALGORITHM_NOT_ALLOWED` — a key neither Ed25519 nor RSA.
 * @throws {@link core/src!InvalidKeyError} `ERR_INVALID_KEY` — a key that is not a usable JWK.
 * @throws TypeError — `keys` is not an array.
 * @example
 * ```ts
 * const keys = webBotAuthKeyring([await publicJwk(process.env.CRAWLER_PUBLIC_KEY_PEM!)]);
 * const bot = await verifyWebBotAuth({ method: req.method!, url: req.url!, headers: req.headers }, { keys });
 * ```
 */
export function webBotAuthKeyring(keys: readonly Readonly<Record<string, unknown>>[]): WebBotAuthKeys {
  if (!Array.isArray(keys)) throw new TypeError('webBotAuthKeyring needs an array of JWKs');
  const byThumbprint = new Map<string, PublicJwk>();
  for (const jwk of keys) {
    const key = botKeyOf(jwk);
    byThumbprint.set(key.thumbprint, key.jwk);
    markKeyringKey(key.jwk);
  }
  return (keyId) => byThumbprint.get(keyId) ?? null;
}

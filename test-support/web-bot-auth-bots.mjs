// Bots' requests as sites receive them, signed with core's RFC 9421 signer under the Web Bot Auth parameters, for the
// site and key-directory tests of packages/server and packages/keys (which write them over raw sockets, or hand
// them to verifyWebBotAuth).
import { generateKeyPairSync } from 'node:crypto';
import { jwkThumbprint } from '@httpsig/core';
import { signRfc9421 } from '@httpsig/core/rfc9421';
import { WEB_BOT_AUTH_TAG } from '@httpsig/core/web-bot-auth';

/** The `Signature-Agent` member key the bots' requests use. */
export const AGENT_MEMBER = 'agent1';

/**
 * A bot key: the private key, its public JWK and its RFC 7638 thumbprint.
 * @param {'ed25519' | 'rsa'} [type]
 */
export function botKey(type = 'ed25519') {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return { privateKey: pair.privateKey, jwk, thumbprint: jwkThumbprint(jwk) };
}

/**
 * The headers of a bot's GET of `url` (`Host`, `Signature-Agent` when given, `Signature-Input`, `Signature`).
 * @param {string} url
 * @param {import('./web-bot-auth-bots.d.mts').BotSigning} bot
 */
export async function botHeaders(url, bot) {
  const target = new URL(url);
  const headers = { host: target.host };
  if (bot.agent !== undefined) headers['signature-agent'] = bot.agent;
  const created = bot.created ?? Math.floor(Date.now() / 1000);
  const algorithm = bot.key.asymmetricKeyType === 'rsa' ? 'rsa-pss-sha512' : 'ed25519';
  const signed = await signRfc9421({ method: 'GET', url: target.href, headers }, {
    key: bot.key, algorithm, keyId: bot.keyId,
    components: bot.components ?? (bot.agent === undefined ? ['@authority'] : ['@authority', `"signature-agent";key="${AGENT_MEMBER}"`]),
    created, expires: bot.expires ?? created + 60,
    ...(bot.tag === null ? {} : { tag: bot.tag ?? WEB_BOT_AUTH_TAG }),
    ...(bot.nonce === undefined ? {} : { nonce: bot.nonce }),
    structuredFields: { 'signature-agent': 'dictionary' },
  });
  return { ...headers, ...signed.headers };
}

/**
 * `Signature-Agent` naming an agent origin as the bots' requests send it: a dictionary member.
 * @param {string} origin
 */
export function agentMember(origin) {
  return `${AGENT_MEMBER}=${JSON.stringify(origin)}`;
}

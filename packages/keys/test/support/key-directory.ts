// Signed key directories (draft-meunier-http-message-signatures-directory) served by a loopback actor host, and
// Web Bot Auth requests signed with their keys: what the directory and bot tests share.
import type { Rfc9421Request } from '@httpsig/core';
import { signRfc9421 } from '@httpsig/core/rfc9421';
import { DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, DIRECTORY_TAG } from '@httpsig/core/web-bot-auth';
import { agentMember, botHeaders, botKey, type BotKey } from '../../../../test-support/web-bot-auth-bots.mjs';
import type { Route } from './actor-host.js';

export { DIRECTORY_PATH };

export { botKey, type BotKey };

/** How a directory route answers. */
export interface DirectoryOptions {
  /** The keys listed (default: the signers). */
  listed?: readonly (BotKey | Record<string, unknown>)[];
  /** Content type (default the directory media type). */
  type?: string;
  cacheControl?: string;
  /** The `@authority` the signatures are made for (default: the Host of the request). */
  authority?: string;
  /** The clock of the signatures, Unix seconds (default now). */
  created?: number;
  /** Validity of the signatures, seconds. Default 3600. */
  validity?: number;
  /** Extra bytes appended to the JSON (whitespace) to make it large. */
  padding?: number;
}

/**
 * A route answering a JWK set signed, per signer, with `tag="http-message-signatures-directory"` over
 * `"@authority";req` (one `binding<n>` label per key, as web-bot-auth labels them).
 */
export function directoryRoute(signers: readonly BotKey[], options: DirectoryOptions = {}): Route {
  return (req, res) => {
    void (async () => {
      const listed = (options.listed ?? signers).map((k) => ('privateKey' in k ? (k as BotKey).jwk : k));
      const text = JSON.stringify({ keys: listed }) + ' '.repeat(options.padding ?? 0);
      let headers: Record<string, string> = { 'content-type': options.type ?? DIRECTORY_MEDIA_TYPE };
      if (options.cacheControl !== undefined) headers['cache-control'] = options.cacheControl;
      const authority = options.authority ?? req.headers.host ?? '';
      const created = options.created ?? Math.floor(Date.now() / 1000);
      for (const [index, signer] of signers.entries()) {
        const signed = await signRfc9421({ status: 200, headers, request: { method: 'GET', url: `https://${authority}${DIRECTORY_PATH}` } }, {
          key: signer.privateKey as never, algorithm: signer.jwk['kty'] === 'RSA' ? 'rsa-pss-sha512' : 'ed25519', keyId: signer.thumbprint,
          label: `binding${index}`, components: ['"@authority";req'], tag: DIRECTORY_TAG, created, expires: created + (options.validity ?? 3600),
        });
        headers = { ...headers, ...signed.headers };
      }
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })();
  };
}

/**
 * A bot's GET of `<site>/page` (default `https://site.example`) as the site receives it, naming `agent` in a
 * dictionary Signature-Agent.
 */
export async function botRequest(key: BotKey, agent: string | undefined, options: { created?: number; nonce?: string; site?: string } = {}): Promise<Rfc9421Request & { headers: Record<string, string> }> {
  const headers = await botHeaders(new URL('/page', options.site ?? 'https://site.example').href, {
    key: key.privateKey, keyId: key.thumbprint, agent: agent === undefined ? undefined : agentMember(agent),
    created: options.created, nonce: options.nonce,
  });
  return { method: 'GET', url: '/page', headers };
}

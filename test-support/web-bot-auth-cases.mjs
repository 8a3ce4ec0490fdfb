// Signing as a Web Bot Auth agent through a client adapter, checked by the core-verifying server under a Web Bot
// Auth policy: each adapter supplies `send(options, request)` and gets the same checks (the preset plugs into every
// adapter with no adapter code; each request gets its own window and nonce; a redirect hop is signed again; with
// doubleKnock, a site's Accept-Signature is answered as a bot still).
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { MemoryReplayStore, keyThumbprint, verify } from '@httpsig/core';
import { verifyWebBotAuth, webBotAuth } from '@httpsig/core/web-bot-auth';
import { startCoreServer } from './core-server.mjs';
import { listenOnLoopback } from './loopback.mjs';

export const SIGNATURE_AGENT = 'https://bot.example';
const pair = generateKeyPairSync('ed25519');
const PRIVATE_KEY = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
const PUBLIC_KEY = pair.publicKey.export({ type: 'spki', format: 'pem' });

/** The core-verifying server, knowing the bot's key under its thumbprint, requiring @authority and the Signature-Agent member. */
export async function webBotAuthServer() {
  return startCoreServer({
    verify, scheme: 'rfc9421', keys: { [await keyThumbprint(PUBLIC_KEY)]: PUBLIC_KEY }, algorithms: ['ed25519'],
    requiredHeaders: ['@authority', '"signature-agent";key="sig1"'], digest: 'if-present',
  });
}

/** What the narrow site asks a bot for: its signature over the method and path as well. */
const NARROW_CHALLENGE = 'sig1=("@authority" "@method" "@path");created;expires;tag="web-bot-auth"';

/**
 * A site verifying bots with verifyWebBotAuth (the agent's key vouched for by SIGNATURE_AGENT, nonces required
 * and recorded) that wants `@method` and `@path` covered too, and says so with a 401 and an `Accept-Signature`.
 */
async function narrowBotSite() {
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const keys = (_keyId, agent) => (agent === SIGNATURE_AGENT ? jwk : null);
  const replayStore = new MemoryReplayStore();
  const requests = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const record = { headers: { ...req.headers }, status: 0, code: undefined };
      requests.push(record);
      const answer = (status, code) => {
        Object.assign(record, { status, code });
        res.writeHead(status, status === 401 ? { 'accept-signature': NARROW_CHALLENGE, 'content-length': 0 } : { 'content-length': 0 });
        res.end();
      };
      verifyWebBotAuth({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers }, { keys, replayStore }).then(
        (bot) => (bot.components.includes('"@method"') && bot.components.includes('"@path"') ? answer(200) : answer(401, 'NARROW')),
        (error) => answer(401, error?.code ?? 'ERR_UNEXPECTED'),
      );
    });
  });
  return { ...(await listenOnLoopback(server)), requests };
}

/**
 * @param {() => import('./core-server.mjs').CoreServer} server
 * @param {(options: object, request: { method: string, url: string }) => Promise<number>} send
 */
export function webBotAuthCases(server, send, { test, expect }) {
  const last = (n = 1) => server().requests.slice(-n);
  const param = (input, name) => new RegExp(`;${name}=("[^"]*"|\\d+)`).exec(input)?.[1];

  test('Web Bot Auth: the preset signs @authority and the Signature-Agent member, tag web-bot-auth, keyid the thumbprint', async () => {
    const options = await webBotAuth({ key: PRIVATE_KEY, signatureAgent: SIGNATURE_AGENT });
    expect(await send(options, { method: 'GET', url: `${server().origin}/feed/` })).toBe(200);
    const [request] = last();
    expect(request.headers['signature-agent']).toBe(`sig1="${SIGNATURE_AGENT}"`);
    expect(request.verified?.headers).toEqual(['"@authority"', '"signature-agent";key="sig1"']);
    expect(request.verified?.keyId).toBe(await keyThumbprint(PUBLIC_KEY));
    expect(request.verified?.signingString).toMatch(/;alg="ed25519";expires=\d+;tag="web-bot-auth"$/);
  });

  test('Web Bot Auth: two requests with the same options get their own nonce and window', async () => {
    const options = await webBotAuth({ key: PRIVATE_KEY, signatureAgent: SIGNATURE_AGENT, nonce: true, expiresIn: 60 });
    expect(await send(options, { method: 'GET', url: `${server().origin}/one/` })).toBe(200);
    expect(await send(options, { method: 'GET', url: `${server().origin}/two/` })).toBe(200);
    const [a, b] = last(2).map((r) => r.headers['signature-input']);
    expect(param(a, 'nonce')).not.toBe(param(b, 'nonce'));
    for (const input of [a, b]) expect(Number(param(input, 'expires')) - Number(param(input, 'created'))).toBe(60);
  });

  test('Web Bot Auth with doubleKnock: a site\'s Accept-Signature is answered keeping the bot\'s tag, nonce and covered Signature-Agent', async () => {
    const site = await narrowBotSite();
    try {
      const options = await webBotAuth({ key: PRIVATE_KEY, signatureAgent: SIGNATURE_AGENT, nonce: true });
      expect(await send({ ...options, doubleKnock: true }, { method: 'GET', url: `${site.origin}/articles/1` })).toBe(200);
      expect(site.requests.map((r) => [r.status, r.code])).toEqual([[401, 'NARROW'], [200, undefined]]);
      const retry = site.requests[1].headers['signature-input'];
      expect(retry).toMatch(/^sig1=\("@authority" "@method" "@path" "signature-agent";key="sig1"\);created=\d+;keyid="[^"]+";alg="ed25519";expires=\d+;nonce="[^"]+";tag="web-bot-auth"$/);
      expect(site.requests[1].headers['signature-agent']).toBe(`sig1="${SIGNATURE_AGENT}"`);
    } finally {
      await site.close();
    }
  });

  test('Web Bot Auth: a same-origin redirect hop is signed again, with one Signature-Agent', async () => {
    const options = await webBotAuth({ key: PRIVATE_KEY, signatureAgent: SIGNATURE_AGENT });
    expect(await send(options, { method: 'GET', url: `${server().origin}/feed?page=2` })).toBe(200);
    const [redirect, final] = last(2);
    expect(redirect.status).toBe(301);
    expect([final.status, final.headers['signature-agent']]).toEqual([200, `sig1="${SIGNATURE_AGENT}"`]);
    expect(final.headers['signature']).toMatch(/^sig1=:[^,]+:$/);
  });
}

// Signing as a Web Bot Auth agent through a client adapter, checked by the core-verifying server under a Web Bot
// Auth policy: each adapter supplies `send(options, request)` and gets the same checks (the preset plugs into every
// adapter with no adapter code; each request gets its own window and nonce; a redirect hop is signed again).
import { generateKeyPairSync } from 'node:crypto';
import { keyThumbprint, verify } from '@httpsig/core';
import { webBotAuth } from '@httpsig/core/web-bot-auth';
import { startCoreServer } from './core-server.mjs';

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

  test('Web Bot Auth: a same-origin redirect hop is signed again, with one Signature-Agent', async () => {
    const options = await webBotAuth({ key: PRIVATE_KEY, signatureAgent: SIGNATURE_AGENT });
    expect(await send(options, { method: 'GET', url: `${server().origin}/feed?page=2` })).toBe(200);
    const [redirect, final] = last(2);
    expect(redirect.status).toBe(301);
    expect([final.status, final.headers['signature-agent']]).toEqual([200, `sig1="${SIGNATURE_AGENT}"`]);
    expect(final.headers['signature']).toMatch(/^sig1=:[^,]+:$/);
  });
}

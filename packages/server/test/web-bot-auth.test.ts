// Web Bot Auth on every entry point (`scheme: 'web-bot-auth'`), over real loopback servers: a bot signed with a
// key of the keyring is accepted and reported (thumbprint; the agent it names only claimed, a key source answering
// for the agent reports it as the agent); hostile requests are written over raw sockets
// and refused with their stable code.
import { jwkThumbprint } from '@httpsig/core';
import { signRfc9421 } from '@httpsig/core/rfc9421';
import { DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, DIRECTORY_TAG, WEB_BOT_AUTH_TAG, webBotAuthKeyring, type WebBotAuthKeys } from '@httpsig/core/web-bot-auth';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import Fastify from 'fastify';
import { MemoryReplayStore, expressMiddleware, fastifyPlugin, verifyNodeRequest, type ServerVerifyOptions, type VerifiedEvent } from '../src/index.js';
import { agentMember, botHeaders as signedBotHeaders } from '../../../test-support/web-bot-auth-bots.mjs';
import { rawSend, send, type Answer } from './support/helpers.js';
import { SERVER_KINDS, startServer, type Running } from './support/servers.js';

const ed = generateKeyPairSync('ed25519');
const edJwk = ed.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const edThumbprint = jwkThumbprint(edJwk);
const keys = webBotAuthKeyring([edJwk]);
/** A key source answering for one agent only, as an agent's signed directory does (`signatureAgentKeys`). */
const crawlerDirectory: WebBotAuthKeys = (keyId, agent) =>
  (agent === 'https://crawler.example' && keyId === edThumbprint ? edJwk : null);

interface Bot {
  key?: KeyObject; keyId?: string; components?: string[]; tag?: string | null; created?: number; expires?: number;
  agent?: string | null; nonce?: string;
}

/** The headers of a bot's GET /page to `base` (test-support's signer); `Signature-Agent` a dictionary member. */
function botHeaders(base: string, bot: Bot = {}): Promise<Record<string, string>> {
  const agent = bot.agent === undefined ? agentMember('https://crawler.example') : bot.agent ?? undefined;
  return signedBotHeaders(new URL('/page', base).href, {
    key: bot.key ?? ed.privateKey, keyId: bot.keyId ?? edThumbprint, agent, components: bot.components, tag: bot.tag,
    created: bot.created, expires: bot.expires, nonce: bot.nonce,
  });
}

/** Writes the request byte for byte over a socket. */
function rawBot(base: string, headers: Record<string, string>): Promise<Answer> {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return rawSend(base, `GET /page HTTP/1.1\r\n${lines.join('\r\n')}\r\nconnection: close\r\n\r\n`);
}

describe.each(SERVER_KINDS)('%s', (kind) => {
  let server: Running;
  let directoryServer: Running;
  let replayServer: Running;
  let lenientServer: Running;
  beforeAll(async () => {
    server = await startServer(kind, { scheme: 'web-bot-auth', keys });
    directoryServer = await startServer(kind, { scheme: 'web-bot-auth', keys: crawlerDirectory });
    replayServer = await startServer(kind, { scheme: 'web-bot-auth', keys, replay: new MemoryReplayStore(), requireNonce: true });
    lenientServer = await startServer(kind, { scheme: 'web-bot-auth', keys, replay: new MemoryReplayStore() });
  });
  afterAll(async () => { await server.close(); await directoryServer.close(); await replayServer.close(); await lenientServer.close(); });

  test('a bot signed with a key of the keyring is accepted; the app sees its thumbprint, and the agent it names only as claimed', async () => {
    const answer = await send(server.url, { path: '/page', headers: await botHeaders(server.url) });
    expect(answer.status).toBe(200);
    // The keyring vouches for the key, not for https://crawler.example: any bot it knows may name that agent.
    expect(answer.json).toMatchObject({ keyId: edThumbprint, thumbprint: edThumbprint, agent: null, claimedAgent: 'https://crawler.example', algorithm: 'ed25519' });
    const bare = await send(server.url, { path: '/page', headers: await botHeaders(server.url, { agent: null }) });
    expect(bare.json).toMatchObject({ thumbprint: edThumbprint, agent: null, claimedAgent: null });
  });

  test('a key the agent\'s key source answers for: the app sees that agent', async () => {
    const answer = await send(directoryServer.url, { path: '/page', headers: await botHeaders(directoryServer.url) });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ thumbprint: edThumbprint, agent: 'https://crawler.example', claimedAgent: 'https://crawler.example' });
    const elsewhere = await send(directoryServer.url, { path: '/page', headers: await botHeaders(directoryServer.url, { agent: 'agent1="https://other.example"' }) });
    expect([elsewhere.status, (elsewhere.json as { code?: string }).code]).toEqual([401, 'ERR_UNKNOWN_KEY']);
  });

  test.each<[string, Bot | ((base: string) => Promise<Record<string, string>>), string]>([
    ['no tag', { tag: null }, 'ERR_HEADER_NOT_SIGNED'],
    ['the directory tag', { tag: DIRECTORY_TAG }, 'ERR_HEADER_NOT_SIGNED'],
    ['expired', { created: Math.floor(Date.now() / 1000) - 1000, expires: Math.floor(Date.now() / 1000) - 400 }, 'ERR_SIGNATURE_EXPIRED'],
    ['valid for longer than an hour', { created: Math.floor(Date.now() / 1000), expires: Math.floor(Date.now() / 1000) + 3601 }, 'ERR_INVALID_DATE'],
    ['a keyid that is not the key\'s thumbprint', { keyId: 'crawler-key-1' }, 'ERR_UNKNOWN_KEY'],
    ['a key the site does not know', { key: generateKeyPairSync('ed25519').privateKey, keyId: jwkThumbprint(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as Record<string, unknown>) }, 'ERR_UNKNOWN_KEY'],
    ['no @authority covered (what web-bot-auth 0.1.3 would accept)', { components: ['"signature-agent";key="agent1"'] }, 'ERR_HEADER_NOT_SIGNED'],
    ['a Signature-Agent not covered', async (base) => ({ ...(await botHeaders(base, { agent: null })), 'signature-agent': 'agent1="https://impostor.example"' }), 'ERR_HEADER_NOT_SIGNED'],
    ['a Signature-Agent that is no URL', { agent: 'agent1="not a url"' }, 'ERR_MALFORMED_SIGNATURE'],
  ])('refused over a raw socket: %s', async (_name, bot, code) => {
    const headers = typeof bot === 'function' ? await bot(server.url) : await botHeaders(server.url, bot);
    const answer = await rawBot(server.url, headers);
    expect(answer.status).toBe(401);
    expect(answer.json['code']).toBe(code);
    expect(answer.headers['accept-signature']).toBe('sig1=("@authority");created;expires;tag="web-bot-auth"');
  });

  test('with replay protection a nonce is accepted once (ERR_SIGNATURE_REPLAYED), and required with requireNonce', async () => {
    const headers = await botHeaders(replayServer.url, { nonce: `n-${kind}-${Date.now()}` });
    expect((await rawBot(replayServer.url, headers)).status).toBe(200);
    const again = await rawBot(replayServer.url, headers);
    expect([again.status, again.json['code']]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
    const none = await rawBot(replayServer.url, await botHeaders(replayServer.url));
    expect([none.status, none.json['code']]).toEqual([401, 'ERR_HEADER_NOT_SIGNED']);
  });

  test('with replay protection under the defaults, a bot signing for the whole default maxValidity (one hour) is accepted', async () => {
    const created = Math.floor(Date.now() / 1000);
    const headers = await botHeaders(replayServer.url, { nonce: `long-${kind}-${Date.now()}`, created, expires: created + DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY });
    expect((await rawBot(replayServer.url, headers)).status).toBe(200);
    const again = await rawBot(replayServer.url, headers);
    expect([again.status, again.json['code']]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });

  test('without requireNonce a bot needs no nonce, and its signature itself is accepted once', async () => {
    const headers = await botHeaders(lenientServer.url);
    expect((await rawBot(lenientServer.url, headers)).status).toBe(200);
    const again = await rawBot(lenientServer.url, headers);
    expect([again.status, again.json['code']]).toEqual([401, 'ERR_SIGNATURE_REPLAYED']);
  });
});

test('a key of the keyring takes one share of the replay store, whatever Signature-Agent it names', async () => {
  // The keyring vouches for the key, not for the agent the bot names: a bot naming a new agent on each request
  // must not get a new share each time (it would fill the store and every other bot would get 503).
  const other = generateKeyPairSync('ed25519');
  const otherJwk = other.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const store = new MemoryReplayStore({ maxEntries: 8, maxEntriesPerKey: 2 });
  const running = await startServer('node', { scheme: 'web-bot-auth', keys: webBotAuthKeyring([edJwk, otherJwk]), replay: store });
  try {
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await rawBot(running.url, await botHeaders(running.url, { agent: `agent1="https://crawler${i}.example"`, nonce: `share-${i}` }));
      codes.push(answer.status === 200 ? 200 : answer.json['code']);
    }
    expect(codes).toEqual([200, 200, 'ERR_REPLAY_STORE_UNAVAILABLE', 'ERR_REPLAY_STORE_UNAVAILABLE']);
    const otherBot = await rawBot(running.url, await botHeaders(running.url, { key: other.privateKey, keyId: jwkThumbprint(otherJwk), nonce: 'other-1' }));
    expect(otherBot.status).toBe(200);
  } finally {
    await running.close();
  }
});

test('onVerified reports the bot (thumbprint, claimed agent; no agent for a keyring\'s key) like any verified signature', async () => {
  const events: VerifiedEvent[] = [];
  const options: ServerVerifyOptions = { scheme: 'web-bot-auth', keys, onVerified: (event) => { events.push(event); } };
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    verifyNodeRequest(req, options).then((result) => res.end(`${result.agent ?? '-'} ${result.claimedAgent ?? '-'}`), () => res.writeHead(401).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const answer = await send(base, { path: '/page', headers: await botHeaders(base) });
    expect(answer.text).toBe('- https://crawler.example');
    expect(events).toHaveLength(1);
    expect(events[0]).toStrictEqual({ keyId: edThumbprint, algorithm: 'ed25519', headers: ['"@authority"', '"signature-agent";key="agent1"'], thumbprint: edThumbprint, agent: undefined, claimedAgent: 'https://crawler.example' });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a middleware with scheme: 'web-bot-auth' and no keys function fails at set-up, not on every request", async () => {
  expect(() => expressMiddleware({ scheme: 'web-bot-auth' } as never)).toThrow(TypeError);
  const app = Fastify();
  await expect(app.register(fastifyPlugin, { scheme: 'web-bot-auth', keys: [] } as never).ready()).rejects.toThrow(TypeError);
  await app.close();
});

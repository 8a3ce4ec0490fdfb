// Sites verifying bots with `scheme: 'web-bot-auth'` and `signatureAgentKeys` on every entry point of
// @httpsig/server, each against a real https agent host serving the bot's signed directory on loopback; bots'
// requests are written over raw sockets. A directory that cannot be trusted is a 401 with its ERR_KEY_FETCH_* code.
import type { ServerVerifyOptions } from '@httpsig/server';
import { webBotAuthKeyring } from '@httpsig/core/web-bot-auth';
import { signatureAgentKeys } from '../src/index.js';
import { certificateForTestHosts, guardFor, useActorHost } from './support/actor-host.js';
import { SITE_KINDS, rawGet, startBotSite, type Site } from './support/bot-sites.js';
import { DIRECTORY_PATH, botKey, botRequest, directoryRoute } from './support/key-directory.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);
const alice = botKey();
const stranger = botKey();

describe.each(SITE_KINDS)('%s', (kind) => {
  let site: Site;
  beforeAll(async () => {
    // A fresh key source per site: every test fetches the directory it serves (negative caching is off).
    const options: ServerVerifyOptions = { scheme: 'web-bot-auth', keys: (keyId, agent) => signatureAgentKeys({ ...guardFor(host, tls.cert), negativeTtl: 0 })(keyId, agent) };
    site = await startBotSite(kind, options);
  });
  afterAll(async () => { await site.close(); });

  const bot = async (agent: string, key = alice): Promise<Record<string, string>> => (await botRequest(key, agent, { site: site.url })).headers;

  test('a bot whose agent serves a directory signed by its key is accepted and reported (thumbprint, agent vouched by the directory)', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice]));
    const answer = await rawGet(site.url, '/page', await bot(host.origin()));
    expect(answer).toEqual({ status: 200, json: { keyId: alice.thumbprint, thumbprint: alice.thumbprint, agent: host.origin(), claimedAgent: host.origin() } });
    expect(host.count(DIRECTORY_PATH)).toBe(1);
  });

  test('a keyring asked before the directories: a keyring\'s bot naming an agent whose directory does not hold its key is not that agent', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice]));
    const known = webBotAuthKeyring([stranger.jwk]);
    const directories = signatureAgentKeys({ ...guardFor(host, tls.cert), negativeTtl: 0 });
    const combined = await startBotSite(kind, { scheme: 'web-bot-auth', keys: async (keyId, agent) => (await known(keyId, agent)) ?? directories(keyId, agent) });
    try {
      const impostor = await rawGet(combined.url, '/page', (await botRequest(stranger, host.origin(), { site: combined.url })).headers);
      expect(impostor).toEqual({ status: 200, json: { keyId: stranger.thumbprint, thumbprint: stranger.thumbprint, agent: null, claimedAgent: host.origin() } });
      const vouched = await rawGet(combined.url, '/page', (await botRequest(alice, host.origin(), { site: combined.url })).headers);
      expect(vouched).toEqual({ status: 200, json: { keyId: alice.thumbprint, thumbprint: alice.thumbprint, agent: host.origin(), claimedAgent: host.origin() } });
    } finally {
      await combined.close();
    }
  });

  test.each<[string, () => void, string | undefined, string]>([
    ['an unsigned directory', () => host.routes.set(DIRECTORY_PATH, directoryRoute([], { listed: [alice] })), undefined, 'ERR_KEY_FETCH_OWNER_MISMATCH'],
    ['a directory signed by another key', () => host.routes.set(DIRECTORY_PATH, directoryRoute([stranger], { listed: [alice, stranger] })), undefined, 'ERR_UNKNOWN_KEY'],
    ['a directory served as application/json', () => host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { type: 'application/json' })), undefined, 'ERR_KEY_FETCH_BAD_DOCUMENT'],
    ['a huge directory', () => host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { padding: 512 * 1024 })), undefined, 'ERR_KEY_FETCH_TOO_LARGE'],
    ['a directory redirecting to a private address', () => host.routes.set(DIRECTORY_PATH, (_req, res) => { res.writeHead(301, { location: `https://169.254.169.254${DIRECTORY_PATH}` }).end(); }), undefined, 'ERR_KEY_FETCH_REFUSED_ADDRESS'],
    ['a Signature-Agent on a private address', () => undefined, 'https://10.20.30.40', 'ERR_KEY_FETCH_REFUSED_ADDRESS'],
    ['a Signature-Agent over http', () => undefined, 'http://actor.test', 'ERR_KEY_FETCH_REFUSED_URL'],
  ])('refused: %s', async (_name, serve, agent, code) => {
    serve();
    const answer = await rawGet(site.url, '/page', await bot(agent ?? host.origin()));
    expect([answer.status, answer.json['code']]).toEqual([401, code]);
  });
});

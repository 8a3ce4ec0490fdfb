// Cloudflare's `web-bot-auth` 0.1.3 (with its `http-message-sig` 0.2.0) against ours, on loopback: THEIR signer signs
// bots' requests (Ed25519 and RSA-PSS-SHA512, with and without Signature-Agent) sent to OUR sites, and THEIR
// `directoryResponseHeaders` signs the agent's directory that OUR signatureAgentKeys fetches and trusts.
import { webBotAuthKeyring } from '@httpsig/core/web-bot-auth';
import { DIRECTORY_MEDIA_TYPE } from '@httpsig/core/web-bot-auth';
import { MemoryReplayStore, type ServerVerifyOptions } from '@httpsig/server';
import { directoryResponseHeaders, signatureHeaders, type Signer } from 'web-bot-auth';
import { Ed25519Signer, RSAPSSSHA512Signer } from 'web-bot-auth/crypto';
import { generateKeyPairSync } from 'node:crypto';
import { KeyDirectories, signatureAgentKeys } from '../src/index.js';
import { certificateForTestHosts, guardFor, useActorHost, type Route } from './support/actor-host.js';
import { rawGet, startBotSite, type Site, type SiteKind } from './support/bot-sites.js';
import { DIRECTORY_PATH } from './support/key-directory.js';

const tls = certificateForTestHosts();
const host = useActorHost(tls);

interface PeerKey { signer: Signer; publicJwk: Record<string, unknown> }

async function peerKey(type: 'ed25519' | 'rsa'): Promise<PeerKey> {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const privateJwk = pair.privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const signer = type === 'rsa' ? await RSAPSSSHA512Signer.fromJWK(privateJwk) : await Ed25519Signer.fromJWK(privateJwk);
  return { signer, publicJwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

let ed: PeerKey;
let rsa: PeerKey;
beforeAll(async () => { [ed, rsa] = await Promise.all([peerKey('ed25519'), peerKey('rsa')]); });

/** The agent's directory, signed by web-bot-auth's directoryResponseHeaders for the authority it is fetched from. */
function peerDirectory(keys: readonly PeerKey[]): Route {
  return (req, res) => {
    void (async () => {
      const now = new Date();
      const signed = await directoryResponseHeaders({
        request: { method: 'GET', url: `https://${req.headers.host ?? ''}${DIRECTORY_PATH}`, headers: {} },
        response: { status: 200, headers: {} },
      }, keys.map((k) => k.signer), { created: now, expires: new Date(now.getTime() + 3_600_000) });
      const body = JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
      res.writeHead(200, { 'content-type': DIRECTORY_MEDIA_TYPE, signature: signed.Signature, 'signature-input': signed['Signature-Input'] });
      res.end(body);
    })();
  };
}

/** A bot request to `<site>/page` signed by web-bot-auth's signatureHeaders (its default components and nonce). */
async function peerRequest(site: Site, key: PeerKey, agent: string | undefined): Promise<Record<string, string>> {
  const headers: Record<string, string> = agent === undefined ? {} : { 'Signature-Agent': JSON.stringify(agent) };
  const now = new Date();
  const signed = await signatureHeaders({ method: 'GET', url: `${site.url}/page`, headers }, key.signer, { created: now, expires: new Date(now.getTime() + 300_000) });
  return { ...headers, Signature: signed.Signature, 'Signature-Input': signed['Signature-Input'] };
}

describe.each<SiteKind>(['express', 'node'])('web-bot-auth signs, our %s site verifies', (kind) => {
  const started: Site[] = [];
  const site = async (options: ServerVerifyOptions): Promise<Site> => { const s = await startBotSite(kind, options); started.push(s); return s; };
  afterAll(async () => { await Promise.all(started.map((s) => s.close())); });

  test.each(['ed25519', 'rsa'] as const)('%s with Signature-Agent: the key comes from the agent\'s directory, signed by web-bot-auth', async (type) => {
    const key = type === 'rsa' ? rsa : ed;
    host.routes.set(DIRECTORY_PATH, peerDirectory([ed, rsa]));
    const s = await site({ scheme: 'web-bot-auth', keys: signatureAgentKeys(guardFor(host, tls.cert)) });
    const answer = await rawGet(s.url, '/page', await peerRequest(s, key, host.origin()));
    expect(answer).toEqual({ status: 200, json: { keyId: key.signer.keyid, thumbprint: key.signer.keyid, agent: host.origin(), claimedAgent: host.origin() } });
  });

  test('without Signature-Agent (their components: @authority alone), with a keyring', async () => {
    const s = await site({ scheme: 'web-bot-auth', keys: webBotAuthKeyring([ed.publicJwk]) });
    const answer = await rawGet(s.url, '/page', await peerRequest(s, ed, undefined));
    expect(answer).toEqual({ status: 200, json: { keyId: ed.signer.keyid, thumbprint: ed.signer.keyid, agent: null, claimedAgent: null } });
  });

  test('their nonce is recorded: the same signed request twice is ERR_SIGNATURE_REPLAYED', async () => {
    const s = await site({ scheme: 'web-bot-auth', keys: webBotAuthKeyring([ed.publicJwk]), replay: new MemoryReplayStore(), requireNonce: true });
    const headers = await peerRequest(s, ed, undefined);
    expect((await rawGet(s.url, '/page', headers)).status).toBe(200);
    expect(await rawGet(s.url, '/page', headers)).toMatchObject({ status: 401, json: { code: 'ERR_SIGNATURE_REPLAYED' } });
  });
});

test('a directory signed by web-bot-auth is trusted key by key: only the keys that signed it', async () => {
  const unsignedListed = await peerKey('ed25519');
  host.routes.set(DIRECTORY_PATH, (req, res) => {
    void (async () => {
      const signed = await directoryResponseHeaders({
        request: { method: 'GET', url: `https://${req.headers.host ?? ''}${DIRECTORY_PATH}`, headers: {} },
        response: { status: 200, headers: {} },
      }, [ed.signer], { created: new Date(), expires: new Date(Date.now() + 600_000) });
      res.writeHead(200, { 'content-type': DIRECTORY_MEDIA_TYPE, signature: signed.Signature, 'signature-input': signed['Signature-Input'] });
      res.end(JSON.stringify({ keys: [ed.publicJwk, unsignedListed.publicJwk] }));
    })();
  });
  const directories = new KeyDirectories(guardFor(host, tls.cert));
  expect(await directories.resolve(host.origin(), ed.signer.keyid)).toMatchObject({ kty: 'OKP', x: ed.publicJwk['x'] });
  expect(await directories.resolve(host.origin(), unsignedListed.signer.keyid)).toBeNull();
});

// Web Bot Auth key directories against a real https agent host on loopback: a key is trusted only when it signed
// the directory; media type, size, redirects and addresses are guarded; directories are cached (Cache-Control,
// clamps, the signatures' expiry), failures remembered, and a rotated key refetched at a bounded rate.
import { createKeyDirectory, verifyWebBotAuth } from '@httpsig/core/web-bot-auth';
import { keyDirectoryHandler } from '@httpsig/server';
import type { KeyCacheEntry, SharedKeyCache } from '../src/index.js';
import { KeyDirectories, signatureAgentKeys } from '../src/index.js';
import { certificateForTestHosts, guardFor, startActorHost, type ActorHost } from './support/actor-host.js';
import { DIRECTORY_PATH, botKey, botRequest, directoryRoute, type BotKey } from './support/key-directory.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let alice: BotKey;
let bob: BotKey;
let rsa: BotKey;
beforeAll(async () => {
  host = await startActorHost(tls);
  [alice, bob, rsa] = [botKey(), botKey(), botKey('rsa')];
});
afterAll(async () => { await host.close(); });
beforeEach(() => { host.routes.clear(); host.requests.length = 0; });

/** A clock the directories read, starting now. */
function clock(): { now: () => number; advance: (seconds: number) => void } {
  let t = Date.now();
  return { now: () => t, advance: (s) => { t += s * 1000; } };
}

const directories = (options: ConstructorParameters<typeof KeyDirectories>[0] = {}): KeyDirectories =>
  new KeyDirectories({ ...guardFor(host, tls.cert), ...options });
const fetches = (): number => host.count(DIRECTORY_PATH);
const codeOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (e: { code?: string }) => e.code ?? e);

describe('verifying a bot with its agent\'s directory', () => {
  test('a request naming its agent verifies with the key the directory is signed by; the directory is fetched once', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice, rsa]));
    const keys = signatureAgentKeys(guardFor(host, tls.cert));
    const agent = host.origin('actor.test');
    const result = await verifyWebBotAuth(await botRequest(alice, agent), { keys });
    expect(result).toMatchObject({ agent, thumbprint: alice.thumbprint, algorithm: 'ed25519' });
    expect((await verifyWebBotAuth(await botRequest(rsa, agent), { keys })).algorithm).toBe('rsa-pss-sha512');
    expect(fetches()).toBe(1);
    const [received] = host.requests;
    expect(received).toMatchObject({ host: 'actor.test', servername: 'actor.test' });
    expect(received?.headers.accept).toBe('application/http-message-signatures-directory+json');
  });

  test('a directory served by @httpsig/server (createKeyDirectory: signatures covering Content-Digest) is trusted for its own bytes', async () => {
    const agent = host.origin('actor.test');
    const directory = await createKeyDirectory({ keys: [alice.privateKey as never, rsa.privateKey as never], authorities: [new URL(agent).host] });
    const handler = keyDirectoryHandler(directory);
    host.routes.set(DIRECTORY_PATH, (req, res) => { void handler(req, res, () => { res.writeHead(404).end(); }); });
    const keys = signatureAgentKeys(guardFor(host, tls.cert));
    expect(await verifyWebBotAuth(await botRequest(alice, agent), { keys })).toMatchObject({ agent, thumbprint: alice.thumbprint });
    expect((await verifyWebBotAuth(await botRequest(rsa, agent), { keys })).algorithm).toBe('rsa-pss-sha512');
    // The same signed headers and keys, the body changed on the way (one more space): the keys read are not the
    // bytes signed, so no key is trusted.
    host.routes.set(DIRECTORY_PATH, (req, res) => {
      void directory.respond({ method: 'GET', url: req.url ?? '/', headers: req.headers as never }).then(({ status, headers, body }) => {
        const changed = `${body ?? ''} `;
        res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(changed) }).end(changed);
      });
    });
    expect(await codeOf(directories().resolve(agent, alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
  });

  test('a request without Signature-Agent has no directory: ERR_UNKNOWN_KEY, nothing fetched', async () => {
    const keys = signatureAgentKeys(guardFor(host, tls.cert));
    expect(await codeOf(verifyWebBotAuth(await botRequest(alice, undefined), { keys }))).toBe('ERR_UNKNOWN_KEY');
    expect(host.requests).toHaveLength(0);
  });

  test('a key listed but not signing the directory is not trusted (ERR_UNKNOWN_KEY)', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { listed: [alice, bob] }));
    const keys = signatureAgentKeys(guardFor(host, tls.cert));
    expect(await codeOf(verifyWebBotAuth(await botRequest(bob, host.origin()), { keys }))).toBe('ERR_UNKNOWN_KEY');
  });
});

describe('refused directories', () => {
  test('unsigned, or signed only by a key it does not list: ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([], { listed: [alice] }));
    expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
    host.routes.set(DIRECTORY_PATH, directoryRoute([bob], { listed: [alice] }));
    expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
  });

  test('signed for another authority (a mirror of someone else\'s directory): ERR_KEY_FETCH_OWNER_MISMATCH', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { authority: `other.test:${host.port}` }));
    expect(await codeOf(directories().resolve(host.origin('actor.test'), alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
  });

  test('another media type: ERR_KEY_FETCH_BAD_DOCUMENT', async () => {
    for (const type of ['application/json', 'application/jwk-set+json', 'text/html']) {
      host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { type }));
      expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_BAD_DOCUMENT');
    }
  });

  test('not a JWK set, or more keys than maxKeys: ERR_KEY_FETCH_BAD_DOCUMENT', async () => {
    host.routes.set(DIRECTORY_PATH, (_req, res) => { res.writeHead(200, { 'content-type': 'application/http-message-signatures-directory+json' }); res.end('[1,2]'); });
    expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_BAD_DOCUMENT');
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { listed: [alice, bob, rsa] }));
    expect(await codeOf(directories({ maxKeys: 2 }).resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_BAD_DOCUMENT');
  });

  test('over the size limit: ERR_KEY_FETCH_TOO_LARGE', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { padding: 300 * 1024 }));
    expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_TOO_LARGE');
  });

  test('a redirect to a private address is not followed: ERR_KEY_FETCH_REFUSED_ADDRESS', async () => {
    host.routes.set(DIRECTORY_PATH, (_req, res) => { res.writeHead(302, { location: `https://10.0.0.7${DIRECTORY_PATH}` }); res.end(); });
    expect(await codeOf(directories().resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_REFUSED_ADDRESS');
    expect(fetches()).toBe(1);
  });

  test('an agent on a private address, or over http, is refused before any connection', async () => {
    const strict = new KeyDirectories({ lookup: guardFor(host, tls.cert).lookup, ca: tls.cert });
    expect(await codeOf(strict.resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_REFUSED_ADDRESS');
    expect(await codeOf(strict.resolve('https://192.168.1.1', alice.thumbprint))).toBe('ERR_KEY_FETCH_REFUSED_ADDRESS');
    expect(await codeOf(strict.resolve('http://crawler.example', alice.thumbprint))).toBe('ERR_KEY_FETCH_REFUSED_URL');
    expect(host.requests).toHaveLength(0);
  });

  test('a failure is remembered for negativeTtl: no second fetch', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([], { listed: [alice] }));
    const { now, advance } = clock();
    const dirs = directories({ now, negativeTtl: 30 });
    expect(await codeOf(dirs.resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
    expect(await codeOf(dirs.resolve(host.origin(), alice.thumbprint))).toBe('ERR_KEY_FETCH_OWNER_MISMATCH');
    expect(fetches()).toBe(1);
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice]));
    advance(31);
    expect(await dirs.resolve(host.origin(), alice.thumbprint)).toMatchObject({ kty: 'OKP', x: alice.jwk['x'] });
  });
});

describe('caching and rotation', () => {
  test('a key the cached directory does not hold: unknown without fetching within refreshInterval, then one refetch', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { cacheControl: 'max-age=3600' }));
    const { now, advance } = clock();
    const dirs = directories({ now, refreshInterval: 60 });
    expect(await dirs.resolve(host.origin(), alice.thumbprint)).not.toBeNull();
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice, bob], { cacheControl: 'max-age=3600' }));
    for (let i = 0; i < 5; i++) expect(await dirs.resolve(host.origin(), bob.thumbprint)).toBeNull();
    expect(fetches()).toBe(1);
    advance(61);
    expect(await dirs.resolve(host.origin(), bob.thumbprint)).toMatchObject({ x: bob.jwk['x'] });
    expect(fetches()).toBe(2);
    expect(await dirs.resolve(host.origin(), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(fetches()).toBe(2);
  });

  test('TTL from Cache-Control, clamped to minTtl, and never past the directory signatures\' expiry', async () => {
    const { now, advance } = clock();
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice], { cacheControl: 'max-age=1' }));
    const dirs = directories({ now, minTtl: 120 });
    await dirs.resolve(host.origin(), alice.thumbprint);
    advance(100);
    await dirs.resolve(host.origin(), alice.thumbprint);
    expect(fetches()).toBe(1);
    advance(21);
    await dirs.resolve(host.origin(), alice.thumbprint);
    expect(fetches()).toBe(2);

    host.requests.length = 0;
    host.routes.set(`other.test ${DIRECTORY_PATH}`, directoryRoute([alice], { cacheControl: 'max-age=86400', validity: 600 }));
    await dirs.resolve(host.origin('other.test'), alice.thumbprint);
    advance(600 + 300 + 1); // past `expires` + the clock skew
    host.routes.set(`other.test ${DIRECTORY_PATH}`, directoryRoute([alice], { cacheControl: 'max-age=86400', created: Math.floor(now() / 1000) }));
    await dirs.resolve(host.origin('other.test'), alice.thumbprint);
    expect(fetches()).toBe(2);
  });

  test('concurrent resolutions share one fetch', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice, bob]));
    const dirs = directories();
    await Promise.all([alice, bob, alice, bob].map((k) => dirs.resolve(host.origin(), k.thumbprint)));
    expect(fetches()).toBe(1);
  });

  test('a shared cache lets another process resolve a trusted key without fetching', async () => {
    const store = new Map<string, KeyCacheEntry>();
    const sharedCache: SharedKeyCache = {
      get: async (keyId) => store.get(keyId),
      set: async (entry) => { store.set(entry.keyId, entry); },
    };
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice]));
    await directories({ sharedCache }).resolve(host.origin(), alice.thumbprint);
    expect([...store.keys()]).toEqual([`${host.origin()}${DIRECTORY_PATH}#${alice.thumbprint}`]);
    const other = directories({ sharedCache });
    expect(await other.resolve(host.origin(), alice.thumbprint)).toEqual({ crv: 'Ed25519', kty: 'OKP', x: alice.jwk['x'] });
    expect(fetches()).toBe(1);
  });

  test('the fetch budget per origin bounds fetches: ERR_KEY_FETCH_RATE_LIMITED', async () => {
    host.routes.set(DIRECTORY_PATH, directoryRoute([alice]));
    const { now, advance } = clock();
    const dirs = directories({ now, fetchesPerOrigin: 1, refreshInterval: 0 });
    await dirs.resolve(host.origin(), alice.thumbprint);
    advance(1);
    expect(await codeOf(dirs.resolve(host.origin(), bob.thumbprint))).toBe('ERR_KEY_FETCH_RATE_LIMITED');
  });
});

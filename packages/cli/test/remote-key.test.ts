// `httpsig verify --remote-key`: the key fetched from the keyId URL with @httpsig/keys, served by a loopback actor
// host (test-support), under the guard's defaults unless a flag lifts one rule; each failure a code and an exit code.
import { sign } from '@httpsig/core';
import type { SignOptions } from '@httpsig/core';
import { actor, json, rsaKey, startActorHost, type ActorHost, type TestKey } from '../../../test-support/actor-host.mjs';
import { EXIT_CODES } from '../src/index.js';
import { httpsig } from './helpers.js';

let host: ActorHost;
let alice: TestKey;
let mallory: TestKey;
let actorUrl: string;
let keyId: string;
beforeAll(async () => {
  host = await startActorHost();
  alice = rsaKey();
  mallory = rsaKey();
  actorUrl = `http://127.0.0.1:${host.port}/users/alice`;
  keyId = `${actorUrl}#main-key`;
});
afterAll(async () => { await host.close(); });
beforeEach(() => {
  host.routes.clear();
  host.requests.length = 0;
  host.routes.set('/users/alice', json(actor(actorUrl, alice)));
});

const LOOPBACK = ['--remote-key', '--allow-http', '--allow-private-addresses'];
const RFC9421 = { scheme: 'rfc9421', algorithm: 'rsa-v1_5-sha256', headers: ['@method', '@authority', '@path', 'content-digest'] } as Partial<SignOptions>;

/** A raw inbox POST signed with `key`, as a Fediverse server would send it. */
async function signedInboxPost(key: string, options: Partial<SignOptions> = {}): Promise<string> {
  const body = '{"type":"Follow"}';
  const headers: Record<string, string> = { host: 'inbox.example', 'content-type': 'application/activity+json' };
  const result = await sign({ method: 'POST', url: '/inbox', headers }, {
    keyId, key, algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], scheme: 'signature', digest: 'SHA-256', body, ...options,
  } as SignOptions);
  const all = { ...headers, ...result.headers };
  return `POST /inbox HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

describe('httpsig verify --remote-key', () => {
  test('draft-cavage: the key of the actor document verifies the signature', async () => {
    const run = await httpsig(['verify', ...LOOPBACK, '--required-headers', '(request-target) host date digest', '-'], {}, await signedInboxPost(alice.privatePem));
    expect(run.stdout).toBe(`OK: the signature verifies (keyId ${keyId}, rsa-sha256, headers "(request-target) host date digest")\n`);
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(host.count('/users/alice')).toBe(1);
  });

  test('RFC 9421: the algorithm comes from the fetched key (rsa-v1_5-sha256 for RSA)', async () => {
    const raw = await signedInboxPost(alice.privatePem, RFC9421);
    const run = await httpsig(['verify', ...LOOPBACK, '--json', '-'], {}, raw);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, scheme: 'rfc9421', keyId, algorithm: 'rsa-v1_5-sha256' });
    expect(run.code).toBe(EXIT_CODES.OK);
    // --algorithm narrows what the key allows: another algorithm is refused.
    const narrowed = await httpsig(['verify', ...LOOPBACK, '--algorithm', 'ed25519', '--json', '-'], {}, raw);
    expect(JSON.parse(narrowed.stdout)).toMatchObject({ ok: false, code: 'ERR_ALGORITHM_NOT_ALLOWED' });
    expect(narrowed.code).toBe(EXIT_CODES.VERIFY_FAILED);
  });

  test('a signature by another key than the document\'s: exit 3, ERR_SIGNATURE_MISMATCH', async () => {
    const run = await httpsig(['verify', ...LOOPBACK, '--json', '-'], {}, await signedInboxPost(mallory.privatePem));
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' });
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
  });

  test('the guard\'s defaults hold without the flags: an http keyId, then a loopback address, are refused (exit 6), nothing fetched', async () => {
    const raw = await signedInboxPost(alice.privatePem);
    const http = await httpsig(['verify', '--remote-key', '--json', '-'], {}, raw);
    expect(JSON.parse(http.stdout)).toMatchObject({ ok: false, code: 'ERR_KEY_FETCH_REFUSED_URL', cause: expect.stringContaining('--allow-http') });
    expect(http.code).toBe(EXIT_CODES.KEY_UNAVAILABLE);
    const loopback = await httpsig(['verify', '--remote-key', '--allow-http', '-'], {}, raw);
    expect(loopback.stdout).toMatch(/^FAILED: ERR_KEY_FETCH_REFUSED_ADDRESS: /);
    expect(loopback.stdout).toContain('--allow-private-addresses');
    expect(loopback.code).toBe(EXIT_CODES.KEY_UNAVAILABLE);
    expect(host.requests).toHaveLength(0);
  });

  test('a key document that is not one, or that does not vouch for the key: exit 6 with its code, no fetched content echoed', async () => {
    host.routes.set('/users/alice', json({ secret: 'do-not-echo' }, { type: 'text/html' }));
    const notJson = await httpsig(['verify', ...LOOPBACK, '-'], {}, await signedInboxPost(alice.privatePem));
    expect(notJson.stdout).toMatch(/^FAILED: ERR_KEY_FETCH_BAD_DOCUMENT: /);
    expect(notJson.stdout + notJson.stderr).not.toContain('do-not-echo');
    expect(notJson.code).toBe(EXIT_CODES.KEY_UNAVAILABLE);
    host.routes.set('/users/alice', json(actor(actorUrl, alice, { publicKey: { id: keyId, owner: `http://127.0.0.1:${host.port}/users/bob`, publicKeyPem: alice.publicPem } })));
    const RFC = await httpsig(['verify', ...LOOPBACK, '--scheme', 'rfc9421', '--json', '-'], {}, await signedInboxPost(alice.privatePem, RFC9421));
    expect(JSON.parse(RFC.stdout)).toMatchObject({ ok: false, code: 'ERR_KEY_FETCH_OWNER_MISMATCH' });
    expect(RFC.code).toBe(EXIT_CODES.KEY_UNAVAILABLE);
  });

  test('--key-id still restricts the keyId: another one is not fetched', async () => {
    const run = await httpsig(['verify', ...LOOPBACK, '--key-id', 'https://elsewhere.example/users/x#main-key', '--json', '-'], {}, await signedInboxPost(alice.privatePem));
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'ERR_UNKNOWN_KEY' });
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(host.requests).toHaveLength(0);
  });

  test('usage: --remote-key with another key source, or a guard flag without --remote-key, is exit 2', async () => {
    const raw = await signedInboxPost(alice.privatePem);
    const both = await httpsig(['verify', '--remote-key', '--secret-env', 'X', '-'], { X: 'secret' }, raw);
    expect(both.code).toBe(EXIT_CODES.USAGE);
    expect(both.stderr).toContain('--remote-key');
    const alone = await httpsig(['verify', '--allow-private-addresses', '-'], { HTTPSIG_SECRET: 'secret-0123456789abcdef' }, raw);
    expect(alone.code).toBe(EXIT_CODES.USAGE);
    expect(alone.stderr).toContain('--allow-private-addresses applies to --remote-key only');
  });
});

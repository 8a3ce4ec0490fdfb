// The Web Bot Auth verify policy (verifyWebBotAuth), the local keyring and the signed key directory
// (verifyKeyDirectory): the draft's published example, both Signature-Agent syntaxes, and every refusal.
import { generateKeyPairSync } from 'node:crypto';
import { MemoryReplayStore } from '../src/replay-store.js';
import { jwkThumbprint } from '../src/jwk-thumbprint.js';
import { signRfc9421, type Rfc9421Algorithm, type Rfc9421Request } from '../src/rfc9421/index.js';
import {
  DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, DIRECTORY_TAG, WEB_BOT_AUTH_TAG, verifyKeyDirectory, verifyWebBotAuth, webBotAuthKeyring, type WebBotAuthKeys,
} from '../src/web-bot-auth/index.js';
import { codeOf as outcome } from './support/outcome.js';
import { ED_KEYID } from './support/web-bot-auth-keys.js';

// RFC 9421 Appendix B.1.4, the key of the architecture draft's examples.
const RFC9421_ED25519 = {
  kty: 'OKP', crv: 'Ed25519', kid: 'test-key-ed25519',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
};
const publicOf = ({ d: _d, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;

const NOW = 1_800_000_000;
const ed = generateKeyPairSync('ed25519');
const edJwk = ed.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const edThumbprint = jwkThumbprint(edJwk);
const keys = webBotAuthKeyring([edJwk]);

interface BotSignOptions {
  key?: unknown; algorithm?: Rfc9421Algorithm; keyId?: string; components?: string[]; tag?: string | null;
  created?: number; expires?: number | null; nonce?: string; agent?: string; includeAlg?: boolean;
}

/** A bot's request as the server receives it (origin form, Host), signed with our RFC 9421 signer. */
async function botRequest(options: BotSignOptions = {}): Promise<Rfc9421Request & { headers: Record<string, string> }> {
  const headers: Record<string, string> = { host: 'site.example' };
  if (options.agent !== undefined) headers['signature-agent'] = options.agent;
  const created = options.created ?? NOW;
  const signed = await signRfc9421({ method: 'GET', url: 'https://site.example/page', headers }, {
    key: (options.key ?? ed.privateKey) as never,
    algorithm: options.algorithm ?? 'ed25519',
    keyId: options.keyId ?? edThumbprint,
    components: options.components ?? (options.agent === undefined ? ['@authority'] : ['@authority', '"signature-agent";key="agent1"']),
    created,
    ...(options.expires === null ? {} : { expires: options.expires ?? created + 60 }),
    ...(options.tag === null ? {} : { tag: options.tag ?? WEB_BOT_AUTH_TAG }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    includeAlg: options.includeAlg ?? false,
    structuredFields: { 'signature-agent': 'dictionary' },
  });
  return { method: 'GET', url: '/page', headers: { ...headers, ...signed.headers } };
}

const at = { now: NOW * 1000 };

describe('the draft\'s published example', () => {
  // draft-meunier-web-bot-auth-architecture, Appendix A.2.3 (also web-bot-auth 0.1.3's test vector): the
  // sf-string Signature-Agent, Ed25519 with the RFC 9421 test key.
  const example = {
    method: 'GET', url: '/', headers: {
      host: 'example.com',
      'signature-agent': '"https://signature-agent.test"',
      'signature-input': 'sig2=("@authority" "signature-agent");created=1735689600;keyid="poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U";alg="ed25519";expires=1735693200;nonce="e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==";tag="web-bot-auth"',
      signature: 'sig2=:jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/5Syp3rLWBA==:',
    },
  };

  test('verifies with the key in a keyring: thumbprint reported; the agent it names is only claimed (a keyring vouches for no agent)', async () => {
    expect(jwkThumbprint(RFC9421_ED25519)).toBe(ED_KEYID);
    const result = await verifyWebBotAuth(example, { keys: webBotAuthKeyring([publicOf(RFC9421_ED25519)]), now: 1735689600_000 + 5000 });
    expect(result).toMatchObject({ thumbprint: ED_KEYID, keyId: ED_KEYID, algorithm: 'ed25519', label: 'sig2' });
    expect(result.agent).toBeUndefined();
    expect(result.claimedAgent).toBe('https://signature-agent.test');
    expect(result.components).toEqual(['"@authority"', '"signature-agent"']);
  });

  test('the key source is asked for the thumbprint and the agent origin the covered Signature-Agent names, and answers for that agent', async () => {
    const asked: [string, string | undefined][] = [];
    const source: WebBotAuthKeys = (keyId, agent) => { asked.push([keyId, agent]); return publicOf(RFC9421_ED25519); };
    const result = await verifyWebBotAuth(example, { keys: source, now: 1735689600_000 });
    expect(asked).toEqual([[ED_KEYID, 'https://signature-agent.test']]);
    expect(result).toMatchObject({ agent: 'https://signature-agent.test', claimedAgent: 'https://signature-agent.test' });
  });

  test('another authority does not verify (the signature covers @authority)', async () => {
    const moved = { ...example, headers: { ...example.headers, host: 'elsewhere.example' } };
    expect(await outcome(verifyWebBotAuth(moved, { keys: webBotAuthKeyring([publicOf(RFC9421_ED25519)]), now: 1735689600_000 }))).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

describe('accepted', () => {
  test('a dictionary Signature-Agent covered with ;key: the member\'s origin is the claimed agent (port kept, path dropped)', async () => {
    const request = await botRequest({ agent: 'agent1="https://crawler.example:8443/bot";type=directory' });
    const result = await verifyWebBotAuth(request, { keys, ...at });
    expect(result.claimedAgent).toBe('https://crawler.example:8443');
    expect(result.agent).toBeUndefined();
    expect(result.components).toEqual(['"@authority"', '"signature-agent";key="agent1"']);
  });

  test('no Signature-Agent: @authority alone is enough, agent undefined', async () => {
    const result = await verifyWebBotAuth(await botRequest(), { keys, ...at });
    expect(result).toMatchObject({ thumbprint: edThumbprint, agent: undefined, claimedAgent: undefined });
  });

  test('RSA keys verify with rsa-pss-sha512, decided by the key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = rsa.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const request = await botRequest({ key: rsa.privateKey, algorithm: 'rsa-pss-sha512', keyId: jwkThumbprint(jwk) });
    expect((await verifyWebBotAuth(request, { keys: webBotAuthKeyring([jwk]), ...at })).algorithm).toBe('rsa-pss-sha512');
    const pkcs1 = await botRequest({ key: rsa.privateKey, algorithm: 'rsa-v1_5-sha256', keyId: jwkThumbprint(jwk), includeAlg: true });
    expect(await outcome(verifyWebBotAuth(pkcs1, { keys: webBotAuthKeyring([jwk]), ...at }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
  });

  test('a signature with another tag beside the bot\'s is skipped, not fatal', async () => {
    const bot = await botRequest();
    const other = await signRfc9421({ method: 'GET', url: 'https://site.example/page', headers: { host: 'site.example', ...bot.headers } }, {
      key: ed.privateKey as never, algorithm: 'ed25519', keyId: 'other', components: ['@authority'], tag: 'something-else', created: NOW, label: 'aaa',
    });
    const result = await verifyWebBotAuth({ ...bot, headers: { ...bot.headers, ...other.headers } }, { keys, ...at });
    expect(result.label).toBe('sig1');
  });
});

describe('refused', () => {
  test('no tag, or another tag: ERR_HEADER_NOT_SIGNED', async () => {
    expect(await outcome(verifyWebBotAuth(await botRequest({ tag: null }), { keys, ...at }))).toBe('ERR_HEADER_NOT_SIGNED');
    expect(await outcome(verifyWebBotAuth(await botRequest({ tag: DIRECTORY_TAG }), { keys, ...at }))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('a signature that does not cover @authority (accepted by web-bot-auth 0.1.3, which checks no components)', async () => {
    const request = await botRequest({ components: ['"signature-agent";key="agent1"'], agent: 'agent1="https://crawler.example"' });
    await expect(verifyWebBotAuth(request, { keys, ...at })).rejects.toMatchObject({ code: 'ERR_HEADER_NOT_SIGNED', message: expect.stringContaining('@authority') });
  });

  test('a Signature-Agent the signature does not cover: fail closed', async () => {
    const request = await botRequest();
    request.headers['signature-agent'] = 'agent1="https://impostor.example"';
    await expect(verifyWebBotAuth(request, { keys, ...at })).rejects.toMatchObject({ code: 'ERR_HEADER_NOT_SIGNED', message: expect.stringContaining('signature-agent') });
  });

  test('a Signature-Agent that names no http(s) origin: ERR_MALFORMED_SIGNATURE', async () => {
    for (const agent of ['agent1="ftp://crawler.example"', 'agent1="https://user:pw@crawler.example"', 'agent1=?1', 'agent1="https://a.example";type=cimd']) {
      expect(await outcome(verifyWebBotAuth(await botRequest({ agent }), { keys, ...at }))).toBe('ERR_MALFORMED_SIGNATURE');
    }
  });

  test('without expires, or valid for longer than maxValidity (checked before any key lookup)', async () => {
    let lookups = 0;
    const counting: WebBotAuthKeys = (keyId, agent) => { lookups += 1; return keys(keyId, agent); };
    expect(await outcome(verifyWebBotAuth(await botRequest({ expires: null }), { keys: counting, ...at }))).toBe('ERR_HEADER_NOT_SIGNED');
    expect(await outcome(verifyWebBotAuth(await botRequest({ expires: NOW + 3601 }), { keys: counting, ...at }))).toBe('ERR_INVALID_DATE');
    expect(await outcome(verifyWebBotAuth(await botRequest({ expires: NOW + 120 }), { keys: counting, ...at, maxValidity: 60 }))).toBe('ERR_INVALID_DATE');
    expect(lookups).toBe(0);
    expect(await outcome(verifyWebBotAuth(await botRequest({ expires: NOW + 3600 }), { keys: counting, ...at }))).toBe('resolved');
  });

  test('expired', async () => {
    expect(await outcome(verifyWebBotAuth(await botRequest({ created: NOW - 1000, expires: NOW - 400 }), { keys, ...at }))).toBe('ERR_SIGNATURE_EXPIRED');
  });

  test('a keyid that is not the key\'s thumbprint: ERR_UNKNOWN_KEY, even from a key source that answers anything', async () => {
    const request = await botRequest({ keyId: jwkThumbprint(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as Record<string, unknown>) });
    expect(await outcome(verifyWebBotAuth(request, { keys, ...at }))).toBe('ERR_UNKNOWN_KEY');
    expect(await outcome(verifyWebBotAuth(request, { keys: () => edJwk, ...at }))).toBe('ERR_UNKNOWN_KEY');
  });

  test('a keyid that cannot be a thumbprint is unknown without asking the key source', async () => {
    let asked = 0;
    const request = await botRequest({ keyId: 'my-bot-key' });
    expect(await outcome(verifyWebBotAuth(request, { keys: () => { asked += 1; return edJwk; }, ...at }))).toBe('ERR_UNKNOWN_KEY');
    expect(asked).toBe(0);
  });

  test('a key neither Ed25519 nor RSA: ERR_ALGORITHM_NOT_ALLOWED', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = ec.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const request = await botRequest({ key: ec.privateKey, algorithm: 'ecdsa-p256-sha256', keyId: jwkThumbprint(jwk) });
    expect(await outcome(verifyWebBotAuth(request, { keys: () => jwk, ...at }))).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    expect(() => webBotAuthKeyring([jwk])).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_NOT_ALLOWED' }));
  });
});

describe('nonce replay', () => {
  test('a nonce is accepted once per key, whatever else changes; without a nonce the store refuses', async () => {
    const replayStore = new MemoryReplayStore();
    const first = await botRequest({ nonce: 'bm9uY2UtMQ' });
    expect(await outcome(verifyWebBotAuth(first, { keys, replayStore, ...at }))).toBe('resolved');
    expect(await outcome(verifyWebBotAuth(first, { keys, replayStore, ...at }))).toBe('ERR_SIGNATURE_REPLAYED');
    const sameNonce = await botRequest({ nonce: 'bm9uY2UtMQ', created: NOW - 1 });
    expect(await outcome(verifyWebBotAuth(sameNonce, { keys, replayStore, ...at }))).toBe('ERR_SIGNATURE_REPLAYED');
    expect(await outcome(verifyWebBotAuth(await botRequest({ nonce: 'bm9uY2UtMg' }), { keys, replayStore, ...at }))).toBe('resolved');
    expect(await outcome(verifyWebBotAuth(await botRequest(), { keys, replayStore, ...at }))).toBe('ERR_HEADER_NOT_SIGNED');
    const bare = await botRequest();
    expect(await outcome(verifyWebBotAuth(bare, { keys, replayStore, requireNonce: false, ...at }))).toBe('resolved');
    expect(await outcome(verifyWebBotAuth(bare, { keys, replayStore, requireNonce: false, ...at }))).toBe('ERR_SIGNATURE_REPLAYED');
  });

  test('a signature valid for the whole maxValidity is recorded under a maxReplayWindow of the same length (the skews on top)', async () => {
    // The server's defaults: maxReplayWindow one hour, the bot policy's maxValidity one hour, clockSkew 300 s.
    const replayStore = new MemoryReplayStore();
    const longest = await botRequest({ nonce: 'bm9uY2UtMw', expires: NOW + DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY });
    expect(await outcome(verifyWebBotAuth(longest, { keys, replayStore, maxReplayWindow: DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, ...at }))).toBe('resolved');
    expect(await outcome(verifyWebBotAuth(longest, { keys, replayStore, maxReplayWindow: DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, ...at }))).toBe('ERR_SIGNATURE_REPLAYED');
    // A longer maxValidity raises the window with it, as maxAge does for RFC 9421: what the policy accepts is recorded.
    const beyond = await botRequest({ nonce: 'bm9uY2UtNA', expires: NOW + 7200 });
    const options = { keys, replayStore, maxReplayWindow: 3600, maxValidity: 7200, ...at };
    expect(await outcome(verifyWebBotAuth(beyond, options))).toBe('resolved');
  });
});

describe('verifyKeyDirectory', () => {
  const origin = 'https://crawler.example:8443';
  const other = generateKeyPairSync('ed25519');
  const otherJwk = other.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;

  /** A directory response signed, per key given, with `tag="http-message-signatures-directory"` over `"@authority";req`. */
  async function directory(
    signers: { key: unknown; jwk: Record<string, unknown> }[], options: { authority?: string; tag?: string; components?: string[]; body?: string } = {},
  ) {
    let headers: Record<string, string> = { 'content-type': 'application/http-message-signatures-directory+json' };
    const request = { method: 'GET', url: `https://${options.authority ?? 'crawler.example:8443'}/.well-known/http-message-signatures-directory` };
    for (const [index, signer] of signers.entries()) {
      const signed = await signRfc9421({ status: 200, headers, request }, {
        key: signer.key as never, algorithm: 'ed25519', keyId: jwkThumbprint(signer.jwk), label: `binding${index}`,
        components: options.components ?? ['"@authority";req'], tag: options.tag ?? DIRECTORY_TAG, created: NOW, expires: NOW + 3600,
        ...(options.body === undefined ? {} : { digest: 'SHA-256' as const, body: options.body }),
      });
      headers = { ...headers, ...signed.headers };
    }
    return { status: 200, headers };
  }

  test('each key that signed the response is trusted, until the earliest expiry', async () => {
    const response = await directory([{ key: ed.privateKey, jwk: edJwk }, { key: other.privateKey, jwk: otherJwk }]);
    const verified = await verifyKeyDirectory({ ...response, keys: [edJwk, otherJwk] }, origin, at);
    expect([...verified.keys.keys()].sort()).toEqual([edThumbprint, jwkThumbprint(otherJwk)].sort());
    expect(verified.validUntil).toBe(NOW + 3600 + 300);
  });

  test('a key without its own signature is dropped; unknown key types are skipped', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const response = await directory([{ key: ed.privateKey, jwk: edJwk }]);
    const verified = await verifyKeyDirectory({ ...response, keys: [edJwk, otherJwk, ec, { kty: 'oct', k: 'c2VjcmV0' }, 'junk'] }, origin, at);
    expect([...verified.keys.keys()]).toEqual([edThumbprint]);
  });

  test('refused: unsigned, signed only by a key not in it, signed for another authority, another tag, not covering @authority;req', async () => {
    expect(await outcome(verifyKeyDirectory({ status: 200, headers: {}, keys: [edJwk] }, origin, at))).toBe('ERR_SIGNATURE_MISSING');
    const foreign = await directory([{ key: other.privateKey, jwk: otherJwk }]);
    expect(await outcome(verifyKeyDirectory({ ...foreign, keys: [edJwk] }, origin, at))).toBe('ERR_SIGNATURE_MISSING');
    const mirrored = await directory([{ key: ed.privateKey, jwk: edJwk }], { authority: 'mirror.example' });
    expect(await outcome(verifyKeyDirectory({ ...mirrored, keys: [edJwk] }, origin, at))).toBe('ERR_SIGNATURE_MISMATCH');
    const tagged = await directory([{ key: ed.privateKey, jwk: edJwk }], { tag: WEB_BOT_AUTH_TAG });
    expect(await outcome(verifyKeyDirectory({ ...tagged, keys: [edJwk] }, origin, at))).toBe('ERR_HEADER_NOT_SIGNED');
    const uncovered = await directory([{ key: ed.privateKey, jwk: edJwk }], { components: ['@status'] });
    expect(await outcome(verifyKeyDirectory({ ...uncovered, keys: [edJwk] }, origin, at))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('a signature covering Content-Digest trusts its keys only for the body it was made over', async () => {
    const body = JSON.stringify({ keys: [edJwk] });
    const response = await directory([{ key: ed.privateKey, jwk: edJwk }], { components: ['"@authority";req', 'content-digest'], body });
    const verified = await verifyKeyDirectory({ ...response, keys: [edJwk], body }, origin, at);
    expect([...verified.keys.keys()]).toEqual([edThumbprint]);
    // The same signed headers over another key set: the keys read are not the ones signed.
    const swapped = JSON.stringify({ keys: [edJwk, otherJwk] });
    expect(await outcome(verifyKeyDirectory({ ...response, keys: [edJwk, otherJwk], body: swapped }, origin, at))).toBe('ERR_DIGEST_MISMATCH');
    // Without the body such a signature cannot be checked: nothing is trusted.
    expect(await outcome(verifyKeyDirectory({ ...response, keys: [edJwk] }, origin, at))).toBe('ERR_DIGEST_MISSING');
  });

  test('expired directory signatures are not trusted', async () => {
    const response = await directory([{ key: ed.privateKey, jwk: edJwk }]);
    expect(await outcome(verifyKeyDirectory({ ...response, keys: [edJwk] }, origin, { now: (NOW + 7200) * 1000 }))).toBe('ERR_SIGNATURE_EXPIRED');
  });
});

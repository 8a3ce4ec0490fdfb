// The Fediverse presets: what each signs (checked against what the peer requires) and what each verifier
// accepts — both schemes, the compatibility forms reported, and each peer's time window.
import {
  FEDIVERSE_COMPONENTS, FEDIVERSE_SIGNED_HEADERS, fedifySignOptions, fediverseVerifyOptions, mastodonSignOptions, mastodonVerifyOptions,
  misskeySignOptions, misskeyVerifyOptions, sign, verify, type FediverseKeyLookups, type SignableRequest, type SigningOptions, type VerifyAutoOptions,
} from '../src/index.js';
import { refusal } from './support/outcome.js';
import { pemOf } from './rfc9421-helpers.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const RSA_PRIVATE = pemOf('rfc9421-test-key-rsa.private.pem');
const RSA_PUBLIC = pemOf('rfc9421-test-key-rsa.public.pem');
const ED_PRIVATE = pemOf('rfc9421-test-key-ed25519.private.pem');
const ED_PUBLIC = pemOf('rfc9421-test-key-ed25519.public.pem');
const KEY_ID = 'https://a.example/users/alice#main-key';
const rsa = { keyId: KEY_ID, key: RSA_PRIVATE };
const ed = { keyId: KEY_ID, key: ED_PRIVATE, keyType: 'ed25519' as const };

/** What `@httpsig/keys` would return for an RSA or an Ed25519 actor key (its default algorithms). */
const keysFor = (type: 'rsa' | 'ed25519'): FediverseKeyLookups => ({
  cavage: (id) => (id !== KEY_ID ? null : type === 'rsa'
    ? { key: RSA_PUBLIC, algorithms: ['rsa-sha256', 'hs2019'], hs2019: 'rsa-sha256' }
    : { key: ED_PUBLIC, algorithms: ['ed25519', 'hs2019'] }),
  rfc9421: (id) => (id !== KEY_ID ? null : type === 'rsa' ? { key: RSA_PUBLIC, algorithms: ['rsa-v1_5-sha256'] } : { key: ED_PUBLIC, algorithms: ['ed25519'] }),
});

/** Signs `method url` with the options at `signedAt`, and returns it as the server receives it (origin form, https). */
async function delivered(options: SigningOptions, url = 'https://b.example/inbox', method = 'POST', signedAt = now): Promise<SignableRequest & { scheme: string }> {
  const body = new TextEncoder().encode(method === 'POST' ? '{"type":"Create"}' : '');
  const outgoing = { method, url, headers: { host: 'b.example' } };
  const { headers } = await sign(outgoing, { ...options, body, now: signedAt });
  const target = new URL(url);
  return { method, url: target.pathname + target.search, headers: { ...outgoing.headers, ...headers }, scheme: 'https' };
}
const at = (options: VerifyAutoOptions, time: number): VerifyAutoOptions => ({
  ...options, cavage: { ...options.cavage, now: time }, rfc9421: { ...options.rfc9421, now: time },
});

describe('sign presets', () => {
  test('draft-cavage: the Signature header, rsa-sha256 over (request-target) host date and a SHA-256 Digest', async () => {
    expect(mastodonSignOptions(rsa)).toEqual({
      scheme: 'signature', keyId: KEY_ID, key: RSA_PRIVATE, algorithm: 'rsa-sha256', headers: FEDIVERSE_SIGNED_HEADERS, digest: 'SHA-256',
    });
    const request = await delivered(mastodonSignOptions(rsa));
    const header = (request.headers as Record<string, string>)['signature'] as string;
    expect(header).toContain('algorithm="rsa-sha256"');
    expect(header).toContain('headers="(request-target) host date digest"');
    expect((request.headers as Record<string, string>)['digest']).toMatch(/^SHA-256=/);
    expect((request.headers as Record<string, string>)['authorization']).toBeUndefined();
  });

  test('RFC 9421: @method @target-uri and Content-Digest, with created and keyid', async () => {
    expect(mastodonSignOptions(rsa, 'rfc9421')).toMatchObject({ scheme: 'rfc9421', algorithm: 'rsa-v1_5-sha256', components: FEDIVERSE_COMPONENTS, digest: 'SHA-256' });
    const request = await delivered(mastodonSignOptions(rsa, 'rfc9421'));
    expect((request.headers as Record<string, string>)['signature-input']).toMatch(/^sig1=\("@method" "@target-uri" "content-digest"\);created=\d+;keyid="https:\/\/a\.example\/users\/alice#main-key"$/);
  });

  test('Mastodon verifies RSA keys only; Misskey and Fedify take Ed25519 (signed as ed25519)', async () => {
    expect(() => mastodonSignOptions(ed)).toThrow(TypeError);
    expect(misskeySignOptions(ed)).toMatchObject({ algorithm: 'ed25519' });
    expect(fedifySignOptions(ed, 'rfc9421')).toMatchObject({ algorithm: 'ed25519', queryComponent: 'without-question-mark' });
    expect(() => misskeySignOptions(rsa, 'other' as never)).toThrow(TypeError);
    expect(() => misskeySignOptions({ ...rsa, keyType: 'dsa' as never })).toThrow(TypeError);
  });

  test("Fedify's preset signs (request-target) without the query: a strict verifier refuses it", async () => {
    const request = await delivered(fedifySignOptions(rsa), 'https://b.example/users/bob/outbox?page=true', 'GET');
    expect((request.headers as Record<string, string>)['signature']).toBeDefined();
    const strict = { keyLookup: keysFor('rsa').cavage, now };
    expect(await refusal(verify(request, strict))).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

describe('verify presets', () => {
  const presets = { mastodon: mastodonVerifyOptions, misskey: misskeyVerifyOptions, fediverse: fediverseVerifyOptions };

  test.each(Object.keys(presets) as (keyof typeof presets)[])('%s: both schemes, POST with a body and GET with a query', async (name) => {
    const options = at(presets[name](keysFor('rsa')), now);
    for (const spec of ['cavage', 'rfc9421'] as const) {
      await expect(verify(await delivered(mastodonSignOptions(rsa, spec as 'cavage')), options)).resolves.toMatchObject({ scheme: spec, keyId: KEY_ID });
      const get = await verify(await delivered(mastodonSignOptions(rsa, spec as 'cavage'), 'https://b.example/users/bob/outbox?page=true', 'GET'), options);
      expect(get.scheme === 'cavage' ? get.queryUnsigned : get.queryComponent).toBeUndefined();
    }
  });

  test.each(Object.keys(presets) as (keyof typeof presets)[])('%s: a query-less (request-target) verifies and is reported', async (name) => {
    const result = await verify(await delivered(fedifySignOptions(rsa), 'https://b.example/users/bob/outbox?page=true', 'GET'), at(presets[name](keysFor('rsa')), now));
    expect(result).toMatchObject({ scheme: 'cavage', queryUnsigned: true });
  });

  test("only the generic preset accepts Fedify's @query; @target-uri needs no compatibility", async () => {
    const withQuery: SigningOptions = { ...fedifySignOptions(rsa, 'rfc9421'), headers: ['@method', '@target-uri', '@query'] };
    const request = await delivered(withQuery, 'https://b.example/users/bob/outbox?page=true', 'GET');
    await expect(verify(request, at(fediverseVerifyOptions(keysFor('rsa')), now))).resolves.toMatchObject({ scheme: 'rfc9421', queryComponent: 'without-question-mark' });
    expect(await refusal(verify(request, at(mastodonVerifyOptions(keysFor('rsa')), now)))).toBe('ERR_SIGNATURE_MISMATCH');
    await expect(verify(await delivered(fedifySignOptions(rsa, 'rfc9421')), at(mastodonVerifyOptions(keysFor('rsa')), now))).resolves.toBeDefined();
  });

  test("Ed25519 under Misskey's name, and hs2019 read as the key's algorithm", async () => {
    const alias: SigningOptions = { ...misskeySignOptions(ed), algorithm: 'ed25519-sha512' };
    await expect(verify(await delivered(alias), at(misskeyVerifyOptions(keysFor('ed25519')), now))).resolves.toMatchObject({ algorithm: 'ed25519' });
    const hs2019: SigningOptions = { ...mastodonSignOptions(rsa), algorithm: 'hs2019' };
    await expect(verify(await delivered(hs2019), at(mastodonVerifyOptions(keysFor('rsa')), now))).resolves.toMatchObject({ algorithm: 'hs2019' });
  });

  test('Mastodon reads the Signature header only; Misskey and the generic preset read Authorization too', async () => {
    const authorization: SigningOptions = { ...mastodonSignOptions(rsa), scheme: 'authorization' };
    const request = await delivered(authorization);
    expect(await refusal(verify(request, at(mastodonVerifyOptions(keysFor('rsa')), now)))).toBe('ERR_SIGNATURE_MISSING');
    await expect(verify(request, at(misskeyVerifyOptions(keysFor('rsa')), now))).resolves.toBeDefined();
    await expect(verify(request, at(fediverseVerifyOptions(keysFor('rsa')), now))).resolves.toBeDefined();
  });

  test('a signature that leaves out host or the target is refused', async () => {
    const weak: SigningOptions = { ...mastodonSignOptions(rsa), headers: ['date'] };
    expect(await refusal(verify(await delivered(weak), at(fediverseVerifyOptions(keysFor('rsa')), now)))).toBe('ERR_HEADER_NOT_SIGNED');
    const weak9421: SigningOptions = { ...mastodonSignOptions(rsa, 'rfc9421'), headers: ['@method', '@path'] };
    expect(await refusal(verify(await delivered(weak9421), at(fediverseVerifyOptions(keysFor('rsa')), now)))).toBe('ERR_HEADER_NOT_SIGNED');
  });

  test('time windows: Mastodon one hour (created + 5 min + 1 h for RFC 9421), Misskey 300 s (created + 300 s + 2 s)', async () => {
    const cavage = mastodonSignOptions(rsa);
    const rfc = mastodonSignOptions(rsa, 'rfc9421');
    const mastodon = mastodonVerifyOptions(keysFor('rsa'));
    const misskey = misskeyVerifyOptions(keysFor('rsa'));
    const s = 1000;
    await expect(verify(await delivered(cavage, undefined, undefined, now - 3600 * s), at(mastodon, now))).resolves.toBeDefined();
    expect(await refusal(verify(await delivered(cavage, undefined, undefined, now - 3601 * s), at(mastodon, now)))).toBe('ERR_SIGNATURE_EXPIRED');
    await expect(verify(await delivered(rfc, undefined, undefined, now - 3900 * s), at(mastodon, now))).resolves.toBeDefined();
    expect(await refusal(verify(await delivered(rfc, undefined, undefined, now - 3901 * s), at(mastodon, now)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verify(await delivered(rfc, undefined, undefined, now + 3601 * s), at(mastodon, now)))).toBe('ERR_SIGNATURE_NOT_YET_VALID');
    await expect(verify(await delivered(cavage, undefined, undefined, now - 300 * s), at(misskey, now))).resolves.toBeDefined();
    expect(await refusal(verify(await delivered(cavage, undefined, undefined, now - 301 * s), at(misskey, now)))).toBe('ERR_SIGNATURE_EXPIRED');
    await expect(verify(await delivered(rfc, undefined, undefined, now - 302 * s), at(misskey, now))).resolves.toBeDefined();
    expect(await refusal(verify(await delivered(rfc, undefined, undefined, now - 303 * s), at(misskey, now)))).toBe('ERR_SIGNATURE_EXPIRED');
    expect(await refusal(verify(await delivered(rfc, undefined, undefined, now + 3 * s), at(misskey, now)))).toBe('ERR_SIGNATURE_NOT_YET_VALID');
  });

  test('a preset needs both lookups', () => {
    expect(() => fediverseVerifyOptions({ cavage: keysFor('rsa').cavage } as never)).toThrow(TypeError);
  });
});

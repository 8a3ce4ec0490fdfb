// Double-knocking policy of the client adapters: which spec first, when a response calls for the other, what is
// remembered (the adapters' tests run it against real servers; this pins the decisions and the memory's bounds).
import { createKnocker } from '../src/adapter.js';
import { KnockMemory } from '../src/knock-memory.js';
import type { KnockAttempt } from '../src/adapter.js';
import type { SigningOptions } from '../src/index.js';

const url = new URL('https://server.example/inbox');
const cavage: SigningOptions = { keyId: 'https://me.example/users/a#main-key', key: 'secret-0123456789abcdef', algorithm: 'hmac-sha256' };
const knocker = (setting: Parameters<typeof createKnocker>[1] = true) => createKnocker(cavage, setting);

test('off by default: one try with the options given, never a retry', async () => {
  const k = createKnocker(cavage, undefined);
  const first = await k.first(url);
  expect(first).toMatchObject({ spec: 'cavage', retry: false, origin: 'https://server.example' });
  expect(await k.decide(first, 401, {}, true)).toEqual({ retry: undefined, reason: 'off' });
  expect(await k.signings()).toEqual([cavage]);
});

test('the other spec is derived from the same key and keyId with the Fediverse coverage', async () => {
  const k = knocker();
  expect((await k.signings())[1]).toEqual({ scheme: 'rfc9421', keyId: cavage.keyId, key: cavage.key, algorithm: 'hmac-sha256', components: ['@method', '@target-uri'] });
  const back = createKnocker({ scheme: 'rfc9421', keyId: 'kid', key: 'pem', algorithm: 'rsa-pss-sha512', digest: 'SHA-256' }, true);
  expect((await back.signings())[1]).toEqual({ keyId: 'kid', key: 'pem', algorithm: 'hs2019', hs2019: 'rsa-pss-sha512', headers: ['(request-target)', 'host', 'date'], scheme: 'signature', digest: 'SHA-256' });
});

test('a refusal calls for the other spec once; a stream body, a success or the retry itself do not', async () => {
  const k = knocker();
  const first = await k.first(url);
  const decision = await k.decide(first, 401, { 'content-type': 'application/json' }, true);
  expect(decision).toMatchObject({ reason: 'unauthorized', retry: { spec: 'rfc9421', retry: true } });
  expect(await k.decide(decision.retry as KnockAttempt, 401, {}, true)).toEqual({ retry: undefined, reason: 'retried' });
  expect(await k.decide(first, 401, {}, false)).toEqual({ retry: undefined, reason: 'body-not-replayable' });
  expect(await k.decide(first, 200, {}, true)).toEqual({ retry: undefined, reason: 'not-refused' });
  expect(await k.decide(first, 403, {}, true)).toEqual({ retry: undefined, reason: 'not-refused' });
  expect(await k.decide(first, 403, { 'accept-signature': 'sig1=("@method")' }, true)).toMatchObject({ reason: 'accept-signature', retry: { spec: 'rfc9421' } });
});

test('WWW-Authenticate: Signature names draft-cavage: a retry after RFC 9421, none after draft-cavage', async () => {
  const k = knocker();
  const challenge = { 'www-authenticate': 'Bearer realm="x", Signature realm="y",headers="(request-target) date"' };
  expect(await k.decide(await k.first(url), 401, challenge, true)).toEqual({ retry: undefined, reason: 'same-spec-refused' });
  const rfc = createKnocker({ scheme: 'rfc9421', keyId: 'kid', key: 'secret-0123456789abcdef', algorithm: 'hmac-sha256' }, true);
  expect(await rfc.decide(await rfc.first(url), 401, challenge, true)).toMatchObject({ reason: 'cavage-challenge', retry: { spec: 'cavage' } });
  // A scheme that merely contains the word is not the challenge.
  expect(await k.decide(await k.first(url), 401, { 'www-authenticate': 'HttpSignatures realm="x"' }, true)).toMatchObject({ reason: 'unauthorized' });
});

test('an Accept-Signature over the size limit or malformed is a typed error', async () => {
  const k = knocker();
  await expect(k.decide(await k.first(url), 401, { 'accept-signature': `sig1=("@method");nonce="${'a'.repeat(9000)}"` }, true)).rejects.toMatchObject({ code: 'ERR_HEADER_TOO_LARGE' });
  await expect(k.decide(await k.first(url), 401, { 'accept-signature': 'sig1=(("' }, true)).rejects.toMatchObject({ code: 'ERR_MALFORMED_SIGNATURE' });
  const many = Array.from({ length: 17 }, (_, i) => `s${i}=("@method")`).join(', ');
  await expect(k.decide(await k.first(url), 401, { 'accept-signature': many }, true)).rejects.toMatchObject({ code: 'ERR_HEADER_TOO_LARGE' });
});

test('only a 2xx is remembered, per origin, and the next request to the origin starts with it', async () => {
  const k = knocker();
  const retry = { ...await k.first(url), spec: 'rfc9421' as const, retry: true };
  await k.settle(retry, 401);
  await k.settle(retry, 302);
  expect((await k.first(url)).spec).toBe('cavage');
  await k.settle(retry, 202);
  expect((await k.first(new URL('https://server.example/other'))).spec).toBe('rfc9421');
  expect((await k.first(new URL('https://server.example:8443/other'))).spec).toBe('cavage');
});

test('the memory keeps at most maxOrigins, least recently used out first', () => {
  const memory = new KnockMemory({ maxOrigins: 2 });
  memory.remember('https://a.example', 'rfc9421');
  memory.remember('https://b.example', 'rfc9421');
  expect(memory.get('https://a.example')).toBe('rfc9421');
  memory.remember('https://c.example', 'cavage');
  expect(memory.size).toBe(2);
  expect(memory.get('https://b.example')).toBeUndefined();
  expect(memory.get('https://a.example')).toBe('rfc9421');
});

test('a remembered spec expires ttl after it was first recorded; a repeat success does not extend it', () => {
  let now = 1_000_000;
  const memory = new KnockMemory({ ttl: 10, now: () => now });
  memory.remember('https://a.example', 'rfc9421');
  now += 9_000;
  memory.remember('https://a.example', 'rfc9421');
  expect(memory.get('https://a.example')).toBe('rfc9421');
  now += 1_000;
  expect(memory.get('https://a.example')).toBeUndefined();
  expect(memory.size).toBe(0);
});

test('bad settings are caller mistakes, on creation or (an underivable other spec) before the first request is signed', async () => {
  expect(() => createKnocker(cavage, 'yes' as never)).toThrow(TypeError);
  expect(() => createKnocker(cavage, { other: { ...cavage } })).toThrow(TypeError);
  await expect(createKnocker(cavage, { maxOrigins: 0 }).first(url)).rejects.toThrow(RangeError);
  await expect(createKnocker(cavage, { ttl: -1 }).decide(await createKnocker(cavage, undefined).first(url), 401, {}, true)).rejects.toThrow(RangeError);
  await expect(createKnocker({ ...cavage, algorithm: 'hmac-sha1' }, true).first(url)).rejects.toThrow(TypeError);
  await expect(createKnocker({ scheme: 'rfc9421', key: 'k', algorithm: 'hmac-sha256' }, true).signings()).rejects.toThrow(TypeError);
  expect(() => new KnockMemory({ maxOrigins: 0 })).toThrow(RangeError);
  expect(() => new KnockMemory({ ttl: Number.NaN })).toThrow(RangeError);
});

test('a try, and a retry answering an origin\'s refusal or challenge, signs only for the origin it was made for', async () => {
  const k = knocker();
  const elsewhere = { method: 'GET', url: new URL('https://other.example/inbox'), headers: { host: 'other.example' } };
  const first = await k.first(url);
  await expect(first.sign(elsewhere)).rejects.toThrow(TypeError);
  const { retry } = await k.decide(first, 401, {}, true);
  await expect(retry!.sign(elsewhere)).rejects.toThrow(TypeError);
  const challenged = await k.decide(first, 401, { 'accept-signature': 'sig1=("@method" "@authority")' }, true);
  await expect(challenged.retry!.sign(elsewhere)).rejects.toThrow(TypeError);
  const same = await challenged.retry!.sign({ method: 'GET', url, headers: { host: 'server.example' } });
  expect(same.headers['signature-input']).toMatch(/^sig1=\("@method" "@authority"/);
});

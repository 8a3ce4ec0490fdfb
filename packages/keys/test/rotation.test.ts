// Key rotation against a real https actor host: a signature that fails with the cached key causes one refetch
// (rate-limited per keyId) and one more verification; failures never become a stream of fetches.
import { verify, type VerifyResult } from '@httpsig/core';
import { remoteKeyLookup, verifyWithRotation } from '../src/index.js';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, signedRequest, startActorHost, type ActorHost, type TestKey } from './support/actor-host.js';

const tls = certificateForTestHosts();
let host: ActorHost;
let first: TestKey;
let second: TestKey;
let stranger: TestKey;
beforeAll(async () => {
  host = await startActorHost(tls);
  [first, second, stranger] = [rsaKey(), rsaKey(), rsaKey()];
});
afterAll(async () => { await host.close(); });
beforeEach(() => { host.routes.clear(); host.requests.length = 0; });

function setup(): { keyId: string; serve: (key: TestKey) => void; advance: (s: number) => void; check: (signer: TestKey) => Promise<VerifyResult> } {
  let t = 1_800_000_000_000;
  const id = `${host.origin()}/users/rotating`;
  const serve = (key: TestKey): void => { host.routes.set('/users/rotating', json(actor(id, key), { cacheControl: 'max-age=3600' })); };
  const keyLookup = remoteKeyLookup({ ...guardFor(host, tls.cert), now: () => t, refreshInterval: 60 });
  const keyId = `${id}#main-key`;
  const check = async (signer: TestKey): Promise<VerifyResult> => {
    const request = await signedRequest(keyId, signer.privatePem);
    return verifyWithRotation(keyLookup, () => verify(request, { keyLookup }));
  };
  return { keyId, serve, advance: (s) => { t += s * 1000; }, check };
}

test('after the actor rotates its key, the first signature with the new key fails with the cached key, the key is fetched again and the signature verifies', async () => {
  const { serve, advance, check } = setup();
  serve(first);
  await expect(check(first)).resolves.toMatchObject({ algorithm: 'rsa-sha256' });
  expect(host.count('/users/rotating')).toBe(1);
  serve(second);
  advance(61);
  await expect(check(second)).resolves.toMatchObject({ algorithm: 'rsa-sha256' });
  expect(host.count('/users/rotating')).toBe(2);
  // The new key is cached: no more fetches.
  await check(second);
  expect(host.count('/users/rotating')).toBe(2);
});

test('a second bad signature within the refresh interval does not fetch again', async () => {
  const { serve, advance, check } = setup();
  serve(first);
  await check(first);
  serve(second);
  advance(61);
  await check(second); // refetched
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  advance(30);
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  expect(host.count('/users/rotating')).toBe(2);
  advance(31); // the interval has passed: one more fetch, same key, the failure stands
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  expect(host.count('/users/rotating')).toBe(3);
});

test('a key fetched for this very request is not fetched again when the signature fails', async () => {
  const { serve, check } = setup();
  serve(first);
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  expect(host.count('/users/rotating')).toBe(1);
});

test('many concurrent bad signatures cause at most one refetch', async () => {
  const { serve, advance, check } = setup();
  serve(first);
  await check(first);
  advance(61);
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => check(stranger)));
  expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
  expect(host.count('/users/rotating')).toBe(2);
});

test('a failed refetch keeps the cached key and counts for the interval', async () => {
  const { keyId, serve, advance, check } = setup();
  serve(first);
  await check(first);
  host.routes.set('/users/rotating', json({}, { status: 503 }));
  advance(61);
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  expect(host.count('/users/rotating')).toBe(2);
  await expect(check(first)).resolves.toMatchObject({ keyId }); // still the cached key
  await expect(check(stranger)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  expect(host.count('/users/rotating')).toBe(2);
});

test('errors other than a signature mismatch are not retried', async () => {
  let calls = 0;
  const keys = { refresh: async (): Promise<boolean> => { calls += 1; return true; } };
  await expect(verifyWithRotation(keys, async () => { throw Object.assign(new Error('x'), { code: 'ERR_UNKNOWN_KEY', keyId: 'k' }); })).rejects.toThrow('x');
  expect(calls).toBe(0);
});

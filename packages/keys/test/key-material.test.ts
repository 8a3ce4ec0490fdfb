// Which public keys are accepted from the network: an RSA key must use the public exponent 65537 — a huge exponent
// (accepted by OpenSSL up to the modulus) makes every verification with the key cost milliseconds of CPU.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { checkCacheEntry, keyFromJwk, keyFromPem, RemoteKeys, RSA_PUBLIC_EXPONENT } from '../src/index.js';
import { actor, certificateForTestHosts, guardFor, json, rsaKey, startActorHost, type ActorHost } from './support/actor-host.js';

/** A 3072-bit RSA public JWK with a 3071-bit odd public exponent (e < n): valid to OpenSSL, costly to verify with. */
function hugeExponentJwk(): { kty: 'RSA'; n: string; e: string } {
  const n = randomBytes(384);
  n[0] = (n[0] as number) | 0x80;
  n[383] = (n[383] as number) | 1;
  const e = Buffer.from(n);
  e[0] = 0x7f;
  return { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') };
}

const hugePem = (): string => createPublicKey({ key: hugeExponentJwk(), format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

test('the only RSA public exponent accepted is 65537', () => {
  expect(RSA_PUBLIC_EXPONENT).toBe(65537n);
  expect(keyFromPem(rsaKey().publicPem)?.kind).toBe('rsa');
  expect(keyFromJwk(hugeExponentJwk())).toBeUndefined();
  expect(keyFromPem(hugePem())).toBeUndefined();
  const small = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey;
  expect(keyFromPem(small.export({ type: 'spki', format: 'pem' }).toString())).toBeUndefined();
  expect(keyFromPem(small.export({ type: 'pkcs1', format: 'pem' }).toString())).toBeUndefined();
});

test('a shared-cache entry holding a huge-exponent key is refused (the caller fetches instead)', () => {
  const now = 1_800_000_000_000;
  expect(checkCacheEntry({ keyId: 'https://a.example/k', kind: 'rsa', pem: hugePem(), fetchedAt: now, expiresAt: now + 1000 }, 'https://a.example/k', now)).toBeUndefined();
});

describe('fetched', () => {
  const tls = certificateForTestHosts();
  let host: ActorHost;
  beforeAll(async () => { host = await startActorHost(tls); });
  afterAll(async () => { await host.close(); });

  test.each([
    ['publicKeyPem', (pem: string): Record<string, unknown> => ({ publicKeyPem: pem })],
    ['publicKeyJwk', (_pem: string, jwk: object): Record<string, unknown> => ({ publicKeyJwk: jwk })],
  ])('an actor whose %s has a huge RSA exponent: ERR_KEY_FETCH_BAD_DOCUMENT', async (name, entry) => {
    const id = `${host.origin()}/users/huge-${name}`;
    const jwk = hugeExponentJwk();
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    host.routes.set(`/users/huge-${name}`, json({ ...actor(id, rsaKey()), publicKey: { id: `${id}#main-key`, owner: id, ...entry(pem, jwk) } }));
    await expect(new RemoteKeys(guardFor(host, tls.cert)).resolve(`${id}#main-key`)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_BAD_DOCUMENT' });
  });
});

/**
 * The portable backend for browsers, edge runtimes and Node alike: @noble/hashes for hashes and HMAC; for
 * asymmetric keys `portable-keys.ts` (WebCrypto where it exists, node-forge as the RSA fallback where it does
 * not), imported on first use so that a bundle signing with HMAC secrets only loads neither.
 * Internal: selected by the `#backend` import condition `portable`, and the default outside Node.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { decodeBase64, encodeBase64 } from '../lib/base64.js';
import { constantTimeEqual, utf8 } from '../lib/bytes.js';
import type { CryptoBackend, HashName } from './backend.js';

type NobleHash = typeof sha256;

const NOBLE: Record<HashName, NobleHash> = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };

/** Prepared HMAC states per (hash, secret string): keying costs two compressions, cloning none. */
type HmacState = ReturnType<typeof hmac.create>;
const MAX_HMAC_STATES = 256;

/** The asymmetric operations, imported on first use. */
type PortableKeys = Pick<CryptoBackend, 'importKey' | 'exportPublicJwk' | 'sign' | 'verify'>;

/**
 * Creates a portable backend over a given WebCrypto `SubtleCrypto` (or none: then RSA runs on node-forge
 * and other key types are refused with WebCryptoUnavailableError). Exported for tests that exercise the fallback.
 */
export function createPortableBackend(subtle: SubtleCrypto | undefined): CryptoBackend {
  let keys: Promise<PortableKeys> | undefined;
  const asymmetric = (): Promise<PortableKeys> => (keys ??= import('./portable-keys.js').then((m) => m.createPortableKeys(subtle)));
  const hmacStates = new Map<string, HmacState>();

  function hmacState(hash: HashName, secret: string | Uint8Array): HmacState {
    if (typeof secret !== 'string') return hmac.create(NOBLE[hash], secret);
    const id = `${hash}\u0000${secret}`;
    let state = hmacStates.get(id);
    if (state === undefined) {
      if (hmacStates.size >= MAX_HMAC_STATES) hmacStates.clear();
      state = hmac.create(NOBLE[hash], utf8(secret));
      hmacStates.set(id, state);
    }
    return state.clone();
  }

  return {
    name: 'portable',
    digest: (hash, data) => NOBLE[hash](data),
    hmac: (hash, secret, data) => hmacState(hash, secret).update(utf8(data)).digest(),
    hmacBase64: (hash, secret, data) => encodeBase64(hmacState(hash, secret).update(utf8(data)).digest()),

    importKey: async (input, use) => (await asymmetric()).importKey(input, use),
    exportPublicJwk: async (key) => (await asymmetric()).exportPublicJwk(key),
    sign: async (primitive, key, data) => (await asymmetric()).sign(primitive, key, data),
    verify: async (primitive, key, data, signature) => (await asymmetric()).verify(primitive, key, data, signature),
    base64Encode: encodeBase64,
    base64Decode: decodeBase64,
    timingSafeEqual: constantTimeEqual,
  };
}

/** The portable backend over the runtime's WebCrypto, when it has one. */
export const backend: CryptoBackend = createPortableBackend(globalThis.crypto?.subtle);

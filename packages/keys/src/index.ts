/**
 * `@httpsig/keys`: verification keys from the network, safely. A key lookup for `@httpsig/core`'s `verify` and
 * every `@httpsig/server` entry point that fetches the keyId (ActivityPub actors and key documents, FEP-521a
 * Multikey, JWK sets) under an SSRF guard, caches keys (in memory and optionally Redis), and refetches a
 * rotated key at a bounded rate.
 *
 * @packageDocumentation
 */
export {
  remoteKeyLookup, DEFAULT_CAVAGE_ALGORITHMS, DEFAULT_RFC9421_ALGORITHMS,
  type RemoteCavageLookupOptions, type RemoteRfc9421LookupOptions, type RemoteCavageKeyLookup, type RemoteRfc9421KeyLookup,
  type RemoteLookupMethods,
} from './remote-key-lookup.js';
export { RemoteKeys, type RemoteKeysOptions, type RemoteKey } from './remote-keys.js';
export { verifyWithRotation, type RefreshableKeys } from './rotation.js';
export {
  fetchKeyDocument, checkKeyUrl, isKeyDocumentType, KEY_DOCUMENT_ACCEPT, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_REDIRECTS, type DocumentKind,
  DEFAULT_CONNECT_TIMEOUT, DEFAULT_FETCH_TIMEOUT,
  type FetchGuardOptions, type FetchedDocument, type HostLookup, type ResolvedAddress,
} from './fetch-guard.js';
export {
  DEFAULT_FETCHES_PER_ORIGIN, DEFAULT_FETCH_WINDOW, DEFAULT_MAX_CONCURRENT_FETCHES, type FetchBudgetOptions,
} from './fetch-budget.js';
export { classifyAddress, type AddressClass } from './address.js';
export { extractKey, ownerListsKey, documentIdOf, type KeyDocumentResolver, type KeyDocumentContext, type ResolvedKey, type ExtractedKey } from './key-document.js';
export {
  MemoryKeyCache, checkCacheEntry, DEFAULT_MAX_KEY_ENTRIES, DEFAULT_MAX_FAILURES_PER_ORIGIN,
  type MemoryKeyCacheOptions, type CachedKey, type CachedFailure, type KeyCacheEntry, type SharedKeyCache,
} from './key-cache.js';
export { RedisKeyCache, type RedisKeyCacheOptions, type RedisKeyCacheClient } from './redis-key-cache.js';
export { keyFromPem, keyFromJwk, keyFromMultibase, RSA_MODULUS_BITS, RSA_PUBLIC_EXPONENT, type KeyMaterial, type RemoteKeyKind } from './key-material.js';
export type { CacheDirectives } from './cache-control.js';
export {
  DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, DEFAULT_TTL, DEFAULT_NEGATIVE_TTL, DEFAULT_REFRESH_INTERVAL,
} from './cache-ttl.js';
export * from './errors.js';
export {
  KeyDirectories, signatureAgentKeys, DEFAULT_MAX_DIRECTORY_KEYS, type KeyDirectoriesOptions, type SignatureAgentKeys,
} from './key-directory.js';

/**
 * Key lookups for core `verify` and `@httpsig/server` that resolve keyIds over the network, with the algorithms
 * bound to the fetched key's type.
 *
 * @packageDocumentation
 */
import type {
  CavageAlgorithm, Hs2019RsaMapping, KeyLookup, Rfc9421Algorithm, Rfc9421KeyLookup, Rfc9421VerificationKey, VerificationKey,
} from '@httpsig/core';
import type { RemoteKeyKind } from './key-material.js';
import { RemoteKeys, type RemoteKey, type RemoteKeysOptions } from './remote-keys.js';

/**
 * The origin of a keyId URL: every key published on one origin counts against one share of a replay store, so that
 * minting keys there does not multiply its share (see core's `replayShare`).
 */
function originOf(keyId: string): string {
  return new URL(keyId).origin;
}

/** The draft-cavage algorithms allowed per key type, by default. */
export const DEFAULT_CAVAGE_ALGORITHMS: Readonly<Record<RemoteKeyKind, readonly CavageAlgorithm[]>> = {
  rsa: ['rsa-sha256', 'hs2019'],
  ed25519: ['ed25519', 'hs2019'],
  'ec-p256': ['ecdsa-sha256', 'hs2019'],
  'ec-p384': ['hs2019'],
};

/** The RFC 9421 algorithms allowed per key type, by default (the first is used when a signature has no `alg`). */
export const DEFAULT_RFC9421_ALGORITHMS: Readonly<Record<RemoteKeyKind, readonly Rfc9421Algorithm[]>> = {
  rsa: ['rsa-v1_5-sha256', 'rsa-pss-sha512'],
  ed25519: ['ed25519'],
  'ec-p256': ['ecdsa-p256-sha256'],
  'ec-p384': ['ecdsa-p384-sha384'],
};

/** What is common to both schemes' lookup options. */
interface LookupBaseOptions extends RemoteKeysOptions {
  /**
   * A {@link RemoteKeys} to resolve with, shared with other lookups (e.g. one per scheme) so they share one
   * cache; when given, the other {@link RemoteKeysOptions} are ignored.
   */
  keys?: RemoteKeys | undefined;
}

/** Options of a draft-cavage {@link remoteKeyLookup}. */
export interface RemoteCavageLookupOptions extends LookupBaseOptions {
  /** The scheme whose `verify` asks: draft-cavage (the default). */
  scheme?: 'cavage' | undefined;
  /** The algorithms allowed per key type. Default {@link DEFAULT_CAVAGE_ALGORITHMS}. */
  algorithms?: Partial<Record<RemoteKeyKind, readonly CavageAlgorithm[]>> | undefined;
  /** What `hs2019` means for an RSA key. Default `'rsa-sha256'` (what the Fediverse signs). */
  hs2019?: Hs2019RsaMapping | undefined;
}

/** Options of an RFC 9421 {@link remoteKeyLookup}. */
export interface RemoteRfc9421LookupOptions extends LookupBaseOptions {
  /** The scheme whose `verify` asks: RFC 9421. */
  scheme: 'rfc9421';
  /** The algorithms allowed per key type. Default {@link DEFAULT_RFC9421_ALGORITHMS}. */
  algorithms?: Partial<Record<RemoteKeyKind, readonly Rfc9421Algorithm[]>> | undefined;
}

/** What both lookups carry besides being a key lookup. */
export interface RemoteLookupMethods {
  /** The resolver behind the lookup (its cache). */
  readonly keys: RemoteKeys;
  /**
   * Fetches the key of `keyId` again after a signature did not verify with it, rate-limited
   * (see {@link RemoteKeys.refresh}).
   * @param keyId - the keyId whose signature failed.
   * @returns true when a different key is now cached.
   */
  refresh(keyId: string): Promise<boolean>;
}

/** A draft-cavage key lookup (`VerifyOptions.keyLookup`) that fetches keys. */
export type RemoteCavageKeyLookup = KeyLookup & RemoteLookupMethods;
/** An RFC 9421 key lookup (`VerifyRfc9421Options.keyLookup`) that fetches keys. */
export type RemoteRfc9421KeyLookup = Rfc9421KeyLookup & RemoteLookupMethods;

function methods(keys: RemoteKeys): RemoteLookupMethods {
  return { keys, refresh: (keyId: string) => keys.refresh(keyId) };
}

function allowed<A>(table: Readonly<Record<RemoteKeyKind, readonly A[]>>, override: Partial<Record<RemoteKeyKind, readonly A[]>> | undefined, key: RemoteKey): readonly A[] {
  return override?.[key.kind] ?? table[key.kind];
}

/**
 * A key lookup for draft-cavage `verify` (and every `@httpsig/server` entry point): the keyId is fetched as a
 * URL and the key it names is read from the document (ActivityPub actor or key document, Multikey, JWK set).
 * The algorithms come from the key's type, never from the request.
 *
 * @param options - fetch guard, caches, refresh, algorithms (`scheme` omitted or `'cavage'`).
 * @returns the lookup, with `refresh(keyId)` for key rotation (see {@link verifyWithRotation}).
 * @throws RangeError for an option out of range.
 * @example
 * ```ts
 * app.use(expressMiddleware({ keyLookup: remoteKeyLookup(), requiredHeaders: ['(request-target)', 'host', 'date'] }))
 * ```
 */
export function remoteKeyLookup(options?: RemoteCavageLookupOptions): RemoteCavageKeyLookup;
/**
 * A key lookup for RFC 9421 `verify` (`scheme: 'rfc9421'`, and the server with that scheme).
 *
 * @param options - fetch guard, caches, refresh, algorithms, with `scheme: 'rfc9421'`.
 * @returns the lookup, with `refresh(keyId)`.
 * @throws RangeError for an option out of range.
 * @example
 * ```ts
 * app.use(expressMiddleware({ scheme: 'rfc9421', keyLookup: remoteKeyLookup({ scheme: 'rfc9421' }) }))
 * ```
 */
export function remoteKeyLookup(options: RemoteRfc9421LookupOptions): RemoteRfc9421KeyLookup;
export function remoteKeyLookup(options: RemoteCavageLookupOptions | RemoteRfc9421LookupOptions = {}): RemoteCavageKeyLookup | RemoteRfc9421KeyLookup {
  const keys = options.keys ?? new RemoteKeys(options);
  if (options.scheme === 'rfc9421') {
    const table = options.algorithms;
    const lookup = async (keyId: string | undefined): Promise<Rfc9421VerificationKey | null> => {
      if (keyId === undefined) return null;
      const key = await keys.resolve(keyId);
      return key === null ? null : { key: key.pem, algorithms: allowed(DEFAULT_RFC9421_ALGORITHMS, table, key), replayShare: originOf(key.keyId) };
    };
    return Object.assign(lookup, methods(keys));
  }
  if (options.scheme !== undefined && options.scheme !== 'cavage') throw new RangeError('scheme must be \'cavage\' or \'rfc9421\'');
  const { algorithms: table, hs2019 } = options;
  const lookup = async (keyId: string): Promise<VerificationKey | null> => {
    const key = await keys.resolve(keyId);
    if (key === null) return null;
    return { key: key.pem, algorithms: allowed(DEFAULT_CAVAGE_ALGORITHMS, table, key), hs2019: hs2019 ?? 'rsa-sha256', replayShare: originOf(key.keyId) };
  };
  return Object.assign(lookup, methods(keys));
}

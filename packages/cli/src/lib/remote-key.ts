/**
 * `verify --remote-key`: the key of the signature's keyId fetched from the network with `@httpsig/keys`, under its
 * SSRF guard (https only, public addresses only) unless the user lifts a rule by name.
 *
 * @packageDocumentation
 */
import type { CavageAlgorithm, KeyLookup, Rfc9421Algorithm, Rfc9421KeyLookup } from '@httpsig/core';
import { KEY_FETCH_ERROR_CODES, classifyAddress, remoteKeyLookup, type AddressClass, type FetchGuardOptions, type KeyFetchErrorCode } from '@httpsig/keys';
import { UsageError } from '../exit-codes.js';

/** The options of `verify` that choose and guard a remote key. */
export interface RemoteKeyValues {
  'remote-key'?: boolean | undefined;
  'allow-http'?: boolean | undefined;
  'allow-private-addresses'?: boolean | undefined;
  'secret-file'?: string | undefined;
  'secret-env'?: string | undefined;
  'key-file'?: string | undefined;
}

/**
 * The fetch guard of `--remote-key`: `@httpsig/keys`' defaults, with http allowed only by `--allow-http` and
 * loopback, private, link-local and unique-local addresses only by `--allow-private-addresses` (for a test host;
 * cloud metadata addresses stay refused).
 *
 * @param values - the parsed options.
 * @returns the guard options, or undefined without `--remote-key`.
 * @throws UsageError when `--remote-key` is combined with another key source, or a guard flag is given without it.
 */
export function remoteKeyGuard(values: RemoteKeyValues): FetchGuardOptions | undefined {
  if (values['remote-key'] !== true) {
    for (const name of ['allow-http', 'allow-private-addresses'] as const) {
      if (values[name] === true) throw new UsageError(`--${name} applies to --remote-key only`);
    }
    return undefined;
  }
  for (const name of ['secret-file', 'secret-env', 'key-file'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--remote-key fetches the key of the keyId: drop --${name}`);
  }
  const guard: FetchGuardOptions = {};
  if (values['allow-http'] === true) guard.allowHttp = true;
  if (values['allow-private-addresses'] === true) {
    guard.allowAddress = (address) => {
      const cls = classifyAddress(address);
      return cls !== undefined && PRIVATE_CLASSES.has(cls);
    };
  }
  return guard;
}

/**
 * What `--allow-private-addresses` lets through: addresses of one's own machine and networks. Cloud metadata,
 * unspecified, multicast and broadcast addresses stay refused whatever the flags.
 */
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'shared', 'link-local', 'unique-local', 'site-local']);

/**
 * A draft-cavage key lookup over the network, keeping `--key-id` and `--algorithm`.
 *
 * @param guard - the fetch guard.
 * @param keyId - accept only this keyId, if given.
 * @param algorithm - allow only this algorithm, if given (and the key's type allows it).
 * @returns the lookup.
 */
export function remoteCavageLookup(guard: FetchGuardOptions, keyId: string | undefined, algorithm: CavageAlgorithm | undefined): KeyLookup {
  const lookup = remoteKeyLookup(guard);
  return async (id, params) => {
    if (keyId !== undefined && id !== keyId) return null;
    const entry = await lookup(id, params);
    return entry === null || entry === undefined || algorithm === undefined ? entry : { ...entry, algorithms: entry.algorithms.filter((a) => a === algorithm) };
  };
}

/**
 * An RFC 9421 key lookup over the network, keeping `--key-id` and `--algorithm`.
 *
 * @param guard - the fetch guard.
 * @param keyId - accept only this keyid, if given.
 * @param algorithm - allow only this algorithm, if given (and the key's type allows it).
 * @returns the lookup.
 */
export function remoteRfc9421Lookup(guard: FetchGuardOptions, keyId: string | undefined, algorithm: Rfc9421Algorithm | undefined): Rfc9421KeyLookup {
  const lookup = remoteKeyLookup({ ...guard, scheme: 'rfc9421' });
  return async (id, params) => {
    if (id === undefined || (keyId !== undefined && id !== keyId)) return null;
    const entry = await lookup(id, params);
    return entry === null || entry === undefined || algorithm === undefined ? entry : { ...entry, algorithms: entry.algorithms.filter((a) => a === algorithm) };
  };
}

/**
 * Whether an error code is a failure to fetch the key (`ERR_KEY_FETCH_*` of `@httpsig/keys`): no verdict on the signature.
 * @param code - the error's code.
 * @returns true for a key fetch failure.
 */
export function isKeyFetchCode(code: string): code is KeyFetchErrorCode {
  return (KEY_FETCH_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * What to do about a key fetch failure.
 * @param code - an `ERR_KEY_FETCH_*` code.
 * @returns the likely cause, in a sentence.
 */
export function keyFetchCause(code: KeyFetchErrorCode): string {
  switch (code) {
    case 'ERR_KEY_FETCH_REFUSED_URL':
      return 'the keyId is not a URL the guard fetches: https only (--allow-http for an http keyId), no credentials in it.';
    case 'ERR_KEY_FETCH_REFUSED_ADDRESS':
      return 'the keyId\'s host resolves to a loopback, private, link-local or metadata address, which the guard refuses (--allow-private-addresses, for a test host).';
    case 'ERR_KEY_FETCH_TIMEOUT':
      return 'the key host did not answer in time.';
    case 'ERR_KEY_FETCH_TOO_LARGE':
      return 'the key document is over the size limit.';
    case 'ERR_KEY_FETCH_BAD_DOCUMENT':
      return 'the keyId\'s document is not an actor, key document or JWK set with a usable key (or not JSON, or of another content type).';
    case 'ERR_KEY_FETCH_OWNER_MISMATCH':
      return 'the key document does not vouch for the key: its owner or controller does not list it, or it lives on another origin than the keyId.';
    default:
      return 'the key could not be fetched (the host refused, failed or answered an error status).';
  }
}

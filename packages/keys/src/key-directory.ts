/**
 * The keys of Web Bot Auth agents, read from each agent's signed key directory
 * (`<agent origin>/.well-known/http-message-signatures-directory`, draft-meunier-http-message-signatures-directory):
 * fetched under the guard, trusted key by key only when the key signed the directory, cached, and refetched at a
 * bounded rate when a bot signs with a key the cached directory does not hold (rotation).
 *
 * @packageDocumentation
 */
import { createPublicKey } from 'node:crypto';
import { isHttpSignatureError, type PublicJwk } from '@httpsig/core';
import {
  DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, verifyKeyDirectory, type WebBotAuthKeys,
} from '@httpsig/core/web-bot-auth';
import {
  DEFAULT_MAX_TTL, DEFAULT_MIN_TTL, DEFAULT_NEGATIVE_TTL, DEFAULT_REFRESH_INTERVAL, DEFAULT_TTL, cacheTimes, ttlOf, type CacheTimes,
} from './cache-ttl.js';
import {
  KeyFetchBadDocumentError, KeyFetchError, KeyFetchOwnerMismatchError, KeyFetchRefusedUrlError, keyFetchErrorFor, type KeyFetchErrorCode,
} from './errors.js';
import { FetchBudget, type FetchBudgetOptions } from './fetch-budget.js';
import { checkKeyUrl, fetchKeyDocument, type DocumentKind, type FetchGuardOptions } from './fetch-guard.js';
import { DEFAULT_MAX_FAILURES_PER_ORIGIN, type SharedKeyCache } from './key-cache.js';
import { keyFromJwk } from './key-material.js';
import { BoundedLru } from './lru.js';

/** Options of {@link KeyDirectories} and {@link signatureAgentKeys}. */
export interface KeyDirectoriesOptions extends FetchGuardOptions, FetchBudgetOptions {
  /** Most directories (agent origins) kept in memory, failures included. Default 1000. */
  maxEntries?: number | undefined;
  /** Most failures remembered per agent origin. Default {@link DEFAULT_MAX_FAILURES_PER_ORIGIN} (100). */
  maxFailuresPerOrigin?: number | undefined;
  /** Most keys read from one directory; a directory with more is refused (`ERR_KEY_FETCH_BAD_DOCUMENT`). Default 32. */
  maxKeys?: number | undefined;
  /** Shortest time a directory is kept, seconds, whatever its `Cache-Control` says. Default {@link DEFAULT_MIN_TTL} (60). */
  minTtl?: number | undefined;
  /** Longest time a directory is kept, seconds. Default {@link DEFAULT_MAX_TTL} (one day). */
  maxTtl?: number | undefined;
  /** How long a directory without `Cache-Control: max-age` is kept, seconds. Default {@link DEFAULT_TTL} (one hour). */
  defaultTtl?: number | undefined;
  /** How long a failed fetch is remembered, seconds. Default {@link DEFAULT_NEGATIVE_TTL} (60). */
  negativeTtl?: number | undefined;
  /**
   * Shortest time, seconds, between two fetches of one directory for a key it did not hold (the agent rotated
   * its keys): a stream of requests naming unknown thumbprints causes at most one fetch per interval. Default
   * {@link DEFAULT_REFRESH_INTERVAL} (60).
   */
  refreshInterval?: number | undefined;
  /** Allowed clock difference for the directory signatures' `created` and `expires`, seconds. Default 300. */
  clockSkew?: number | undefined;
  /**
   * A cache shared between processes (e.g. `RedisKeyCache`): each trusted key is kept under
   * `<directory URL>#<thumbprint>`, as SPKI PEM, until the directory expires.
   */
  sharedCache?: SharedKeyCache | undefined;
  /** The clock of the caches and of the signature checks, Unix ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** Default {@link KeyDirectoriesOptions.maxKeys}. */
export const DEFAULT_MAX_DIRECTORY_KEYS = 32;

/** The fetch of a directory: its media type only, and the signature fields kept. */
const DIRECTORY_DOCUMENT: DocumentKind = {
  accept: DIRECTORY_MEDIA_TYPE,
  isType: (header) => header !== undefined && (header.split(';')[0] ?? '').trim().toLowerCase() === DIRECTORY_MEDIA_TYPE,
  headers: ['signature-input', 'signature', 'content-digest'],
  body: true,
};

/** A directory as cached: the keys that signed it, or the code its fetch failed with. */
type DirectoryEntry =
  | { keys: ReadonlyMap<string, PublicJwk>; fetchedAt: number; expiresAt: number }
  | { error: KeyFetchErrorCode; fetchedAt: number; expiresAt: number };


function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
  return n;
}

/**
 * Reads the JWK set of a directory: an object whose `keys` is an array of at most `maxKeys` entries.
 * @throws {@link KeyFetchBadDocumentError}
 */
function jwkSetKeys(json: unknown, maxKeys: number, keyId: string): readonly unknown[] {
  const keys = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new KeyFetchBadDocumentError('The directory is not a JWK set', { keyId });
  if (keys.length > maxKeys) throw new KeyFetchBadDocumentError('The directory has more keys than allowed', { keyId });
  return keys;
}

/**
 * The signed key directories of Web Bot Auth agents. {@link KeyDirectories.resolve} answers the public key of a
 * thumbprint from the directory of an agent origin:
 *
 * - the directory is fetched from `<origin>/.well-known/http-message-signatures-directory` under the guard of
 *   {@link fetchKeyDocument} (https only unless `allowHttp`, every resolved address checked and the connection
 *   pinned to it, size and time limits, each redirect checked again), and must be served as
 *   `application/http-message-signatures-directory+json`;
 * - a key is trusted only when the response carries a signature by it (`tag="http-message-signatures-directory"`,
 *   covering `"@authority";req`, i.e. bound to the origin it was fetched from: a copy served elsewhere does not
 *   verify). Keys without their own signature, and types Web Bot Auth does not use, are dropped; a directory no
 *   key signed is refused with `ERR_KEY_FETCH_OWNER_MISMATCH`;
 * - the trusted keys are kept (TTL from `Cache-Control: max-age`, clamped to `minTtl`…`maxTtl`, and never past the
 *   expiry of the directory's signatures), failures for `negativeTtl`; one fetch per directory at a time, within
 *   the fetch budget per origin;
 * - a thumbprint the cached directory does not hold causes one refetch, at most once per `refreshInterval`.
 *
 * @example
 * ```ts
 * const directories = new KeyDirectories({ sharedCache: new RedisKeyCache({ client: redis }) })
 * const keys = signatureAgentKeys({ directories })
 * ```
 */
export class KeyDirectories {
  readonly #options: KeyDirectoriesOptions;
  readonly #entries: BoundedLru<DirectoryEntry>;
  readonly #flights = new Map<string, Promise<DirectoryEntry>>();
  readonly #budget: FetchBudget;
  readonly #shared: SharedKeyCache | undefined;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #times: CacheTimes;

  /**
   * @param options - guard, budget, cache and refresh options.
   * @throws RangeError when a time or size option is out of range.
   */
  constructor(options: KeyDirectoriesOptions = {}) {
    this.#options = { ...options };
    this.#now = options.now ?? Date.now;
    this.#entries = new BoundedLru<DirectoryEntry>({
      maxEntries: positiveInteger(options.maxEntries, 1000, 'maxEntries'),
      maxFailuresPerOrigin: options.maxFailuresPerOrigin ?? DEFAULT_MAX_FAILURES_PER_ORIGIN,
      isFailure: (entry) => 'error' in entry,
      expiresAt: (entry) => entry.expiresAt,
    });
    this.#budget = new FetchBudget(options, this.#now);
    this.#shared = options.sharedCache;
    this.#maxKeys = positiveInteger(options.maxKeys, DEFAULT_MAX_DIRECTORY_KEYS, 'maxKeys');
    this.#times = cacheTimes(options);
  }

  /**
   * The key with `thumbprint` in the signed directory of `agent`.
   *
   * @param agent - the agent origin (`https://crawler.example`), as `verifyWebBotAuth` passes it.
   * @param thumbprint - the signature's `keyid`.
   * @returns the public JWK, or `null` when the directory (fetched again at most once per `refreshInterval`)
   *   does not vouch for that key.
   * @throws a {@link KeyFetchError} subclass when the directory cannot be fetched or is not usable (remembered for
   *   `negativeTtl`): `ERR_KEY_FETCH_REFUSED_URL`, `…_REFUSED_ADDRESS`, `…_TIMEOUT`, `…_TOO_LARGE`, `…_FAILED`,
   *   `…_BAD_DOCUMENT` (media type, not a JWK set, too many keys), `…_OWNER_MISMATCH` (no key signed it),
   *   `…_RATE_LIMITED`.
   */
  async resolve(agent: string, thumbprint: string): Promise<PublicJwk | null> {
    const url = checkKeyUrl(`${agent}${DIRECTORY_PATH}`, this.#options, thumbprint);
    if (url.pathname !== DIRECTORY_PATH || url.search !== '') throw new KeyFetchRefusedUrlError('The agent is not an origin', { keyId: thumbprint });
    const key = url.href;
    const now = this.#now();
    let entry = this.#entries.get(key, now);
    if (entry !== undefined && 'keys' in entry) {
      const found = entry.keys.get(thumbprint);
      if (found !== undefined) return found;
      // Rotation: a key the directory did not hold when it was fetched; fetch again, at a bounded rate.
      if (now - entry.fetchedAt < this.#times.refreshInterval) return null;
    } else if (entry !== undefined) {
      throw keyFetchErrorFor(entry.error, thumbprint);
    } else {
      const shared = await this.#sharedKey(key, thumbprint, now);
      if (shared !== undefined) return shared;
    }
    entry = await this.#singleFlight(url, thumbprint);
    if ('error' in entry) throw keyFetchErrorFor(entry.error, thumbprint);
    return entry.keys.get(thumbprint) ?? null;
  }

  /** One fetch per directory at a time; concurrent callers share it. */
  #singleFlight(url: URL, thumbprint: string): Promise<DirectoryEntry> {
    const running = this.#flights.get(url.href);
    if (running !== undefined) return running;
    const promise = this.#fetch(url, thumbprint).finally(() => { this.#flights.delete(url.href); });
    this.#flights.set(url.href, promise);
    return promise;
  }

  /**
   * Fetches, checks and caches a directory. A failure is cached (not a refusal by the budget) and thrown to this
   * fetch's callers; when a working directory is cached already, it is kept and only counts the attempt.
   */
  async #fetch(url: URL, thumbprint: string): Promise<DirectoryEntry> {
    let release: (() => void) | undefined;
    try {
      release = this.#budget.acquire(url, thumbprint);
      const document = await fetchKeyDocument(url.href, this.#options, thumbprint, DIRECTORY_DOCUMENT);
      const jwks = jwkSetKeys(document.json, this.#maxKeys, thumbprint);
      let verified;
      try {
        verified = await verifyKeyDirectory({ status: 200, headers: document.headers ?? {}, keys: jwks, body: document.body }, url.origin, {
          now: this.#now(), clockSkew: this.#options.clockSkew,
        });
      } catch (cause) {
        if (!isHttpSignatureError(cause)) throw cause;
        throw new KeyFetchOwnerMismatchError('The directory is not signed by its keys', { keyId: thumbprint, cause });
      }
      const now = this.#now();
      const ttl = ttlOf(this.#times, document.cache);
      // Never trusted past its own signatures.
      const expiresAt = Math.min(now + ttl, verified.validUntil * 1000);
      const entry: DirectoryEntry = { keys: verified.keys, fetchedAt: now, expiresAt };
      this.#entries.set(url.href, entry);
      await this.#share(url.href, entry);
      return entry;
    } catch (error) {
      if (!(error instanceof KeyFetchError)) throw error;
      if (error.code !== 'ERR_KEY_FETCH_RATE_LIMITED') {
        const now = this.#now();
        const cached = this.#entries.get(url.href, now);
        if (cached !== undefined && 'keys' in cached) {
          const kept: DirectoryEntry = { ...cached, fetchedAt: now };
          this.#entries.set(url.href, kept);
          return kept;
        }
        this.#entries.set(url.href, { error: error.code, fetchedAt: now, expiresAt: now + this.#times.negativeTtl });
      }
      throw error;
    } finally {
      release?.();
    }
  }

  /** Stores each trusted key in the shared cache (failures to store are ignored). */
  async #share(directory: string, entry: DirectoryEntry & { keys: ReadonlyMap<string, PublicJwk> }): Promise<void> {
    if (this.#shared === undefined) return;
    const now = this.#now();
    for (const [thumbprint, jwk] of entry.keys) {
      const material = keyFromJwk(jwk);
      if (material === undefined) continue;
      await this.#shared.set({ keyId: `${directory}#${thumbprint}`, kind: material.kind, pem: material.pem, fetchedAt: entry.fetchedAt, expiresAt: entry.expiresAt }, now)
        .catch(() => undefined);
    }
  }

  /** A key another process cached, as a public JWK. */
  async #sharedKey(directory: string, thumbprint: string, now: number): Promise<PublicJwk | undefined> {
    if (this.#shared === undefined) return undefined;
    let entry;
    try { entry = await this.#shared.get(`${directory}#${thumbprint}`, now); } catch { return undefined; }
    if (entry === undefined || 'error' in entry || entry.expiresAt > now + this.#times.maxTtl) return undefined;
    const jwk = createPublicKey(entry.pem).export({ format: 'jwk' }) as unknown as PublicJwk;
    return jwk;
  }
}

/** A {@link WebBotAuthKeys} source backed by {@link KeyDirectories}, with its directories. */
export type SignatureAgentKeys = WebBotAuthKeys & {
  /** The directories behind the source (its cache). */
  readonly directories: KeyDirectories;
};

/**
 * A key source for `verifyWebBotAuth` (and `scheme: 'web-bot-auth'` of `@httpsig/server`) that fetches each
 * agent's signed key directory from the origin its covered `Signature-Agent` names (see {@link KeyDirectories}).
 * A request without a `Signature-Agent` has no directory: its key is unknown (`ERR_UNKNOWN_KEY`) — combine with
 * `webBotAuthKeyring` for bots you know.
 *
 * @param options - guard, budget, cache and refresh options, or `directories` to share one {@link KeyDirectories}.
 * @returns the key source, with its `directories`.
 * @throws RangeError for an option out of range.
 * @example
 * ```ts
 * import { verifyWebBotAuth } from '@httpsig/core/web-bot-auth'
 *
 * const keys = signatureAgentKeys()
 * const bot = await verifyWebBotAuth(request, { keys })   // bot.agent, bot.thumbprint
 * ```
 */
export function signatureAgentKeys(options: KeyDirectoriesOptions & { directories?: KeyDirectories | undefined } = {}): SignatureAgentKeys {
  const directories = options.directories ?? new KeyDirectories(options);
  const source = (keyId: string, agent: string | undefined): Promise<PublicJwk | null> | null =>
    (agent === undefined ? null : directories.resolve(agent, keyId));
  return Object.assign(source, { directories });
}

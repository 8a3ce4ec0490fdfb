/**
 * `@httpsig/core`: sign and verify HTTP Signatures, draft-cavage (the default) or RFC 9421 (`scheme: 'rfc9421'`),
 * with body digests, key import and a strict verification policy. This entry holds what an application uses:
 * {@link sign}, {@link verify} (one scheme, or either with `scheme: 'auto'`), the typed errors, the replay store,
 * the option types, the Fediverse presets ({@link mastodonSignOptions}, {@link fediverseVerifyOptions}, …), RFC 7638
 * key thumbprints ({@link keyThumbprint}) and {@link useOpenTelemetry}. The specifics of each scheme are under
 * `@httpsig/core/cavage` and `@httpsig/core/rfc9421`; Web Bot Auth (signing as a bot, key directories, verifying
 * bots) under `@httpsig/core/web-bot-auth`; what client adapters and server middleware are built on is under
 * `@httpsig/core/adapter`. The crypto backend (node:crypto or portable) is chosen by the
 * package's import conditions; {@link backendName} tells which one is running.
 *
 * @packageDocumentation
 */
export { sign, DEFAULT_SIGNED_HEADERS } from './sign.js';
export { verify, DEFAULT_REQUIRED_HEADERS, DEFAULT_CLOCK_SKEW } from './verify.js';
export { formatChallenge } from './cavage/signature-header.js';
export { createContentDigest } from './content-digest.js';
export { checkContentDigest } from './content-digest-check.js';
export {
  MemoryReplayStore, createMemoryReplayStore, DEFAULT_MAX_REPLAY_ENTRIES,
  type ReplayStore, type ReplayEntry, type ReplayOutcome, type MemoryReplayStoreOptions,
} from './replay-store.js';
export { clearKeyCache } from './keys.js';
export { jwkThumbprint, publicJwk, keyThumbprint, type PublicJwk } from './jwk-thumbprint.js';
export { backendName } from './backend-name.js';
export { useOpenTelemetry, type OpenTelemetryApi, type OpenTelemetryTracer, type OpenTelemetrySpan, type OpenTelemetryCounter } from './telemetry.js';
export * from './presets/index.js';
export * from './errors.js';
export type * from './types.js';
export type * from './sign-options.js';
export type * from './cavage/types.js';
export type * from './rfc9421/types.js';
export type * from './verify-auto.js';

/**
 * Presets: ready-made signing and verification options for the peers of one community, one file per community
 * (`fediverse.ts`, …), all exported from the root of `@httpsig/core`.
 * @packageDocumentation
 */
export {
  mastodonSignOptions, misskeySignOptions, fedifySignOptions,
  mastodonVerifyOptions, misskeyVerifyOptions, fediverseVerifyOptions,
  type FediverseSigner, type FediverseSpec, type FediverseKeyLookups,
} from './fediverse.js';
export { FEDIVERSE_SIGNED_HEADERS, FEDIVERSE_COMPONENTS } from './fediverse-coverage.js';

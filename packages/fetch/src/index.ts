/**
 * Sign `fetch` requests with HTTP Signatures (draft-cavage), JumpServer-compatible.
 *
 * @packageDocumentation
 */
export { signedFetch } from './signed-fetch.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_REDIRECTS } from './options.js';
export type { FetchLike, FetchLimits, SignedFetchOptions } from './options.js';
export type { SigningOptions } from '@httpsig/core';

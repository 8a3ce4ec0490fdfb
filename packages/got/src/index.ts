/**
 * Sign got requests with HTTP Signatures (draft-cavage), JumpServer-compatible.
 *
 * @packageDocumentation
 */
export { httpSignature } from './http-signature.js';
export { DEFAULT_MAX_BODY_BYTES } from './options.js';
export type { GotKnockResponse, GotLimits, GotRedirectResponse, GotRequestOptions, GotSignatureExtension, GotSignatureOptions } from './options.js';
export type { SigningOptions } from '@httpsig/core';

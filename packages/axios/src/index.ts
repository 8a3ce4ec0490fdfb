/**
 * Sign axios requests with HTTP Signatures (draft-cavage), JumpServer-compatible.
 *
 * @packageDocumentation
 */
export { withHttpSignature } from './with-http-signature.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_REDIRECTS } from './options.js';
export type { AxiosLimits, AxiosSignatureOptions } from './options.js';
export type { SigningOptions } from '@httpsig/core';

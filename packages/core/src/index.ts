/**
 * `@httpsig/core`: sign and verify draft-cavage HTTP Signatures, with body digests, key import and a strict
 * verification policy. The crypto backend (node:crypto or portable) is chosen by the package's import
 * conditions; {@link backendName} tells which one is running.
 *
 * @packageDocumentation
 */
export { sign, signSync, DEFAULT_SIGNED_HEADERS } from './sign.js';
export { signOutgoing, type OutgoingRequest } from './sign-outgoing.js';
export { splitClientOptions, mayRedirectCarrySignature, type ClientOptions } from './client-options.js';
export { verify, verifySync, DEFAULT_REQUIRED_HEADERS, DEFAULT_CLOCK_SKEW } from './verify.js';
export { buildSigningString, type SigningStringTimes } from './signing-string.js';
export {
  parseSignatureHeader, formatSignatureHeader, formatChallenge, DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNED_HEADERS,
  type SignatureHeaderFields,
} from './signature-header.js';
export { createDigestHeader, checkDigestHeader } from './digest.js';
export { createContentDigest, checkContentDigest } from './content-digest.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export {
  requestTarget, parseRequestTarget, parseAuthority, sameAuthority, originFormOf,
  type RequestTarget, type RequestTargetForm,
} from './request-target.js';
export { normalizeHeaders } from './headers.js';
export { SINGLETON_HEADERS } from './singleton-headers.js';
export { CAVAGE_ALGORITHMS, isCavageAlgorithm } from './algorithms.js';
export { clearKeyCache } from './keys.js';
export { bufferBody, chunkBytes, concatBytes, DEFAULT_MAX_BODY_BYTES, type BodySource } from './body-stream.js';
export { backendName } from './backend-name.js';
export * from './rfc9421/index.js';
export * from './errors.js';
export type * from './types.js';

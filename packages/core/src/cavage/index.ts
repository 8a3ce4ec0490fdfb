/**
 * `@httpsig/core/cavage`: the pieces of draft-cavage HTTP Signatures under {@link core/src!sign} and {@link core/src!verify}, for
 * tools that build, parse or explain them: the signing string, the `Signature` header, RFC 3230 `Digest` headers
 * and the algorithm names.
 *
 * @packageDocumentation
 */
export { buildSigningString, type SigningStringTimes } from './signing-string.js';
export {
  parseSignatureHeader, formatSignatureHeader, DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNED_HEADERS,
  type SignatureHeaderFields,
} from './signature-header.js';
export { createDigestHeader, checkDigestHeader } from './digest.js';
export { CAVAGE_ALGORITHMS, isCavageAlgorithm } from './algorithms.js';
export type * from './types.js';

/**
 * `@httpsig/core/rfc9421`: RFC 9421 HTTP Message Signatures, beside draft-cavage: `Signature-Input` / `Signature` dictionaries with
 * labels and several signatures per message, derived components, request–response binding, the six registered
 * algorithms, a verification policy with replay protection, and `Accept-Signature`.
 *
 * @packageDocumentation
 */
export { signRfc9421 } from './sign.js';
export { verifyRfc9421, DEFAULT_MAX_KEY_LOOKUPS } from './verify.js';
export { buildSignatureBase } from './signature-base.js';
export { parseAcceptSignature, signForAcceptSignature } from './accept-signature.js';
export { RFC9421_ALGORITHMS, isRfc9421Algorithm } from './algorithms.js';
export { DEFAULT_PARAMETER_ORDER } from './parameters.js';
export {
  DEFAULT_REQUIRED_REQUEST_COMPONENTS, DEFAULT_REQUIRED_RESPONSE_COMPONENTS, RESPONSE_TARGET_BINDING, DEFAULT_REQUIRED_PARAMETERS,
  DEFAULT_CLOCK_SKEW,
} from './policy.js';
export {
  DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_SIGNATURES, DEFAULT_MAX_COMPONENTS,
} from './dictionaries.js';
export type * from './types.js';

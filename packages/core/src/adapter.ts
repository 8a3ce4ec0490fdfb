/**
 * `@httpsig/core/adapter`: what client adapters and server middleware are built on, not what an application calls.
 * Signing a request as a client is about to send it ({@link signOutgoing}), the options every client adapter
 * shares ({@link splitClientOptions}, {@link mayRedirectCarrySignature}), double-knocking ({@link createKnocker}), bounded body buffering, header
 * normalisation, request-target parsing as servers receive it, and the draft-cavage calls without a forced promise
 * ({@link signSync}, {@link verifySync}) for a hot path.
 *
 * @packageDocumentation
 */
export { signOutgoing, type OutgoingRequest } from './sign-outgoing.js';
export { splitClientOptions, mayRedirectCarrySignature, type ClientOptions } from './client-options.js';
export {
  createKnocker, type DoubleKnockOptions, type DoubleKnockSetting, type Knocker, type KnockAttempt, type KnockDecision, type KnockReason,
  type SignatureSpec,
} from './double-knock.js';
export { bufferBody, chunkBytes, concatBytes, DEFAULT_MAX_BODY_BYTES, type BodySource } from './body-stream.js';
export { normalizeHeaders } from './headers.js';
export { SINGLETON_HEADERS } from './singleton-headers.js';
export {
  requestTarget, parseRequestTarget, parseAuthority, sameAuthority, originFormOf,
  type RequestTarget, type RequestTargetForm,
} from './request-target.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export { signSync } from './cavage/sign.js';
export { verifySync } from './cavage/verify.js';

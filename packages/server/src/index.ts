/**
 * `@httpsig/server`: verify HTTP Signatures in node:http, Express, Fastify and web `Request` handlers, with
 * body digests required, trusted-proxy handling, hooks, and opt-in replay protection (in memory or Redis); for
 * draft-cavage and RFC 9421 signatures, and RFC 9421 response signing.
 *
 * @packageDocumentation
 */
export { verifyNodeRequest } from './node.js';
export { expressMiddleware, type ExpressMiddleware } from './express.js';
export { fastifyPlugin, type FastifyPluginLike, type FastifyInstanceLike } from './fastify-like.js';
export { verifyFetchRequest, type FetchVerifyOptions, type PeerAddress } from './fetch.js';
export {
  signNodeResponse, signFetchResponse, DEFAULT_RESPONSE_COMPONENTS, type ResponseSigningOptions, type NodeResponseSigningOptions,
  type FetchResponseSigningOptions,
} from './sign-response.js';
export {
  keyDirectoryHandler, fastifyKeyDirectory, keyDirectoryFetchHandler,
  type KeyDirectoryHandler, type FastifyRoutesLike, type FastifyRequestLike, type FastifyReplyLike,
} from './key-directory.js';
export {
  describeSignatureError, signatureErrorResponse, sendSignatureError, signatureErrorStatus,
  type SignatureFailure, type ChallengeOptions,
} from './response.js';
// One replay contract and one memory store, defined in core (re-exported so that existing imports keep working).
export {
  MemoryReplayStore, DEFAULT_MAX_REPLAY_ENTRIES, type MemoryReplayStoreOptions, type ReplayEntry, type ReplayOutcome,
} from '@httpsig/core';
export { DEFAULT_MAX_REPLAY_WINDOW, DEFAULT_BODY_TIMEOUT } from './lib/verify-message.js';
export {
  RedisReplayStore, DEFAULT_REDIS_MAX_ENTRIES_PER_KEY, type RedisReplayStoreOptions, type RedisReplayClient, type RedisSetClient,
} from './redis-replay-store.js';
export {
  ReplayedSignatureError, ReplayStoreUnavailableError, ReplayWindowTooLongError, BodyTimeoutError, RequestAbortedError,
  isServerSignatureError,
  type ServerErrorCode, type ServerSignatureError,
} from './errors.js';
export type {
  ServerVerifyOptions, CavageServerVerifyOptions, Rfc9421ServerVerifyOptions, AutoServerVerifyOptions, WebBotAuthServerVerifyOptions,
  ServerOptions, SignatureVerification,
  ReplayStore, TrustProxyOptions, VerifiedEvent, VerificationFailedEvent,
} from './types.js';

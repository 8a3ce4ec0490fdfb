/**
 * `@httpsig/server`: verify HTTP Signatures in node:http, Express, Fastify and web `Request` handlers, with
 * body digests required, trusted-proxy handling, hooks, and opt-in replay protection (in memory or Redis).
 *
 * @packageDocumentation
 */
export { verifyNodeRequest } from './node.js';
export { expressMiddleware, type ExpressMiddleware } from './express.js';
export { fastifyPlugin } from './fastify.js';
export { verifyFetchRequest, type FetchVerifyOptions } from './fetch.js';
export {
  describeSignatureError, signatureErrorResponse, sendSignatureError, signatureErrorStatus,
  type SignatureFailure, type ChallengeOptions,
} from './response.js';
export { MemoryReplayStore, DEFAULT_MAX_REPLAY_ENTRIES, type MemoryReplayStoreOptions } from './memory-replay-store.js';
export { RedisReplayStore, type RedisReplayStoreOptions, type RedisSetClient } from './redis-replay-store.js';
export {
  ReplayedSignatureError, ReplayStoreUnavailableError, isServerSignatureError,
  type ServerErrorCode, type ServerSignatureError,
} from './errors.js';
export type {
  ServerVerifyOptions, ReplayStore, TrustProxyOptions, VerifiedEvent, VerificationFailedEvent,
} from './types.js';

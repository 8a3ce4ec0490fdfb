/**
 * Options and event types shared by every entry point of `@httpsig/server`.
 *
 * @packageDocumentation
 */
import type {
  CavageAlgorithm, ReplayStore as CoreReplayStore, Rfc9421Algorithm, VerifyAutoResult, VerifyOptions, VerifyResult, VerifyRfc9421Options,
  VerifyRfc9421Result,
} from '@httpsig/core';
import type { VerifyWebBotAuthOptions, VerifyWebBotAuthResult } from '@httpsig/core/web-bot-auth';
import type { RedisReplayStore } from './redis-replay-store.js';
import type { ServerErrorCode } from './errors.js';

/**
 * The replay store contract: core's {@link CoreReplayStore} (`record(entry)` → `'stored'` | `'replayed'`, throwing
 * when it cannot answer), re-exported under its former name here. Implemented by `MemoryReplayStore` and
 * {@link RedisReplayStore}.
 */
export type ReplayStore = CoreReplayStore;

/**
 * How to read a request that arrives through a reverse proxy you run. Nothing here is used unless the
 * immediate peer is trusted, and each header is used only when named.
 */
export interface TrustProxyOptions {
  /**
   * Which immediate peers are your proxies: `true` for any peer (only when the app cannot be reached except
   * through the proxy), a list of exact IP addresses, or a predicate on the peer address.
   */
  trusted: true | readonly string[] | ((remoteAddress: string | undefined) => boolean);
  /**
   * The header in which the proxy passes the original request target (path and query as the client sent
   * them), e.g. `'x-original-url'` or `'x-forwarded-uri'`. Used for `(request-target)` and RFC 9421 `@path`/`@query`.
   * When the header is present it must be a path checked like a received target (see core `parseRequestTarget`):
   * an absolute URL, `//host/x`, a fragment or an empty value is a misconfigured proxy and the request is refused
   * with 400 `ERR_MALFORMED_REQUEST`. The proxy must overwrite any value the client sent.
   */
  originalUrlHeader?: string | undefined;
  /**
   * The header in which the proxy passes the original `Host`, e.g. `'x-forwarded-host'`. Its last
   * comma-separated entry (the one your proxy appended) replaces `host` for verification.
   */
  forwardedHostHeader?: string | undefined;
  /**
   * The header in which a TLS-terminating proxy passes the scheme the client used, e.g. `'x-forwarded-proto'`.
   * Its last comma-separated entry (the one your proxy appended), when it is `http` or `https` (any case),
   * replaces the scheme of the connection for RFC 9421 `@scheme` and `@target-uri`; any other value is ignored.
   * Draft-cavage signs no scheme and never reads it.
   */
  forwardedProtoHeader?: string | undefined;
}

/** What `onVerified` receives: identifiers only, never key material or the signature. */
export interface VerifiedEvent {
  /** The verified keyId (an RFC 9421 signature may have none). */
  keyId: string | undefined;
  /** The algorithm the signature was verified with. */
  algorithm: CavageAlgorithm | Rfc9421Algorithm;
  /** The signed header names (RFC 9421: the covered components), in order. */
  headers: readonly string[];
  /** Web Bot Auth (`scheme: 'web-bot-auth'`): the RFC 7638 thumbprint of the bot's key (its `keyid`). */
  thumbprint?: string | undefined;
  /**
   * Web Bot Auth: the agent that vouched for the bot's key — the origin its covered `Signature-Agent` names, when
   * the key came from that agent (its signed directory); never for a keyring's key, found whatever agent is named.
   */
  agent?: string | undefined;
  /** Web Bot Auth: the origin the bot's covered `Signature-Agent` names, vouched for or not (for logs, not rights). */
  claimedAgent?: string | undefined;
}

/** What `onError` receives: the stable code, the keyId when it was known, and the HTTP status answered. */
export interface VerificationFailedEvent {
  /** The stable error code. */
  code: ServerErrorCode;
  /** The keyId of the signature, when it could be read. */
  keyId: string | undefined;
  /** The status the middleware answers with (401, 413, 500 or 503). */
  status: number;
}

/** What a server adds to either scheme's verification options. */
export interface ServerOptions {
  /** Largest request body read for the digest check, in bytes. Larger bodies get 413. Default 1 MiB. */
  maxBodySize?: number | undefined;
  /**
   * The most time, in seconds, a request's body may take to arrive once the verifier starts reading it (only for
   * a request whose signature verified). A slower body gets 408 `ERR_BODY_TIMEOUT` and the connection is closed.
   * Default 10.
   */
  bodyTimeout?: number | undefined;
  /**
   * Require a signed `Digest`/`Content-Digest` on requests with a non-empty body. Default `true`. When
   * `false`, a body without a digest header is accepted (the body is then not covered by the signature).
   */
  requireDigest?: boolean | undefined;
  /** Reverse-proxy handling; off unless given. */
  trustProxy?: TrustProxyOptions | undefined;
  /**
   * Replay protection (off by default): `true` uses the process-wide in-memory store (a `MemoryReplayStore`),
   * or pass a {@link ReplayStore} such as `new RedisReplayStore({ client })` to share it between processes. Core
   * records each verified signature in it, for both schemes (an RFC 9421 signature needs no `nonce` here).
   */
  replay?: boolean | ReplayStore | undefined;
  /**
   * With replay protection on: the longest time, in seconds from now, that a verified signature may remain
   * acceptable (default {@link DEFAULT_MAX_REPLAY_WINDOW}, one hour; never less than `2 × clockSkew + maxAge`,
   * what the server's own clock policy accepts). Its replay-store entry must live that long, so a signature the
   * signer made valid for longer with a far `expires` is refused with `ERR_REPLAY_WINDOW_TOO_LONG`: otherwise a
   * holder of a valid key could fill the store with entries that never expire. Ignored when replay protection is
   * off.
   */
  maxReplayWindow?: number | undefined;
  /** The realm of the `WWW-Authenticate` challenge on 401. Default `"api"`. */
  realm?: string | undefined;
  /** Called after a request verified (and passed the replay check). Must not throw for a request to proceed. */
  onVerified?: ((event: VerifiedEvent) => void | Promise<void>) | undefined;
  /** Called when verification fails with a stable code, before the error answer is sent. */
  onError?: ((event: VerificationFailedEvent) => void | Promise<void>) | undefined;
}

/**
 * Draft-cavage verification on the server: core's verify options (key lookup, required headers, clock skew,
 * where the signature is, limits) plus body capture, proxy handling, replay protection, hooks and the
 * challenge realm.
 */
export interface CavageServerVerifyOptions extends Omit<VerifyOptions, 'body' | 'replayStore'>, ServerOptions {}

/**
 * RFC 9421 verification on the server: core's {@link VerifyRfc9421Options} with `scheme: 'rfc9421'` and the
 * server options. Replay protection is the `replay` option (core's `replayStore`; a nonce is required only with
 * `requireNonce: true`).
 */
export interface Rfc9421ServerVerifyOptions extends Omit<VerifyRfc9421Options, 'body' | 'replayStore'>, ServerOptions {
  /** Selects RFC 9421 HTTP Message Signatures. */
  scheme: 'rfc9421';
}

/**
 * Verification of either scheme on the server (`scheme: 'auto'`): core's `{ scheme: 'auto', cavage, rfc9421 }`
 * (RFC 9421 for a request with `Signature-Input`, else draft-cavage; a request with both a `Signature-Input` and
 * an `Authorization: Signature` is refused) and the server options, which apply to both (`replay`, body limits,
 * `requireDigest`, proxy, hooks). The presets of `@httpsig/core` (`mastodonVerifyOptions`, …) can be spread in.
 */
export interface AutoServerVerifyOptions extends ServerOptions {
  /** Selects the scheme by the request's fields. */
  scheme: 'auto';
  /** For a request without `Signature-Input`: core's draft-cavage options. */
  cavage: Omit<VerifyOptions, 'body' | 'replayStore'>;
  /** For a request with `Signature-Input`: core's RFC 9421 options. */
  rfc9421: Omit<VerifyRfc9421Options, 'body' | 'replayStore'>;
}

/**
 * Web Bot Auth on the server (`scheme: 'web-bot-auth'`): bots' RFC 9421 signatures under core's
 * `verifyWebBotAuth` policy (`tag="web-bot-auth"`, `expires − created` at most `maxValidity`, `@authority` and a
 * sent `Signature-Agent` covered, `keyid` = the key's thumbprint, the algorithm from the key), with the keys from
 * `keys`: `webBotAuthKeyring([...])` of `@httpsig/core/web-bot-auth` for bots you know, or `signatureAgentKeys()` of
 * `@httpsig/keys` for each agent's signed directory. The verified bot's `thumbprint`, `agent` (only an agent whose
 * directory vouched for the key, never for a keyring's key) and `claimedAgent` are in the result (`req.signature`)
 * and in `onVerified`. With `replay`, each verified signature is recorded by its key and nonce
 * (by its signature base when it has none); a nonce is required only with `requireNonce: true`.
 */
export interface WebBotAuthServerVerifyOptions extends Omit<VerifyWebBotAuthOptions, 'body' | 'replayStore' | 'requireNonce'>, ServerOptions {
  /** Selects Web Bot Auth. */
  scheme: 'web-bot-auth';
  /**
   * With `replay`: whether a bot's signature must carry a `nonce` (`ERR_HEADER_NOT_SIGNED` without one). Default
   * `false` on the server, as for RFC 9421 (core's `verifyWebBotAuth` defaults to `true`): a signature without a
   * nonce is then recorded by its signature base.
   */
  requireNonce?: boolean | undefined;
}

/**
 * Server verification options: draft-cavage (default), RFC 9421 (`scheme: 'rfc9421'`), either (`scheme: 'auto'`)
 * or Web Bot Auth (`scheme: 'web-bot-auth'`).
 */
export type ServerVerifyOptions = CavageServerVerifyOptions | Rfc9421ServerVerifyOptions | AutoServerVerifyOptions | WebBotAuthServerVerifyOptions;

/**
 * What a verified request carries: core's draft-cavage, RFC 9421 or Web Bot Auth verify result; with
 * `scheme: 'auto'`, the draft-cavage or RFC 9421 result with `scheme: 'cavage' | 'rfc9421'` naming which.
 */
export type SignatureVerification = VerifyResult | VerifyRfc9421Result | VerifyAutoResult | VerifyWebBotAuthResult;

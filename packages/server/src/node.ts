/**
 * Verifying requests of a plain node:http server.
 *
 * @packageDocumentation
 */
import type { VerifyAutoResult, VerifyResult, VerifyRfc9421Result } from '@httpsig/core';
import type { VerifyWebBotAuthResult } from '@httpsig/core/web-bot-auth';
import type { IncomingMessage } from 'node:http';
import { verifyIncoming } from './lib/node-message.js';
import type {
  AutoServerVerifyOptions, CavageServerVerifyOptions, Rfc9421ServerVerifyOptions, ServerVerifyOptions, SignatureVerification,
  WebBotAuthServerVerifyOptions,
} from './types.js';

/**
 * Verifies the HTTP signature of a node:http request. `(request-target)` is taken from the request line
 * (`req.url`) exactly as received; an absolute-form target must name the `Host` and is verified as its path and
 * query, RFC 9421 `@scheme` coming from the connection. A target or `Host` an application may read differently
 * (a fragment, bytes RFC 3986 does not allow, `Host` with userinfo, over HTTP/2 a `Host` other than
 * `:authority`) is refused with `ERR_MALFORMED_REQUEST` (answered 400) before any signature is checked.
 * Everything the headers carry is checked first; only when the signature verified is the body read (up to
 * `maxBodySize`, within `bodyTimeout`) for the digest check and then put back, so the handler can still read
 * `req` as a stream afterwards.
 *
 * @param req - the incoming request, body not yet read.
 * @param options - key lookup and server options.
 * @returns what was verified (keyId, algorithm, signed headers, signing string).
 * @throws `HttpSignatureError` (from `@httpsig/core`) with a stable code (see {@link ServerErrorCode}) when the request is
 *   refused, whatever the client does (an aborted upload is `ERR_REQUEST_ABORTED`, a stalled one
 *   `ERR_BODY_TIMEOUT`); answer it with {@link sendSignatureError}. Other errors (a failing key lookup, a body
 *   already consumed by a parser) are the server's own and are rethrown as they are.
 * @example
 * ```ts
 * http.createServer(async (req, res) => {
 *   try { await verifyNodeRequest(req, { keyLookup }) } catch (err) { return sendSignatureError(res, err) }
 *   res.end('hello')
 * })
 * ```
 */
export function verifyNodeRequest(req: IncomingMessage, options: CavageServerVerifyOptions): Promise<VerifyResult>;
/**
 * Verifies an RFC 9421 signature of a node:http request (`scheme: 'rfc9421'`).
 * @param req - the incoming request, body not yet read.
 * @param options - RFC 9421 policy, key lookup and server options.
 * @returns the verified label, keyId, algorithm, components and signature base.
 */
export function verifyNodeRequest(req: IncomingMessage, options: Rfc9421ServerVerifyOptions): Promise<VerifyRfc9421Result>;
/**
 * Verifies a request signed with either scheme (`scheme: 'auto'`): RFC 9421 when it has `Signature-Input`, else
 * draft-cavage; both an `Authorization: Signature` and a `Signature-Input` are refused (`ERR_MALFORMED_SIGNATURE`).
 * @param req - the request, body not yet read.
 * @param options - both schemes' options (e.g. a preset of `@httpsig/core`) and the server options.
 * @returns the result of the scheme used, with `scheme` naming it.
 */
export function verifyNodeRequest(req: IncomingMessage, options: AutoServerVerifyOptions): Promise<VerifyAutoResult>;
/**
 * Verifies a bot's Web Bot Auth signature of a node:http request (`scheme: 'web-bot-auth'`, see
 * {@link WebBotAuthServerVerifyOptions}).
 * @param req - the incoming request, body not yet read.
 * @param options - the bots' key source (`keys`), `maxValidity` and server options.
 * @returns the verified signature with the bot's `thumbprint`, `agent` (vouched for) and `claimedAgent`.
 */
export function verifyNodeRequest(req: IncomingMessage, options: WebBotAuthServerVerifyOptions): Promise<VerifyWebBotAuthResult>;
/**
 * Verifies with whichever scheme the options name.
 * @param req - the incoming request.
 * @param options - server verification options.
 * @returns the verification result of that scheme.
 */
export function verifyNodeRequest(req: IncomingMessage, options: ServerVerifyOptions): Promise<SignatureVerification>;
export function verifyNodeRequest(req: IncomingMessage, options: ServerVerifyOptions): Promise<SignatureVerification> {
  return verifyIncoming(req, req.url ?? '/', options);
}

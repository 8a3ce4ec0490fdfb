/**
 * Verifying web-standard `Request`s (Hono, Cloudflare Workers, Deno, Bun, Next.js route handlers).
 *
 * @packageDocumentation
 */
import { BodyTooLargeError } from '@httpsig/core';
import { bufferBody } from '@httpsig/core/adapter';
import type { VerifyAutoResult, VerifyResult, VerifyRfc9421Result } from '@httpsig/core';
import type { VerifyWebBotAuthResult } from '@httpsig/core/web-bot-auth';
import { fetchTarget } from './lib/fetch-message.js';
import { bodyLimitOf, bodyTimeoutOf, verifyMessage, withHooks, type ReceivedMessage } from './lib/verify-message.js';
import { BodyTimeoutError, RequestAbortedError, isServerSignatureError } from './errors.js';
import type {
  AutoServerVerifyOptions, CavageServerVerifyOptions, Rfc9421ServerVerifyOptions, ServerVerifyOptions, SignatureVerification,
  WebBotAuthServerVerifyOptions,
} from './types.js';

/** Options of {@link verifyFetchRequest}: the server options plus the peer address for proxy trust. */
export type FetchVerifyOptions = ServerVerifyOptions & PeerAddress;

/** What a web runtime may tell about the connection. */
export interface PeerAddress {
  /** The immediate peer's IP address, when the runtime tells it (needed for a `trustProxy` address list). */
  remoteAddress?: string | undefined;
}

/**
 * Reads a clone of the request body, refusing more than `limit` bytes or taking longer than `timeout` ms (the
 * clone is cancelled then); a failing stream (the client aborted) is {@link RequestAbortedError}.
 */
async function readBody(request: Request, limit: number, timeout: number): Promise<Uint8Array> {
  const stream = request.clone().body as ReadableStream<Uint8Array>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new BodyTimeoutError()); stream.cancel().catch(() => undefined); }, timeout);
  });
  try {
    return await Promise.race([bufferBody(stream, limit), late]);
  } catch (error) {
    if (isServerSignatureError(error)) throw error;
    throw new RequestAbortedError({ cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Verifies the HTTP signature of a web-standard `Request`. Once the signature verified, the body is read from a
 * clone (up to `maxBodySize`, within `bodyTimeout`), so the handler can still read the original. The request
 * target is the path and query of `request.url` as the runtime built it, and its scheme RFC 9421 `@scheme` (the
 * handler reads the same URL); `host` falls back to the URL's authority when the header is absent. A URL with a
 * fragment or userinfo, or whose authority differs from `Host`, is refused with `ERR_MALFORMED_REQUEST`
 * (answered 400).
 *
 * @param request - the incoming request.
 * @param options - key lookup and server options, plus `remoteAddress` for `trustProxy` lists.
 * @returns what was verified.
 * @throws `HttpSignatureError` (from `@httpsig/core`) with a stable code when the request is refused; turn it into the answer
 *   with {@link signatureErrorResponse}. Other errors are rethrown as they are.
 * @example
 * ```ts
 * // Hono
 * app.use(async (c, next) => {
 *   try { c.set('signature', await verifyFetchRequest(c.req.raw, { keyLookup })) }
 *   catch (err) { return signatureErrorResponse(err) }
 *   await next()
 * })
 * ```
 */
export function verifyFetchRequest(request: Request, options: CavageServerVerifyOptions & PeerAddress): Promise<VerifyResult>;
/**
 * Verifies an RFC 9421 signature of a web `Request` (`scheme: 'rfc9421'`).
 * @param request - the request, body not yet read.
 * @param options - RFC 9421 policy, key lookup and server options.
 * @returns the verified label, keyId, algorithm, components and signature base.
 */
export function verifyFetchRequest(request: Request, options: Rfc9421ServerVerifyOptions & PeerAddress): Promise<VerifyRfc9421Result>;
/**
 * Verifies a request signed with either scheme (`scheme: 'auto'`): RFC 9421 when it has `Signature-Input`, else
 * draft-cavage; both an `Authorization: Signature` and a `Signature-Input` are refused (`ERR_MALFORMED_SIGNATURE`).
 * @param request - the request, body not yet read.
 * @param options - both schemes' options (e.g. a preset of `@httpsig/core`) and the server options.
 * @returns the result of the scheme used, with `scheme` naming it.
 */
export function verifyFetchRequest(request: Request, options: AutoServerVerifyOptions & PeerAddress): Promise<VerifyAutoResult>;
/**
 * Verifies a bot's Web Bot Auth signature of a web `Request` (`scheme: 'web-bot-auth'`, see
 * {@link WebBotAuthServerVerifyOptions}).
 * @param request - the incoming request, body not yet read.
 * @param options - the bots' key source (`keys`), `maxValidity` and server options.
 * @returns the verified signature with the bot's `thumbprint`, `agent` (vouched for) and `claimedAgent`.
 */
export function verifyFetchRequest(request: Request, options: WebBotAuthServerVerifyOptions & PeerAddress): Promise<VerifyWebBotAuthResult>;
/**
 * Verifies with whichever scheme the options name.
 * @param request - the request.
 * @param options - server verification options.
 * @returns the verification result of that scheme.
 */
export function verifyFetchRequest(request: Request, options: FetchVerifyOptions): Promise<SignatureVerification>;
export function verifyFetchRequest(request: Request, options: FetchVerifyOptions): Promise<SignatureVerification> {
  return withHooks(options, async () => {
    let body: ReceivedMessage['body'] = new Uint8Array(0);
    if (request.body !== null) {
      if (request.bodyUsed) throw new Error('The request body was read before signature verification');
      const limit = bodyLimitOf(options);
      const declared = request.headers.get('content-length');
      if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError(limit);
      const timeout = bodyTimeoutOf(options);
      // Read (from a clone) only once core has verified the signature.
      body = () => readBody(request, limit, timeout);
    }
    const { url, headers, scheme } = fetchTarget(request, options.trustProxy, options.remoteAddress);
    return verifyMessage({ method: request.method, url, headers, body, scheme }, options);
  });
}

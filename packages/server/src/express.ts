/**
 * Express middleware.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyIncomingSync } from './lib/node-message.js';
import { checkServerOptions } from './lib/verify-message.js';
import { sendSignatureError } from './response.js';
import type { ServerVerifyOptions, SignatureVerification } from './types.js';
import { isServerSignatureError } from './errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified signature, set by `expressMiddleware` from `@httpsig/server`. */
      signature?: SignatureVerification | undefined;
    }
  }
}

/** An Express (4 or 5) middleware function, typed without depending on Express' own types. */
export type ExpressMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express middleware that verifies every request: on success it sets `req.signature` to the verify result
 * and calls `next()`; on a signature failure it answers 401 (413/500/503 for the codes that call for them)
 * with a JSON body `{ code, message }` and a challenge: `WWW-Authenticate: Signature realm="…",headers="…"`
 * for draft-cavage, `Accept-Signature` as well for RFC 9421.
 *
 * The request target (`(request-target)`, or RFC 9421 `@path`/`@query`) comes from `req.originalUrl` (the request
 * line as received, also under a mounted router). A target or `Host` that Express could read differently from the
 * verifier (a fragment, bytes RFC 3986 does not allow, `Host` with userinfo, an absolute-form target naming another
 * authority, …) is refused with 400 `ERR_MALFORMED_REQUEST` before any signature is checked.
 *
 * Body capture: mount it **before** your body parsers. It reads the raw body (up to `maxBodySize`) for the
 * digest check and puts the bytes back into the request stream, so `express.json()` and friends parse it as
 * usual. If a parser must run first, have it keep the bytes:
 * `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`.
 *
 * @param options - key lookup and server options.
 * @returns the middleware.
 * @throws RangeError when `maxBodySize` or `maxReplayWindow` is not a valid number.
 * @throws TypeError when `replay` is neither a boolean nor a replay store, `scheme: 'auto'` lacks the `cavage` or
 *   `rfc9421` options, or `scheme: 'web-bot-auth'` has no `keys` function.
 * @example
 * ```ts
 * app.use(expressMiddleware({ keyLookup: (id) => keys.get(id) }))
 * app.use(express.json())
 * app.post('/orders', (req, res) => res.json({ by: req.signature?.keyId }))
 * ```
 */
export function expressMiddleware(options: ServerVerifyOptions): ExpressMiddleware {
  checkServerOptions(options);
  const fail = (res: ServerResponse, next: (error?: unknown) => void, error: unknown): void => {
    if (isServerSignatureError(error) && !res.headersSent) sendSignatureError(res, error, options);
    else next(error);
  };
  return (req, res, next) => {
    const original = (req as { originalUrl?: unknown }).originalUrl;
    const rawUrl = typeof original === 'string' ? original : req.url ?? '/';
    // With a synchronous key lookup and no body the request is verified in this tick and `next()` is called
    // directly: no promise and no microtask per request.
    let outcome: SignatureVerification | Promise<SignatureVerification>;
    try {
      outcome = verifyIncomingSync(req, rawUrl, options);
    } catch (error) {
      fail(res, next, error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then((result) => {
        (req as { signature?: SignatureVerification }).signature = result;
        next();
      }, (error: unknown) => { fail(res, next, error); });
      return;
    }
    (req as { signature?: SignatureVerification }).signature = outcome;
    next();
  };
}

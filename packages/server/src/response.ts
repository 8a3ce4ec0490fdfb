/**
 * Turning a signature error into the HTTP answer: status, `WWW-Authenticate` challenge, JSON body.
 *
 * @packageDocumentation
 */
import { DEFAULT_REQUIRED_HEADERS, formatChallenge } from '@httpsig/core';
import { DEFAULT_REQUIRED_REQUEST_COMPONENTS } from '@httpsig/core/rfc9421';
import { WEB_BOT_AUTH_COMPONENTS, WEB_BOT_AUTH_TAG } from '@httpsig/core/web-bot-auth';
import type { ServerResponse } from 'node:http';
import { isServerSignatureError, type ServerErrorCode, type ServerSignatureError } from './errors.js';

/** What an error answer consists of. */
export interface SignatureFailure {
  /**
   * 401, or 400 (`ERR_MALFORMED_REQUEST`, `ERR_REQUEST_ABORTED`), 408 (`ERR_BODY_TIMEOUT`), 413 (`ERR_BODY_TOO_LARGE`),
   * 500 (`ERR_INVALID_KEY`: the server's own key is unusable), 503 (`ERR_REPLAY_STORE_UNAVAILABLE`).
   */
  status: number;
  /** Response headers, lower-case names: `content-type`, `cache-control`, and `www-authenticate` on 401. */
  headers: Record<string, string>;
  /** The JSON text `{"code":"ERR_…","message":"…"}`. */
  body: string;
}

/** What the challenge of a 401 is built from (a subset of the server options, which can be passed as is). */
export interface ChallengeOptions {
  /** The realm. Default `"api"`. */
  realm?: string | undefined;
  /** The headers the server requires signed. Default `(request-target) date`. */
  requiredHeaders?: readonly string[] | undefined;
  /**
   * `'rfc9421'`: the challenge also names what to sign in an `Accept-Signature` field (RFC 9421 §5.1);
   * `'web-bot-auth'`: the same, with `@authority`, `created`, `expires` and `tag="web-bot-auth"`.
   */
  scheme?: string | undefined;
  /** RFC 9421: the components the server requires. Default `@method @authority @path`. */
  requiredComponents?: readonly string[] | undefined;
  /** With `scheme: 'auto'`: the draft-cavage options, whose `requiredHeaders` the challenge names. */
  cavage?: { requiredHeaders?: readonly string[] | undefined } | undefined;
  /** With `scheme: 'auto'`: the RFC 9421 options, whose `requiredComponents` `Accept-Signature` names. */
  rfc9421?: { requiredComponents?: readonly string[] | undefined } | undefined;
}

/**
 * The HTTP status answered for a stable code.
 *
 * @param code - a stable error code.
 * @returns 400 for `ERR_MALFORMED_REQUEST` and `ERR_REQUEST_ABORTED`, 408 for `ERR_BODY_TIMEOUT`, 413 for
 *   `ERR_BODY_TOO_LARGE`, 503 for `ERR_REPLAY_STORE_UNAVAILABLE`, 500 for `ERR_INVALID_KEY`, else 401.
 */
export function signatureErrorStatus(code: ServerErrorCode): number {
  switch (code) {
    case 'ERR_BODY_TOO_LARGE': return 413;
    case 'ERR_BODY_TIMEOUT': return 408;
    case 'ERR_MALFORMED_REQUEST': return 400;
    case 'ERR_REQUEST_ABORTED': return 400;
    case 'ERR_REPLAY_STORE_UNAVAILABLE': return 503;
    case 'ERR_INVALID_KEY': return 500;
    default: return 401;
  }
}

/**
 * Describes the answer to a signature error. The body carries the stable code and the error's fixed
 * message (never a secret, key or signature); a 401 carries the challenge
 * `WWW-Authenticate: Signature realm="…",headers="…"` (draft-cavage-12 §3.1.1); when `scheme` is `'rfc9421'`,
 * `WWW-Authenticate: Signature realm="…"` and `Accept-Signature` naming the required components (RFC 9421 §5.1);
 * when it is `'web-bot-auth'`, the same, asking for what every bot signature covers (`@authority`, core's
 * `WEB_BOT_AUTH_COMPONENTS`) with `created`, `expires` and `tag="web-bot-auth"`; when it is `'auto'`, both the
 * draft-cavage challenge (`cavage.requiredHeaders`) and `Accept-Signature` (`rfc9421.requiredComponents`).
 *
 * @param error - a signature error from a verification.
 * @param options - realm, required headers (or RFC 9421 components) and scheme for the challenge.
 * @returns status, headers and JSON body.
 * @example
 * ```ts
 * if (isServerSignatureError(err)) {
 *   const { status, headers, body } = describeSignatureError(err, { realm: 'api' })
 * }
 * ```
 */
export function describeSignatureError(error: ServerSignatureError, options: ChallengeOptions = {}): SignatureFailure {
  const code = error.code as ServerErrorCode;
  const status = signatureErrorStatus(code);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (status === 401 && (options.scheme === 'rfc9421' || options.scheme === 'web-bot-auth')) {
    const bot = options.scheme === 'web-bot-auth';
    const components = bot ? WEB_BOT_AUTH_COMPONENTS : options.requiredComponents ?? DEFAULT_REQUIRED_REQUEST_COMPONENTS;
    headers['www-authenticate'] = `Signature realm=${JSON.stringify(options.realm ?? 'api')}`;
    // RFC 9421 §5.1: a dictionary of labels, each an inner list of component identifiers with parameters.
    headers['accept-signature'] = acceptSignature(components, bot ? `;expires;tag=${JSON.stringify(WEB_BOT_AUTH_TAG)}` : '');
  } else if (status === 401 && options.scheme === 'auto') {
    // Either scheme is accepted: the draft-cavage challenge, and what an RFC 9421 signature must cover.
    headers['www-authenticate'] = formatChallenge({
      realm: options.realm ?? 'api',
      headers: options.cavage?.requiredHeaders ?? DEFAULT_REQUIRED_HEADERS,
    });
    headers['accept-signature'] = acceptSignature(options.rfc9421?.requiredComponents ?? DEFAULT_REQUIRED_REQUEST_COMPONENTS);
  } else if (status === 401) {
    headers['www-authenticate'] = formatChallenge({
      realm: options.realm ?? 'api',
      headers: options.requiredHeaders ?? DEFAULT_REQUIRED_HEADERS,
    });
  }
  // The rest of an oversized, late or aborted body is not read: close the connection instead of draining it.
  if (status === 413 || status === 408 || code === 'ERR_REQUEST_ABORTED') headers['connection'] = 'close';
  return { status, headers, body: JSON.stringify({ code, message: error.message }) };
}

/**
 * A web `Response` for a failed {@link verifyFetchRequest}.
 *
 * @param error - what the verification threw.
 * @param options - realm and required headers for the challenge.
 * @returns the 401/413/500/503 response.
 * @throws the `error` itself when it is not a signature error (e.g. a key lookup that failed).
 * @example
 * ```ts
 * app.use(async (c, next) => {
 *   try { c.set('signature', await verifyFetchRequest(c.req.raw, options)) }
 *   catch (err) { return signatureErrorResponse(err, options) }
 *   await next()
 * })
 * ```
 */
export function signatureErrorResponse(error: unknown, options: ChallengeOptions = {}): Response {
  if (!isServerSignatureError(error)) throw error;
  const failure = describeSignatureError(error, options);
  const headers = { ...failure.headers };
  delete headers['connection']; // a forbidden response header for fetch implementations
  return new Response(failure.body, { status: failure.status, headers });
}

/**
 * Writes the answer to a failed {@link verifyNodeRequest} on a node:http response.
 *
 * @param res - the response (nothing must have been sent yet).
 * @param error - what the verification threw.
 * @param options - realm and required headers for the challenge.
 * @throws the `error` itself when it is not a signature error.
 * @example
 * ```ts
 * http.createServer(async (req, res) => {
 *   try { await verifyNodeRequest(req, options) } catch (err) { return sendSignatureError(res, err, options) }
 *   res.end('hello')
 * })
 * ```
 */
export function sendSignatureError(res: ServerResponse, error: unknown, options: ChallengeOptions = {}): void {
  if (!isServerSignatureError(error)) throw error;
  const failure = describeSignatureError(error, options);
  res.writeHead(failure.status, { ...failure.headers, 'content-length': String(new TextEncoder().encode(failure.body).length) });
  res.end(failure.body);
}

/** An `Accept-Signature` value asking for one signature over the components, with `created` and any further parameters. */
function acceptSignature(components: readonly string[], parameters = ''): string {
  return `sig1=(${components.map(componentIdentifier).join(' ')});created${parameters}`;
}

/** A component identifier as a structured-field string: `@path` → `"@path"`; an already quoted one is kept. */
function componentIdentifier(component: string): string {
  return component.startsWith('"') ? component : JSON.stringify(component);
}

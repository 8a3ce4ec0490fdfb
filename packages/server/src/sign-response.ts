/**
 * Signing responses with RFC 9421 (`@status`, response fields, and request components bound with `;req`),
 * so a client can check that an answer came from the server and belongs to its request (RFC 9421 §2.4).
 * @packageDocumentation
 */
import { sign } from '@httpsig/core';
import { normalizeHeaders } from '@httpsig/core/adapter';
import type { BodyInput, Rfc9421SigningOptions, SignResult } from '@httpsig/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fetchTarget } from './lib/fetch-message.js';
import { nodeTarget } from './lib/node-message.js';
import type { PeerAddress } from './fetch.js';
import type { TrustProxyOptions } from './types.js';

/** How to sign a response: RFC 9421 signing options (the scheme is implied) and the body for `content-digest`. */
export type ResponseSigningOptions = Omit<Rfc9421SigningOptions, 'scheme'> & {
  /** The exact response body, when `digest` is set (a `content-digest` is made and covered). */
  body?: BodyInput | undefined;
};

/** {@link ResponseSigningOptions} for a node:http response, with the reverse-proxy handling of verification. */
export type NodeResponseSigningOptions = ResponseSigningOptions & {
  /**
   * Behind a trusted proxy, the `;req` components read the request target, host and scheme the client sent
   * (as verification does with the same option). Off unless given.
   */
  trustProxy?: TrustProxyOptions | undefined;
};

/**
 * {@link NodeResponseSigningOptions} for a web `Response`: a web `Request` carries no peer address, so a
 * `trustProxy` list of proxy addresses needs `remoteAddress`, as `verifyFetchRequest` does.
 */
export type FetchResponseSigningOptions = NodeResponseSigningOptions & PeerAddress;

/**
 * The components signed when none are named: the status and content type, bound to the request's method, path
 * and query (`"@query";req` is `?` for a request without one), so a response cannot pass as the answer to another
 * query — what a client's default response policy requires (core `RESPONSE_TARGET_BINDING`).
 */
export const DEFAULT_RESPONSE_COMPONENTS: readonly string[] = ['@status', 'content-type', '"@method";req', '"@path";req', '"@query";req'];

/**
 * Signs a node:http response before it is sent: sets `Signature-Input` and `Signature` (and `Content-Digest`
 * when asked) on `res`. Call it after setting the status and headers and before `writeHead`/`end`.
 *
 * @param req - the request being answered (for `;req` components); its target is `req.originalUrl` when that
 *   is a string (Express, also under a mounted router), else `req.url`.
 * @param res - the response, headers not yet sent.
 * @param options - key, algorithm, keyId, components (default {@link DEFAULT_RESPONSE_COMPONENTS}), digest + body,
 *   and `trustProxy` behind a reverse proxy.
 * @returns what core `sign` returned (the headers set, and the signature base).
 * @throws Error when the headers were already sent; core's typed errors for a bad key or a missing component.
 * @example
 * ```ts
 * res.statusCode = 200
 * res.setHeader('content-type', 'application/json')
 * await signNodeResponse(req, res, { keyId: 'server', key: privateKeyPem, algorithm: 'ed25519', body, digest: 'SHA-256' })
 * res.end(body)
 * ```
 */
export async function signNodeResponse(req: IncomingMessage, res: ServerResponse, options: NodeResponseSigningOptions): Promise<SignResult> {
  if (res.headersSent) throw new Error('The response headers were already sent');
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, String(v)]);
  }
  // Express routers rewrite `req.url` relative to their mount path; `originalUrl` is the request line as sent.
  const originalUrl = (req as { originalUrl?: unknown }).originalUrl;
  const { trustProxy, ...signing } = options;
  const request = nodeTarget(req, typeof originalUrl === 'string' ? originalUrl : req.url ?? '/', trustProxy);
  const result = await sign({
    status: res.statusCode, headers,
    request: { method: req.method ?? 'GET', ...request },
  }, { ...signing, scheme: 'rfc9421', headers: signing.headers ?? signing.components ?? DEFAULT_RESPONSE_COMPONENTS });
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  return result;
}

/**
 * Signs a web `Response` to a web `Request` (Hono, workers, Deno): returns a new `Response` with the same body,
 * status and headers plus `Signature-Input` and `Signature` (and `Content-Digest` when asked).
 *
 * @param request - the request being answered (for `;req` components).
 * @param response - the response to sign; its body is read to make a digest when `digest` is set.
 * @param options - key, algorithm, keyId, components (default {@link DEFAULT_RESPONSE_COMPONENTS}), digest,
 *   and `trustProxy` (with `remoteAddress`) behind a reverse proxy.
 * @returns the signed response.
 * @throws core's typed errors for a bad key or a missing component.
 * @example
 * ```ts
 * app.get('/answer', (c) => signFetchResponse(c.req.raw, c.json({ ok: true }), { keyId: 'server', key, algorithm: 'ed25519' }))
 * ```
 */
export async function signFetchResponse(request: Request, response: Response, options: FetchResponseSigningOptions): Promise<Response> {
  const { trustProxy, remoteAddress, ...signing } = options;
  const body = signing.digest === undefined ? undefined : new Uint8Array(await response.clone().arrayBuffer());
  const result = await sign({
    status: response.status, headers: normalizeHeaders(response.headers),
    request: { method: request.method, ...fetchTarget(request, trustProxy, remoteAddress) },
  }, { ...signing, scheme: 'rfc9421', headers: signing.headers ?? signing.components ?? DEFAULT_RESPONSE_COMPONENTS, ...(body === undefined ? {} : { body }) });
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

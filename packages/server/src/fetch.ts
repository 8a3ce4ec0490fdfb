/**
 * Verifying web-standard `Request`s (Hono, Cloudflare Workers, Deno, Bun, Next.js route handlers).
 *
 * @packageDocumentation
 */
import type { VerifyResult } from '@httpsig/core';
import { BodyTooLargeError } from '@httpsig/core';
import { applyTrustedProxy } from './lib/proxy.js';
import { bodyLimitOf, verifyMessage, withHooks } from './lib/verify-message.js';
import type { ServerVerifyOptions } from './types.js';

/** Options of {@link verifyFetchRequest}: the server options plus the peer address for proxy trust. */
export interface FetchVerifyOptions extends ServerVerifyOptions {
  /** The immediate peer's IP address, when the runtime tells it (needed for a `trustProxy` address list). */
  remoteAddress?: string | undefined;
}

/** Reads a clone of the request body, refusing more than `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  if (request.bodyUsed) throw new Error('The request body was read before signature verification');
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError(limit);
  const reader = (request.clone().body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Not awaited: a tee branch's cancel settles only once the other branch (the app's) is cancelled too.
      reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) { body.set(chunk, offset); offset += chunk.byteLength; }
  return body;
}

/**
 * The request target of an absolute request URL as the runtime gives it: everything from the first `/`
 * after the authority, not re-serialised.
 */
function targetOf(url: string): string {
  const start = url.indexOf('//');
  const slash = url.indexOf('/', start === -1 ? 0 : start + 2);
  if (slash === -1) return '/';
  const hash = url.indexOf('#', slash);
  return hash === -1 ? url.slice(slash) : url.slice(slash, hash);
}

/**
 * Verifies the HTTP signature of a web-standard `Request`. The body is read from a clone (up to
 * `maxBodySize`), so the handler can still read the original. The request target is the path and query of
 * `request.url` as the runtime built it; `host` falls back to the URL's authority when the header is absent.
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
export function verifyFetchRequest(request: Request, options: FetchVerifyOptions): Promise<VerifyResult> {
  return withHooks(options, async () => {
    const body = await readBody(request, bodyLimitOf(options));
    const pairs: [string, string][] = [];
    request.headers.forEach((value, name) => { pairs.push([name.toLowerCase(), value]); });
    if (!pairs.some(([name]) => name === 'host')) pairs.push(['host', new URL(request.url).host]);
    const { url, headers } = applyTrustedProxy(targetOf(request.url), pairs, options.trustProxy, () => options.remoteAddress);
    return verifyMessage({ method: request.method, url, headers, body }, options);
  });
}

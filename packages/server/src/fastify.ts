/**
 * Fastify plugin, with Fastify's own types and the typed `request.signature`: the `@httpsig/server/fastify` entry
 * (fastify is an optional peer, so the main entry exports the same plugin typed by shape).
 *
 * @packageDocumentation
 */
import { BodyTooLargeError } from '@httpsig/core';
import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { checkDeclaredLength, mayHaveBody } from './lib/node-body.js';
import { nodeTarget, requestHeaderPairs } from './lib/node-message.js';
import { bodyLimitOf, bodyTimeoutOf, checkServerOptions, verifyMessage, withHooks, type ReceivedMessage } from './lib/verify-message.js';
import { describeSignatureError } from './response.js';
import type { ServerVerifyOptions, SignatureVerification } from './types.js';
import { BodyTimeoutError, RequestAbortedError, isServerSignatureError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified signature, set by `fastifyPlugin` from `@httpsig/server` (null before verification). */
    signature: SignatureVerification | null;
  }
}

// Loaded on first use, so that importing this package (e.g. for verifyFetchRequest in a worker) needs no node:stream.
let streamModule: Promise<{ Readable: typeof Readable }> | undefined;

/**
 * Reads a payload stream to the end, refusing more than `limit` bytes or taking longer than `timeout` ms (the
 * stream is left paused then, so the 408 can still be sent); a stream that fails or closes early (the client
 * aborted) is {@link RequestAbortedError}.
 */
function readPayload(payload: Readable, limit: number, timeout: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const settle = (error: Error | undefined): void => {
      clearTimeout(timer);
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, total));
      else { payload.pause(); reject(error); }
    };
    const onData = (chunk: unknown): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
      total += bytes.length;
      if (total > limit) { settle(new BodyTooLargeError(limit)); return; }
      chunks.push(bytes);
    };
    const onEnd = (): void => { settle(undefined); };
    const onError = (cause: Error): void => { settle(new RequestAbortedError({ cause })); };
    const onClose = (): void => { settle(new RequestAbortedError()); };
    const timer = setTimeout(() => { settle(new BodyTimeoutError()); }, timeout);
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', onError);
    payload.once('close', onClose);
  });
}

/**
 * Fastify plugin that verifies every request of the instance it is registered on (it is not encapsulated:
 * registered at the root it covers every route). On success `request.signature` is the verify result; on a
 * signature failure the reply is 401 (413/500/503 where they apply) with a JSON body `{ code, message }` and
 * `WWW-Authenticate: Signature realm="…",headers="…"`.
 *
 * Body capture: a `preParsing` hook verifies the signature from the headers, then (only when it verified) reads
 * the raw payload (up to `maxBodySize`, within `bodyTimeout`) and checks its digest, then hands Fastify a new
 * stream of the same bytes, so every content-type parser still works.
 * Over HTTP/1.x the payload is read when Transfer-Encoding or a non-zero Content-Length announces it; over
 * HTTP/2 (`Fastify({ http2: true })`) it is always read, since a body needs neither header there.
 * `(request-target)` comes from the raw request line (`request.raw.url`, or the URL before `rewriteUrl` when the
 * app rewrites it: what the client signed); RFC 9421 `@scheme` and `@target-uri` use `https` when the connection
 * is TLS, else `http`. A target or `Host` an application may read differently is refused with 400
 * `ERR_MALFORMED_REQUEST` (see the server guide).
 *
 * @example
 * ```ts
 * await app.register(fastifyPlugin, { keyLookup: (id: string) => keys.get(id) })
 * app.post('/orders', async (request) => ({ by: request.signature?.keyId }))
 * ```
 */
export const fastifyPlugin: FastifyPluginAsync<ServerVerifyOptions> = async (fastify, options) => {
  checkServerOptions(options);
  const limit = bodyLimitOf(options);
  const timeout = bodyTimeoutOf(options);
  if (!fastify.hasRequestDecorator('signature')) fastify.decorateRequest('signature', null);
  fastify.addHook('preParsing', async (request, reply, payload) => {
    let replacement: Readable | undefined;
    try {
      request.signature = await withHooks(options, async () => {
        const { raw } = request;
        const pairs = requestHeaderPairs(raw);
        let body: ReceivedMessage['body'] = new Uint8Array(0);
        // Over HTTP/2 a body needs no Content-Length: the payload may be read unless there is certainly none.
        // It is read only once core has verified the signature (a forged or unsigned request is refused first).
        if (mayHaveBody(raw.httpVersionMajor, pairs)) {
          checkDeclaredLength(raw.headers, limit);
          body = async () => {
            const bytes = await readPayload(payload as Readable, limit, timeout);
            streamModule ??= import('node:stream');
            const { Readable } = await streamModule;
            // The payload was consumed: Fastify gets a fresh stream of the same bytes (none for an empty body).
            replacement = Object.assign(Readable.from(bytes.length > 0 ? [bytes] : []), { receivedEncodedLength: bytes.length });
            return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          };
        }
        // With Fastify's rewriteUrl, raw.url is the rewritten URL: verify the one the client sent and signed.
        const received = (raw as { originalUrl?: unknown }).originalUrl;
        const { url, headers, scheme } = nodeTarget(raw, typeof received === 'string' ? received : raw.url ?? '/', options.trustProxy, pairs);
        return verifyMessage({ method: raw.method ?? 'GET', url, headers, body, scheme }, options);
      });
    } catch (error) {
      if (!isServerSignatureError(error)) throw error;
      const failure = describeSignatureError(error, options);
      // Sending before the hook resolves stops the lifecycle here (Fastify "Respond to a request from a hook").
      void reply.code(failure.status).headers(failure.headers).send(failure.body);
      return undefined;
    }
    return replacement;
  });
};

// Registered at the root, the hook applies to every route (Fastify's documented `skip-override` marker,
// which is what fastify-plugin sets).
Object.assign(fastifyPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@httpsig/server',
});

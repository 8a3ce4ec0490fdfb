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
import { bodyLimitOf, checkServerOptions, verifyMessage, withHooks } from './lib/verify-message.js';
import { describeSignatureError } from './response.js';
import type { ServerVerifyOptions, SignatureVerification } from './types.js';
import { isServerSignatureError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified signature, set by `fastifyPlugin` from `@httpsig/server` (null before verification). */
    signature: SignatureVerification | null;
  }
}

// Loaded on first use, so that importing this package (e.g. for verifyFetchRequest in a worker) needs no node:stream.
let streamModule: Promise<{ Readable: typeof Readable }> | undefined;

/** Reads a payload stream to the end, refusing more than `limit` bytes. */
async function readPayload(payload: AsyncIterable<unknown>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of payload) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
    total += bytes.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Fastify plugin that verifies every request of the instance it is registered on (it is not encapsulated:
 * registered at the root it covers every route). On success `request.signature` is the verify result; on a
 * signature failure the reply is 401 (413/500/503 where they apply) with a JSON body `{ code, message }` and
 * `WWW-Authenticate: Signature realm="…",headers="…"`.
 *
 * Body capture: a `preParsing` hook reads the raw payload (up to `maxBodySize`), verifies the digest and the
 * signature, then hands Fastify a new stream of the same bytes, so every content-type parser still works.
 * Over HTTP/1.x the payload is read when Transfer-Encoding or a non-zero Content-Length announces it; over
 * HTTP/2 (`Fastify({ http2: true })`) it is always read, since a body needs neither header there.
 * `(request-target)` comes from the raw request line (`request.raw.url`); RFC 9421 `@scheme` and
 * `@target-uri` use `https` when the connection is TLS, else `http`.
 *
 * @example
 * ```ts
 * await app.register(fastifyPlugin, { keyLookup: (id) => keys.get(id) })
 * app.post('/orders', async (request) => ({ by: request.signature?.keyId }))
 * ```
 */
export const fastifyPlugin: FastifyPluginAsync<ServerVerifyOptions> = async (fastify, options) => {
  checkServerOptions(options);
  const limit = bodyLimitOf(options);
  if (!fastify.hasRequestDecorator('signature')) fastify.decorateRequest('signature', null);
  fastify.addHook('preParsing', async (request, reply, payload) => {
    let replacement: Readable | undefined;
    try {
      request.signature = await withHooks(options, async () => {
        const { raw } = request;
        let body: Uint8Array = new Uint8Array(0);
        const pairs = requestHeaderPairs(raw);
        // Over HTTP/2 a body needs no Content-Length: the payload is read unless there is certainly none.
        if (mayHaveBody(raw.httpVersionMajor, pairs)) {
          checkDeclaredLength(raw.headers, limit);
          const bytes = await readPayload(payload, limit);
          body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          streamModule ??= import('node:stream');
          const { Readable } = await streamModule;
          // The payload was consumed: Fastify always gets a fresh stream of the same bytes (none for an empty body).
          replacement = Object.assign(Readable.from(bytes.length > 0 ? [bytes] : []), { receivedEncodedLength: bytes.length });
        }
        const { url, headers, scheme } = nodeTarget(raw, raw.url ?? '/', options.trustProxy, pairs);
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

/**
 * Serving an agent's key directory at `/.well-known/http-message-signatures-directory` from node:http, Express,
 * Fastify and web `Request` handlers. What to answer (media type, caching, ETag, the response signatures) is decided
 * by core's `createKeyDirectory`; these handlers only route the path and write the answer.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRequestTarget } from '@httpsig/core/adapter';
import { DIRECTORY_PATH, type DirectoryRequest, type DirectoryResponse, type KeyDirectory } from '@httpsig/core/web-bot-auth';

/** A node:http request listener that is also an Express middleware. */
export type KeyDirectoryHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The members of a Fastify 4 or 5 instance {@link fastifyKeyDirectory} calls, by shape. */
export interface FastifyRoutesLike {
  /**
   * Adds a GET route (Fastify answers HEAD with it too).
   * @param path - the route.
   * @param handler - the handler.
   * @returns the instance.
   */
  get(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

/** What {@link fastifyKeyDirectory} reads of a Fastify request. */
export interface FastifyRequestLike {
  /** The underlying node:http request. */
  raw: IncomingMessage;
}

/** What {@link fastifyKeyDirectory} calls on a Fastify reply. */
export interface FastifyReplyLike {
  /** @param status - the status code. @returns the reply. */
  code(status: number): FastifyReplyLike;
  /** @param headers - headers to set. @returns the reply. */
  headers(headers: Record<string, string>): FastifyReplyLike;
  /** @param body - the body, if any. @returns the reply. */
  send(body?: Uint8Array): FastifyReplyLike;
}

/**
 * Whether a request target names the directory (its path, any query), read by core's parser of received targets as
 * every verifier reads it: an absolute-form target counts, a malformed one (a fragment, …) is not the directory.
 */
function isDirectoryTarget(target: string | undefined): boolean {
  if (target === undefined) return false;
  try {
    return parseRequestTarget(target).path === DIRECTORY_PATH;
  } catch {
    return false;
  }
}

/** The request as core reads it. */
function fromNode(req: IncomingMessage, target: string): DirectoryRequest {
  return { method: req.method ?? 'GET', url: target, headers: req.headers as DirectoryRequest['headers'] };
}

/** Writes an answer on a node:http response. */
function writeNode(res: ServerResponse, { status, headers, body }: Pick<DirectoryResponse, 'headers' | 'body'> & { status: number }): void {
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Serves a key directory from node:http or Express: a request for {@link DIRECTORY_PATH} is answered with
 * `directory.respond` (200 signed JWKS, 304, 400, 405 or 421); any other request goes to `next` (Express) or, as a plain
 * node:http listener, gets 404. Mount it before authentication: verifiers fetch the directory unsigned.
 *
 * @param directory - from `createKeyDirectory` of `@httpsig/core/web-bot-auth`.
 * @returns the handler.
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createKeyDirectory } from '@httpsig/core/web-bot-auth';
 *
 * const directory = await createKeyDirectory({ keys: [privateKeyPem], authorities: ['bot.example'] });
 * app.use(keyDirectoryHandler(directory));                      // Express
 * http.createServer(keyDirectoryHandler(directory)).listen(8443); // node:http
 * ```
 */
export function keyDirectoryHandler(directory: KeyDirectory): KeyDirectoryHandler {
  return (req, res, next) => {
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url;
    if (!isDirectoryTarget(target)) {
      if (next !== undefined) next();
      else writeNode(res, { status: 404, headers: {}, body: undefined });
      return;
    }
    directory.respond(fromNode(req, target as string)).then((answer) => writeNode(res, answer), (error: unknown) => {
      if (next !== undefined) next(error);
      else writeNode(res, { status: 500, headers: {}, body: undefined });
    });
  };
}

/**
 * A Fastify plugin that serves a key directory at {@link DIRECTORY_PATH} (GET, and HEAD through Fastify's head
 * routes). Register it with `app.register(fastifyKeyDirectory(directory))`.
 *
 * @param directory - from `createKeyDirectory` of `@httpsig/core/web-bot-auth`.
 * @returns the plugin.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createKeyDirectory } from '@httpsig/core/web-bot-auth';
 *
 * const fastify = Fastify();
 * await fastify.register(fastifyKeyDirectory(await createKeyDirectory({ keys: [privateKeyPem], authorities: ['bot.example'] })));
 * ```
 */
export function fastifyKeyDirectory(directory: KeyDirectory): (instance: FastifyRoutesLike) => Promise<void> {
  return async (instance) => {
    instance.get(DIRECTORY_PATH, async (request, reply) => {
      const answer = await directory.respond(fromNode(request.raw, request.raw.url ?? DIRECTORY_PATH));
      // Bytes, not a string: Fastify would add `; charset=utf-8` to the draft's media type.
      return reply.code(answer.status).headers(answer.headers).send(answer.body === undefined ? undefined : new TextEncoder().encode(answer.body));
    });
  };
}

/**
 * Serves a key directory from a web `Request` handler (workers, Deno, Bun, Hono): the answer for a request to
 * {@link DIRECTORY_PATH}, `undefined` for any other path so that the application answers it.
 *
 * @param directory - from `createKeyDirectory` of `@httpsig/core/web-bot-auth`.
 * @returns the handler.
 * @example
 * ```ts
 * import { createKeyDirectory } from '@httpsig/core/web-bot-auth';
 *
 * const serveDirectory = keyDirectoryFetchHandler(await createKeyDirectory({ keys: [privateKeyPem], authorities: ['bot.example'] }));
 * export default {
 *   fetch: async (request: Request): Promise<Response> => (await serveDirectory(request)) ?? new Response('not found', { status: 404 }),
 * };
 * ```
 */
export function keyDirectoryFetchHandler(directory: KeyDirectory): (request: Request) => Promise<Response | undefined> {
  return async (request) => {
    if (new URL(request.url).pathname !== DIRECTORY_PATH) return undefined;
    const answer = await directory.respond({ method: request.method, url: request.url, headers: request.headers });
    return new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
  };
}

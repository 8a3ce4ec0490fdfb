/**
 * The Fastify plugin as the main entry of `@httpsig/server` exports it: typed by shape, so that the package's
 * types check in projects without fastify installed (fastify is an optional peer). `@httpsig/server/fastify`
 * exports the same plugin with Fastify's own types and the typed `request.signature`.
 *
 * @packageDocumentation
 */
import { fastifyPlugin as typedPlugin } from './fastify.js';
import type { ServerVerifyOptions } from './types.js';

/** The members of a Fastify 4 or 5 instance the plugin calls, by shape. */
export interface FastifyInstanceLike {
  /**
   * Adds a lifecycle hook (the plugin adds `preParsing`).
   * @param name - the hook.
   * @param hook - the handler.
   * @returns the instance.
   */
  addHook(name: string, hook: never): unknown;
  /**
   * Declares a request property (the plugin declares `signature`).
   * @param property - its name.
   * @param value - its initial value.
   * @returns the instance.
   */
  decorateRequest(property: string, value: null): unknown;
  /**
   * Whether a request property is already declared.
   * @param property - its name.
   * @returns true when it is.
   */
  hasRequestDecorator(property: string): boolean;
}

/** A Fastify plugin taking the server's verify options, by shape: pass it to `app.register`. */
export type FastifyPluginLike = (instance: FastifyInstanceLike, options: ServerVerifyOptions) => Promise<void>;

/**
 * Fastify plugin that verifies every request of the instance it is registered on; the same function as
 * `fastifyPlugin` of `@httpsig/server/fastify`, which see. Import it from there for Fastify's types and
 * the typed `request.signature`.
 */
export const fastifyPlugin: FastifyPluginLike = typedPlugin as unknown as FastifyPluginLike;

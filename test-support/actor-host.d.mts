/** Types of the loopback actor hosts (test-support/actor-host.mjs). */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A received request. */
export interface HostRequest {
  host: string | undefined;
  path: string;
  headers: IncomingMessage['headers'];
  servername: string | undefined;
}

/** A route handler: answers one request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface ActorHost {
  port: number;
  /** `https://<name>:<port>` (or http). */
  origin(name?: string): string;
  /** Routes by `<host name> <path>` (e.g. `actor.test /users/alice`) or by path alone. */
  routes: Map<string, Route>;
  requests: HostRequest[];
  /** Requests received for a path. */
  count(path: string): number;
  close(): Promise<void>;
}

/** A key pair with its SPKI PEM. */
export interface TestKey {
  publicPem: string;
  privatePem: string;
  publicKey: KeyObject;
}

export function startActorHost(tls?: { key: string; cert: string }): Promise<ActorHost>;
export function json(body: unknown, options?: { type?: string; cacheControl?: string; status?: number }): Route;
export function rsaKey(): TestKey;
export function ed25519Key(): TestKey;
export function actor(id: string, key: TestKey, extra?: Record<string, unknown>): Record<string, unknown>;

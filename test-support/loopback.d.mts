/** Types of test-support/loopback.mjs. */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/** A server listening on loopback. */
export interface Listening {
  /** http(s)://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Closes every connection, then the server. */
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 and an ephemeral port. */
export function listenOnLoopback(server: HttpServer | HttpsServer, scheme?: 'http' | 'https'): Promise<Listening>;

/** Types of the redirecting loopback test server (test-support/redirect-server.mjs). */
import type { CoreServer, CoreServerOptions } from './core-server.d.mts';

/** What the server recorded about one request, in arrival order. */
export interface RedirectRecord {
  method: string;
  /** The raw request target as received (path + query). */
  url: string;
  /** Node's lower-cased request headers. */
  headers: Record<string, string | string[] | undefined>;
}

export interface RedirectServerOptions {
  /** The redirect status to answer. Default 307. */
  status?: number;
  /** The `Location` to answer, from the request target received (path + query). */
  target: (url: string) => string;
  /** Serve https with this key and certificate (PEM), e.g. from {@link selfSignedCertificate}. */
  tls?: { key: string; cert: string };
}

export interface RedirectServer {
  /** http(s)://127.0.0.1:<port> */
  origin: string;
  port: number;
  requests: RedirectRecord[];
  close(): Promise<void>;
}

/** A throw-away self-signed certificate for 127.0.0.1, made with `openssl`. */
export function selfSignedCertificate(): { key: string; cert: string };

/** Starts a server that answers every request with a redirect, on 127.0.0.1 and an ephemeral port. */
export function startRedirectServer(options: RedirectServerOptions): Promise<RedirectServer>;

export interface CrossOriginServersOptions {
  /** @httpsig/core's `verify`. */
  verify: CoreServerOptions['verify'];
  /** The one HMAC key `other` knows. */
  keyId: string;
  secret: string;
}

export interface CrossOriginServers {
  /**
   * The core-verifying server the redirects lead to. Like every core server it answers 301 to `path + '/'` for a
   * path without a trailing slash: a target such as `/api/x` gives a second hop on this same origin
   * (origin -> other -> other), for checking that a chain which left the origin stays unsigned.
   */
  other: CoreServer;
  /** http, answers 307 to the same target on `other`. */
  origin: RedirectServer;
  /** https (self-signed), answers 302 to the same target on `other`: an https -> http downgrade. */
  tlsOrigin: RedirectServer;
  /** Empties the three servers' request records. */
  forget(): void;
  close(): Promise<void>;
}

/** Starts `other`, `origin` and `tlsOrigin` for an adapter's cross-origin redirect tests. */
export function startCrossOriginServers(options: CrossOriginServersOptions): Promise<CrossOriginServers>;

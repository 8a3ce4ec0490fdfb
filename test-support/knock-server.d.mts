/** Types of the double-knock test servers (test-support/knock-server.mjs). */

/**
 * What a server accepts: `cavage` only draft-cavage, `rfc9421` only RFC 9421, `either` both, `challenge` only an
 * RFC 9421 signature made for its `Accept-Signature` (sent with every 401); `hostile` answers every request 401
 * with `hostileHeaders`. A path starting with `/moved` is answered first, before any check, with a 301 to
 * `/landing` + the rest of the path; one starting with `/then-moved` is answered, once its signature is accepted, with
 * a 301 to `movedTo` + `/landing` + the rest of the path.
 */
export type KnockServerMode = 'cavage' | 'rfc9421' | 'either' | 'challenge' | 'hostile';

export interface KnockServerOptions {
  /** The headers of every 401 of a `hostile` server. */
  hostileHeaders?: Record<string, string>;
  /** Extra headers of a 401 of the `cavage`, `rfc9421` and `either` servers (e.g. `WWW-Authenticate`). */
  challengeHeaders?: Record<string, string>;
  /** The origin a `/then-moved` path is redirected to. Default: this server's (a relative `Location`). */
  movedTo?: string;
  /** The status of an accepted request. Default 200. */
  successStatus?: number;
}

/** One received request. */
export interface KnockRequest {
  method: string;
  url: string;
  /** The spec it was signed with, read from its headers. */
  spec: 'cavage' | 'rfc9421' | 'none';
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  status: number;
  /** Why it was refused: `WRONG_SPEC`, `NO_NONCE`, or core's error code. */
  errorCode: string | undefined;
}

export interface KnockServer {
  origin: string;
  port: number;
  requests: KnockRequest[];
  close(): Promise<void>;
}

/** The client key's keyId, private key, a key the servers do not know, and the `challenge` server's challenge. */
export const KNOCK_KEY_ID: string;
export const KNOCK_PRIVATE_KEY: string;
export const KNOCK_WRONG_KEY: string;
export const KNOCK_CHALLENGE: string;

export function startKnockServer(mode: KnockServerMode, options?: KnockServerOptions): Promise<KnockServer>;

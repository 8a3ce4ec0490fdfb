/** Types of the core-verifying loopback test server (test-support/core-server.mjs). */

/** What the server recorded about one request, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** The raw request target as received (path + query). */
  url: string;
  /** Node's lower-cased request headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes received. */
  body: Uint8Array;
  /** The status answered (301, 200, 401). */
  status: number;
  /** The core verify result, when the signature verified. */
  verified: { keyId: string; headers: string[]; signingString: string } | undefined;
  /** The error code, when verification failed. */
  errorCode: string | undefined;
}

export interface CoreServerOptions {
  /** @httpsig/core's `verify`. */
  verify: (request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- core VerifyOptions, without a type import
    options: any) => Promise<{ keyId: string; headers: string[]; signingString: string }>;
  /** HMAC secrets by keyId. */
  keys: Record<string, string>;
  /** Algorithms allowed for every key. Default ['hmac-sha256']. */
  algorithms?: string[];
  /** Which signatures to verify: draft-cavage (default) or RFC 9421 (`Signature-Input` + `Signature`). */
  scheme?: 'cavage' | 'rfc9421';
  /**
   * Headers (RFC 9421: components) the signature must cover. Default ['(request-target)', 'date'], or for
   * RFC 9421 ['@method', '@authority', '@path', '@query'].
   */
  requiredHeaders?: string[];
  /** 'required': every body must be covered by a signed digest; 'if-present': checked when a digest header is sent. */
  digest?: 'required' | 'if-present';
  /** Request bodies over this are cut off. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface CoreServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export function startCoreServer(options: CoreServerOptions): Promise<CoreServer>;

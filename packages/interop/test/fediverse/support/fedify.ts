// Fedify as a test peer: test/fediverse/peers/fedify.mjs run under Node 22 (the `node` package of
// @httpsig/interop-node22), spoken to in JSON lines over stdio. Its loopback server verifies what is sent to it with
// Fedify's verifyRequestDetailed; `sign` and `send` sign with Fedify's signRequest.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Fedify's two specs, by its names. */
export type FedifySpec = 'draft-cavage-http-signatures-12' | 'rfc9421';

/** A request for Fedify to sign: an RSA key (Fedify signs RSASSA-PKCS1-v1_5 SHA-256 only). */
export interface FedifySignArgs {
  spec: FedifySpec;
  method: string;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  keyId: string;
  privateKeyPem: string;
  /** RFC 9421 covered components, instead of Fedify's default `@method @target-uri @authority host date`. */
  components?: readonly string[];
}

/** A running Fedify peer (one Node 22 process). */
export interface FedifyPeer {
  /**
   * `http://127.0.0.1:<port>`: Fedify verifies every request sent here and answers `{ verified: true, keyId }`
   * (200), `{ verified: false, reason }` (401: Fedify's `noSignature`, `invalidSignature` or `keyFetchError`), or
   * `{ verified: false, error }` (500: Fedify threw).
   */
  origin: string;
  /** The versions the peer runs: its Node (`process.version`) and Fedify's. */
  versions: { node: string; fedify: string };
  /** Replaces the documents (actors, keys) Fedify's document loader serves, by URL. */
  serve(documents: Record<string, unknown>): Promise<void>;
  /** Signs with Fedify; the headers of the signed request (lower-case names). */
  sign(args: FedifySignArgs): Promise<Record<string, string>>;
  /** Signs with Fedify and sends the request with Node 22's fetch. */
  send(args: FedifySignArgs): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const PEER_SCRIPT = join(__dirname, '..', 'peers', 'fedify.mjs');

/** The Node 22 binary from the npm registry's `node` package. */
export function node22(): string {
  return require('@httpsig/interop-node22') as string;
}

/** Starts the Fedify peer. */
export async function startFedify(): Promise<FedifyPeer> {
  const child: ChildProcessWithoutNullStreams = spawn(node22(), [PEER_SCRIPT], { cwd: join(__dirname, '..', '..', '..'), stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  type Ready = { port: number; node: string; fedify: string };
  let ready: (value: Ready) => void = () => {};
  let failed: (error: Error) => void = () => {};
  const started = new Promise<Ready>((resolve, reject) => { ready = resolve; failed = reject; });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: Ready; id?: number; result?: unknown; error?: string };
    if (message.ready !== undefined) { ready(message.ready); return; }
    const waiting = pending.get(message.id ?? -1);
    if (waiting === undefined) return;
    pending.delete(message.id ?? -1);
    if (message.error !== undefined) waiting.reject(new Error(`Fedify peer: ${message.error}`));
    else waiting.resolve(message.result);
  });
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code) => {
      const error = new Error(`the Fedify peer exited (${code ?? 'signal'}): ${stderr}`);
      failed(error);
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
      resolve();
    });
  });
  let next = 0;
  const call = (op: string, args: unknown): Promise<unknown> => new Promise((resolve, reject) => {
    next += 1;
    pending.set(next, { resolve, reject });
    child.stdin.write(`${JSON.stringify({ id: next, op, args })}\n`);
  });
  const { port, node, fedify } = await started;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    versions: { node, fedify },
    serve: async (documents) => { await call('documents', { documents }); },
    sign: async (args) => {
      const { headers } = await call('sign', args) as { headers: [string, string][] };
      return Object.fromEntries(headers);
    },
    send: async (args) => await call('send', args) as { status: number; body: string },
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** Starts the Fedify peer once for the test file (stopped after it). */
export function useFedify(): FedifyPeer {
  let peer: FedifyPeer | undefined;
  beforeAll(async () => { peer = await startFedify(); });
  afterAll(async () => { await peer?.close(); });
  return new Proxy({} as FedifyPeer, {
    get(_target, property) {
      if (peer === undefined) throw new Error('the Fedify peer is not running yet (use it inside a test)');
      return Reflect.get(peer, property);
    },
  });
}

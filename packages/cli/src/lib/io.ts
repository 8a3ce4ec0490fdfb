/** Internal: the streams and environment a command runs with (so `main` can run in-process too). */
import { bufferBody } from '@httpsig/core/adapter';

/** Where a command reads and writes. */
export interface CliIo {
  /** Standard output. */
  stdout: { write(chunk: string): unknown };
  /** Standard error (prompts, progress and diagnostics go here); `isTTY` when it is a terminal. */
  stderr: { write(chunk: string): unknown; isTTY?: boolean | undefined };
  /** Standard input. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined; setRawMode?: ((mode: boolean) => unknown) | undefined };
  /** The environment. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The process's own streams and environment.
 *
 * @returns the io of this process.
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * Read a readable stream to the end.
 *
 * @param stream - the stream.
 * @param limit - the most bytes accepted.
 * @returns the bytes.
 * @throws BodyTooLargeError (`ERR_BODY_TOO_LARGE`) past the limit.
 */
export function readAll(stream: NodeJS.ReadableStream, limit: number = 16 * 1024 * 1024): Promise<Uint8Array> {
  return bufferBody(stream as AsyncIterable<unknown>, limit);
}

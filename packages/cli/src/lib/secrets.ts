/** Internal: read secrets from files, the environment or a prompt, never from the command line. */
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { assertPrivate, readWithStat, type ReadFile } from './private-file.js';
import { prompt } from './prompt.js';

/**
 * Read a file that may hold a secret, with its mode and owner (one handle).
 *
 * @param path - the file.
 * @param what - what it holds, for errors.
 * @returns the file.
 * @throws UsageError when it cannot be read.
 */
export function readKeyFile(path: string, what: string): ReadFile {
  try {
    return readWithStat(path);
  } catch {
    throw new UsageError(`Cannot read the ${what} file ${path}`);
  }
}

/**
 * The text of a key or secret file, without its final end of line.
 *
 * @param path - the file, for errors.
 * @param read - the file as read.
 * @param what - what it holds, for errors.
 * @returns the content.
 * @throws UsageError when it is empty.
 */
export function keyFileText(path: string, read: ReadFile, what: string): string {
  const value = read.bytes.toString('utf8').replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`The ${what} file ${path} is empty`);
  return value;
}

/**
 * Read a file holding a secret (an HMAC secret, a private key, a password), without its final end of line. It is
 * refused when group or others may access it (POSIX `mode & 0o077`), checked on the handle that is read.
 *
 * @param path - the file.
 * @param what - what it holds, for errors.
 * @returns the content.
 * @throws UsageError when it cannot be read, other users can access it, or it is empty.
 */
export function readSecretFile(path: string, what: string): string {
  const read = readKeyFile(path, what);
  assertPrivate(path, read, what);
  return keyFileText(path, read, what);
}

/** Where a secret may come from, in order. */
export interface SecretSources {
  /** A file path (from an option). */
  file?: string | undefined;
  /** Environment variable names, in order. */
  envNames: readonly string[];
  /** Ask on the terminal (no echo) with this prompt when nothing else gave it. */
  promptText?: string | undefined;
}

/**
 * Find a secret: file, then environment, then a no-echo prompt.
 *
 * @param io - streams and environment.
 * @param sources - where to look.
 * @param what - what the secret is, for errors.
 * @returns the secret, or undefined when optional and absent.
 * @throws UsageError when a file is unreadable, or when no source gives it and there is no terminal.
 */
export async function findSecret(io: CliIo, sources: SecretSources, what: string): Promise<string | undefined> {
  if (sources.file !== undefined) return readSecretFile(sources.file, what);
  for (const name of sources.envNames) {
    const value = io.env[name];
    if (value !== undefined && value !== '') return value;
  }
  if (sources.promptText === undefined) return undefined;
  if (io.stdin.isTTY !== true) {
    throw new UsageError(`No ${what}: set ${sources.envNames.join(' or ')}, use a file option, or run in a terminal to be asked`);
  }
  const value = await prompt(io, sources.promptText, true, what);
  if (value === '') throw new UsageError(`No ${what} given`);
  return value;
}

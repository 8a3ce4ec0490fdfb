/** Internal: read secrets from files, the environment or a prompt, never from the command line. */
import { readFileSync } from 'node:fs';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { prompt } from './prompt.js';

/**
 * Read a file holding a secret, without its final end of line.
 *
 * @param path - the file.
 * @param what - what it holds, for errors.
 * @returns the content.
 * @throws UsageError when it cannot be read or is empty.
 */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} file ${path}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`The ${what} file ${path} is empty`);
  return value;
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

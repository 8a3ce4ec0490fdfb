/** Internal: output helpers. */
import type { CliIo } from './io.js';

/**
 * Write a value as pretty JSON and a newline.
 *
 * @param io - streams.
 * @param value - the value.
 */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Quote a word for a POSIX shell.
 *
 * @param word - the word.
 * @returns the quoted word.
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

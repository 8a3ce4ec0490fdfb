/** Internal: ask a question on the terminal, without echo for secrets. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Ask for a line on the terminal. The prompt goes to stderr; with `hidden`, typed characters are not echoed.
 *
 * @param io - the streams.
 * @param question - the prompt text.
 * @param hidden - do not echo (passwords, secrets).
 * @param what - what is asked, for the error when there is no terminal.
 * @returns the line, without its end of line.
 * @throws UsageError when stdin is not a terminal.
 */
export async function prompt(io: CliIo, question: string, hidden: boolean, what: string): Promise<string> {
  if (io.stdin.isTTY !== true) throw new UsageError(`No ${what}: stdin is not a terminal to ask for it (see --help for env variables and files)`);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback): void {
      if (!muted) io.stderr.write(chunk.toString());
      callback();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => reject(new UsageError('Interrupted')));
      rl.question(question, (answer) => resolve(answer));
      muted = hidden;
    });
  } finally {
    muted = false;
    rl.close();
    if (hidden) io.stderr.write('\n');
  }
}

/**
 * The `httpsig` command: `sign`, `request`, `explain`, `verify`, `jumpserver login|api`.
 *
 * @packageDocumentation
 */
import { isHttpSignatureError } from '@httpsig/core';
import { completionCommand } from './commands/completion.js';
import { explainCommand, EXPLAIN_HELP } from './commands/explain.js';
import { jumpserverCommand } from './commands/jumpserver.js';
import { requestCommand } from './commands/request.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT_CODES, UsageError, type ExitCode } from './exit-codes.js';
import { processIo, type CliIo } from './lib/io.js';

/** Help of `httpsig`. */
export const MAIN_HELP: string = `Usage: httpsig <command> [options]

HTTP Signatures (draft-cavage and RFC 9421) from the shell, with JumpServer support.

Commands:
  sign        sign a request; print the headers or a ready curl command
  request     sign and send a request (a small curl); print the response
  explain     show the signing string and header of a request, with warnings
  verify      verify the signature of a raw HTTP request (file or stdin)
  jumpserver  login (token, with MFA) and api calls to JumpServer
  completion  print a shell completion script (bash, zsh, fish)

Secrets are read from environment variables, files or a no-echo prompt, never from the
command line. Run "httpsig <command> --help" for details.

Exit codes:
  0  success            1  HTTP error status / other failure
  2  usage error        3  signature does not verify (verify)
  4  JumpServer refused credentials, organisation, login or MFA (401/403)
  5  server unreachable
`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<ExitCode>> = {
  sign: signCommand,
  request: requestCommand,
  explain: explainCommand,
  verify: verifyCommand,
  jumpserver: jumpserverCommand,
  completion: completionCommand,
};

/** Where {@link main} reads and writes; default the process's own streams and environment. */
export type { CliIo };

/**
 * Run the `httpsig` command line.
 *
 * @param argv - the arguments after the program name.
 * @param io - streams and environment (default: this process's).
 * @returns the exit code (see {@link EXIT_CODES}); it never throws.
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(MAIN_HELP);
    return command === undefined ? EXIT_CODES.USAGE : EXIT_CODES.OK;
  }
  if (command === '--version' || command === '-V') {
    io.stdout.write('httpsig 0.1.0\n');
    return EXIT_CODES.OK;
  }
  const run = COMMANDS[command];
  try {
    if (run === undefined) throw new UsageError(`Unknown command "${command.slice(0, 30)}"`);
    return await run(rest, io);
  } catch (error) {
    const hint = run === undefined ? 'httpsig --help' : `httpsig ${command} --help`;
    if (error instanceof UsageError || (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`httpsig: ${error.message}\nRun "${hint}" for usage.\n`);
      return EXIT_CODES.USAGE;
    }
    if (isHttpSignatureError(error)) {
      io.stderr.write(`httpsig: ${error.code}: ${error.message}\n`);
      return EXIT_CODES.USAGE;
    }
    io.stderr.write(`httpsig: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CODES.HTTP_ERROR;
  }
}

/** The help of `explain`, re-exported for documentation tooling. */
export { EXPLAIN_HELP };

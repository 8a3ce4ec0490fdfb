/**
 * `@httpsig/cli`: the `httpsig` command (sign, request, explain, verify, jumpserver login/api), also runnable
 * in-process through {@link main}.
 *
 * @packageDocumentation
 */
export { main, MAIN_HELP, EXPLAIN_HELP } from './main.js';
export type { CliIo } from './main.js';
export { EXIT_CODES, UsageError } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';

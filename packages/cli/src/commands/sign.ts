/** `httpsig sign`: print the signature headers of a request, or a ready curl command. */
import { sign } from '@httpsig/core';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseOptions } from '../lib/args.js';
import type { CliIo } from '../lib/io.js';
import { curlCommand } from '../lib/curl.js';
import { printJson } from '../lib/output.js';
import { requestFromOptions, signOptionsFrom, SIGNING_HELP, SIGNING_OPTIONS } from '../lib/signing-args.js';

/** Help of `httpsig sign`. */
export const SIGN_HELP: string = `Usage: httpsig sign [options] URL

Sign a request and print the headers to add (Date, Digest, Authorization/Signature).
URL is absolute, or a path when -H "Host: …" is given or host is not signed.

Output:
  (default)               "name: value" lines
  --curl                  a ready curl command (secrets are not in it; the signature is).
                          A text body goes in --data-raw; other bytes are piped in
                          by printf '%b' (curl --data-binary @-), sent exactly as signed
  --json                  {"headers": {...}, "signingString": "..."}

${SIGNING_HELP}

Example:
  HTTPSIG_SECRET=… httpsig sign --jumpserver --key-id AK https://jms.example.com/api/v1/users/users/
`;

/** The options of `httpsig sign` (the completion script lists the same). */
const SIGN_OPTIONS = { ...SIGNING_OPTIONS, curl: { type: 'boolean' } } as const;

/**
 * Run `httpsig sign`.
 *
 * @param args - the arguments after `sign`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function signCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, SIGN_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(SIGN_HELP);
    return EXIT_CODES.OK;
  }
  const request = await requestFromOptions(io, values, positionals[0], true);
  const { options } = await signOptionsFrom(io, values, request.body);
  if (options === undefined) throw new Error('unreachable: a key is required');
  const result = await sign({ method: request.method, url: request.url, headers: request.headers }, options);
  if (values.json === true) {
    printJson(io, { headers: result.headers, signingString: result.signingString });
  } else if (values.curl === true) {
    const headers: [string, string][] = [...request.headers, ...Object.entries(result.headers)];
    io.stdout.write(`${curlCommand(request.method, headers, request.url, request.body)}\n`);
  } else {
    for (const [name, value] of Object.entries(result.headers)) io.stdout.write(`${name}: ${value}\n`);
  }
  return EXIT_CODES.OK;
}

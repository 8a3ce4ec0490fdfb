/** `httpsig request`: a small curl that signs. */
import { parseArgs } from 'node:util';
import { sign } from '@httpsig/core';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../lib/io.js';
import { printJson } from '../lib/output.js';
import { requestFromOptions, signOptionsFrom, SIGNING_HELP, SIGNING_OPTIONS } from '../lib/signing-args.js';
import { lintSignature } from '../lib/lint.js';
import { targetOf } from '../lib/request-input.js';

/** Help of `httpsig request`. */
export const REQUEST_HELP: string = `Usage: httpsig request [options] URL

Sign a request, send it, and print the response body (redirects are not followed: a
signature is made for one URL).

Output:
  -i, --include           print the status line and response headers first
  -v, --verbose           print the signing string and warnings to stderr
  --json                  {"status", "headers", "body"} (body parsed when JSON)
  Exit code 1 when the status is 400 or more, 5 when the server cannot be reached.

${SIGNING_HELP}

Example:
  export HTTPSIG_SECRET=…   # or --secret-file ~/.jms-secret
  httpsig request --jumpserver --key-id AK https://jms.example.com/api/v1/assets/assets/?limit=10
`;

/**
 * Run `httpsig request`.
 *
 * @param args - the arguments after `request`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function requestCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...SIGNING_OPTIONS, include: { type: 'boolean', short: 'i' }, verbose: { type: 'boolean', short: 'v' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(REQUEST_HELP);
    return EXIT_CODES.OK;
  }
  const request = await requestFromOptions(io, values, positionals[0], false);
  const { options, headers: names } = await signOptionsFrom(io, values, request.body);
  if (options === undefined) throw new Error('unreachable: a key is required');
  const result = await sign({ method: request.method, url: request.url, headers: request.headers }, options);
  if (values.verbose === true) {
    io.stderr.write(`> ${request.method} ${targetOf(request.url)}\n> signing string:\n${result.signingString.replace(/^/gm, '>   ')}\n`);
    for (const warning of lintSignature(targetOf(request.url), names, request.headers, request.url)) io.stderr.write(`! ${warning}\n`);
  }
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.append(name, value);
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body as Uint8Array<ArrayBuffer> }),
    });
    text = await response.text();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    io.stderr.write(`httpsig: cannot reach ${new URL(request.url).host}: ${cause}\n`);
    return EXIT_CODES.NETWORK;
  }
  if (values.json === true) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    printJson(io, { status: response.status, headers: Object.fromEntries(response.headers), body });
  } else {
    if (values.include === true) {
      io.stdout.write(`HTTP ${response.status} ${response.statusText}\n`);
      for (const [name, value] of response.headers) io.stdout.write(`${name}: ${value}\n`);
      io.stdout.write('\n');
    }
    io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
  if (response.status >= 300 && response.status < 400) {
    io.stderr.write(`httpsig: ${response.status} redirect to ${response.headers.get('location') ?? '?'} not followed (the signature covers the original URL)\n`);
  }
  return response.status >= 400 ? EXIT_CODES.HTTP_ERROR : EXIT_CODES.OK;
}

/** `httpsig request`: a small curl that signs. */
import { sign } from '@httpsig/core';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseOptions } from '../lib/args.js';
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

/** The options of `httpsig request`. */
const REQUEST_OPTIONS = { ...SIGNING_OPTIONS, include: { type: 'boolean', short: 'i' }, verbose: { type: 'boolean', short: 'v' } } as const;

/**
 * Run `httpsig request`.
 *
 * @param args - the arguments after `request`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function requestCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, REQUEST_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(REQUEST_HELP);
    return EXIT_CODES.OK;
  }
  const request = await requestFromOptions(io, values, positionals[0], false);
  const { options, headers: names, scheme } = await signOptionsFrom(io, values, request.body);
  if (options === undefined) throw new Error('unreachable: a key is required');
  const result = await sign({ method: request.method, url: request.url, headers: request.headers }, options);
  if (values.verbose === true) {
    io.stderr.write(`> ${request.method} ${targetOf(request.url)}\n> signing string:\n${result.signingString.replace(/^/gm, '>   ')}\n`);
    if (scheme === 'cavage') for (const warning of lintSignature(targetOf(request.url), names, request.headers, request.url)) io.stderr.write(`! ${warning}\n`);
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
    io.stderr.write(`httpsig: cannot reach ${safeUrl(request.url)}: ${networkCause(error)}\n`);
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
  if (response.status >= 400 && values.include !== true && values.json !== true) {
    // The body alone may be empty or say nothing: name the status on stderr, so a failure is never silent.
    const empty = text.trim() === '';
    io.stderr.write(`httpsig: ${request.method} ${safeUrl(request.url)} answered HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}${empty ? ' with an empty body' : ''}${statusHint(response)}\n`);
  }
  return response.status >= 400 ? EXIT_CODES.HTTP_ERROR : EXIT_CODES.OK;
}

/** The URL without credentials, query or fragment (a query may carry tokens). */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** The system error code or message of a fetch failure ("ECONNREFUSED", "getaddrinfo ENOTFOUND …"). */
function networkCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '' && !code.startsWith('UND_ERR_')) {
      return current.message.includes(code) ? current.message.slice(0, 200) : `${code} ${current.message}`.slice(0, 200);
    }
    if (current.cause === undefined) return current.message.slice(0, 200);
    current = current.cause;
  }
  return String(error).slice(0, 200);
}

/** A short hint for the statuses whose reason the response often leaves out. */
function statusHint(response: Response): string {
  const challenge = response.headers.get('www-authenticate');
  if (response.status === 401) return challenge === null ? ': the server refused the signature' : ` (WWW-Authenticate: ${challenge.slice(0, 200)})`;
  if (response.status === 403) return ': authenticated, but not allowed';
  if (response.status === 429) return `: rate limited${response.headers.get('retry-after') === null ? '' : `, retry after ${response.headers.get('retry-after') ?? ''} s`}`;
  return '';
}

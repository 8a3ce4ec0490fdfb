/** `httpsig explain`: show the signing string and header of a request, and what a server will think of it. */
import { sign } from '@httpsig/core';
import { formatHttpDate } from '@httpsig/core/adapter';
import { buildSigningString, formatSignatureHeader } from '@httpsig/core/cavage';
import { buildSignatureBase } from '@httpsig/core/rfc9421';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseOptions } from '../lib/args.js';
import type { CliIo } from '../lib/io.js';
import { lintSignature } from '../lib/lint.js';
import { printJson } from '../lib/output.js';
import { headerValue, targetOf } from '../lib/request-input.js';
import { requestFromOptions, signOptionsFrom, SIGNING_HELP, SIGNING_OPTIONS, type SigningChoice } from '../lib/signing-args.js';
import type { RequestInput } from '../lib/request-input.js';

/** Help of `httpsig explain`. */
export const EXPLAIN_HELP: string = `Usage: httpsig explain [options] URL

Show, for a request, the exact signing string, the signature header, and warnings about
what JumpServer or a proxy will reject (missing trailing slash, signed content-type, a
signed host with a port, unsigned date). Nothing is sent. Without a secret or key the
signature is shown as "…"; no prompt is made.

  --json                  {"requestTarget", "headers", "signingString", "header", "warnings"}

${SIGNING_HELP}

Example:
  httpsig explain --key-id AK -X POST -H "Content-Type: application/json" \\
    --headers "(request-target) date content-type" https://jms.example.com/api/v1/assets/assets
`;

/**
 * Run `httpsig explain`.
 *
 * @param args - the arguments after `explain`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function explainCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, SIGNING_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(EXPLAIN_HELP);
    return EXIT_CODES.OK;
  }
  const request = await requestFromOptions(io, values, positionals[0], true);
  if (headerValue(request.headers, 'date') === undefined) request.headers.push(['Date', formatHttpDate(new Date())]);
  const choice = await signOptionsFrom(io, values, request.body, true);
  if (choice.scheme === 'rfc9421') return explainRfc9421(io, values.json === true, request, choice);
  const { options, keyId, algorithm, headers: names } = choice;
  const target = targetOf(request.url);
  let signingString: string;
  let header: string;
  let headerName: string;
  if (options !== undefined) {
    const result = await sign({ method: request.method, url: request.url, headers: request.headers }, options);
    signingString = result.signingString;
    headerName = options.scheme === 'signature' ? 'signature' : 'authorization';
    header = result.headers[headerName] ?? '';
  } else {
    signingString = buildSigningString({ method: request.method, url: request.url, headers: request.headers }, names);
    headerName = values.scheme === 'signature' ? 'signature' : 'authorization';
    header = formatSignatureHeader({ keyId, algorithm, headers: names, signature: '…' }, values.scheme === 'signature' ? 'signature' : 'authorization');
  }
  const warnings = lintSignature(target, names, request.headers, request.url);
  if (values.json === true) {
    printJson(io, { requestTarget: `${request.method.toLowerCase()} ${target}`, headers: names, signingString, header: { [headerName]: header }, warnings });
    return EXIT_CODES.OK;
  }
  io.stdout.write(`Request target: ${request.method.toLowerCase()} ${target}\n`);
  io.stdout.write(`Signed headers: ${names.join(' ')}\n\nSigning string (each line "name: value", joined by \\n, no final newline):\n`);
  io.stdout.write(`${signingString}\n\n${headerName === 'signature' ? 'Signature' : 'Authorization'}: ${header}\n`);
  if (options === undefined) io.stdout.write('(no secret or key given: the signature is not computed)\n');
  if (warnings.length > 0) {
    io.stdout.write('\nWarnings:\n');
    for (const warning of warnings) io.stdout.write(`  - ${warning}\n`);
  }
  return EXIT_CODES.OK;
}

/** RFC 9421: the signature base and the Signature-Input / Signature pair (the signature as "…" without a key). */
async function explainRfc9421(io: CliIo, json: boolean, request: RequestInput, choice: SigningChoice): Promise<ExitCode> {
  const message = { method: request.method, url: request.url, headers: request.headers };
  let base: string;
  let input: string;
  let signature: string;
  if (choice.options !== undefined) {
    const result = await sign(message, choice.options);
    base = result.signingString;
    input = result.headers['signature-input'] ?? '';
    signature = result.headers['signature'] ?? '';
  } else {
    const query = new URL(request.url, 'http://placeholder').search;
    const components = choice.headers.length > 0 ? choice.headers : ['@method', '@authority', '@path', ...(query === '' ? [] : ['@query'])];
    base = buildSignatureBase(message, { components, parameters: { created: Math.floor(Date.now() / 1000), keyid: choice.keyId } });
    const params = base.slice(base.lastIndexOf('"@signature-params": ') + '"@signature-params": '.length);
    input = `sig1=${params}`;
    signature = 'sig1=:…:';
  }
  if (json) {
    printJson(io, { scheme: 'rfc9421', signatureBase: base, headers: { 'signature-input': input, signature } });
    return EXIT_CODES.OK;
  }
  io.stdout.write('Scheme: RFC 9421\n\nSignature base (each component line, then "@signature-params", joined by \\n, no final newline):\n');
  io.stdout.write(`${base}\n\nSignature-Input: ${input}\nSignature: ${signature}\n`);
  if (choice.options === undefined) io.stdout.write('(no secret or key given: the signature is not computed; label sig1)\n');
  return EXIT_CODES.OK;
}

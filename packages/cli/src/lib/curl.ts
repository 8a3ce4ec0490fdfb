/** Internal: a curl command line that sends exactly the signed request. */
import { shellQuote } from './output.js';

/**
 * Build a POSIX shell command that makes curl send `method`, `headers` and the exact `body` bytes to `url`, quietly
 * (`-sS`: no progress meter, errors still reported).
 * A UTF-8 body without NUL goes in `--data-raw` (never read as `@file`, unlike `-d`/`--data-binary`); any other
 * body is written by `printf '%b'` with octal escapes and piped to `--data-binary @-`, so every byte arrives
 * as signed.
 *
 * @param method - the HTTP method.
 * @param headers - the header lines, in order.
 * @param url - the absolute URL.
 * @param body - the body bytes, if any.
 * @returns the command line, without a trailing newline.
 */
export function curlCommand(
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
  url: string,
  body: Uint8Array | undefined,
): string {
  // -sS: no progress meter (which would land in a script's stderr), but errors still shown.
  const words = ['curl', '-sS', '-X', method];
  for (const [name, value] of headers) words.push('-H', `${name}: ${value}`);
  const text = body === undefined ? undefined : utf8Text(body);
  if (body === undefined) {
    words.push(url);
    return words.map(shellQuote).join(' ');
  }
  if (text !== undefined) {
    words.push('--data-raw', text, url);
    return words.map(shellQuote).join(' ');
  }
  words.push('--data-binary', '@-', url);
  return `printf '%b' ${shellQuote(printfEscape(body))} | ${words.map(shellQuote).join(' ')}`;
}

/** The body as text when it is valid UTF-8 without NUL (a shell word cannot hold NUL), else undefined. */
function utf8Text(body: Uint8Array): string | undefined {
  if (body.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** Escapes for printf's `%b`: printable ASCII as is (backslash doubled), every other byte as `\0ooo`. */
function printfEscape(body: Uint8Array): string {
  let out = '';
  for (const byte of body) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\0${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

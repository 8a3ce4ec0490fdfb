/** Internal: a request described on the command line (method, URL, -H, --data). */
import { isHttpSignatureError } from '@httpsig/core';
import { originFormOf, parseRequestTarget } from '@httpsig/core/adapter';
import { readFileSync } from 'node:fs';
import { UsageError } from '../exit-codes.js';
import { readAll, type CliIo } from './io.js';

/** A request to sign, explain or send. */
export interface RequestInput {
  method: string;
  /** The URL as it goes on the wire (absolute), or a path. */
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | undefined;
}

/**
 * Parse `-H "Name: value"` options.
 *
 * @param values - the option values.
 * @returns name/value pairs.
 * @throws UsageError for a value without a colon.
 */
export function parseHeaderOptions(values: readonly string[] | undefined): Array<[string, string]> {
  return (values ?? []).map((value) => {
    const at = value.indexOf(':');
    if (at <= 0) throw new UsageError(`-H needs "Name: value", got "${value.slice(0, 40)}"`);
    return [value.slice(0, at).trim(), value.slice(at + 1).trim()] as [string, string];
  });
}

/**
 * Read `--data`: text, `@file`, or `@-` for stdin.
 *
 * @param io - streams.
 * @param data - the option value.
 * @returns the body bytes, or undefined.
 * @throws UsageError when the file cannot be read.
 */
export async function readData(io: CliIo, data: string | undefined): Promise<Uint8Array | undefined> {
  if (data === undefined) return undefined;
  if (data === '@-') return readAll(io.stdin);
  if (data.startsWith('@')) {
    try {
      return new Uint8Array(readFileSync(data.slice(1)));
    } catch {
      throw new UsageError(`Cannot read the data file ${data.slice(1)}`);
    }
  }
  return new TextEncoder().encode(data);
}

/**
 * Normalise a URL the way fetch will send it, so that what is signed is what goes on the wire.
 *
 * @param url - an absolute http(s) URL, or a path when `allowPath`.
 * @param allowPath - accept `/path?query` (for commands that do not send).
 * @returns the normalised URL or path.
 * @throws UsageError for anything else, for a path that is no valid request target (a fragment, a space, a
 *   bare `%`, …: what a server refuses, see core `parseRequestTarget`), and for a URL with `user:password@` (the
 *   credentials are not repeated in the message).
 */
export function normalizeUrl(url: string | undefined, allowPath: boolean): string {
  if (url === undefined || url === '') throw new UsageError('A URL is required');
  if (allowPath && url.startsWith('/')) {
    targetOf(url);
    return url;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Echo only what comes before a possible user:pass@, never the credentials themselves.
    throw new UsageError(`Not an absolute URL: ${url.includes('@') ? '(not shown: it contains "@")' : url.slice(0, 100)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('Only http and https URLs are supported');
  // fetch refuses such URLs with an error that repeats them, and the credentials would end up in output.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new UsageError(`The URL must not carry credentials (user:password@): ${parsed.protocol}//${parsed.host}/…`);
  }
  parsed.hash = '';
  return parsed.href;
}

/**
 * The value of a header (first match, case-insensitive).
 *
 * @param headers - name/value pairs.
 * @param name - the header name.
 * @returns the value, or undefined.
 */
export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/**
 * The path and query of a URL or path, read by core's request-target parser (what a server verifies).
 *
 * @param url - absolute URL or path, as {@link normalizeUrl} returns it.
 * @returns the request target.
 * @throws UsageError when it is no valid request target.
 */
export function targetOf(url: string): string {
  try {
    return originFormOf(parseRequestTarget(url));
  } catch (error) {
    if (isHttpSignatureError(error)) throw new UsageError(`Not a request target a server accepts: ${error.message}`);
    throw error;
  }
}

/** Internal: parse a raw HTTP/1.x request (as captured by a proxy, `nc -l`, or written by hand). */
import { UsageError } from '../exit-codes.js';

/** A parsed raw request. */
export interface RawRequest {
  method: string;
  /** The request target as written (origin-form path+query, or absolute-form URL). */
  target: string;
  /** Headers in order, names as written. */
  headers: Array<[string, string]>;
  /** The body bytes (possibly empty). */
  body: Uint8Array;
}

/**
 * Parse a raw request: request line, header lines (CRLF or LF), a blank line, then the body.
 *
 * @param bytes - the raw bytes.
 * @returns the request.
 * @throws UsageError when the request line or a header line is malformed.
 */
export function parseRawRequest(bytes: Uint8Array): RawRequest {
  let headEnd = -1;
  let bodyStart = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      if (bytes[i + 1] === 10) {
        headEnd = i;
        bodyStart = i + 2;
        break;
      }
      if (bytes[i + 1] === 13 && bytes[i + 2] === 10) {
        headEnd = i;
        bodyStart = i + 3;
        break;
      }
    }
  }
  const head = new TextDecoder('latin1').decode(headEnd < 0 ? bytes : bytes.subarray(0, headEnd));
  const body = bodyStart < 0 ? new Uint8Array(0) : bytes.subarray(bodyStart);
  const lines = head.split(/\r?\n/);
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  const requestLine = lines.shift() ?? '';
  const match = /^([A-Za-z]+) (\/\S*|https?:\/\/\S+|\*)(?: HTTP\/\d(?:\.\d)?)?\s*$/.exec(requestLine);
  if (match === null) throw new UsageError('The raw request does not start with a request line such as "GET /path HTTP/1.1"');
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      if (last !== undefined) last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const at = line.indexOf(':');
    if (at <= 0) throw new UsageError('The raw request has a header line without "name: value"');
    headers.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  return { method: (match[1] ?? '').toUpperCase(), target: match[2] ?? '/', headers, body };
}

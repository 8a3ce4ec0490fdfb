// Shared test plumbing: keys, a core-based signer, a raw HTTP client, a redis-server launcher, the Python peer.
import { sign } from '@httpsig/core';
import type { CavageAlgorithm, KeyLookup, ReplayEntry } from '@httpsig/core';
import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';

export const SECRET = 'server-test-secret-0123456789abcdefghij';
export const HMAC_KEY_ID = 'hmac-key';
export const RSA_KEY_ID = 'rsa-key';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
export const RSA_PUBLIC: string = pair.publicKey;
export const RSA_PRIVATE: string = pair.privateKey;

/** The key "database" every test server uses. */
export const keyLookup: KeyLookup = (keyId) => {
  if (keyId === HMAC_KEY_ID) return { key: SECRET, algorithms: ['hmac-sha256'] };
  if (keyId === RSA_KEY_ID) return { key: RSA_PUBLIC, algorithms: ['rsa-sha256'] };
  if (keyId === 'broken-key') return { key: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n', algorithms: ['rsa-sha256'] };
  return null;
};

export interface Outgoing {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SignWith {
  keyId?: string;
  key?: string;
  algorithm?: CavageAlgorithm;
  headers?: string[];
  digest?: boolean;
  now?: number;
  created?: number;
  expires?: number;
}

/** Signs an outgoing request with core `sign`, for the given server; returns the headers to send. */
export async function signFor(base: string, request: Outgoing, options: SignWith = {}): Promise<Record<string, string>> {
  const host = new URL(base).host;
  const headers: Record<string, string> = { host, ...request.headers };
  const withBody = request.body !== undefined;
  const result = await sign({ method: request.method ?? 'GET', url: request.path, headers }, {
    keyId: options.keyId ?? HMAC_KEY_ID,
    key: options.key ?? SECRET,
    algorithm: options.algorithm ?? 'hmac-sha256',
    headers: options.headers ?? ['(request-target)', 'host', 'date', ...(withBody && options.digest !== false ? ['digest'] : [])],
    ...(withBody && options.digest !== false ? { digest: 'SHA-256' as const, body: request.body } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.created !== undefined ? { created: options.created } : {}),
    ...(options.expires !== undefined ? { expires: options.expires } : {}),
  });
  return { ...headers, ...result.headers };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

/** Sends exactly the given request line, headers and body over node:http (no re-encoding of the path). */
export function send(base: string, request: Outgoing & { chunked?: boolean }): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: request.method ?? 'GET', path: request.path,
      headers: { host: url.host, ...request.headers }, setHost: false, agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (request.body !== undefined) {
      if (request.chunked === true) {
        const bytes = typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body);
        const half = Math.floor(bytes.length / 2);
        req.write(bytes.subarray(0, half));
        setTimeout(() => req.end(bytes.subarray(half)), 20);
        return;
      }
      req.end(request.body);
    } else req.end();
  });
}

/** Signs with core and sends. */
export async function signedSend(base: string, request: Outgoing, options: SignWith = {}): Promise<Answer> {
  return send(base, { ...request, headers: await signFor(base, request, options) });
}

/**
 * Sends raw bytes (a whole HTTP/1.1 request, written as Latin-1 so each char is one byte) over a node:net socket
 * and reads the answer until the server closes or the response is complete. Nothing is validated or re-encoded:
 * for request lines and headers no HTTP client would send.
 */
export function rawSend(base: string, request: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = all.subarray(end + 4);
      if (headers['transfer-encoding'] === 'chunked') {
        const parts: Buffer[] = [];
        let at = 0;
        for (;;) {
          const lineEnd = body.indexOf('\r\n', at);
          if (lineEnd === -1) return;
          const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
          if (size === 0) break;
          if (body.length < lineEnd + 2 + size) return;
          parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
          at = lineEnd + 4 + size;
        }
        body = Buffer.concat(parts);
      } else if (headers['content-length'] !== undefined) {
        if (body.length < Number(headers['content-length'])) return;
        body = body.subarray(0, Number(headers['content-length']));
      } else if (!socket.readableEnded) return;
      done = true;
      socket.destroy();
      const text = body.toString('utf8');
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0), headers, text, json });
    };
    socket.on('data', (chunk: Buffer) => { chunks.push(chunk); finish(); });
    socket.on('end', () => { finish(); if (!done) { done = true; resolve({ status: 0, headers: {}, text: '', json: {} }); } });
    socket.on('error', (error) => { if (!done) reject(error); });
    socket.end(Buffer.from(request, 'latin1'));
  });
}

/** What a signer signed, as strings (no parsing or validation, so that any target can be signed). */
export interface HandSigned {
  scheme: 'cavage' | 'rfc9421';
  method: string;
  /** The request target as signed: `(request-target)`, or RFC 9421 `@path` and `@query` split at the first `?`. */
  target: string;
  /** The Host (`host`, or RFC 9421 `@authority`) as signed. */
  host: string;
}

/**
 * Signs `(request-target) host date` (draft-cavage) or `@method @authority @path @query` (RFC 9421) with the
 * HMAC key of {@link keyLookup}, building the signing string by hand: the signature covers exactly the strings given.
 * @returns the headers to add (date and signature headers).
 */
export function handSign(signed: HandSigned): Record<string, string> {
  const date = new Date().toUTCString();
  const mac = (text: string): string => createHmac('sha256', SECRET).update(text, 'latin1').digest('base64');
  if (signed.scheme === 'cavage') {
    const text = `(request-target): ${signed.method.toLowerCase()} ${signed.target}\nhost: ${signed.host}\ndate: ${date}`;
    return { date, authorization: `Signature keyId="${HMAC_KEY_ID}",algorithm="hmac-sha256",headers="(request-target) host date",signature="${mac(text)}"` };
  }
  const mark = signed.target.indexOf('?');
  const path = mark === -1 ? signed.target : signed.target.slice(0, mark);
  const query = mark === -1 ? '' : signed.target.slice(mark + 1);
  const params = `("@method" "@authority" "@path" "@query");created=${Math.floor(Date.now() / 1000)};keyid="${HMAC_KEY_ID}";alg="hmac-sha256"`;
  const base = `"@method": ${signed.method}\n"@authority": ${signed.host}\n"@path": ${path}\n"@query": ?${query}\n"@signature-params": ${params}`;
  return { date, 'signature-input': `sig1=${params}`, signature: `sig1=:${mac(base)}:` };
}

/** The options of the servers that {@link handSign} signs for, per scheme. */
export function handOptions(scheme: 'cavage' | 'rfc9421'): import('../../src/index.js').ServerVerifyOptions {
  if (scheme === 'cavage') return { keyLookup, requiredHeaders: ['(request-target)', 'host', 'date'] };
  return {
    scheme: 'rfc9421', requiredComponents: ['@method', '@authority', '@path', '@query'],
    keyLookup: (keyId) => (keyId === HMAC_KEY_ID ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
  };
}

export const PYTHON: string = process.env.HTTPSIG_PYTHON ?? '/usr/bin/python3';

export interface PythonCall {
  url: string;
  method: string;
  keyId: string;
  secret: string;
  algorithm: string;
  sign: string[];
  headers?: Record<string, string>;
  body?: string;
}

/** Sends a request with Python `requests` + httpsig's `HTTPSignatureAuth` (Debian python3-httpsig). */
export function pythonSend(call: PythonCall): Promise<Answer> {
  const script = path.join(__dirname, '..', 'fixtures', 'py_client.py');
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [script, JSON.stringify(call)], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) { reject(new Error(`python failed: ${stderr}`)); return; }
      const out = JSON.parse(stdout) as { status: number; body: string };
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(out.body) as Record<string, unknown>; } catch { /* not JSON */ }
      resolve({ status: out.status, headers: {}, text: out.body, json });
    });
  });
}

/**
 * A replay entry for driving a store directly, in Unix ms.
 * @param owner - default the key itself, so that entries without a stated owner do not share a per-key quota.
 */
export function entryAt(key: string, expiresAt: number, now: number, owner: string = key): ReplayEntry {
  return { key, owner, expiresAt, now };
}

/**
 * How a verification ended: `'verified'`, else the stable code of the error (its message when it has none).
 * @param verification - a verification's promise.
 */
export function outcomeOf(verification: Promise<unknown>): Promise<string> {
  return verification.then(() => 'verified', (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  });
}

/** The status and JSON body of an HTTP/2 answer. */
export interface H2Answer {
  status: number;
  json: Record<string, unknown>;
}

/**
 * Sends one request over a fresh h2c session; no content-length is sent. A body goes in two DATA frames, so it is
 * still arriving when verification starts.
 */
export function h2Send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(base);
    client.on('error', reject);
    const req = client.request({ ':method': method, ':path': path, ...headers }, { endStream: body === undefined });
    let status = 0;
    const chunks: Buffer[] = [];
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', (e) => { client.close(); reject(e); });
    req.on('end', () => {
      client.close();
      const text = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = { text }; }
      resolve({ status, json });
    });
    if (body !== undefined) {
      req.write(body.slice(0, 3));
      setTimeout(() => req.end(body.slice(3)), 20);
    }
  });
}

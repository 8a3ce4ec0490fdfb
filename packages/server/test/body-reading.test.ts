// When and how long the verifier reads a request body, over raw sockets: an unsigned or forged request is
// answered from its headers (no body byte read); a body that arrives too slowly gets 408; a client that aborts
// its upload gets a typed error and cannot bring down a server written as the guide shows.
import { signRfc9421 } from '@httpsig/core/rfc9421';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { SECRET, keyLookup, signFor, outcomeOf } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyNodeRequest } from '../src/index.js';
import type { ServerVerifyOptions } from '../src/index.js';

const MIB = 1024 * 1024;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: { code?: string } | null;
}

/** Connects, writes the request head (and `body` pieces at `interval` ms), resolves the first complete answer. */
function rawRequest(base: string, head: string, pieces: string[] = [], interval = 0): { answer: Promise<RawAnswer>; socket: net.Socket } {
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    let received = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    const tryParse = (ended: boolean): void => {
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) { if (ended) reject(new Error(`no answer: ${text}`)); return; }
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const raw = received.subarray(end + 4);
      let bodyText: string;
      if (headers['transfer-encoding'] === 'chunked') {
        const chunked = raw.toString('latin1');
        if (!ended && !chunked.endsWith('0\r\n\r\n')) return;
        bodyText = '';
        for (let at = 0; ;) {
          const lineEnd = chunked.indexOf('\r\n', at);
          const size = parseInt(chunked.slice(at, lineEnd), 16);
          if (!(size > 0)) break;
          bodyText += chunked.slice(lineEnd + 2, lineEnd + 2 + size);
          at = lineEnd + 2 + size + 2;
        }
        bodyText = Buffer.from(bodyText, 'latin1').toString('utf8');
      } else {
        const length = Number(headers['content-length'] ?? 0);
        if (!ended && raw.length < length) return;
        bodyText = raw.toString('utf8');
      }
      clearInterval(timer);
      resolve({ status: Number((statusLine as string).split(' ')[1]), headers, json: bodyText.startsWith('{') ? JSON.parse(bodyText) as RawAnswer['json'] : null });
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]); tryParse(false); });
    socket.on('end', () => { tryParse(true); });
    socket.on('error', (error) => { clearInterval(timer); reject(error); });
    socket.on('connect', () => {
      socket.write(head);
      const queue = [...pieces];
      if (interval === 0) { for (const piece of queue) socket.write(piece); return; }
      timer = setInterval(() => { const piece = queue.shift(); if (piece === undefined) clearInterval(timer); else if (!socket.destroyed) socket.write(piece); }, interval);
    });
  });
  return { answer, socket };
}

/** A request head from header pairs. */
function headOf(method: string, target: string, headers: Record<string, string>): string {
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}

const BODY = '{"amount":5}';

describe.each(SERVER_KINDS)('%s server: the body is read only for a request that can still be authentic', (kind) => {
  test.each([
    ['draft-cavage', { keyLookup } as ServerVerifyOptions],
    ['RFC 9421', { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'] }), scheme: 'rfc9421' } as ServerVerifyOptions],
  ])('%s: an unsigned POST announcing 1 MiB is answered 401 while the client has sent only the headers', async (_scheme, options) => {
    const server = await startServer(kind, options);
    try {
      const host = new URL(server.url).host;
      const { answer } = rawRequest(server.url, headOf('POST', '/upload', { host, 'content-type': 'application/octet-stream', 'content-length': String(MIB) }));
      const result = await answer;
      expect(result.status).toBe(401);
      expect(result.json?.code).toBe('ERR_SIGNATURE_MISSING');
    } finally { await server.close(); }
  });

  test('draft-cavage: a forged signature over a 1 MiB body is answered 401 from the headers', async () => {
    const server = await startServer(kind, { keyLookup });
    try {
      const body = 'x'.repeat(MIB);
      const headers = await signFor(server.url, { method: 'POST', path: '/upload', body }, { key: 'not-the-secret-0123456789abcdefghijk' });
      const { answer } = rawRequest(server.url, headOf('POST', '/upload', { ...headers, 'content-length': String(MIB) }));
      const result = await answer;
      expect(result.status).toBe(401);
      expect(result.json?.code).toBe('ERR_SIGNATURE_MISMATCH');
    } finally { await server.close(); }
  });

  test('RFC 9421: a forged signature over a body is answered 401 from the headers', async () => {
    const server = await startServer(kind, { keyLookup: () => ({ key: SECRET, algorithms: ['hmac-sha256'] }), scheme: 'rfc9421' });
    try {
      const host = new URL(server.url).host;
      const request = { method: 'POST', url: `${server.url}/upload`, headers: { host, 'content-length': String(MIB) } };
      const { headers } = await signRfc9421(request, { keyId: 'k', key: 'not-the-secret', algorithm: 'hmac-sha256', body: 'x'.repeat(MIB), digest: 'SHA-256' });
      const { answer } = rawRequest(server.url, headOf('POST', '/upload', { ...request.headers, ...headers }));
      const result = await answer;
      expect(result.status).toBe(401);
      expect(result.json?.code).toBe('ERR_SIGNATURE_MISMATCH');
    } finally { await server.close(); }
  });

  test('a signed body sent one byte at a time gets 408 ERR_BODY_TIMEOUT after bodyTimeout', async () => {
    const server = await startServer(kind, { keyLookup, bodyTimeout: 0.3 });
    try {
      const headers = await signFor(server.url, { method: 'POST', path: '/slow', headers: { 'content-type': 'application/json' }, body: BODY });
      const { answer } = rawRequest(server.url, headOf('POST', '/slow', { ...headers, 'content-length': String(BODY.length) }), [...BODY], 100);
      const result = await answer;
      expect(result.status).toBe(408);
      expect(result.json?.code).toBe('ERR_BODY_TIMEOUT');
      // A web Response may not set Connection (the runtime decides); node answers close the connection.
      expect(result.headers.connection).toBe(kind === 'fetch' ? 'keep-alive' : 'close');
    } finally { await server.close(); }
  });

  test('a signed body that arrives in time still verifies', async () => {
    const server = await startServer(kind, { keyLookup, bodyTimeout: 5 });
    try {
      const headers = await signFor(server.url, { method: 'POST', path: '/ok', headers: { 'content-type': 'application/json' }, body: BODY });
      const { answer } = rawRequest(server.url, headOf('POST', '/ok', { ...headers, 'content-length': String(BODY.length) }), [BODY.slice(0, 4), BODY.slice(4)], 50);
      expect((await answer).status).toBe(200);
    } finally { await server.close(); }
  });
});

test('bodyTimeout must be a positive number of seconds', async () => {
  await expect(startServer('express', { keyLookup, bodyTimeout: 0 })).rejects.toThrow(RangeError);
  await expect(startServer('express', { keyLookup, bodyTimeout: Number.NaN })).rejects.toThrow(RangeError);
});

describe('an aborted upload cannot bring down the guide\'s node:http server', () => {
  let child: ChildProcessWithoutNullStreams;
  let url: string;
  let stderr = '';
  beforeAll(async () => {
    child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'guide-server.mjs'), SECRET, '5']);
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`did not start: ${stderr}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /LISTENING (\S+)/.exec(out);
        if (match) { clearTimeout(timer); resolve(match[1] as string); }
      });
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
  });

  /** Sends a head announcing 100 bytes and 10 of them, then closes the connection. */
  async function abortAfterTenBytes(headers: Record<string, string>): Promise<void> {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write(headOf('POST', '/upload', { ...headers, 'content-length': '100' }));
    socket.write('0123456789');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  test('in process: verifyNodeRequest rejects an aborted signed upload with ERR_REQUEST_ABORTED', async () => {
    let outcome!: Promise<string>;
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => { arrived = resolve; });
    const server = http.createServer((req) => {
      outcome = outcomeOf(verifyNodeRequest(req, { keyLookup }));
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const headers = await signFor(base, { method: 'POST', path: '/upload', body: 'y'.repeat(100) });
      const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(headOf('POST', '/upload', { ...headers, 'content-length': '100' }));
      socket.write('0123456789');
      await reached;
      socket.destroy();
      expect(await outcome).toBe('ERR_REQUEST_ABORTED');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('unsigned and signed uploads aborted mid-body: the process keeps serving', async () => {
    const host = new URL(url).host;
    await abortAfterTenBytes({ host });
    const signed = await signFor(url, { method: 'POST', path: '/upload', body: 'y'.repeat(100) });
    await abortAfterTenBytes(signed);
    await abortAfterTenBytes(signed);
    expect(child.exitCode).toBeNull();
    expect(stderr).toBe('');
    const { answer } = rawRequest(url, headOf('GET', '/', { host }));
    expect((await answer).status).toBe(401);
  });
});

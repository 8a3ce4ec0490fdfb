// `httpsig sign --curl`: the printed command, run by a real shell and a real curl against a loopback server,
// sends exactly the signed bytes (a body starting with "@" is not read as a file; non-UTF-8 bytes survive).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '@httpsig/core';
import { httpsig, tempFile } from './helpers.js';

const KEY_ID = 'cli-curl-key';
const SECRET = 'cli-curl-secret-0123456789abcdef';
const env = { HTTPSIG_KEY_ID: KEY_ID, HTTPSIG_SECRET: SECRET };

interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: Uint8Array }
let server: Server;
let origin: string;
const received: Received[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => { received.length = 0; });

/** Run a command line with /bin/sh (no other input), as a user pasting it would. */
function sh(command: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** Sign `body` with --curl --digest, run the printed command, and return what the server got. */
async function sendThroughCurl(body: Uint8Array): Promise<{ command: string; got: Received }> {
  const file = tempFile('body', body);
  const run = await httpsig(['sign', '--curl', '--digest', 'SHA-256', '--headers', '(request-target) host date digest',
    '-H', 'Content-Type: application/octet-stream', '--data', `@${file}`, `${origin}/upload/?x=1`], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const command = run.stdout.trim();
  const result = await sh(command);
  expect(result.stderr).toBe(''); // -sS: no progress meter, no error
  expect(result.code).toBe(0);
  expect(received).toHaveLength(1);
  return { command, got: received[0]! };
}

async function expectVerified(got: Received): Promise<void> {
  const result = await verify({ method: got.method, url: got.url, headers: got.headers }, {
    keyLookup: (keyId: string) => (keyId === KEY_ID ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
    requiredHeaders: ['(request-target)', 'host', 'date', 'digest'],
    body: got.body,
  });
  expect(result.keyId).toBe(KEY_ID);
}

describe('httpsig sign --curl sends the exact body', () => {
  test('a text body starting with "@" is sent literally (--data-raw), not read from that file', async () => {
    const body = new TextEncoder().encode('@/etc/hostname');
    const { command, got } = await sendThroughCurl(body);
    expect(command).toContain("--data-raw @/etc/hostname ");
    expect(command).not.toContain('--data-binary');
    expect(new TextDecoder().decode(got.body)).toBe('@/etc/hostname');
    expect(got.method).toBe('POST');
    await expectVerified(got);
  });

  test('UTF-8 text with quotes, newlines and non-ASCII letters is sent as is', async () => {
    const body = new TextEncoder().encode("it's \"zoë\"\r\nline 2 %s \\n $HOME `x`\n");
    const { got } = await sendThroughCurl(body);
    expect([...got.body]).toEqual([...body]);
    await expectVerified(got);
  });

  test('bytes that are not UTF-8 (and NUL) are piped in by printf, byte for byte', async () => {
    const body = new Uint8Array([0x40, 0x2f, 0x00, 0xff, 0xfe, 0x80, 0x5c, 0x63, 0x27, 0x25, 0x0a, 0x0d, 0x41, 0xc3]);
    const { command, got } = await sendThroughCurl(body);
    expect(command).toMatch(/^printf '%b' '.+' \| curl -sS -X POST .* --data-binary @- 'http:\/\/127\.0\.0\.1:\d+\/upload\/\?x=1'$/);
    expect([...got.body]).toEqual([...body]);
    await expectVerified(got);
  });
});

describe('httpsig request refuses URLs with credentials', () => {
  test('user:password@ is a usage error that does not repeat the credentials, and nothing is sent', async () => {
    const url = `${origin.replace('http://', 'http://alice:s3cr3t-pw@')}/private/`;
    const run = await httpsig(['request', url], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('must not carry credentials');
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-pw');
    expect(run.stdout + run.stderr).not.toContain('alice');
    expect(received).toHaveLength(0);
  });

  test('an unparsable URL with "@" is not echoed either', async () => {
    const run = await httpsig(['request', 'http://bob:hunter2@[bad/'], env);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).not.toContain('hunter2');
  });
});

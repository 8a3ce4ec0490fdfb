import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT_CODES } from '../src/index.js';
import { httpsig } from './helpers.js';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/empty-401/') {
      res.writeHead(401, { 'www-authenticate': 'Signature realm="api",headers="(request-target) date"' });
      res.end();
      return;
    }
    if (path === '/empty-429/') {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('boom\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const env = { HTTPSIG_KEY_ID: 'k1', HTTPSIG_SECRET: 'request-errors-secret' };

describe('httpsig request says what happened when the answer says little', () => {
  test('an empty 401: exit 1, the status, "empty body" and the challenge on stderr; no secret', async () => {
    const run = await httpsig(['request', `${origin}/empty-401/?token=abc`], env);
    expect(run.code).toBe(EXIT_CODES.HTTP_ERROR);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`httpsig: GET ${origin}/empty-401/ answered HTTP 401 Unauthorized with an empty body (WWW-Authenticate: Signature realm="api",headers="(request-target) date")\n`);
    expect(run.stderr).not.toContain('request-errors-secret');
    expect(run.stderr).not.toContain('abc');
  });

  test('an empty 429 names Retry-After', async () => {
    const run = await httpsig(['request', `${origin}/empty-429/`], env);
    expect(run.stderr).toMatch(/HTTP 429 Too Many Requests with an empty body: rate limited, retry after 7 s/);
  });

  test('a body is still printed, and the status named on stderr', async () => {
    const run = await httpsig(['request', `${origin}/fail/`], env);
    expect(run.stdout).toBe('boom\n');
    expect(run.stderr).toMatch(/answered HTTP 500 Internal Server Error\n$/);
  });

  test('unreachable: the URL and the system cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await httpsig(['request', `http://127.0.0.1:${port}/x/?secret=s`], env);
    expect(run.code).toBe(EXIT_CODES.NETWORK);
    expect(run.stderr).toMatch(new RegExp(`^httpsig: cannot reach http://127\\.0\\.0\\.1:${port}/x/: .*ECONNREFUSED`));
    expect(run.stderr).not.toContain('secret=s');
  });
});

// HTTP/2 (h2c over loopback): a body needs no Content-Length there, so the verifier must read the stream
// whatever the headers say; verifyNodeRequest on node:http2 and fastifyPlugin on Fastify({ http2: true }).
import { sign } from '@httpsig/core';
import Fastify from 'fastify';
import type { IncomingMessage } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fastifyPlugin, sendSignatureError, verifyNodeRequest } from '../src/index.js';
import type { ServerVerifyOptions } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, h2Send, keyLookup, outcomeOf } from './support/helpers.js';

interface H2Server {
  url: string;
  close(): Promise<void>;
}

const options: ServerVerifyOptions = { keyLookup };

/** node:http2 (h2c) with verifyNodeRequest; the handler reads the body itself after verification. */
function nodeH2Server(): Promise<H2Server> {
  const server = http2.createServer((req, res) => {
    void (async () => {
      let keyId: string | undefined;
      try {
        keyId = (await verifyNodeRequest(req as unknown as IncomingMessage, options)).keyId;
      } catch (error) {
        try { sendSignatureError(res as never, error, options); } catch { res.writeHead(500).end(String((error as Error).message)); }
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keyId, body: Buffer.concat(chunks).toString('utf8') }));
    })();
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => { sessions.add(s); s.on('close', () => sessions.delete(s)); });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => { for (const s of sessions) s.destroy(); server.close(() => done()); }),
      });
    });
  });
}

/** Fastify 5 over h2c with the plugin at the root. */
async function fastifyH2Server(): Promise<H2Server> {
  const app = Fastify({ http2: true });
  await app.register(fastifyPlugin, options);
  app.all('/*', async (request) => ({ keyId: request.signature?.keyId, body: request.body ?? null }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

async function signed(method: string, path: string, body?: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const { headers: added } = await sign({ method, url: path, headers }, {
    keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256',
    headers: ['(request-target)', 'date', ...(body === undefined ? [] : ['digest'])],
    ...(body === undefined ? {} : { digest: 'SHA-256' as const, body }),
  });
  return { ...headers, ...added };
}

describe.each([
  ['node:http2 + verifyNodeRequest', nodeH2Server],
  ['Fastify({ http2: true }) + fastifyPlugin', fastifyH2Server],
] as const)('%s', (_name, start) => {
  let server: H2Server;
  beforeAll(async () => { server = await start(); });
  afterAll(async () => { await server.close(); });

  test('a signature made for a bodiless POST does not cover a body sent without content-length', async () => {
    const headers = await signed('POST', '/transfer');
    const answer = await h2Send(server.url, 'POST', '/transfer', headers, '{"to":"mallory","amount":1000000}');
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('ERR_DIGEST_MISSING');
  });

  test('a signed host is the :authority (HTTP/2 sends no Host header)', async () => {
    const authority = new URL(server.url).host;
    const { headers } = await sign({ method: 'GET', url: '/who', headers: { host: authority } }, {
      keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
    });
    const { host: _host, ...sent } = headers;
    const answer = await h2Send(server.url, 'GET', '/who', sent);
    expect(answer.status).toBe(200);
    expect(answer.json.keyId).toBe(HMAC_KEY_ID);
    const { headers: elsewhere } = await sign({ method: 'GET', url: '/who', headers: { host: 'other.example' } }, {
      keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
    });
    const { host: _other, ...wrong } = elsewhere;
    expect((await h2Send(server.url, 'GET', '/who', wrong)).json.code).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('a body whose digest is signed verifies and still reaches the handler', async () => {
    const body = '{"to":"bob","amount":5}';
    const answer = await h2Send(server.url, 'POST', '/transfer?x=1', await signed('POST', '/transfer?x=1', body), body);
    expect(answer.status).toBe(200);
    expect(answer.json.keyId).toBe(HMAC_KEY_ID);
    const received = answer.json.body;
    expect(typeof received === 'string' ? JSON.parse(received) as unknown : received).toEqual({ to: 'bob', amount: 5 });
  });

  test('a digest that does not match the h2 body is refused', async () => {
    const headers = await signed('POST', '/transfer', '{"amount":5}');
    const answer = await h2Send(server.url, 'POST', '/transfer', headers, '{"amount":6}');
    expect(answer.json.code).toBe('ERR_DIGEST_MISMATCH');
  });

  test('a GET (stream ended with the headers) verifies', async () => {
    const headers = await signed('GET', '/items/7');
    const answer = await h2Send(server.url, 'GET', '/items/7', headers);
    expect(answer.status).toBe(200);
    expect(answer.json.keyId).toBe(HMAC_KEY_ID);
  });
});

test('node:http2: a stream reset mid-body rejects verification instead of hanging', async () => {
  let outcome: Promise<string> | undefined;
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => { reached = resolve; });
  const server = http2.createServer((req) => {
    outcome = outcomeOf(verifyNodeRequest(req as unknown as IncomingMessage, options));
    reached();
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => { sessions.add(session); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const body = '{"amount":5}';
    const req = client.request({ ':method': 'POST', ':path': '/t', ...await signed('POST', '/t', body) }, { endStream: false });
    req.on('error', () => { /* the reset below */ });
    req.write(body.slice(0, 4));
    await arrived;
    req.close(http2.constants.NGHTTP2_CANCEL);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([outcome, new Promise<string>((resolve) => { timer = setTimeout(() => resolve('hung'), 3000); })]);
    clearTimeout(timer);
    expect(result).toBe('ERR_REQUEST_ABORTED');
  } finally {
    client.destroy();
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

// The peer majors @httpsig/server supports (package.json peerDependencies): Express 4 and 5, Fastify 4 and 5,
// ioredis 5 and 6, each installed under an npm alias. Against each: a signed request is accepted with its
// JSON body parsed by the framework's own parser after verification, a request whose body differs from the
// signed one is answered 401, and (ioredis) a replayed signature is refused through the real redis-server.
import express5 from 'express';
import express4 from 'express4';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { Redis as Redis5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisReplayStore, expressMiddleware, fastifyPlugin, sendSignatureError, verifyNodeRequest } from '../src/index.js';
import type { RedisSetClient, ServerVerifyOptions } from '../src/index.js';
import { startRedis, type RedisServer } from '../../../test-support/redis-server.mjs';
import { keyLookup, send, signFor } from './support/helpers.js';

interface Running { url: string; close(): Promise<void> }

function listen(server: http.Server): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }) });
    });
  });
}

type ExpressFactory = typeof express5;
async function expressServer(express: ExpressFactory, options: ServerVerifyOptions): Promise<Running> {
  const app = express();
  app.use(expressMiddleware(options));
  app.use(express.json());
  app.use((req, res) => { res.json({ keyId: req.signature?.keyId, body: req.body as unknown }); });
  return listen(http.createServer(app));
}

/** Fastify with the plugin of the main entry (typed by shape): registering it type-checks against each major. */
async function fastifyServer(app: ReturnType<typeof Fastify4> | ReturnType<typeof Fastify5>): Promise<Running> {
  app.post('/*', async (request: { body: unknown; signature?: { keyId: string } | null }) => ({ keyId: request.signature?.keyId, body: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: async () => { await app.close(); } };
}

async function fastify4Server(options: ServerVerifyOptions): Promise<Running> {
  const app = Fastify4();
  await app.register(fastifyPlugin, options);
  return fastifyServer(app);
}

async function fastify5Server(options: ServerVerifyOptions): Promise<Running> {
  const app = Fastify5();
  await app.register(fastifyPlugin, options);
  return fastifyServer(app);
}

const FRAMEWORKS: [string, (options: ServerVerifyOptions) => Promise<Running>][] = [
  ['Express 4', (options) => expressServer(express4, options)],
  ['Express 5', (options) => expressServer(express5, options)],
  ['Fastify 4', fastify4Server],
  ['Fastify 5', fastify5Server],
];

const order = { method: 'POST', path: '/orders?n=1', headers: { 'content-type': 'application/json' }, body: '{"n":1}' };

describe.each(FRAMEWORKS)('%s', (_name, start) => {
  let server: Running;
  beforeAll(async () => { server = await start({ keyLookup }); });
  afterAll(async () => { await server.close(); });

  test('a signed request is accepted and its body reaches the JSON parser', async () => {
    const answer = await send(server.url, { ...order, headers: await signFor(server.url, order) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ keyId: 'hmac-key', body: { n: 1 } });
  });

  test('a body other than the signed one is answered 401', async () => {
    const answer = await send(server.url, { ...order, body: '{"n":2}', headers: await signFor(server.url, order) });
    expect(answer.status).toBe(401);
    expect(answer.json['code']).toBe('ERR_DIGEST_MISMATCH');
  });
});

type RedisClient = { disconnect(): void } & RedisSetClient;
const REDIS_CLIENTS: [string, (port: number) => RedisClient][] = [
  ['ioredis 5', (port) => new Redis5({ host: '127.0.0.1', port })],
  ['ioredis 6', (port) => new Redis6({ host: '127.0.0.1', port })],
];

describe.each(REDIS_CLIENTS)('%s replay store', (name, connect) => {
  let redis: RedisServer;
  let client: RedisClient;
  let server: Running;
  beforeAll(async () => {
    redis = await startRedis();
    client = connect(redis.port);
    const options: ServerVerifyOptions = { keyLookup, replay: new RedisReplayStore({ client, prefix: `${name}:` }) };
    server = await listen(http.createServer((req, res) => {
      verifyNodeRequest(req, options).then((result) => { res.end(JSON.stringify({ keyId: result.keyId })); }, (error: unknown) => { sendSignatureError(res, error, options); });
    }));
  });
  afterAll(async () => {
    await server.close();
    client.disconnect();
    await redis.stop();
  });

  test('a signature is accepted once and its replay refused', async () => {
    const headers = await signFor(server.url, { path: '/once' });
    expect((await send(server.url, { path: '/once', headers })).status).toBe(200);
    const again = await send(server.url, { path: '/once', headers });
    expect(again.status).toBe(401);
    expect(again.json['code']).toBe('ERR_SIGNATURE_REPLAYED');
  });
});

// Serving an agent's key directory from node:http, Express, Fastify and a web Request handler, each on a real
// loopback server: the media type, a JWK set that parses and holds no private member, every response signature
// verifying with core `verify` against the published key it names, HEAD, 304, and other paths left to the app.
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify, type Rfc9421Algorithm } from '@httpsig/core';
import { DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, createKeyDirectory, type KeyDirectory } from '@httpsig/core/web-bot-auth';
import { fastifyKeyDirectory, keyDirectoryFetchHandler, keyDirectoryHandler } from '../src/index.js';
import { rawSend } from './support/helpers.js';
import { listen, serveFetchHandler, SERVER_KINDS, type Running, type ServerKind } from './support/servers.js';

const ED = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const RSA = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A server of the given kind serving the directory, and `app` on every other path. */
async function startDirectoryServer(kind: ServerKind, directory: KeyDirectory): Promise<Running> {
  switch (kind) {
    case 'node': {
      const serve = keyDirectoryHandler(directory);
      return listen(http.createServer((req, res) => serve(req, res, () => res.writeHead(200).end('app'))));
    }
    case 'express': {
      const app = express();
      app.use(keyDirectoryHandler(directory));
      app.use((_req, res) => { res.send('app'); });
      return listen(http.createServer(app));
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(fastifyKeyDirectory(directory));
      app.get('/*', async () => 'app');
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    }
    case 'fetch': {
      const serve = keyDirectoryFetchHandler(directory);
      return serveFetchHandler(async (request) => (await serve(request)) ?? new Response('app'));
    }
  }
}

describe.each(SERVER_KINDS)('key directory served by %s', (kind) => {
  let directory: KeyDirectory;
  let server: Running;
  beforeAll(async () => {
    directory = await createKeyDirectory({ keys: [ED, RSA], authorities: (authority) => authority.startsWith('127.0.0.1:') });
    server = await startDirectoryServer(kind, directory);
  });
  afterAll(() => server.close());

  test('answers with the draft\'s media type and a JWK set of public keys only', async () => {
    const response = await fetch(server.url + DIRECTORY_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(DIRECTORY_MEDIA_TYPE);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    const jwks = await response.json() as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k['kty'])).toEqual(['OKP', 'RSA']);
    for (const key of jwks.keys) for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
  });

  test('each response signature verifies with core verify against the published key it names', async () => {
    const response = await fetch(server.url + DIRECTORY_PATH);
    const body = await response.text();
    const published = new Map((JSON.parse(body) as { keys: { kid: string; kty: string }[] }).keys.map((jwk) => [jwk.kid, jwk]));
    const algorithmOf = (kty: string): Rfc9421Algorithm => (kty === 'RSA' ? 'rsa-pss-sha512' : 'ed25519');
    const message = { status: response.status, headers: response.headers, request: { method: 'GET', url: DIRECTORY_PATH, headers: { host: new URL(server.url).host } } };
    const verified: string[] = [];
    for (const label of ['binding0', 'binding1']) {
      const result = await verify(message, {
        scheme: 'rfc9421', label, body, tag: 'http-message-signatures-directory',
        requiredComponents: ['@authority;req', 'content-digest'], requiredParameters: ['created', 'expires', 'keyid'],
        keyLookup: (id) => { const jwk = published.get(id as string); return jwk && { key: jwk as never, algorithms: [algorithmOf(jwk.kty)] }; },
      });
      verified.push(result.keyId as string);
    }
    expect(verified).toEqual([...published.keys()]);
  });

  test('HEAD carries the headers without a body; If-None-Match with the ETag gets 304', async () => {
    const head = await fetch(server.url + DIRECTORY_PATH, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, DIRECTORY_MEDIA_TYPE, '']);
    const etag = head.headers.get('etag') as string;
    expect(etag).toBe(directory.etag);
    const again = await fetch(server.url + DIRECTORY_PATH, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  test('a request naming another Host gets 421 and no signature', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: DIRECTORY_PATH, headers: { host: 'evil.example' } }, resolve).on('error', reject);
    });
    answer.resume();
    expect([answer.statusCode, answer.headers['signature']]).toEqual([421, undefined]);
  });

  test('other paths are left to the application', async () => {
    const response = await fetch(`${server.url}/elsewhere`);
    expect([response.status, await response.text()]).toEqual([200, 'app']);
  });
});

describe.each<ServerKind>(['node', 'express'])('keyDirectoryHandler on %s reads the target as core does', (kind) => {
  let server: Running;
  beforeAll(async () => {
    server = await startDirectoryServer(kind, await createKeyDirectory({ keys: [ED], authorities: (authority) => authority.startsWith('127.0.0.1:') }));
  });
  afterAll(() => server.close());

  test('an absolute-form target names the directory; one with a fragment is not the directory', async () => {
    const { host } = new URL(server.url);
    const absolute = await rawSend(server.url, `GET http://${host}${DIRECTORY_PATH} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
    expect([absolute.status, absolute.headers['content-type']]).toEqual([200, DIRECTORY_MEDIA_TYPE]);
    const fragment = await rawSend(server.url, `GET ${DIRECTORY_PATH}#keys HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
    expect([fragment.status, fragment.text]).toEqual([200, 'app']);
  });
});

describe('the previous framework majors serve the directory too', () => {
  let directory: KeyDirectory;
  beforeAll(async () => { directory = await createKeyDirectory({ keys: [ED], authorities: (authority) => authority.startsWith('127.0.0.1:') }); });

  test.each([
    ['Express 4', async (): Promise<Running> => {
      const app = express4();
      app.use(keyDirectoryHandler(directory));
      return listen(http.createServer(app));
    }],
    ['Fastify 4', async (): Promise<Running> => {
      const app = Fastify4();
      await app.register(fastifyKeyDirectory(directory));
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    }],
  ])('%s', async (_name, start) => {
    const server = await start();
    try {
      const response = await fetch(server.url + DIRECTORY_PATH);
      expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([200, DIRECTORY_MEDIA_TYPE, directory.body]);
      expect(response.headers.get('signature')).toMatch(/^binding0=:[A-Za-z0-9+/=]+:$/);
    } finally {
      await server.close();
    }
  });
});

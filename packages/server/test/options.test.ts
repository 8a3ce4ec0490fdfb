// Server options: trusted proxies, body limits, requireDigest, hooks, Express mounting and parser order.
import { sign, verify } from '@httpsig/core';
import Fastify from 'fastify';
import express from 'express';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../../test-support/redirect-server.mjs';
import { expressMiddleware, fastifyPlugin, signFetchResponse, signNodeResponse, verifyFetchRequest } from '../src/index.js';
import type { ServerVerifyOptions, TrustProxyOptions, VerificationFailedEvent, VerifiedEvent } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, keyLookup, send, signFor, signedSend } from './helpers.js';
import { SERVER_KINDS, startServer } from './servers.js';
import type { Running } from './servers.js';

/**
 * A request handler that forwards to `target` over plain http with the headers and path `rewrite` gives, and
 * passes the answer back (what a reverse proxy such as nginx does).
 */
function forwardTo(target: string, rewrite: (req: http.IncomingMessage) => { headers: http.OutgoingHttpHeaders; path: string }): http.RequestListener {
  const upstream = new URL(target);
  return (req, res) => {
    const { headers, path } = rewrite(req);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers, setHost: false, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  };
}

/** Listens on loopback; resolves with the server's URL (`scheme`) and a close function. */
function listenProxy(server: http.Server | https.Server, scheme: 'http' | 'https'): Promise<Running> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({
      url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
    });
  }));
}

/** A reverse proxy like nginx with `location /public/ { proxy_pass http://app/; }` plus original-URL/host headers. */
function startProxy(target: string): Promise<Running> {
  return listenProxy(http.createServer(forwardTo(target, (req) => ({
    headers: { ...req.headers, host: 'backend.internal', 'x-original-url': req.url ?? '/', 'x-forwarded-host': req.headers.host ?? '' },
    path: (req.url ?? '/').replace(/^\/public/, ''),
  }))), 'http');
}

const proxied: TrustProxyOptions = { trusted: ['127.0.0.1'], originalUrlHeader: 'x-original-url', forwardedHostHeader: 'x-forwarded-host' };

describe.each(SERVER_KINDS)('%s server behind a reverse proxy', (kind) => {
  const cases: [string, TrustProxyOptions | undefined, number][] = [
    ['trusted proxy (address list)', proxied, 200],
    ['trusted proxy (predicate)', { ...proxied, trusted: (address) => address?.endsWith('127.0.0.1') === true }, 200],
    ['no trustProxy: the rewritten path and host do not verify', undefined, 401],
    ['proxy not in the trusted list: its headers are ignored', { ...proxied, trusted: ['10.1.2.3'] }, 401],
  ];
  test.each(cases)('%s', async (_name, trustProxy, status) => {
    const app = await startServer(kind, { keyLookup, trustProxy });
    const proxy = await startProxy(app.url);
    try {
      const body = '{"q":1}';
      const request = { method: 'POST', path: '/public/items?page=3', headers: { 'content-type': 'application/json' }, body };
      const answer = await signedSend(proxy.url, request);
      expect(answer.status).toBe(status);
      if (status === 200) expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID, body: { q: 1 } });
      else expect(answer.json.code).toBe('ERR_SIGNATURE_MISMATCH');
    } finally {
      await proxy.close();
      await app.close();
    }
  });
});

/**
 * A TLS-terminating reverse proxy: https in front, plain http to the app, passing the client's scheme and host in
 * `x-forwarded-proto` (`proto`) and `x-forwarded-host`.
 */
function startTlsProxy(target: string, proto: string): Promise<Running> {
  return listenProxy(https.createServer(selfSignedCertificate(), forwardTo(target, (req) => ({
    headers: { ...req.headers, host: 'backend.internal', 'x-forwarded-proto': proto, 'x-forwarded-host': req.headers.host ?? '' },
    path: req.url ?? '/',
  }))), 'https');
}

/** Sends a GET over https (the proxy's certificate is self-signed); resolves with status and JSON body. */
function httpsGet(url: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get(url, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }); });
    }).on('error', reject);
  });
}

describe.each(SERVER_KINDS)('%s server behind a TLS-terminating proxy (RFC 9421 @scheme, @target-uri)', (kind) => {
  const tls: TrustProxyOptions = { trusted: ['127.0.0.1'], forwardedHostHeader: 'x-forwarded-host', forwardedProtoHeader: 'x-forwarded-proto' };
  const cases: [string, TrustProxyOptions | undefined, string, number][] = [
    ['trusted proxy with forwardedProtoHeader: the https signature verifies', tls, 'https', 200],
    ['the header value is matched in any case, last entry wins', tls, 'http, HTTPS', 200],
    ['a value other than http or https is ignored (the connection says http)', tls, 'wss', 401],
    ['an http entry appended by the proxy wins over the client\'s https', tls, 'https, http', 401],
    ['no forwardedProtoHeader: the scheme stays http', { ...tls, forwardedProtoHeader: undefined }, 'https', 401],
    ['proxy not in the trusted list: its headers are ignored', { ...tls, trusted: ['10.1.2.3'] }, 'https', 401],
  ];
  test.each(cases)('%s', async (_name, trustProxy, proto, status) => {
    const app = await startServer(kind, {
      scheme: 'rfc9421', trustProxy, requiredComponents: ['@method', '@target-uri'],
      keyLookup: (keyId) => (keyId === HMAC_KEY_ID ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
    });
    const proxy = await startTlsProxy(app.url, proto);
    try {
      const url = `${proxy.url}/items?page=3`;
      const { headers } = await sign({ method: 'GET', url, headers: { host: new URL(url).host } }, {
        scheme: 'rfc9421', keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['@method', '@target-uri', '@scheme'],
      });
      const answer = await httpsGet(url, headers);
      expect(answer.status).toBe(status);
      if (status === 200) expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID });
      else expect(answer.json['code']).toBe('ERR_SIGNATURE_MISMATCH');
    } finally {
      await proxy.close();
      await app.close();
    }
  });
});

/** An app that signs every response: with signNodeResponse, or with signFetchResponse on a web Request/Response. */
function responseSigningApp(kind: 'node' | 'fetch', trustProxy: TrustProxyOptions | undefined): http.Server {
  const signing = { keyId: 'server', key: SECRET, algorithm: 'hmac-sha256' as const, components: ['@status', '"@target-uri";req'] };
  return http.createServer((req, res) => {
    if (kind === 'node') {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      signNodeResponse(req, res, { ...signing, ...(trustProxy === undefined ? {} : { trustProxy }) })
        .then(() => res.end('{"ok":true}'), () => res.writeHead(500).end('{}'));
      return;
    }
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
    const response = new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    signFetchResponse(request, response, { ...signing, ...(trustProxy === undefined ? {} : { trustProxy }), remoteAddress: req.socket.remoteAddress })
      .then(async (signed) => { res.writeHead(signed.status, Object.fromEntries(signed.headers)); res.end(await signed.text()); },
        () => res.writeHead(500).end('{}'));
  });
}

describe.each(['node', 'fetch'] as const)('%s response signing behind a TLS-terminating proxy', (kind) => {
  test.each([
    ['with trustProxy, "@target-uri";req is the https URL the client used', true],
    ['without it, the response is bound to the http URL the app saw', false],
  ])('%s', async (_name, trusting) => {
    const trustProxy: TrustProxyOptions = { trusted: ['127.0.0.1'], forwardedHostHeader: 'x-forwarded-host', forwardedProtoHeader: 'x-forwarded-proto' };
    const app = responseSigningApp(kind, trusting ? trustProxy : undefined);
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const proxy = await startTlsProxy(`http://127.0.0.1:${(app.address() as AddressInfo).port}`, 'https');
    try {
      const url = `${proxy.url}/items?page=3`;
      const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
        https.get(url, { rejectUnauthorized: false, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res)); }).on('error', reject);
      });
      expect(answer.statusCode).toBe(200);
      const response = { status: answer.statusCode ?? 0, headers: answer.headers, request: { method: 'GET', url, headers: [] } };
      const checked = verify(response, {
        scheme: 'rfc9421', requiredComponents: ['@status', '"@target-uri";req'],
        keyLookup: (keyId) => (keyId === 'server' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
      });
      if (trusting) await expect(checked).resolves.toMatchObject({ keyId: 'server' });
      else await expect(checked).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
    } finally {
      await proxy.close();
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    }
  });
});

describe.each(SERVER_KINDS)('%s server: limits, digest policy and hooks', (kind) => {
  let server: Running;
  let lenient: Running;
  const verified: VerifiedEvent[] = [];
  const failed: VerificationFailedEvent[] = [];
  beforeAll(async () => {
    server = await startServer(kind, {
      keyLookup, maxBodySize: 100,
      onVerified: (event) => { verified.push(event); },
      onError: async (event) => { await Promise.resolve(); failed.push(event); },
    });
    lenient = await startServer(kind, { keyLookup, requireDigest: false });
  });
  afterAll(async () => {
    await server.close();
    await lenient.close();
  });

  test('a body at the limit is accepted', async () => {
    const body = 'a'.repeat(100);
    const answer = await signedSend(server.url, { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body });
    expect(answer.status).toBe(200);
    expect(answer.json.body).toBe(body);
  });

  test('a declared body over the limit is 413 ERR_BODY_TOO_LARGE without reading it', async () => {
    const answer = await signedSend(server.url, { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body: 'a'.repeat(101) });
    expect(answer.status).toBe(413);
    expect(answer.json.code).toBe('ERR_BODY_TOO_LARGE');
    expect(failed.at(-1)).toEqual({ code: 'ERR_BODY_TOO_LARGE', keyId: undefined, status: 413 });
  });

  test('a chunked body growing over the limit is 413 ERR_BODY_TOO_LARGE', async () => {
    const request = { method: 'POST', path: '/b', headers: { 'content-type': 'text/plain' }, body: 'a'.repeat(300) };
    const headers = await signFor(server.url, request);
    delete headers['content-length'];
    const answer = await send(server.url, { ...request, headers: { ...headers, 'transfer-encoding': 'chunked' }, chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.json.code).toBe('ERR_BODY_TOO_LARGE');
  });

  test('hooks receive the keyId, algorithm, code and status, never a secret or the signature', async () => {
    const headers = await signFor(server.url, { path: '/hook' });
    expect((await send(server.url, { path: '/hook', headers })).status).toBe(200);
    expect(verified.at(-1)).toEqual({ keyId: HMAC_KEY_ID, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'] });
    expect((await send(server.url, { path: '/hook2', headers })).status).toBe(401);
    expect(failed.at(-1)).toEqual({ code: 'ERR_SIGNATURE_MISMATCH', keyId: HMAC_KEY_ID, status: 401 });
    const signature = /signature="([^"]+)"/.exec(headers.authorization ?? '')?.[1] ?? 'missing';
    const seen = JSON.stringify([verified, failed]);
    expect(seen).not.toContain(signature);
    expect(seen).not.toContain(SECRET);
  });

  test('requireDigest: false accepts a body without a digest header', async () => {
    const request = { method: 'POST', path: '/nd', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const answer = await signedSend(lenient.url, request, { digest: false });
    expect(answer.status).toBe(200);
    expect(answer.json.body).toEqual({ a: 1 });
  });

  test('requireDigest: false still checks a digest that is present', async () => {
    const request = { method: 'POST', path: '/nd', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
    const headers = await signFor(lenient.url, request);
    expect((await send(lenient.url, { ...request, headers, body: '{"a":2}' })).json.code).toBe('ERR_DIGEST_MISMATCH');
  });
});

describe('Express specifics', () => {
  async function listen(app: express.Express): Promise<Running> {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
    };
  }
  const echo = (req: express.Request, res: express.Response): void => { res.json({ keyId: req.signature?.keyId, body: req.body ?? null }); };
  const errors = (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction): void => {
    res.status(500).json({ error: err.message });
  };

  test('mounted under a path, (request-target) is the original URL', async () => {
    const app = express();
    app.use('/api', expressMiddleware({ keyLookup }));
    app.use('/api', echo);
    const server = await listen(app);
    try {
      expect((await signedSend(server.url, { path: '/api/users?id=7' })).status).toBe(200);
    } finally { await server.close(); }
  });

  test('a body parser that keeps req.rawBody may run first', async () => {
    const app = express();
    app.use(express.json({ verify: (req, _res, buf) => { (req as { rawBody?: Buffer }).rawBody = buf; } }));
    app.use(expressMiddleware({ keyLookup }));
    app.use(echo);
    const server = await listen(app);
    try {
      const request = { method: 'POST', path: '/p', headers: { 'content-type': 'application/json' }, body: '{"z":true}' };
      expect((await signedSend(server.url, request)).json).toEqual({ keyId: HMAC_KEY_ID, body: { z: true } });
      const headers = await signFor(server.url, request);
      expect((await send(server.url, { ...request, headers, body: '{"z":false}' })).json.code).toBe('ERR_DIGEST_MISMATCH');
    } finally { await server.close(); }
  });

  test('a parser that consumed the body without keeping it makes verification fail closed (500, not accepted)', async () => {
    const app = express();
    app.use(express.json());
    app.use(expressMiddleware({ keyLookup }));
    app.use(echo);
    app.use(errors);
    const server = await listen(app);
    try {
      const answer = await signedSend(server.url, { method: 'POST', path: '/p', headers: { 'content-type': 'application/json' }, body: '{"z":1}' });
      expect(answer.status).toBe(500);
      expect(String(answer.json.error)).toContain('read before signature verification');
    } finally { await server.close(); }
  });

  test('a failing key lookup goes to the error handler (not a 401, not accepted)', async () => {
    const app = express();
    app.use(expressMiddleware({ keyLookup: () => { throw new Error('database is down'); } }));
    app.use(echo);
    app.use(errors);
    const server = await listen(app);
    try {
      const answer = await signedSend(server.url, { path: '/p' });
      expect(answer.status).toBe(500);
      expect(answer.json.error).toBe('database is down');
    } finally { await server.close(); }
  });
});

describe('verifyFetchRequest on its own', () => {
  const options: ServerVerifyOptions = { keyLookup };
  test('takes host from the URL when the Host header is absent, and leaves the body readable', async () => {
    const body = '{"hello":"worker"}';
    const signed = await sign({ method: 'POST', url: 'https://api.example.test/v1/x?y=1', headers: { 'content-type': 'application/json' } }, {
      keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256', body,
    });
    const request = new Request('https://api.example.test/v1/x?y=1', {
      method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body,
    });
    const result = await verifyFetchRequest(request, options);
    expect(result.keyId).toBe(HMAC_KEY_ID);
    expect(await request.json()).toEqual({ hello: 'worker' });
  });

  test('refuses a body that was already read', async () => {
    const request = new Request('https://api.example.test/', { method: 'POST', body: 'x' });
    await request.text();
    await expect(verifyFetchRequest(request, options)).rejects.toThrow('read before signature verification');
  });
});

describe('Fastify specifics', () => {
  test('a failing key lookup is a 500 from Fastify, not an accepted request', async () => {
    const app = Fastify();
    await app.register(fastifyPlugin, { keyLookup: () => { throw new Error('database is down'); } });
    app.get('/*', async () => ({ reached: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const answer = await signedSend(url, { path: '/x' });
      expect(answer.status).toBe(500);
      expect(answer.json.reached).toBeUndefined();
    } finally { await app.close(); }
  });

  test('registered inside a scope, it covers only that scope', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      await scope.register(fastifyPlugin, { keyLookup });
      scope.get('/private', async (request) => ({ keyId: request.signature?.keyId }));
    });
    app.get('/public', async (request) => ({ signature: request.signature ?? null }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      expect((await send(url, { path: '/private' })).json.code).toBe('ERR_SIGNATURE_MISSING');
      expect((await signedSend(url, { path: '/private' })).json.keyId).toBe(HMAC_KEY_ID);
      expect((await send(url, { path: '/public' })).status).toBe(200);
    } finally { await app.close(); }
  });
});

describe.each(SERVER_KINDS)('%s server: signature header forms', (kind) => {
  test.each([
    ['Signature header, any scheme', 'signature', undefined, 200],
    ['Signature header refused when only Authorization is read', 'signature', 'authorization', 401],
    ['Authorization header refused when only Signature is read', 'authorization', 'signature', 401],
  ] as const)('%s', async (_name, sent, accepted, status) => {
    const server = await startServer(kind, { keyLookup, scheme: accepted });
    try {
      const host = new URL(server.url).host;
      const signed = await sign({ method: 'GET', url: '/forms?x=1', headers: { host } }, {
        keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', scheme: sent,
      });
      const answer = await send(server.url, { path: '/forms?x=1', headers: { host, ...signed.headers } });
      expect(answer.status).toBe(status);
      if (status === 401) expect(answer.json.code).toBe('ERR_SIGNATURE_MISSING');
    } finally { await server.close(); }
  });
});

describe('Express middleware: when next() runs', () => {
  /** An Express app whose middleware records whether `next()` ran before the middleware returned. */
  async function appRecording(options: ServerVerifyOptions): Promise<Running & { sameTick: boolean[] }> {
    const sameTick: boolean[] = [];
    const middleware = expressMiddleware(options);
    const app = express();
    app.use((req, res, next) => {
      let returned = false;
      middleware(req, res, (error?: unknown) => { sameTick.push(!returned); next(error); });
      returned = true;
    });
    app.use(express.text({ type: '*/*' }));
    app.all('/items', (req, res) => { res.json({ keyId: req.signature?.keyId, body: req.body as unknown }); });
    const server = http.createServer(app);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return {
      sameTick,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
    };
  }

  test('a bodiless request with a synchronous key lookup: in the same tick; with an async lookup or a body: later', async () => {
    const sync = await appRecording({ keyLookup });
    const async = await appRecording({ keyLookup: async (keyId, params) => keyLookup(keyId, params) });
    try {
      for (const app of [sync, async]) {
        const get = await signedSend(app.url, { method: 'GET', path: '/items' });
        expect(get.status).toBe(200);
        expect(get.json.keyId).toBe(HMAC_KEY_ID);
        const post = await signedSend(app.url, { method: 'POST', path: '/items', headers: { 'content-type': 'text/plain' }, body: 'hello' });
        expect(post.status).toBe(200);
        expect(post.json).toEqual({ keyId: HMAC_KEY_ID, body: 'hello' });
      }
      expect(sync.sameTick).toEqual([true, false]);
      expect(async.sameTick).toEqual([false, false]);
    } finally {
      await sync.close();
      await async.close();
    }
  });

  test('framing headers decide: Content-Length 0 is bodiless (same tick), a chunked body is read first (later)', async () => {
    const app = await appRecording({ keyLookup });
    try {
      const empty = await signedSend(app.url, { method: 'POST', path: '/items', headers: { 'content-length': '0' } });
      expect(empty.status).toBe(200);
      const chunked = await signedSend(app.url, { method: 'POST', path: '/items', headers: { 'transfer-encoding': 'chunked', 'content-type': 'text/plain' }, body: '' });
      expect(chunked.status).toBe(200);
      expect(chunked.json.keyId).toBe(HMAC_KEY_ID);
      expect(app.sameTick).toEqual([true, false]);
    } finally {
      await app.close();
    }
  });

  test('a refused request is answered 401 in the same tick, without calling next()', async () => {
    const app = await appRecording({ keyLookup });
    try {
      const answer = await send(app.url, { method: 'GET', path: '/items', headers: {} });
      expect(answer.status).toBe(401);
      expect(answer.json.code).toBe('ERR_SIGNATURE_MISSING');
      expect(app.sameTick).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

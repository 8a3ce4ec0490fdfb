// The request target every entry point verifies is the one on the wire, checked by core's parser: Fastify's
// rewriteUrl, absolute-form request lines, trusted proxies' original URL, HTTP/2 :authority against Host, and
// @query-param against Express' extended query parser. Real servers, raw sockets, both schemes.
import { sign } from '@httpsig/core';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { expressMiddleware, fastifyPlugin, sendSignatureError, verifyNodeRequest } from '../src/index.js';
import type { ServerVerifyOptions, TrustProxyOptions } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, h2Send, handOptions, handSign, rawSend, type Answer, type H2Answer } from './support/helpers.js';
import { SERVER_KINDS, startServer, startViewServer, type Running, type ViewAnswer } from './support/servers.js';

const SCHEMES = ['cavage', 'rfc9421'] as const;

function rawRequest(method: string, target: string, headers: Record<string, string>): string {
  return [`${method} ${target} HTTP/1.1`, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`), 'Connection: close', '', ''].join('\r\n');
}

/** Signs `method signedTarget` for `host` and sends `method sentTarget` with that signature and `extra` headers. */
function signedRaw(base: string, scheme: 'cavage' | 'rfc9421', method: string, signedTarget: string, sentTarget: string, extra: Record<string, string> = {}): Promise<Answer> {
  const host = new URL(base).host;
  return rawSend(base, rawRequest(method, sentTarget, { Host: host, ...handSign({ scheme, method, target: signedTarget, host }), ...extra }));
}

describe.each(SCHEMES)('Fastify rewriteUrl (%s): the target on the wire is verified, not the rewritten one', (scheme) => {
  let app: ReturnType<typeof Fastify>;
  let url: string;
  beforeAll(async () => {
    // A multi-tenant app: /t/<tenant>/… is routed as /… and the tenant read from the URL the client sent.
    app = Fastify({ rewriteUrl: (req) => (req.url ?? '/').replace(/^\/t\/[a-z]+/, '') });
    await app.register(fastifyPlugin, handOptions(scheme));
    app.delete('/orders', async (request: FastifyRequest) => ({ tenant: /^\/t\/([a-z]+)/.exec(request.originalUrl)?.[1] ?? 'default', keyId: request.signature?.keyId }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await app.close(); });

  test('a signature over DELETE /orders does not verify as DELETE /t/globex/orders', async () => {
    const answer = await signedRaw(url, scheme, 'DELETE', '/orders', '/t/globex/orders');
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('ERR_SIGNATURE_MISMATCH');
  });

  test('a signature over DELETE /t/globex/orders verifies, and the app sees its tenant', async () => {
    const answer = await signedRaw(url, scheme, 'DELETE', '/t/globex/orders', '/t/globex/orders');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ tenant: 'globex', keyId: HMAC_KEY_ID });
    expect((await signedRaw(url, scheme, 'DELETE', '/orders', '/orders')).json).toEqual({ tenant: 'default', keyId: HMAC_KEY_ID });
  });
});

describe.each(SERVER_KINDS)('%s: an absolute-form request line', (kind) => {
  describe.each(SCHEMES)('%s', (scheme) => {
    let server: Running;
    beforeAll(async () => { server = await startViewServer(kind, handOptions(scheme)); });
    afterAll(async () => { await server.close(); });

    test('naming another authority than Host is refused with 400 ERR_MALFORMED_REQUEST', async () => {
      // Signed for bank.example by a client of bank.example, replayed to this server's Host.
      const host = new URL(server.url).host;
      const headers = handSign({ scheme, method: 'GET', target: '/x', host: 'bank.example' });
      const answer = await rawSend(server.url, rawRequest('GET', 'https://bank.example/x', { Host: host, ...headers }));
      expect(answer.status).toBe(400);
      if (kind !== 'fetch') expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
      const signedHere = await rawSend(server.url, rawRequest('GET', 'https://bank.example/x', { Host: host, ...handSign({ scheme, method: 'GET', target: '/x', host }) }));
      expect(signedHere.status).toBe(400);
    });

    test('naming the Host is verified as its path and query, with the connection scheme', async () => {
      const host = new URL(server.url).host;
      const headers = handSign({ scheme, method: 'GET', target: '/x?y=1', host });
      const answer = await rawSend(server.url, rawRequest('GET', `https://${host}/x?y=1`, { Host: host, ...headers }));
      expect(answer.status).toBe(200);
      const { verified } = answer.json as unknown as ViewAnswer;
      expect(verified).toContain(scheme === 'cavage' ? '(request-target): get /x?y=1' : '"@path": /x\n"@query": ?y=1');
    });
  });
});

// node:http entry points know the connection. A web Request has only its URL, which is also what its handler reads.
describe.each(SERVER_KINDS)('%s: a draft-cavage (request-target) signed without the query', (kind) => {
  let strict: Running;
  let compat: Running;
  beforeAll(async () => {
    strict = await startServer(kind, handOptions('cavage'));
    compat = await startServer(kind, { ...handOptions('cavage'), requestTarget: 'with-or-without-query' } as ServerVerifyOptions);
  });
  afterAll(async () => { await strict.close(); await compat.close(); });

  test('is refused unless the options ask for it, and then reported to the handler', async () => {
    const refused = await signedRaw(strict.url, 'cavage', 'GET', '/users/bob/outbox', '/users/bob/outbox?page=true');
    expect({ status: refused.status, code: refused.json['code'] }).toEqual({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
    const accepted = await signedRaw(compat.url, 'cavage', 'GET', '/users/bob/outbox', '/users/bob/outbox?page=true');
    expect({ status: accepted.status, queryUnsigned: accepted.json['queryUnsigned'] }).toEqual({ status: 200, queryUnsigned: true });
    const exact = await signedRaw(compat.url, 'cavage', 'GET', '/users/bob/outbox?page=true', '/users/bob/outbox?page=true');
    expect({ status: exact.status, queryUnsigned: exact.json['queryUnsigned'] }).toEqual({ status: 200, queryUnsigned: undefined });
  });
});

describe.each(SERVER_KINDS)('%s: an RFC 9421 @target-uri stands for @authority, @path and @query, derived from the request on the wire', (kind) => {
  let server: Running;
  beforeAll(async () => { server = await startServer(kind, handOptions('rfc9421')); });
  afterAll(async () => { await server.close(); });

  /** Signs `GET <target>` over `@method @target-uri` (what Mastodon covers) and sends `sent` with `host`. */
  async function targetUriSigned(target: string, sent: string, host = new URL(server.url).host): Promise<Answer> {
    const signedHost = new URL(server.url).host;
    const { headers } = await sign({ method: 'GET', url: `http://${signedHost}${target}`, headers: { host: signedHost } }, {
      scheme: 'rfc9421', keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['@method', '@target-uri'],
    });
    return rawSend(server.url, rawRequest('GET', sent, { Host: host, ...headers }));
  }

  test('the policy requiring @authority @path @query accepts it, for the request signed', async () => {
    expect((await targetUriSigned('/orders?id=1', '/orders?id=1')).status).toBe(200);
  });

  test.each([
    ['another query', '/orders?id=2', undefined],
    ['no query', '/orders', undefined],
    ['another path', '/orders/?id=1', undefined],
    ['another Host naming the same server', '/orders?id=1', 'localhost'],
  ])('%s is refused', async (_name, sent, host) => {
    const port = new URL(server.url).port;
    const answer = await targetUriSigned('/orders?id=1', sent, host === undefined ? undefined : `${host}:${port}`);
    expect({ status: answer.status, code: answer.json['code'] }).toEqual({ status: 401, code: 'ERR_SIGNATURE_MISMATCH' });
  });
});

describe.each(['node', 'express', 'fastify'] as const)('%s: RFC 9421 @scheme/@authority/@target-uri never come from an absolute-form target', (kind) => {
  let server: Running;
  const options: ServerVerifyOptions = {
    scheme: 'rfc9421', requiredComponents: ['@target-uri'],
    keyLookup: (keyId) => (keyId === HMAC_KEY_ID ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
  };
  beforeAll(async () => { server = await startServer(kind, options); });
  afterAll(async () => { await server.close(); });

  test('a signature over https://{host}/x does not verify when sent as GET https://{host}/x over plain http', async () => {
    const { sign } = await import('@httpsig/core');
    const host = new URL(server.url).host;
    const { headers } = await sign({ method: 'GET', url: `https://${host}/x`, headers: { host } }, {
      scheme: 'rfc9421', keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['@target-uri'],
    });
    const answer = await rawSend(server.url, rawRequest('GET', `https://${host}/x`, { ...headers, Host: host }));
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

describe.each(SERVER_KINDS)('%s behind a trusted proxy', (kind) => {
  describe.each(SCHEMES)('%s', (scheme) => {
    const trust = (trusted: TrustProxyOptions['trusted']): ServerVerifyOptions => ({
      ...handOptions(scheme), trustProxy: { trusted, originalUrlHeader: 'x-original-url' },
    });

    test.each([
      [['127.0.0.1'], 200],
      [['::ffff:127.0.0.1'], 200],
      [['127.0.0.10'], 401],
      [['127.0.0.'], 401],
      [['27.0.0.1'], 401],
    ] as const)('trusted %j: the peer 127.0.0.1 gives %i', async (trusted, status) => {
      const server = await startServer(kind, trust(trusted));
      try {
        const answer = await signedRaw(server.url, scheme, 'GET', '/original?a=1', '/rewritten', { 'X-Original-URL': '/original?a=1' });
        expect(answer.status).toBe(status);
      } finally { await server.close(); }
    });

    test.each([
      ['an absolute URL', 'https://evil.example/original'],
      ['a network-path reference', '//evil.example/original'],
      ['a fragment', '/original#&a=2'],
      ['an empty value', ''],
      ['a relative path', 'original'],
      ['a backslash', '/original\\x'],
      ['"*"', '*'],
    ])('an original URL that is %s is refused with 400 ERR_MALFORMED_REQUEST', async (_name, original) => {
      const server = await startServer(kind, trust(['127.0.0.1']));
      try {
        const answer = await signedRaw(server.url, scheme, 'GET', '/original', '/rewritten', { 'X-Original-URL': original });
        expect(answer.status).toBe(400);
        expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
      } finally { await server.close(); }
    });
  });
});

describe('@query-param with Express\' extended query parser', () => {
  let server: Running;
  const options: ServerVerifyOptions = {
    scheme: 'rfc9421', requiredComponents: ['@query-param;name="pet"'],
    keyLookup: (keyId) => (keyId === HMAC_KEY_ID ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
  };
  beforeAll(async () => { server = await startViewServer('express', options, 'extended'); });
  afterAll(async () => { await server.close(); });

  async function send(signedTarget: string, sentTarget: string): Promise<Answer> {
    const { sign } = await import('@httpsig/core');
    const host = new URL(server.url).host;
    const { headers } = await sign({ method: 'GET', url: signedTarget, headers: { host } }, {
      scheme: 'rfc9421', keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['@query-param;name="pet"'],
    });
    return rawSend(server.url, rawRequest('GET', sentTarget, { Host: host, ...headers }));
  }

  test('a covered pet=dog verifies alone, and the route reads "dog"', async () => {
    const answer = await send('/pets?pet=dog', '/pets?pet=dog&other=1');
    expect(answer.status).toBe(200);
    expect((answer.json as unknown as ViewAnswer).view.query).toEqual({ pet: 'dog', other: '1' });
  });

  test.each(['/pets?pet[]=cat&pet=dog', '/pets?pet=dog&pet[0]=cat', '/pets?pet=dog&pet%5Bx%5D=cat'])(
    'a covered pet=dog beside a bracketed sibling (%s) is refused: the route would read more than dog',
    async (sent) => {
      const answer = await send('/pets?pet=dog', sent);
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
    },
  );

  test('a value that is not UTF-8 once decoded is refused (%FE is not what a signature over U+FFFD covers)', async () => {
    const answer = await send('/pets?pet=%EF%BF%BD', '/pets?pet=%FE');
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
  });
});

describe.each(SCHEMES)('HTTP/2 (%s): a Host that disagrees with :authority is malformed (RFC 9113 §8.3.1)', (scheme) => {
  const options = handOptions(scheme);
  let server: http2.Http2Server;
  let base: string;
  const sessions = new Set<http2.ServerHttp2Session>();
  beforeAll(async () => {
    server = http2.createServer((req, res) => {
      verifyNodeRequest(req as unknown as http.IncomingMessage, options).then(() => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ host: req.headers.host ?? null, authority: req.headers[':authority'] }));
      }, (error: unknown) => { sendSignatureError(res as never, error, options); });
    });
    server.on('session', (s) => { sessions.add(s); s.on('close', () => sessions.delete(s)); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sessions) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const h2 = (headers: Record<string, string>): Promise<H2Answer> => h2Send(base, 'GET', '/x', headers);

  test('signed for the Host, sent with another :authority: refused with 400', async () => {
    const authority = new URL(base).host;
    const answer = await h2({ ':authority': authority, host: 'evil.example', ...handSign({ scheme, method: 'GET', target: '/x', host: 'evil.example' }) });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
  });

  test('a Host equal to :authority, and :authority alone, verify', async () => {
    const authority = new URL(base).host;
    const signed = handSign({ scheme, method: 'GET', target: '/x', host: authority });
    expect((await h2({ ':authority': authority, host: authority, ...signed })).status).toBe(200);
    expect((await h2({ ':authority': authority, ...signed })).status).toBe(200);
  });
});

describe('Express and node:http behind expressMiddleware read the same target', () => {
  test('expressMiddleware verifies originalUrl under a mounted router, refusing a fragment there too', async () => {
    const app = express();
    const router = express.Router();
    router.use(expressMiddleware(handOptions('cavage')));
    router.get('/pay', (req, res) => { res.json({ query: req.query }); });
    app.use('/api', router);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await signedRaw(base, 'cavage', 'GET', '/api/pay', '/api/pay')).status).toBe(200);
      const answer = await signedRaw(base, 'cavage', 'GET', '/api/pay', '/api/pay#&amount=1000');
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('ERR_MALFORMED_REQUEST');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

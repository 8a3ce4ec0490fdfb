// Running behind a reverse proxy: trusted peers, the original target and Host, a TLS-terminating proxy
// (RFC 9421 @scheme, @target-uri), and response signing behind one.
import { sign, verify } from '@httpsig/core';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../../test-support/redirect-server.mjs';
import { signFetchResponse, signNodeResponse } from '../src/index.js';
import type { TrustProxyOptions } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, keyLookup, signedSend } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';


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

// The four ways of serving under test, each on a real loopback server, each echoing what it verified and parsed.
import express from 'express';
import Fastify from 'fastify';
import http from 'node:http';
import querystring from 'node:querystring';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  expressMiddleware, fastifyPlugin, sendSignatureError, signatureErrorResponse, verifyFetchRequest, verifyNodeRequest,
} from '../../src/index.js';
import type { FetchVerifyOptions, ServerVerifyOptions, SignatureVerification } from '../../src/index.js';

export type ServerKind = 'node' | 'express' | 'fastify' | 'fetch';
export const SERVER_KINDS: ServerKind[] = ['node', 'express', 'fastify', 'fetch'];

export interface Running {
  url: string;
  close(): Promise<void>;
}

/** The bot a Web Bot Auth verification reported (thumbprint, agent, claimed agent), for the echo; nothing for other schemes. */
function botOf(result: unknown): { thumbprint?: unknown; agent?: unknown; claimedAgent?: unknown } {
  return typeof result === 'object' && result !== null && 'thumbprint' in result
    ? {
      thumbprint: (result as { thumbprint: unknown }).thumbprint,
      agent: (result as { agent?: unknown }).agent ?? null,
      claimedAgent: (result as { claimedAgent?: unknown }).claimedAgent ?? null,
    } : {};
}

function parse(text: string, contentType: string | undefined | null): unknown {
  if (text === '') return null;
  if (contentType?.includes('json') === true) return JSON.parse(text) as unknown;
  return text;
}

/** What a server echoes of a verification besides the body: keyId and algorithm; with `scheme: 'auto'` the scheme and a compatibility form used. */
function echoOf(result: SignatureVerification | null | undefined): Record<string, unknown> {
  if (result === null || result === undefined) return { keyId: undefined, algorithm: undefined };
  const compat = 'queryUnsigned' in result ? { queryUnsigned: result.queryUnsigned } : 'queryComponent' in result ? { queryComponent: result.queryComponent } : {};
  return { keyId: result.keyId, algorithm: result.algorithm, ...('scheme' in result ? { scheme: result.scheme } : {}), ...compat };
}

/** Listens on a loopback port. */
export function listen(server: http.Server): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/** node:http with verifyNodeRequest; the handler reads the body stream itself after verification. */
async function nodeServer(options: ServerVerifyOptions): Promise<Running> {
  return listen(http.createServer((req, res) => {
    void (async () => {
      let result;
      try {
        result = await verifyNodeRequest(req, options);
      } catch (error) {
        try { sendSignatureError(res, error, options); } catch { res.writeHead(500).end(String((error as Error).message)); }
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...echoOf(result), ...botOf(result), body: parse(text, req.headers['content-type']) }));
    })();
  }));
}

/** Express 5: the middleware first, then the app's own body parsers. */
async function expressServer(options: ServerVerifyOptions): Promise<Running> {
  const app = express();
  app.use(expressMiddleware(options));
  app.use(express.json());
  app.use(express.text({ type: 'text/*' }));
  app.use((req, res) => {
    res.json({ ...echoOf(req.signature), ...botOf(req.signature), body: req.body ?? null });
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return listen(http.createServer(app));
}

/** Fastify 5 with the plugin at the root; Fastify's own content-type parsers. */
async function fastifyServer(options: ServerVerifyOptions): Promise<Running> {
  const app = Fastify();
  await app.register(fastifyPlugin, options);
  app.all('/*', async (request) => ({ ...echoOf(request.signature), ...botOf(request.signature), body: request.body ?? null }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * A web-standard handler `(Request) => Response` behind a minimal node:http bridge (what Hono's Node
 * adapter does): the handler calls verifyFetchRequest, then reads the original request body.
 */
export async function fetchServer(options: FetchVerifyOptions): Promise<Running> {
  const handler = async (request: Request, remoteAddress: string | undefined): Promise<Response> => {
    let result;
    try {
      result = await verifyFetchRequest(request, { ...options, remoteAddress });
    } catch (error) {
      return signatureErrorResponse(error, options);
    }
    const text = await request.text();
    return Response.json({ ...echoOf(result), ...botOf(result), body: parse(text, request.headers.get('content-type')) });
  };
  return serveFetchHandler(handler);
}

/** Serves a web-standard handler `(Request) => Response` behind a minimal node:http bridge (what Hono's Node adapter does). */
export function serveFetchHandler(handler: (request: Request, remoteAddress: string | undefined) => Promise<Response>): Promise<Running> {
  return listen(http.createServer((req, res) => {
    void (async () => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
        method: req.method ?? 'GET', headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
      } as RequestInit);
      let response: Response;
      try {
        response = await handler(request, req.socket.remoteAddress);
      } catch (error) {
        response = new Response(JSON.stringify({ error: (error as Error).message }), { status: 500 });
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  }));
}

/** Starts a server of the given kind with the given verification options. */
export function startServer(kind: ServerKind, options: ServerVerifyOptions): Promise<Running> {
  switch (kind) {
    case 'node': return nodeServer(options);
    case 'express': return expressServer(options);
    case 'fastify': return fastifyServer(options);
    case 'fetch': return fetchServer(options);
  }
}

/** What a route read from a request, the way each framework reads it, next to what was verified. */
export interface RouteView {
  method: string;
  path: string;
  query: unknown;
  host: string | undefined;
}

/** A view server's answer: the route's view and the verified signing string or signature base. */
export interface ViewAnswer {
  view: RouteView;
  verified: string;
}

function verifiedText(result: { signingString?: string; signatureBase?: string }): string {
  return result.signingString ?? result.signatureBase ?? '';
}

/**
 * A server of the given kind whose only route answers what it read (method, path, query parameters as the
 * framework parses them, host) and what was verified. node:http reads the path with `new URL(req.url, base)` and
 * the query from `req.url` split at the first `?` with node:querystring; Express 5 its `req.path`, `req.query` (its default parser unless `expressQueryParser` is given)
 * and `req.hostname`; Fastify its wildcard parameter, `request.query` and `request.host`; the web handler
 * `new URL(request.url)`, behind a node:http bridge that builds the URL from `req.url` and `Host` (and answers 400
 * when that is no URL).
 */
export async function startViewServer(kind: ServerKind, options: ServerVerifyOptions, expressQueryParser?: 'extended' | 'simple'): Promise<Running> {
  switch (kind) {
    case 'node':
      return listen(http.createServer((req, res) => {
        verifyNodeRequest(req, options).then((result) => {
          const url = req.url ?? '/';
          const mark = url.indexOf('?');
          const view: RouteView = {
            method: req.method ?? '', path: new URL(url, 'http://localhost').pathname,
            query: { ...querystring.parse(mark === -1 ? '' : url.slice(mark + 1)) }, host: req.headers.host,
          };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ view, verified: verifiedText(result) }));
        }, (error: unknown) => {
          try { sendSignatureError(res, error, options); } catch { res.writeHead(500).end(String((error as Error).message)); }
        });
      }));
    case 'express': {
      const app = express();
      if (expressQueryParser !== undefined) app.set('query parser', expressQueryParser);
      app.use(expressMiddleware(options));
      app.use((req, res) => {
        res.json({ view: { method: req.method, path: req.path, query: req.query, host: req.hostname }, verified: verifiedText(req.signature as never) });
      });
      app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ error: err.message });
      });
      return listen(http.createServer(app));
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(fastifyPlugin, options);
      app.all('/*', async (request) => ({
        view: { method: request.method, path: `/${(request.params as Record<string, string>)['*'] ?? ''}`, query: request.query, host: request.host },
        verified: verifiedText(request.signature as never),
      }));
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    }
    case 'fetch':
      return listen(http.createServer((req, res) => {
        void (async () => {
          let request: Request;
          try {
            const headers: [string, string][] = [];
            for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
            request = new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`), { method: req.method ?? 'GET', headers });
          } catch {
            res.writeHead(400).end('not a URL');
            return;
          }
          let response: Response;
          try {
            const result = await verifyFetchRequest(request, { ...options, remoteAddress: req.socket.remoteAddress });
            const url = new URL(request.url);
            const query: Record<string, string[]> = {};
            for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
            response = Response.json({ view: { method: request.method, path: url.pathname, query, host: url.host }, verified: verifiedText(result) });
          } catch (error) {
            response = signatureErrorResponse(error, options);
          }
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })();
      }));
  }
}

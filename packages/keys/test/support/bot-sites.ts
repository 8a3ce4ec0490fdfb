// A site verifying bots with `scheme: 'web-bot-auth'` on each entry point of @httpsig/server, on loopback: it
// answers what the verification reported (keyId, thumbprint, agent, claimedAgent) or the signature error.
import {
  expressMiddleware, fastifyPlugin, sendSignatureError, signatureErrorResponse, verifyFetchRequest, verifyNodeRequest,
  type ServerVerifyOptions, type SignatureVerification,
} from '@httpsig/server';
import type {} from '@httpsig/server/fastify';
import express from 'express';
import Fastify from 'fastify';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../../../../test-support/loopback.mjs';

export type SiteKind = 'node' | 'express' | 'fastify' | 'fetch';
export const SITE_KINDS: SiteKind[] = ['node', 'express', 'fastify', 'fetch'];

export interface Site {
  url: string;
  close(): Promise<void>;
}

function reported(result: SignatureVerification | null | undefined): Record<string, unknown> {
  const bot = result as { keyId?: string; thumbprint?: string; agent?: string; claimedAgent?: string } | undefined;
  return { keyId: bot?.keyId, thumbprint: bot?.thumbprint, agent: bot?.agent ?? null, claimedAgent: bot?.claimedAgent ?? null };
}

/** Starts a site of the given kind. */
export async function startBotSite(kind: SiteKind, options: ServerVerifyOptions): Promise<Site> {
  if (kind === 'fastify') {
    const app = Fastify();
    await app.register(fastifyPlugin, options);
    app.get('/*', async (request) => reported(request.signature));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  let server;
  if (kind === 'express') {
    const app = express();
    app.use(expressMiddleware(options));
    app.get('/*path', (req, res) => { res.json(reported(req.signature)); });
    server = createServer(app);
  } else if (kind === 'node') {
    server = createServer((req, res) => {
      verifyNodeRequest(req, options).then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reported(result)));
      }, (error: unknown) => { sendSignatureError(res, error, options); });
    });
  } else {
    server = createServer((req, res) => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
      void verifyFetchRequest(request, options).then((result) => Response.json(reported(result)), (error: unknown) => signatureErrorResponse(error, options))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        });
    });
  }
  const listening = await listenOnLoopback(server);
  return { url: listening.origin, close: listening.close };
}

/** What a site answered. */
export interface SiteAnswer {
  status: number;
  json: Record<string, unknown>;
}

/**
 * Writes `GET <path>` with exactly these headers over a raw socket (`Host` is the site's) and reads the answer
 * until the server closes: no client normalises anything.
 */
export function rawGet(base: string, path: string, headers: Record<string, string>): Promise<SiteAnswer> {
  const url = new URL(base);
  const lines = [`GET ${path} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(headers).filter(([n]) => n !== 'host').map(([n, v]) => `${n}: ${v}`), 'connection: close'];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyStart = text.indexOf('\r\n\r\n');
      let body = text.slice(bodyStart + 4);
      if (/\r\ntransfer-encoding: chunked/i.test(text.slice(0, bodyStart))) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(body) as Record<string, unknown>; } catch { /* not JSON */ }
      resolve({ status, json });
    });
    // Written without half-closing: node:http aborts a request whose client ends its side while it is verified.
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

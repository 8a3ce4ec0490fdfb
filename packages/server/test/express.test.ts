// Express specifics: mounting, body parsers that ran first, failing key lookups, and when next() runs.
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '../src/index.js';
import type { ServerVerifyOptions } from '../src/index.js';
import { HMAC_KEY_ID, keyLookup, send, signFor, signedSend } from './support/helpers.js';
import type { Running } from './support/servers.js';

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

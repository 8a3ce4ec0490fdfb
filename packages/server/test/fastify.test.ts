// Fastify specifics: failing key lookups, and a plugin registered inside a scope.
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { fastifyPlugin } from '../src/index.js';
import { HMAC_KEY_ID, keyLookup, send, signedSend } from './support/helpers.js';

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

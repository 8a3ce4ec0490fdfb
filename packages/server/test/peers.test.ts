// Requests signed by independent peers — Python httpsig (JumpServer's library), Joyent http-signature — and by
// this project's client adapters, verified by every server kind.
import { signedFetch } from '@httpsig/fetch';
import { withHttpSignature } from '@httpsig/axios';
import { httpSignature as gotHttpSignature } from '@httpsig/got';
import axios from 'axios';
import got from 'got';
import httpSignature from 'http-signature';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { HMAC_KEY_ID, RSA_KEY_ID, RSA_PRIVATE, SECRET, keyLookup, pythonSend } from './support/helpers.js';
import type { Answer } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';

/** Sends a request signed by Joyent's http-signature on a node:http ClientRequest. */
function joyentSend(base: string, request: { method: string; path: string; body?: string; keyId: string; key: string; algorithm: string; headers: string[] }): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const extra: Record<string, string> = {};
    if (request.body !== undefined) {
      extra['content-type'] = 'application/json';
      extra['digest'] = `SHA-256=${createHash('sha256').update(request.body).digest('base64')}`;
    }
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers: extra, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    httpSignature.sign(req, { keyId: request.keyId, key: request.key, algorithm: request.algorithm, headers: request.headers });
    req.end(request.body);
  });
}

describe.each(SERVER_KINDS)('%s server verifies peers', (kind) => {
  let server: Running;
  beforeAll(async () => { server = await startServer(kind, { keyLookup }); });
  afterAll(async () => { await server.close(); });

  describe('Python httpsig (requests + HTTPSignatureAuth)', () => {
    test('GET with a query, hmac-sha256', async () => {
      const answer = await pythonSend({
        url: `${server.url}/api/v1/users/?limit=10&offset=20`, method: 'GET', keyId: HMAC_KEY_ID, secret: SECRET,
        algorithm: 'hmac-sha256', sign: ['(request-target)', 'host', 'accept', 'date'], headers: { Accept: 'application/json' },
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID, algorithm: 'hmac-sha256' });
    });

    test('POST JSON with a signed Digest', async () => {
      const answer = await pythonSend({
        url: `${server.url}/api/v1/assets/`, method: 'POST', keyId: HMAC_KEY_ID, secret: SECRET, algorithm: 'hmac-sha256',
        sign: ['(request-target)', 'host', 'date', 'digest'], headers: { 'Content-Type': 'application/json' }, body: '{"name":"db-01","port":5432}',
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID, body: { name: 'db-01', port: 5432 } });
    });

    test('rsa-sha256', async () => {
      const answer = await pythonSend({
        url: `${server.url}/rsa?x=1`, method: 'GET', keyId: RSA_KEY_ID, secret: RSA_PRIVATE, algorithm: 'rsa-sha256',
        sign: ['(request-target)', 'host', 'date'],
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ keyId: RSA_KEY_ID, algorithm: 'rsa-sha256' });
    });

    test('a Python-signed body tampered in transit is refused (ERR_DIGEST_MISSING without a signed digest)', async () => {
      const answer = await pythonSend({
        url: `${server.url}/api/v1/assets/`, method: 'POST', keyId: HMAC_KEY_ID, secret: SECRET, algorithm: 'hmac-sha256',
        sign: ['(request-target)', 'host', 'date'], headers: { 'Content-Type': 'application/json' }, body: '{"name":"db-01"}',
      });
      expect(answer.status).toBe(401);
      expect(answer.json.code).toBe('ERR_DIGEST_MISSING');
    });
  });

  describe('Joyent http-signature', () => {
    test('GET, hmac-sha256', async () => {
      const answer = await joyentSend(server.url, {
        method: 'GET', path: '/joyent?a=1&b=2', keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ keyId: HMAC_KEY_ID });
    });

    test('POST with a signed Digest, rsa-sha256', async () => {
      const answer = await joyentSend(server.url, {
        method: 'POST', path: '/joyent', body: '{"k":[1,2]}', keyId: RSA_KEY_ID, key: RSA_PRIVATE, algorithm: 'rsa-sha256',
        headers: ['(request-target)', 'host', 'date', 'digest'],
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ keyId: RSA_KEY_ID, body: { k: [1, 2] } });
    });
  });

  describe("this project's adapters", () => {
    const signing = {
      keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256' as const,
      headers: ['(request-target)', 'host', 'date'], digest: 'SHA-256' as const,
    };

    test('@httpsig/fetch', async () => {
      const fetchSigned = signedFetch(signing);
      const get = await fetchSigned(`${server.url}/f?q=a%20b`);
      expect(get.status).toBe(200);
      const post = await fetchSigned(`${server.url}/f`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"via":"fetch"}' });
      expect(await post.json()).toMatchObject({ keyId: HMAC_KEY_ID, body: { via: 'fetch' } });
    });

    test('@httpsig/axios', async () => {
      const client = axios.create({ baseURL: `${server.url}/api/`, validateStatus: () => true });
      withHttpSignature(client, signing);
      const get = await client.get('items', { params: { page: 2, q: 'x y' } });
      expect(get.status).toBe(200);
      const post = await client.post('items', { via: 'axios' });
      expect(post.status).toBe(200);
      expect(post.data).toMatchObject({ keyId: HMAC_KEY_ID, body: { via: 'axios' } });
    });

    test('@httpsig/got', async () => {
      const client = got.extend({ prefixUrl: `${server.url}/api`, throwHttpErrors: false, retry: { limit: 0 } }, gotHttpSignature(signing));
      const get = await client.get('items', { searchParams: { page: 3 } });
      expect(get.statusCode).toBe(200);
      const post = await client.post('items', { json: { via: 'got' } }).json<Record<string, unknown>>();
      expect(post).toMatchObject({ keyId: HMAC_KEY_ID, body: { via: 'got' } });
    });
  });
});

#!/usr/bin/env node
// Demo: a loopback HTTP server that verifies JumpServer-style HTTP Signatures with @httpsig/core, and
// clients that sign with core + fetch, @httpsig/fetch, @httpsig/axios and @httpsig/got. It prints the
// signing string, the Authorization header and the server's verdict, then shows tampered requests rejected
// with their stable error codes.
import { createServer } from 'node:http';
import { formatChallenge, isHttpSignatureError, sign, verify } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { withHttpSignature } from '@httpsig/axios';
import { httpSignature } from '@httpsig/got';
import axios from 'axios';
import got from 'got';

// A JumpServer access key: the key id is a UUID, the secret is HMAC'd as its ASCII bytes.
const ACCESS_KEY = { id: '2f3e6c1a-8d7b-4c59-9a4e-0b1c2d3e4f50', secret: 'demo-secret-6s1Nw9QkV2pZr8Lt3Ye0XcHb5Ju7' };
const JUMPSERVER_HEADERS = ['(request-target)', 'accept', 'date'];
const signing = { keyId: ACCESS_KEY.id, key: ACCESS_KEY.secret, algorithm: 'hmac-sha256', headers: JUMPSERVER_HEADERS };

/** The server: verifies like JumpServer (required (request-target) and date), plus clock skew and digests. */
function startServer() {
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    try {
      const result = await verify({ method: req.method, url: req.url, headers: req.headersDistinct }, {
        keyLookup: (keyId) => (keyId === ACCESS_KEY.id ? { key: ACCESS_KEY.secret, algorithms: ['hmac-sha256'] } : null),
        requiredHeaders: ['(request-target)', 'date'],
        body,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ verified: true, keyId: result.keyId, path: req.url }));
    } catch (error) {
      if (!isHttpSignatureError(error)) throw error;
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': formatChallenge({ realm: 'demo' }) })
        .end(JSON.stringify({ verified: false, code: error.code, detail: error.message }));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const server = await startServer();
const base = `http://127.0.0.1:${server.address().port}`;
const verdict = (status, body) => (status === 200 ? `200 verified (keyId ${body.keyId})` : `${status} rejected: ${body.code}`);

console.log(`Server verifying on ${base}\n`);

// 1. Core: sign a request by hand, show what is signed, send it with fetch.
const url = `${base}/api/v1/assets/assets/?limit=10&search=web%2001`;
const request = { method: 'GET', url, headers: { accept: 'application/json' } };
const signed = await sign(request, signing);
console.log('1. @httpsig/core sign() + fetch');
console.log(`   signing string:\n${signed.signingString.replace(/^/gm, '     ')}`);
console.log(`   Authorization: ${signed.headers.authorization}`);
const first = await fetch(url, { headers: { ...request.headers, ...signed.headers } });
console.log(`   server: ${verdict(first.status, await first.json())}\n`);

// 2. The adapters: one line each.
const sfetch = signedFetch(signing);
const viaFetch = await sfetch(`${base}/api/v1/users/users/?page=2`, { headers: { accept: 'application/json' } });
console.log(`2. @httpsig/fetch  GET  /api/v1/users/users/?page=2  → ${verdict(viaFetch.status, await viaFetch.json())}`);

const client = axios.create({ baseURL: `${base}/api/v1`, headers: { accept: 'application/json' }, validateStatus: () => true });
withHttpSignature(client, { ...signing, digest: 'SHA-256' });
const viaAxios = await client.post('/assets/hosts/', { name: 'web-01', address: '10.0.0.1' }, { params: { org: 'default' } });
console.log(`3. @httpsig/axios  POST /api/v1/assets/hosts/?org=default (JSON body, digest signed) → ${verdict(viaAxios.status, viaAxios.data)}`);

const gotClient = got.extend(httpSignature({ ...signing, digest: 'SHA-256' }), { prefixUrl: `${base}/api/v1`, headers: { accept: 'application/json' }, throwHttpErrors: false, responseType: 'json' });
const viaGot = await gotClient.put('assets/hosts/42/', { json: { name: 'web-01b' }, searchParams: { force: 'yes' } });
console.log(`4. @httpsig/got    PUT  /api/v1/assets/hosts/42/?force=yes (JSON body, digest signed) → ${verdict(viaGot.statusCode, viaGot.body)}\n`);

// 3. Tampering: replay the signed headers of request 1 against other requests.
console.log('5. Tampered requests (the headers signed for request 1, reused):');
const attempts = [
  ['query changed (limit=10 → limit=1000)', url.replace('limit=10', 'limit=1000'), signed.headers],
  ['wrong secret', url, (await sign(request, { ...signing, key: 'not-the-secret' })).headers],
  ['stale Date (1 hour old)', url, (await sign(request, { ...signing, now: Date.now() - 3_600_000 })).headers],
  ['unknown access key', url, (await sign(request, { ...signing, keyId: 'no-such-key' })).headers],
];
for (const [label, target, headers] of attempts) {
  const res = await fetch(target, { headers: { ...request.headers, ...headers } });
  console.log(`   ${label.padEnd(40)} → ${verdict(res.status, await res.json())}`);
}
const unsigned = await fetch(url, { headers: request.headers });
console.log(`   ${'no signature at all'.padEnd(40)} → ${verdict(unsigned.status, await unsigned.json())}  (WWW-Authenticate: ${unsigned.headers.get('www-authenticate')})`);

server.close();

// The benchmark rows for one crypto backend. Run as a child with `--conditions=portable` for the portable
// backend; prints JSON { backend, opsPerSecond: { row: ops } } on stdout. Each process also measures raw
// node:crypto, so every ratio is taken within one process run.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { backendName, sign, verify } from '@httpsig/core';
import { measure } from './measure.mjs';

const require = createRequire(import.meta.url);
const withPeers = process.argv.includes('--peers');

const secret = 'jms-bench-secret-0123456789abcdefghij';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' });
const date = new Date().toUTCString();
const url = '/api/v1/assets/assets/?limit=10&offset=20';
const headers = { host: 'jms.example.com', date, accept: 'application/json' };
const names = ['(request-target)', 'host', 'date'];
const request = { method: 'GET', url, headers };

const signingString = `(request-target): get ${url}\nhost: ${headers.host}\ndate: ${date}`;
const hmacOptions = { keyId: 'ak', key: secret, algorithm: 'hmac-sha256', headers: names };
const rsaOptions = { keyId: 'rsa', key: privatePem, algorithm: 'rsa-sha256', headers: names };
const hmacSigned = { ...request, headers: { ...headers, ...(await sign(request, hmacOptions)).headers } };
const rsaSigned = { ...request, headers: { ...headers, ...(await sign(request, rsaOptions)).headers } };
const hmacLookup = { keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }) };
const rsaLookup = { keyLookup: () => ({ key: publicPem, algorithms: ['rsa-sha256'] }) };

const hmacSignature = crypto.createHmac('sha256', secret).update(signingString).digest();
const rsaSignature = crypto.sign('sha256', Buffer.from(signingString), privateKey);
const header = (alg, sig) => `Signature keyId="ak",algorithm="${alg}",headers="(request-target) host date",signature="${sig}"`;

const rows = [
  { name: 'raw hmac sign', fn: () => header('hmac-sha256', crypto.createHmac('sha256', secret).update(`(request-target): get ${url}\nhost: ${headers.host}\ndate: ${date}`).digest('base64')) },
  { name: 'raw hmac verify', fn: () => crypto.timingSafeEqual(crypto.createHmac('sha256', secret).update(signingString).digest(), hmacSignature) },
  { name: 'raw rsa sign', fn: () => header('rsa-sha256', crypto.sign('sha256', Buffer.from(signingString), privateKey).toString('base64')) },
  { name: 'raw rsa verify', fn: () => crypto.verify('sha256', Buffer.from(signingString), publicKey, rsaSignature) },
  { name: 'core hmac sign', fn: () => sign(request, hmacOptions) },
  { name: 'core hmac verify', fn: () => verify(hmacSigned, hmacLookup) },
  { name: 'core rsa sign', fn: () => sign(request, rsaOptions) },
  { name: 'core rsa verify', fn: () => verify(rsaSigned, rsaLookup) },
];

if (withPeers) {
  const joyent = require('http-signature');
  const fakeClientRequest = () => {
    const h = { host: headers.host, date };
    return { method: 'GET', path: url, getHeader: (n) => h[n.toLowerCase()], setHeader: (n, v) => { h[n.toLowerCase()] = v; }, headers: h };
  };
  const joyentHmac = { keyId: 'ak', key: secret, algorithm: 'hmac-sha256', headers: names };
  const joyentRsa = { keyId: 'rsa', key: privatePem, algorithm: 'rsa-sha256', headers: names };
  const incoming = (signed) => ({ method: 'GET', url, httpVersion: '1.1', httpVersionMajor: 1, httpVersionMinor: 1, headers: signed.headers });
  rows.push(
    { name: 'joyent hmac sign', fn: () => joyent.signRequest(fakeClientRequest(), joyentHmac) },
    { name: 'joyent hmac verify', fn: () => { if (!joyent.verifyHMAC(joyent.parseRequest(incoming(hmacSigned)), secret)) throw new Error('joyent refused'); } },
    { name: 'joyent rsa sign', fn: () => joyent.signRequest(fakeClientRequest(), joyentRsa) },
    { name: 'joyent rsa verify', fn: () => { if (!joyent.verifySignature(joyent.parseRequest(incoming(rsaSigned)), publicPem)) throw new Error('joyent refused'); } },
  );
}

// Sanity: every verify row must accept before it is timed.
for (const row of rows) if (row.name.includes('verify')) { const r = row.fn(); if (r === false) throw new Error(`${row.name} rejected`); await r; }

const result = await measure(rows);
process.stdout.write(JSON.stringify({ backend: backendName, opsPerSecond: Object.fromEntries(result) }));

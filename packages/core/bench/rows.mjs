// The rows of `bench.mjs` for one crypto backend, run as a child process (`--conditions=node` or
// `--conditions=portable`); prints JSON { backend, samples: { row: [ops/s per round] } } on stdout.
//
// Every row is a JumpServer GET: `GET /api/v1/assets/assets/?limit=10&offset=20` with the headers host, date and
// accept. The public async `sign` and `verify` of @httpsig/core run against the BARE primitive of the same process:
// - `bare hmac …`: `crypto.createHmac('sha256', secret).update(signingString).digest('base64')`,
// - `bare rsa sign`: `crypto.sign('sha256', signingString, privateKey)`,
// - `bare rsa verify`: `crypto.verify('sha256', signingString, publicKey, signature)`,
// each on a precomputed signing string (draft-cavage) or signature base (RFC 9421), as bytes for sign/verify and
// with KeyObjects made once: nothing but the primitive. `--peers` adds Joyent's http-signature and the
// http-message-signatures package (information only).
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { backendName, sign, verify } from '@httpsig/core';
import { measureSamples } from './measure.mjs';

const require = createRequire(import.meta.url);
const withPeers = process.argv.includes('--peers');

const secret = 'jms-bench-secret-0123456789abcdefghij';
// RFC 9421's published 2048-bit test key: a fixed key keeps instruction counts comparable from run to run.
const privatePem = readFileSync(new URL('../../../test-vectors/keys/rfc9421-test-key-rsa.private.pem', import.meta.url), 'utf8');
const privateKey = crypto.createPrivateKey(privatePem);
const publicKey = crypto.createPublicKey(privateKey);
const publicPem = publicKey.export({ type: 'spki', format: 'pem' });
const date = new Date().toUTCString();
const url = '/api/v1/assets/assets/?limit=10&offset=20';
const headers = { host: 'jms.example.com', date, accept: 'application/json' };
const request = { method: 'GET', url, headers };

// draft-cavage: the request target and the three headers.
const names = ['(request-target)', 'host', 'date', 'accept'];
const hmacOptions = { keyId: 'ak', key: secret, algorithm: 'hmac-sha256', headers: names };
const rsaOptions = { keyId: 'rsa', key: privatePem, algorithm: 'rsa-sha256', headers: names };
const hmacSigned = { ...request, headers: { ...headers, ...(await sign(request, hmacOptions)).headers } };
const rsaSigned = { ...request, headers: { ...headers, ...(await sign(request, rsaOptions)).headers } };
const hmacLookup = { keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }) };
const rsaLookup = { keyLookup: () => ({ key: publicPem, algorithms: ['rsa-sha256'] }) };
const signingString = `(request-target): get ${url}\nhost: ${headers.host}\ndate: ${date}\naccept: ${headers.accept}`;
if ((await sign(request, hmacOptions)).signingString !== signingString) throw new Error('the bench signing string differs from core\'s');
const signingBytes = Buffer.from(signingString);
const rsaSignature = crypto.sign('sha256', signingBytes, privateKey);

// RFC 9421: `@method @authority @path @query accept`, created and keyid (the defaults).
const components = ['@method', '@authority', '@path', '@query', 'accept'];
const rfcSignOptions = { scheme: 'rfc9421', keyId: 'ak', key: secret, algorithm: 'hmac-sha256', components };
const rfcFirst = await sign(request, rfcSignOptions);
const rfcSigned = { ...request, headers: { ...headers, ...rfcFirst.headers } };
const rfcVerifyOptions = { scheme: 'rfc9421', keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }) };
const signatureBase = rfcFirst.signingString;

const rows = [
  { name: 'bare hmac (cavage)', fn: () => crypto.createHmac('sha256', secret).update(signingString).digest('base64') },
  { name: 'cavage hmac sign', fn: () => sign(request, hmacOptions) },
  { name: 'cavage hmac verify', fn: () => verify(hmacSigned, hmacLookup) },
  { name: 'bare rsa verify', fn: () => crypto.verify('sha256', signingBytes, publicKey, rsaSignature) },
  { name: 'cavage rsa verify', fn: () => verify(rsaSigned, rsaLookup) },
  { name: 'bare hmac (rfc9421)', fn: () => crypto.createHmac('sha256', secret).update(signatureBase).digest('base64') },
  { name: 'rfc9421 hmac sign', fn: () => sign(request, rfcSignOptions) },
  { name: 'rfc9421 hmac verify', fn: () => verify(rfcSigned, rfcVerifyOptions) },
  { name: 'bare rsa sign', fn: () => crypto.sign('sha256', signingBytes, privateKey) },
  { name: 'cavage rsa sign', fn: () => sign(request, rsaOptions) },
];

if (withPeers) {
  const joyent = require('http-signature');
  const fakeClientRequest = () => {
    const h = { host: headers.host, date, accept: headers.accept };
    return { method: 'GET', path: url, getHeader: (n) => h[n.toLowerCase()], setHeader: (n, v) => { h[n.toLowerCase()] = v; }, headers: h };
  };
  const incoming = (signed) => ({ method: 'GET', url, httpVersion: '1.1', httpVersionMajor: 1, httpVersionMinor: 1, headers: signed.headers });
  const { httpbis, createSigner, createVerifier } = require('http-message-signatures');
  const peerConfig = { key: createSigner(secret, 'hmac-sha256', 'ak'), fields: components, params: ['created', 'keyid'] };
  const peerMessage = { method: 'GET', url: `https://${headers.host}${url}`, headers };
  const peerSigned = await httpbis.signMessage(peerConfig, peerMessage);
  const peerVerifier = createVerifier(secret, 'hmac-sha256');
  const peerVerify = { keyLookup: async () => ({ id: 'ak', algs: ['hmac-sha256'], verify: peerVerifier }), requiredFields: ['@method', '@authority', '@path'] };
  rows.push(
    { name: 'joyent hmac sign', fn: () => joyent.signRequest(fakeClientRequest(), { keyId: 'ak', key: secret, algorithm: 'hmac-sha256', headers: names }) },
    { name: 'joyent hmac verify', fn: () => { if (!joyent.verifyHMAC(joyent.parseRequest(incoming(hmacSigned)), secret)) throw new Error('joyent refused'); } },
    { name: 'joyent rsa verify', fn: () => { if (!joyent.verifySignature(joyent.parseRequest(incoming(rsaSigned)), publicPem)) throw new Error('joyent refused'); } },
    { name: 'peer rfc9421 hmac sign', fn: () => httpbis.signMessage(peerConfig, peerMessage) },
    { name: 'peer rfc9421 hmac verify', fn: async () => { if ((await httpbis.verifyMessage(peerVerify, peerSigned)) !== true) throw new Error('peer refused'); } },
  );
}

// Sanity: every verify row must accept before it is timed.
for (const row of rows) if (row.name.includes('verify')) { const r = await row.fn(); if (r === false) throw new Error(`${row.name} rejected`); }

const only = process.argv.indexOf('--only');
if (only !== -1) {
  // `--only <row> <iterations>`: runs one row that many times after a warm-up of 20,000 calls, and nothing else,
  // for `valgrind --tool=callgrind` (instructions per call = the difference of two runs ÷ the difference of their
  // iterations) or `node --cpu-prof`. See docs/benchmarks.md.
  const row = rows.find((r) => r.name === process.argv[only + 1]);
  if (row === undefined) throw new Error(`no row ${process.argv[only + 1]}: ${rows.map((r) => r.name).join(', ')}`);
  const iterations = Number(process.argv[only + 2] ?? 100_000);
  for (let i = 0; i < 20_000 + iterations; i++) {
    const r = row.fn();
    if (r !== undefined && typeof r.then === 'function') await r;
  }
} else {
  const samples = await measureSamples(rows, { rounds: Number(process.env.BENCH_ROUNDS ?? 9) });
  process.stdout.write(JSON.stringify({ backend: backendName, samples: Object.fromEntries(samples) }));
}

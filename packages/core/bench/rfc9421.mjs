// RFC 9421 benchmark for @httpsig/core: ops/s of sign and verify (parse + policy + verify) with hmac-sha256,
// ed25519 and RSASSA-PKCS1-v1_5 SHA-256 (2048-bit) — RFC 9421 on the node and portable backends, draft-cavage
// on the node backend, the `http-message-signatures` package, and raw node:crypto over the same signature base.
// Every ratio is taken within one process run (each child measures its own raw row).
//
// Run after building core: `node bench/rfc9421.mjs`. HTTPSIG_CORE_DIST=<dir of a built dist/esm> points it at
// another build (e.g. one made before `scheme: 'rfc9421'` is exported from the package root).
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, table } from './measure.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv.includes('--rows')) {
  await rows();
} else {
  const run = (condition, peers) => JSON.parse(execFileSync(process.execPath, [`--conditions=${condition}`, self, '--rows', ...(peers ? ['--peers'] : [])], {
    encoding: 'utf8', maxBuffer: 1 << 20, env: process.env,
  }));
  const node = run('node', true);
  const portable = run('portable', false);
  const out = [];
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  for (const alg of ['hmac', 'ed25519', 'rsa']) {
    for (const op of ['sign', 'verify']) {
      const raw = node.opsPerSecond[`raw ${alg} ${op}`];
      const rawPortable = portable.opsPerSecond[`raw ${alg} ${op}`];
      const ours = node.opsPerSecond[`rfc9421 ${alg} ${op}`];
      const peer = node.opsPerSecond[`peer ${alg} ${op}`];
      const cavage = node.opsPerSecond[`cavage ${alg} ${op}`];
      out.push([`raw node:crypto ${alg} ${op}`, fmt(raw), '1.00×', '', '']);
      out.push([`rfc9421 (node) ${alg} ${op}`, fmt(ours), `${(ours / raw).toFixed(2)}×`, `${(ours / peer).toFixed(2)}×`, `${(ours / cavage).toFixed(2)}×`]);
      out.push([`rfc9421 (portable) ${alg} ${op}`, fmt(portable.opsPerSecond[`rfc9421 ${alg} ${op}`]), `${(portable.opsPerSecond[`rfc9421 ${alg} ${op}`] / rawPortable).toFixed(2)}×`, '', '']);
      out.push([`draft-cavage (node) ${alg} ${op}`, fmt(cavage), `${(cavage / raw).toFixed(2)}×`, '', '']);
      out.push([`http-message-signatures ${alg} ${op}`, fmt(peer), `${(peer / raw).toFixed(2)}×`, '', '']);
    }
  }
  console.log(`@httpsig/core RFC 9421 benchmark, node ${process.version}; ratios within one process run\n`);
  console.log(table(['row', 'ops/s', 'vs raw node:crypto', 'rfc9421 vs http-message-signatures', 'rfc9421 vs draft-cavage'], out));
}

async function rows() {
  const require = createRequire(import.meta.url);
  const dist = process.env.HTTPSIG_CORE_DIST;
  const core = await import(dist === undefined ? '@httpsig/core' : pathToFileURL(`${dist}/index.js`).href);
  const rfc = typeof core.signRfc9421 === 'function'
    ? core
    : await import(dist === undefined ? new URL('../dist/esm/rfc9421/index.js', import.meta.url).href : pathToFileURL(`${dist}/rfc9421/index.js`).href);
  const cavageCore = core;

  const secret = 'bench-secret-0123456789abcdefghijklmnop';
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = crypto.generateKeyPairSync('ed25519');
  const pem = (pair) => ({ sign: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), verify: pair.publicKey.export({ type: 'spki', format: 'pem' }) });
  const KEYS = { hmac: { sign: secret, verify: secret }, ed25519: pem(ed), rsa: pem(rsa) };
  const RFC_ALG = { hmac: 'hmac-sha256', ed25519: 'ed25519', rsa: 'rsa-v1_5-sha256' };
  const CAVAGE_ALG = { hmac: 'hmac-sha256', ed25519: 'ed25519', rsa: 'rsa-sha256' };

  const date = new Date().toUTCString();
  const url = 'https://api.example.com/v1/items?limit=10&offset=20';
  const headers = { host: 'api.example.com', date, 'content-type': 'application/json' };
  const request = { method: 'GET', url, headers };
  const components = ['@method', '@authority', '@path', '@query', 'content-type', 'date'];
  const cavageRequest = { method: 'GET', url: '/v1/items?limit=10&offset=20', headers };
  const cavageHeaders = ['(request-target)', 'host', 'date', 'content-type'];

  const list = [];
  for (const alg of ['hmac', 'ed25519', 'rsa']) {
    const key = KEYS[alg];
    const rfcOptions = { key: key.sign, algorithm: RFC_ALG[alg], keyId: 'k', components };
    const first = await rfc.signRfc9421(request, rfcOptions);
    const signed = { ...request, headers: { ...headers, ...first.headers } };
    const rfcVerify = { keyLookup: () => ({ key: key.verify, algorithms: [RFC_ALG[alg]] }), requiredComponents: components };
    const base = first.signatureBase;
    const signature = Buffer.from(/^sig1=:(.*):$/.exec(first.headers.signature)[1], 'base64');
    const nodeKey = alg === 'hmac' ? undefined : { sign: crypto.createPrivateKey(key.sign), verify: crypto.createPublicKey(key.verify) };
    const rawSign = alg === 'hmac'
      ? () => crypto.createHmac('sha256', secret).update(base).digest('base64')
      : () => crypto.sign(alg === 'ed25519' ? null : 'sha256', Buffer.from(base), nodeKey.sign).toString('base64');
    const rawVerify = alg === 'hmac'
      ? () => crypto.timingSafeEqual(crypto.createHmac('sha256', secret).update(base).digest(), signature)
      : () => crypto.verify(alg === 'ed25519' ? null : 'sha256', Buffer.from(base), nodeKey.verify, signature);
    const cavageOptions = { keyId: 'k', key: key.sign, algorithm: CAVAGE_ALG[alg], headers: cavageHeaders, scheme: 'signature' };
    const cavageSigned = { ...cavageRequest, headers: { ...headers, ...(await cavageCore.sign(cavageRequest, cavageOptions)).headers } };
    const cavageVerify = { keyLookup: () => ({ key: key.verify, algorithms: [CAVAGE_ALG[alg]] }), requiredHeaders: cavageHeaders, scheme: 'signature' };
    list.push(
      { name: `raw ${alg} sign`, fn: rawSign },
      { name: `raw ${alg} verify`, fn: rawVerify },
      { name: `rfc9421 ${alg} sign`, fn: () => rfc.signRfc9421(request, rfcOptions) },
      { name: `rfc9421 ${alg} verify`, fn: () => rfc.verifyRfc9421(signed, rfcVerify) },
      { name: `cavage ${alg} sign`, fn: () => cavageCore.sign(cavageRequest, cavageOptions) },
      { name: `cavage ${alg} verify`, fn: () => cavageCore.verify(cavageSigned, cavageVerify) },
    );
    if (process.argv.includes('--peers')) {
      const { httpbis, createSigner, createVerifier } = require('http-message-signatures');
      const peerSignKey = alg === 'hmac' ? secret : nodeKey.sign;
      const peerVerifyKey = alg === 'hmac' ? secret : nodeKey.verify;
      const peerConfig = { key: createSigner(peerSignKey, RFC_ALG[alg], 'k'), fields: components, params: ['created', 'keyid'] };
      const peerSigned = await httpbis.signMessage(peerConfig, request);
      const verifier = createVerifier(peerVerifyKey, RFC_ALG[alg]);
      const peerVerify = { keyLookup: async () => ({ id: 'k', algs: [RFC_ALG[alg]], verify: verifier }), requiredFields: ['@method', '@authority', '@path'] };
      list.push(
        { name: `peer ${alg} sign`, fn: () => httpbis.signMessage(peerConfig, request) },
        { name: `peer ${alg} verify`, fn: async () => { if ((await httpbis.verifyMessage(peerVerify, peerSigned)) !== true) throw new Error('peer refused'); } },
      );
    }
  }
  // Sanity: every verify row must accept before it is timed.
  for (const row of list) if (row.name.includes('verify')) { const r = await row.fn(); if (r === false) throw new Error(`${row.name} rejected`); }
  const result = await measure(list, { rounds: 5, roundMs: 200, warmupMs: 200 });
  process.stdout.write(JSON.stringify({ backend: rfc.backendName ?? core.backendName, opsPerSecond: Object.fromEntries(result) }));
}

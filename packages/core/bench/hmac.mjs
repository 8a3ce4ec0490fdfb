// `pnpm bench` row set for the node backend's HMAC: two one-shot hashes over cached key pads (node ≥ 20.12) against
// `createHmac` with a cached KeyObject, over a request-sized signing string, hmac-sha256 and hmac-sha512. Ratios
// are measured in this one run (rows interleaved, median round).
import * as crypto from 'node:crypto';
import { nodeHmac } from '../dist/esm/runtime/node-hmac.js';
import { measure, table } from './measure.mjs';

const secret = 'bench-secret-0123456789abcdefghij';
const data = '(request-target): get /api/v1/users/users/?limit=10\nhost: jms.example.com\ndate: Sun, 22 Nov 2026 10:00:00 GMT';
const oneShot = nodeHmac(typeof crypto.hash === 'function' ? crypto.hash : undefined);
const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
if (typeof crypto.hash !== 'function') console.log(`node ${process.version} has no crypto.hash: both rows use createHmac`);

const rows = [];
for (const [hash, name] of [['SHA-256', 'sha256'], ['SHA-512', 'sha512']]) {
  if (oneShot.base64(hash, secret, data) !== crypto.createHmac(name, key).update(data).digest('base64')) throw new Error(`${hash}: outputs differ`);
  rows.push({ name: `createHmac ${name}`, fn: () => crypto.createHmac(name, key).update(data).digest('base64') });
  rows.push({ name: `one-shot ${name}`, fn: () => oneShot.base64(hash, secret, data) });
}
const ops = await measure(rows, { rounds: 9 });
const out = [];
for (const name of ['sha256', 'sha512']) {
  const base = ops.get(`createHmac ${name}`);
  const fast = ops.get(`one-shot ${name}`);
  out.push([`createHmac hmac-${name}`, Math.round(base).toLocaleString('en-US'), '1.00×']);
  out.push([`one-shot hashes hmac-${name}`, Math.round(fast).toLocaleString('en-US'), `${(fast / base).toFixed(2)}×`]);
}
console.log(`node backend HMAC over a ${data.length}-character signing string, node ${process.version}\n`);
console.log(table(['row', 'ops/s', 'ratio to createHmac'], out));

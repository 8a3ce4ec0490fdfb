// `pnpm bench` for @httpsig/core: the public async `sign` and `verify` (node backend) against the bare node:crypto
// primitive, for a JumpServer GET, each ratio measured within one process run. The rows run in turn, round after
// round (9 rounds of 250 ms, after a warm-up); a row's ratio is the median over the rounds of (row ops/s ÷ its bare
// primitive's ops/s in the same round). The portable backend (in its own process, against node:crypto there) and
// the peer libraries are printed as information, without targets. See docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, table } from './measure.mjs';

const rowsScript = fileURLToPath(new URL('rows.mjs', import.meta.url));
const run = (condition, ...args) => JSON.parse(execFileSync(process.execPath, [`--conditions=${condition}`, rowsScript, ...args], {
  encoding: 'utf8', maxBuffer: 1 << 22, stdio: ['ignore', 'pipe', 'inherit'],
}));
const node = run('node', '--peers');
const portable = run('portable');

/** Median over the rounds of row ÷ bare, each round's pair measured within a few hundred milliseconds. */
const ratio = (result, name, bare) => median(result.samples[name].map((ops, i) => ops / result.samples[bare][i]));
const ops = (result, name) => Math.round(median(result.samples[name])).toLocaleString('en-US');

// [label, row, bare row, target]
const TARGETS = [
  ['draft-cavage hmac-sha256 sign', 'cavage hmac sign', 'bare hmac (cavage)', 0.8],
  ['draft-cavage hmac-sha256 parse + verify', 'cavage hmac verify', 'bare hmac (cavage)', 0.6],
  ['draft-cavage rsa-sha256 parse + verify', 'cavage rsa verify', 'bare rsa verify', 0.9],
  ['RFC 9421 hmac-sha256 sign', 'rfc9421 hmac sign', 'bare hmac (rfc9421)', 0.6],
  ['RFC 9421 hmac-sha256 parse + verify', 'rfc9421 hmac verify', 'bare hmac (rfc9421)', 0.45],
];
const EXTRA = [
  ['draft-cavage rsa-sha256 sign', 'cavage rsa sign', 'bare rsa sign'],
];
const PEERS = [
  ['http-signature (Joyent) hmac-sha256 sign', 'joyent hmac sign', 'bare hmac (cavage)'],
  ['http-signature (Joyent) hmac-sha256 parse + verify', 'joyent hmac verify', 'bare hmac (cavage)'],
  ['http-signature (Joyent) rsa-sha256 parse + verify', 'joyent rsa verify', 'bare rsa verify'],
  ['http-message-signatures hmac-sha256 sign', 'peer rfc9421 hmac sign', 'bare hmac (rfc9421)'],
  ['http-message-signatures hmac-sha256 verify', 'peer rfc9421 hmac verify', 'bare hmac (rfc9421)'],
];

const out = [];
for (const [label, name, bare, target] of TARGETS) {
  const r = ratio(node, name, bare);
  out.push([label, ops(node, bare), ops(node, name), `${r.toFixed(2)}×`, `≥ ${target}×`, r >= target ? 'met' : 'MISSED']);
}
for (const [label, name, bare] of EXTRA) out.push([label, ops(node, bare), ops(node, name), `${ratio(node, name, bare).toFixed(2)}×`, '', '']);
console.log(`@httpsig/core: public async sign/verify (node backend) against the bare node:crypto primitive, node ${process.version}`);
console.log('JumpServer GET /api/v1/assets/assets/?limit=10&offset=20 (host, date, accept); median of per-round ratios, one process run\n');
console.log(table(['row', 'bare ops/s', 'core ops/s', 'ratio', 'target', ''], out));

const info = [];
for (const [label, name, bare] of [...TARGETS, ...EXTRA]) {
  info.push([`${label} (portable backend)`, ops(portable, bare), ops(portable, name), `${ratio(portable, name, bare).toFixed(2)}×`]);
}
for (const [label, name, bare] of PEERS) info.push([label, ops(node, bare), ops(node, name), `${ratio(node, name, bare).toFixed(2)}×`]);
console.log('\nInformation, no targets: the portable backend (its own process, bare = node:crypto there) and peer libraries\n');
console.log(table(['row', 'bare ops/s', 'ops/s', 'ratio to bare'], info));

// `pnpm bench` for @httpsig/core: ops/s of sign and verify (parse + verify) for hmac-sha256 and rsa-sha256
// (2048-bit) — core on the node backend, core on the portable backend, Joyent http-signature and raw
// node:crypto — with each row's ratio to raw node:crypto measured in the same process run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { table } from './measure.mjs';

const rowsScript = fileURLToPath(new URL('rows.mjs', import.meta.url));
const run = (args) => JSON.parse(execFileSync(process.execPath, [...args, rowsScript], { encoding: 'utf8', maxBuffer: 1 << 20 }));
const nodeWithPeers = JSON.parse(execFileSync(process.execPath, ['--conditions=node', rowsScript, '--peers'], { encoding: 'utf8' }));
const portable = run(['--conditions=portable']);

const targets = {
  'core hmac sign': 0.7, 'core hmac verify': 0.5, 'core rsa sign': 0.95, 'core rsa verify': 0.8,
};
const out = [];
const add = (label, result, name, rawName, target) => {
  const ops = result.opsPerSecond[name];
  const raw = result.opsPerSecond[rawName];
  const ratio = ops / raw;
  out.push([label, Math.round(ops).toLocaleString('en-US'), `${ratio.toFixed(2)}×`, target === undefined ? '' : `≥ ${target}× ${ratio >= target ? 'met' : 'MISSED'}`]);
  return ratio;
};
for (const op of ['hmac sign', 'hmac verify', 'rsa sign', 'rsa verify']) {
  add(`raw node:crypto ${op}`, nodeWithPeers, `raw ${op}`, `raw ${op}`);
  add(`core (node) ${op}`, nodeWithPeers, `core ${op}`, `raw ${op}`, targets[`core ${op}`]);
  add(`core (portable) ${op}`, portable, `core ${op}`, `raw ${op}`, op === 'hmac sign' ? 0.25 : undefined);
  add(`http-signature (Joyent) ${op}`, nodeWithPeers, `joyent ${op}`, `raw ${op}`);
  const faster = nodeWithPeers.opsPerSecond[`core ${op}`] / nodeWithPeers.opsPerSecond[`joyent ${op}`];
  out.push([`core (node) vs Joyent ${op}`, '', `${faster.toFixed(2)}×`, faster > 1 ? 'faster: met' : 'slower: MISSED']);
}
console.log(`@httpsig/core benchmark, node ${process.version}; ratios are to raw node:crypto in the same process\n`);
console.log(table(['row', 'ops/s', 'ratio to raw', 'target'], out));

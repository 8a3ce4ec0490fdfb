// Shows the signature header parser runs in linear time: pathological inputs at doubling sizes (caps
// raised), nanoseconds per input character for each. Linear time keeps that figure flat as size grows;
// a quadratic parser would double it at every step. Printed as ratios from one run, never asserted.
import { parseSignatureHeader } from '@httpsig/core/cavage';
import { table } from './measure.mjs';

const shapes = {
  'many parameters': (n) => Array.from({ length: n / 8 }, (_, i) => `p${i}="v"`).join(',') + ',keyId="k",signature="c2ln"',
  'backslash escapes': (n) => `keyId="${'\\"'.repeat(n / 2)}",signature="c2ln"`,
  'whitespace runs': (n) => `keyId="k",${' '.repeat(n)}signature="c2ln"`,
  'unterminated quote': (n) => `keyId="${'a'.repeat(n)}`,
  'huge headers list': (n) => `keyId="k",headers="${'h '.repeat(n / 2)}",signature="c2ln"`,
};
const limits = { maxHeaderLength: 1 << 24, maxSignedHeaders: 1 << 24 };
const sizes = [16_384, 65_536, 262_144, 1_048_576];

function nsPerChar(input) {
  const runs = Math.max(3, Math.floor(4_000_000 / input.length));
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) { try { parseSignatureHeader(input, limits); } catch { /* refusals are timed too */ } }
  return Number(process.hrtime.bigint() - start) / runs / input.length;
}

const rows = [];
for (const [name, make] of Object.entries(shapes)) {
  const inputs = sizes.map((n) => make(n));
  nsPerChar(inputs[0]); // warm-up
  const costs = inputs.map(nsPerChar);
  rows.push([name, ...costs.map((c) => c.toFixed(2)), `${(costs[costs.length - 1] / costs[0]).toFixed(2)}×`]);
}
console.log('Signature header parser on pathological input (caps raised): ns per input character\n');
console.log(table(['input shape', ...sizes.map((s) => `${s / 1024} KiB`), '1 MiB vs 16 KiB'], rows));
console.log('\nWith the default cap (8192 characters) such inputs are refused before parsing: ERR_HEADER_TOO_LARGE.');

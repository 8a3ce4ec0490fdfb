// Measures operations per second of async or sync functions, interleaving rows over several rounds so that
// machine noise hits every row alike; reports the median round. Shared by the benchmarks of every package.
export async function measure(rows, { rounds = 7, roundMs = 250, warmupMs = 300 } = {}) {
  for (const row of rows) await runFor(row.fn, warmupMs);
  const samples = new Map(rows.map((row) => [row.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const row of rows) samples.get(row.name).push(await runFor(row.fn, roundMs));
  }
  const result = new Map();
  for (const [name, values] of samples) {
    values.sort((a, b) => a - b);
    result.set(name, values[Math.floor(values.length / 2)]);
  }
  return result;
}

async function runFor(fn, ms) {
  const end = performance.now() + ms;
  let ops = 0;
  let now = performance.now();
  while (now < end) {
    for (let i = 0; i < 64; i++) {
      const r = fn();
      if (r !== undefined && typeof r.then === 'function') await r;
    }
    ops += 64;
    now = performance.now();
  }
  return (ops * 1000) / (ms + (now - end));
}

export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// Measures operations per second of async or sync functions, interleaving rows over several rounds so that
// machine noise hits every row alike. Shared by the benchmarks of every package.
//
// `measure` reports each row's median round. `measureSamples` returns every round's figure, so that a ratio can be
// taken round by round (row and baseline measured a few hundred milliseconds apart) and its median reported:
// a change of machine speed between rounds then moves both sides of each ratio alike.
export async function measure(rows, options) {
  const samples = await measureSamples(rows, options);
  const result = new Map();
  for (const [name, values] of samples) result.set(name, median(values));
  return result;
}

/** Every round's ops/s per row name (rows run in turn within a round, in the given order). */
export async function measureSamples(rows, { rounds = 7, roundMs = 250, warmupMs = 300 } = {}) {
  for (const row of rows) await runFor(row.fn, warmupMs);
  const samples = new Map(rows.map((row) => [row.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const row of rows) samples.get(row.name).push(await runFor(row.fn, roundMs));
  }
  return samples;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

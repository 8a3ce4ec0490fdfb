// Loopback benchmark helpers shared by the adapter benches: a sink server and a signed/unsigned comparison
// that prints ratios from one run. Bounded iteration counts; loopback only.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { listenOnLoopback } from './loopback.mjs';

/**
 * A server on 127.0.0.1 that reads the body and answers 200 JSON (301 to path + "/" when the path has no
 * trailing slash, like the test servers). No verification: the bench measures the client side.
 * @returns {Promise<{ origin: string, close(): Promise<void> }>}
 */
export async function startSinkServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (!path.endsWith('/')) {
        res.writeHead(301, { location: path + '/' + (q === -1 ? '' : url.slice(q)), 'content-length': 0 });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
  });
  const { origin, close } = await listenOnLoopback(server);
  return { origin, close };
}

/**
 * Times each case unsigned and signed, alternating rounds so drift hits both sides alike.
 * @param {{ name: string, unsigned: () => Promise<unknown>, signed: () => Promise<unknown> }[]} cases
 * @param {{ warmup?: number, rounds?: number, perRound?: number }} [options]
 * @returns {Promise<{ name: string, unsignedUs: number, signedUs: number, ratio: number }[]>}
 */
export async function compare(cases, { warmup = 200, rounds = 10, perRound = 200 } = {}) {
  const rows = [];
  for (const c of cases) for (let i = 0; i < warmup; i++) { await c.unsigned(); await c.signed(); }
  for (const c of cases) {
    let unsigned = 0;
    let signed = 0;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      for (let i = 0; i < perRound; i++) await c.unsigned();
      unsigned += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < perRound; i++) await c.signed();
      signed += performance.now() - t;
    }
    const n = rounds * perRound;
    rows.push({ name: c.name, unsignedUs: (unsigned / n) * 1000, signedUs: (signed / n) * 1000, ratio: signed / unsigned });
  }
  return rows;
}

/**
 * Prints the rows as a Markdown table.
 * @param {string} title
 * @param {{ name: string, unsignedUs: number, signedUs: number, ratio: number }[]} rows
 */
export function printTable(title, rows) {
  const lines = [
    `${title} (sequential requests on loopback, Node ${process.version})`,
    '',
    '| case | unsigned µs/req | signed µs/req | ratio signed/unsigned |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.unsignedUs.toFixed(0)} | ${r.signedUs.toFixed(0)} | ${r.ratio.toFixed(2)} |`),
  ];
  console.log(lines.join('\n'));
}

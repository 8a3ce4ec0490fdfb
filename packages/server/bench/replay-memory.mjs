// Heap of the in-memory replay store after 1,000,000 distinct signatures (run with --expose-gc).
// A simulated clock advances 1 ms per signature (1,000 signatures/s) and every signature is valid for
// BENCH_WINDOW_MS (default 90 s): entries expire as new ones arrive, so the store holds at most ~90,000 live
// entries, never forgets a live one, and its memory stays flat once the first window has passed. The store is
// core's MemoryReplayStore (re-exported by @httpsig/server).
import { createHash } from 'node:crypto';
import { MemoryReplayStore, DEFAULT_MAX_REPLAY_ENTRIES } from '@httpsig/server';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const TOTAL = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 90_000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
// Replay keys have the shape the middleware uses: base64url SHA-256, 43 characters.
const keyOf = (i) => createHash('sha256').update(`keyId\n(request-target): get /item/${i}\ndate: x`).digest('base64url');

const before = heap();
const store = new MemoryReplayStore();
const start = Date.now();
let steady = 0;
let largest = 0;
const started = process.hrtime.bigint();
const laps = [];
let lap = process.hrtime.bigint();
for (let i = 0; i < TOTAL; i++) {
  const now = start + i; // 1 ms per signature
  // 100 client keys share the traffic (each well within its per-key share).
  if (store.record({ key: keyOf(i), owner: `client-${i % 100}`, expiresAt: now + WINDOW_MS, now }) !== 'stored') throw new Error('distinct key refused');
  if (store.size > largest) largest = store.size;
  if (i + 1 === DEFAULT_MAX_REPLAY_ENTRIES) steady = heap();
  if ((i + 1) % 200_000 === 0) {
    const t = process.hrtime.bigint();
    laps.push(Number(t - lap) / 1e6);
    lap = t;
  }
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
const after = heap();
console.log(`in-memory replay store, ${TOTAL.toLocaleString('en')} distinct signatures, maxEntries ${store.maxEntries.toLocaleString('en')}, window ${WINDOW_MS / 1000} s at 1,000 signatures/s (simulated clock)`);
console.log(`  heap used before: ${mb(before)} MB`);
console.log(`  heap used after ${DEFAULT_MAX_REPLAY_ENTRIES.toLocaleString('en')} signatures: ${mb(steady)} MB`);
console.log(`  heap used after ${TOTAL.toLocaleString('en')}: ${mb(after)} MB (growth since then: ${mb(after - steady)} MB)`);
console.log(`  entries kept: ${store.size} (largest ${largest}), refused because full: ${store.rejections}`);
console.log(`  ms per 200,000 adds (incl. SHA-256): ${laps.map((l) => l.toFixed(0)).join(', ')} (flat = constant cost per add); total ${elapsed.toFixed(0)} ms`);

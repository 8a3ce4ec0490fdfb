// Heap of the in-memory replay store after 1,000,000 distinct signatures (run with --expose-gc).
import { createHash } from 'node:crypto';
import { MemoryReplayStore, DEFAULT_MAX_REPLAY_ENTRIES } from '@httpsig/server';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const TOTAL = Number(process.env.BENCH_SIGNATURES ?? 1_000_000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
// Replay keys have the shape the middleware uses: base64url SHA-256, 43 characters.
const keyOf = (i) => createHash('sha256').update(`keyId\n(request-target): get /item/${i}\ndate: x`).digest('base64url');

const before = heap();
const store = new MemoryReplayStore();
const now = Date.now();
const expiresAt = now + 600_000; // nothing expires during the run: the bound comes from capacity alone
let atCapacity = 0;
const started = process.hrtime.bigint();
const laps = [];
let lap = process.hrtime.bigint();
for (let i = 0; i < TOTAL; i++) {
  if (!store.add(keyOf(i), expiresAt, now)) throw new Error('distinct key refused');
  if (i + 1 === DEFAULT_MAX_REPLAY_ENTRIES) atCapacity = heap();
  if ((i + 1) % 200_000 === 0) {
    const t = process.hrtime.bigint();
    laps.push(Number(t - lap) / 1e6);
    lap = t;
  }
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
const after = heap();
console.log(`in-memory replay store, ${TOTAL.toLocaleString('en')} distinct signatures, maxEntries ${store.maxEntries.toLocaleString('en')}`);
console.log(`  heap used before: ${mb(before)} MB`);
console.log(`  heap used at capacity (${DEFAULT_MAX_REPLAY_ENTRIES.toLocaleString('en')} entries): ${mb(atCapacity)} MB`);
console.log(`  heap used after ${TOTAL.toLocaleString('en')}: ${mb(after)} MB (growth since capacity: ${mb(after - atCapacity)} MB)`);
console.log(`  entries kept: ${store.size}, evicted early: ${store.evictions}`);
console.log(`  ms per 200,000 adds (incl. SHA-256): ${laps.map((l) => l.toFixed(0)).join(', ')} (flat = O(1)); total ${elapsed.toFixed(0)} ms`);

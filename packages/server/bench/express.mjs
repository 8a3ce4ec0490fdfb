// Express hello world with and without hmac-sha256 verification, driven by autocannon over loopback.
// Each app runs in its own process; the load generator runs here. Prints req/s and the ratio from one run,
// plus the server CPU time per request (less sensitive to other load on the machine than req/s).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sign } from '@httpsig/core';

const DURATION = Number(process.env.BENCH_DURATION ?? 5); // seconds of measurement per app
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5); // alternating slices of DURATION / ROUNDS seconds
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 3);
// 100 connections, as in the usual autocannon benchmarks of Node frameworks.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SECRET = 'bench-secret-0123456789abcdefghij';
const appPath = fileURLToPath(new URL('./express-app.mjs', import.meta.url));

function start(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appPath, mode, SECRET], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let waiting;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const listening = /LISTENING (\S+)/.exec(out);
      if (listening && !child.url) {
        child.url = listening[1];
        resolve({
          mode,
          url: child.url,
          stats: () => new Promise((done) => { waiting = done; child.stdin.write('stats\n'); }),
          stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
        });
      }
      const stats = /STATS (\d+) (\d+)\n/.exec(out);
      if (stats && waiting) {
        out = out.slice(stats.index + stats[0].length);
        const done = waiting;
        waiting = undefined;
        done({ requests: Number(stats[1]), cpu: Number(stats[2]) });
      }
    });
    child.on('error', reject);
  });
}

function load(url, headers, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/hello`, headers, connections: CONNECTIONS, duration }, (error, result) => {
      if (error) reject(error); else resolve(result);
    });
  });
}

/** Starts an app and checks that a signed request is answered 200. */
async function prepare(mode) {
  const server = await start(mode);
  const host = new URL(server.url).host;
  // One signature, reused by every request: each request is still fully verified (parse, key lookup,
  // signing string, HMAC, constant-time compare); replay protection is off in this bench. Both apps get
  // the same headers, so that only the middleware differs.
  const { headers } = await sign({ method: 'GET', url: '/hello', headers: { host } }, {
    keyId: 'bench', key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
  });
  const probe = await fetch(`${server.url}/hello`, { headers });
  if (probe.status !== 200) throw new Error(`${mode}: probe answered ${probe.status}`);
  return { ...server, headers };
}

/** One slice of load; returns requests, seconds and server CPU µs spent during it. */
async function slice(app, seconds) {
  const before = await app.stats();
  const result = await load(app.url, app.headers, seconds);
  const after = await app.stats();
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${app.mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: after.requests - before.requests, seconds: result.duration, cpu: after.cpu - before.cpu };
}

// Both apps run side by side; the measurement alternates between them in ROUNDS slices (ABBA order), so
// that a change of background load hits both alike.
const plain = await prepare('plain');
const verify = await prepare('verify');
try {
  for (let i = 0; i < WARMUP_ROUNDS; i++) { // warm-up: let the JIT optimise both paths before measuring
    await slice(plain, 1);
    await slice(verify, 1);
  }
  const totals = { plain: { requests: 0, seconds: 0, cpu: 0 }, verify: { requests: 0, seconds: 0, cpu: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const app of round % 2 === 0 ? [plain, verify] : [verify, plain]) {
      const s = await slice(app, DURATION / ROUNDS);
      totals[app.mode].requests += s.requests;
      totals[app.mode].seconds += s.seconds;
      totals[app.mode].cpu += s.cpu;
    }
  }
  const rate = (t) => t.requests / t.seconds;
  const cpuPer = (t) => t.cpu / t.requests;
  const ratio = rate(totals.verify) / rate(totals.plain);
  const cpuRatio = cpuPer(totals.plain) / cpuPer(totals.verify);
  console.log(`express hello world, ${CONNECTIONS} connections, ${DURATION} s per app in ${ROUNDS} alternating slices (autocannon, loopback)`);
  console.log(`  without verification: ${rate(totals.plain).toFixed(0)} req/s, ${cpuPer(totals.plain).toFixed(1)} µs server CPU per request`);
  console.log(`  with hmac-sha256 verification: ${rate(totals.verify).toFixed(0)} req/s, ${cpuPer(totals.verify).toFixed(1)} µs server CPU per request`);
  console.log(`  ratio (req/s): ${ratio.toFixed(3)} (target >= 0.85) ${ratio >= 0.85 ? 'OK' : 'BELOW TARGET'}`);
  console.log(`  ratio (server CPU per request, plain / verify): ${cpuRatio.toFixed(3)}`);
} finally {
  await plain.stop();
  await verify.stop();
}

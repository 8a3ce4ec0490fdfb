// Express hello world with and without hmac-sha256 verification, under a loopback load generator, next to a
// hand-written minimal HMAC middleware (express-app.mjs `minimal`): the floor any verifying middleware starts from.
//
// Method (this machine's speed changes from one second to the next, and every new node process optimises the
// same code a little differently, so one long run of one process per app is not a fair comparison):
// - each app runs in its own process; with 2+ CPUs and `taskset` (util-linux), the apps are pinned to one CPU
//   and the load generator to another, so the generator never takes CPU time from the app it measures;
// - the load generator is `wrk` when installed (Debian package `wrk`), else autocannon in a child process;
// - the run starts several sets of app processes, one after the other (BENCH_PROCESSES, default 4). Measured one
//   process per app, the ratio moved by ±0.03 from run to run while a run's own slices agreed: V8's
//   optimisation decisions differ from process to process (a process is one draw), so one run takes several;
// - in each set, after a warm-up, the apps are measured in turn in short slices, the order reversed every round
//   (ABBA order); the slices of one round give one ratio to the plain app each, and the median of all those
//   ratios is the result. The median of each process set, the total over all slices, and the server CPU time per
//   request (read from each app process) are printed as well.
//
// Env: BENCH_PROCESSES (sets of app processes, default 4), BENCH_ROUNDS (rounds of slices per set, default 6),
// BENCH_SLICE (seconds, default 1), BENCH_CONNECTIONS (50), BENCH_TOOL (wrk | autocannon), BENCH_PIN (0 to turn
// pinning off), BENCH_FLOOR (0 to leave out the hand-written minimal middleware).
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sign } from '@httpsig/core';

const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SLICE = Number(process.env.BENCH_SLICE ?? 1);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// The hand-written minimal middleware (express-app.mjs) runs as a third app unless BENCH_FLOOR=0.
const MODES = process.env.BENCH_FLOOR === '0' ? ['plain', 'verify'] : ['plain', 'verify', 'minimal'];
const TARGET = 0.92;
const SECRET = 'bench-secret-0123456789abcdefghij';
const appPath = fileURLToPath(new URL('./express-app.mjs', import.meta.url));

const installed = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
const tool = process.env.BENCH_TOOL ?? (installed('wrk') ? 'wrk' : 'autocannon');
const pinned = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && installed('taskset');
const SERVER_CPU = '1';
const LOAD_CPU = '0';

/** Runs `command args` pinned to `cpu` when pinning is on. */
function spawnOn(cpu, command, args, options) {
  return pinned ? spawn('taskset', ['-c', cpu, command, ...args], options) : spawn(command, args, options);
}

/** Starts one app process; resolves once it listens. `stats()` asks it for served requests and CPU µs. */
function start(mode) {
  return new Promise((resolve, reject) => {
    const child = spawnOn(SERVER_CPU, process.execPath, [appPath, mode, SECRET], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let waiting;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const listening = /LISTENING (\S+)\n/.exec(out);
      if (listening && child.url === undefined) {
        child.url = listening[1];
        out = out.slice(listening.index + listening[0].length);
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

/** Runs a command to completion; resolves with its stdout. */
function run(cpu, command, args) {
  return new Promise((resolve, reject) => {
    const child = spawnOn(cpu, command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** Loads `url` for `seconds` with the headers; resolves with requests/s and the count of failed requests. */
async function load(url, headers, seconds) {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  if (tool === 'wrk') {
    const out = await run(LOAD_CPU, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', ...headerArgs, url]);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
    const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    if (rate === null) throw new Error('wrk printed no Requests/sec');
    const errors = socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0);
    return { rate: Number(rate[1]), failed: Number(failed?.[1] ?? 0) + errors };
  }
  const out = await run(LOAD_CPU, process.execPath, [autocannonBin, '--json', '-c', String(CONNECTIONS), '-d', String(seconds), ...headerArgs, url]);
  const result = JSON.parse(out);
  return { rate: result.requests.total / (result.duration || seconds), failed: result.non2xx + result.errors };
}

/** Starts an app and checks that a signed request is answered 200. */
async function prepare(mode) {
  const server = await start(mode);
  const host = new URL(server.url).host;
  // One signature, reused by every request: each request is still fully verified (parse, key lookup,
  // signing string, Date check, HMAC, constant-time compare); replay protection is off in this bench. Both
  // apps get the same headers, so that only the middleware differs.
  const { headers } = await sign({ method: 'GET', url: '/hello', headers: { host } }, {
    keyId: 'bench', key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'],
  });
  const sent = { date: headers.date, authorization: headers.authorization };
  const probe = await fetch(`${server.url}/hello`, { headers: sent });
  if (probe.status !== 200) throw new Error(`${mode}: probe answered ${probe.status}`);
  return { ...server, headers: sent, url: `${server.url}/hello` };
}

/** One slice of load: requests/s from the load generator, server CPU µs per request from the app. */
async function slice(app, seconds) {
  const before = await app.stats();
  const { rate, failed } = await load(app.url, app.headers, seconds);
  const after = await app.stats();
  if (failed > 0) throw new Error(`${app.mode}: ${failed} failed requests`);
  return { rate, cpuPerRequest: (after.cpu - before.cpu) / (after.requests - before.requests) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** Starts one set of app processes, warms them up, and measures them in ABBA order; stops them after. */
async function measurePair() {
  const apps = [];
  try {
    for (const mode of MODES) apps.push(await prepare(mode));
    for (const app of apps) await slice(app, WARMUP_SECONDS); // let the JIT optimise every path before measuring
    const measured = Object.fromEntries(MODES.map((mode) => [mode, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const app of round % 2 === 0 ? apps : [...apps].reverse()) measured[app.mode].push(await slice(app, SLICE));
    }
    return measured;
  } finally {
    for (const app of apps) await app.stop();
  }
}

const measured = Object.fromEntries(MODES.map((mode) => [mode, []]));
const pairMedians = [];
for (let pair = 0; pair < PROCESSES; pair++) {
  const one = await measurePair();
  for (const mode of MODES) measured[mode].push(...one[mode]);
  pairMedians.push(median(one.verify.map((v, i) => v.rate / one.plain[i].rate)));
}
const ratiosOf = (mode) => measured[mode].map((v, i) => v.rate / measured.plain[i].rate);
const rateRatios = ratiosOf('verify');
const cpuRatios = measured.verify.map((v, i) => measured.plain[i].cpuPerRequest / v.cpuPerRequest);
const ratio = median(rateRatios);
const q = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
console.log(`express hello world: ${CONNECTIONS} connections, ${PROCESSES} process sets × ${ROUNDS} rounds of ${SLICE} s slices, ${tool}` +
  `${pinned ? `, apps on CPU ${SERVER_CPU} and load generator on CPU ${LOAD_CPU}` : ', not pinned'}, loopback`);
const LABELS = { plain: 'without verification', verify: 'with expressMiddleware', minimal: 'hand-written minimal (floor)' };
for (const mode of MODES) {
  console.log(`  ${LABELS[mode].padEnd(30)} median ${median(measured[mode].map((s) => s.rate)).toFixed(0)} req/s, ` +
    `${median(measured[mode].map((s) => s.cpuPerRequest)).toFixed(1)} µs server CPU per request`);
}
console.log(`  ratio req/s, median of ${rateRatios.length} slice pairs: ${ratio.toFixed(3)} (range ${q(rateRatios)}; ` +
  `all slices together ${(sum(measured.verify.map((s) => s.rate)) / sum(measured.plain.map((s) => s.rate))).toFixed(3)})`);
console.log(`  median of each process set: ${pairMedians.map((m) => m.toFixed(3)).join(', ')}`);
console.log(`  ratio server CPU per request (plain / verify), median: ${median(cpuRatios).toFixed(3)} (range ${q(cpuRatios)})`);
const rows = [`| Express + verify vs plain Express, req/s | ${ratio.toFixed(2)}× | ≥ ${TARGET}× | ${ratio >= TARGET ? 'met' : 'MISSED'} |`];
if (MODES.includes('minimal')) {
  const floor = median(ratiosOf('minimal'));
  rows.push(`| floor: hand-written minimal HMAC middleware vs plain Express, req/s | ${floor.toFixed(2)}× | (information) | |`);
  rows.push(`| Express + verify vs the hand-written minimal middleware, req/s | ${median(measured.verify.map((v, i) => v.rate / measured.minimal[i].rate)).toFixed(2)}× | (information) | |`);
}
console.log(`\n| row | ratio | target | |\n|---|---|---|---|\n${rows.join('\n')}`);

// What reporting to OpenTelemetry costs `verify` (draft-cavage hmac-sha256, a JumpServer GET, node backend), in
// one run and one process, as ratios to the first state:
// - API absent: the built package is copied to a fresh project where @opentelemetry/api cannot be resolved, so its
//   first call finds no API and reporting stays off (between rounds `useOpenTelemetry(false)` restores that state);
// - API present, no SDK registered: the API handed to it with `useOpenTelemetry` (what Node finds by itself when
//   the API is installed), every call reports to the API's no-op tracer and meter;
// - API + SDK: tracer and meter providers registered (batch span processor; the exporter discards).
// The states are measured in interleaved rounds, so that the machine's noise hits each alike; the median is shown.
// Needs the package built (`node scripts/pnpm.mjs --filter @httpsig/core build`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table } from './measure.mjs';

const ROUNDS = 15;
const ROUND_MS = 300;
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The workload: a signed JumpServer GET and its verify options, made with the given core module. */
async function workload(core) {
  const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
  const request = { method: 'GET', url: '/api/v1/users/users/?limit=10', headers: { host: 'jms.example.com', accept: 'application/json' } };
  const { headers } = await core.sign(request, { keyId: 'ak', key: 'ak-secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'], now });
  const signed = { ...request, headers: { ...request.headers, ...headers } };
  const entry = { key: 'ak-secret', algorithms: ['hmac-sha256'] };
  const options = { keyLookup: () => entry, now };
  return () => core.verify(signed, options);
}

/** Operations per second of `fn` (awaited) over `ms`. */
async function opsFor(fn, ms) {
  const end = performance.now() + ms;
  let ops = 0;
  let at = performance.now();
  while (at < end) {
    for (let i = 0; i < 64; i++) await fn();
    ops += 64;
    at = performance.now();
  }
  return (ops * 1000) / (ms + (at - end));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// pnpm's bin shims put every workspace package on NODE_PATH: run again as a user's process would, without it.
if (process.env.NODE_PATH !== undefined) {
  const { NODE_PATH: _nodePath, ...env } = process.env;
  execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env });
  process.exit(0);
}

// The built package copied to a fresh project with its dependencies and nothing else: from there
// @opentelemetry/api cannot be resolved, as in an application that does not install it.
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const project = mkdtempSync(join(tmpdir(), 'httpsig-telemetry-bench-'));
process.on('exit', () => rmSync(project, { recursive: true, force: true }));
const target = join(project, 'node_modules', '@httpsig', 'core');
mkdirSync(target, { recursive: true });
cpSync(join(packageDir, 'package.json'), join(target, 'package.json'));
cpSync(join(packageDir, 'dist'), join(target, 'dist'), { recursive: true });
for (const name of Object.keys(manifest.dependencies)) {
  const link = join(project, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(realpathSync(join(packageDir, 'node_modules', name)), link, 'dir');
}
const entry = join(target, 'dist', 'esm', 'index.js');
let resolvable = true;
try { createRequire(entry).resolve('@opentelemetry/api'); } catch { resolvable = false; }
if (resolvable) throw new Error('@opentelemetry/api is resolvable from the copy: the absent row would not be absent');
const core = await import(pathToFileURL(entry).href);
const verify = await workload(core);
// The first calls looked for the API and found none: reporting is off (the state `useOpenTelemetry(false)` restores).
await verify();

// The bench itself loads the API and the SDK from this package's devDependencies, and hands the API to the copy.
const require = createRequire(join(packageDir, 'package.json'));
const api = require('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const discard = { export: (_items, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const providers = {
  tracer: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] }),
  meter: new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: { ...discard, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 60_000 })],
  }),
};
const ABSENT = 'API absent';
const states = {
  [ABSENT]: () => core.useOpenTelemetry(false),
  'API present, no SDK registered': () => core.useOpenTelemetry(api),
  'API + SDK (tracer and meter providers)': () => {
    core.useOpenTelemetry(api);
    api.trace.setGlobalTracerProvider(providers.tracer);
    api.metrics.setGlobalMeterProvider(providers.meter);
  },
};
const leave = () => {
  api.trace.disable();
  api.metrics.disable();
};
const samples = new Map(Object.keys(states).map((name) => [name, []]));
for (const enter of Object.values(states)) {
  enter();
  await opsFor(verify, 300);
  leave();
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, enter] of Object.entries(states)) {
    enter();
    samples.get(name).push(await opsFor(verify, ROUND_MS));
    leave();
  }
}
await providers.tracer.shutdown();
await providers.meter.shutdown();

const off = median(samples.get(ABSENT));
const rows = [];
for (const [name, values] of samples) rows.push([name, median(values)]);
console.log(`@httpsig/core verify (draft-cavage hmac-sha256, JumpServer GET) with OpenTelemetry, node ${process.version}`);
console.log(`median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms; ratios to the absent state measured in this process\n`);
console.log(table(['state', 'ops/s', 'ratio to absent'], rows.map(([name, ops]) => [name, Math.round(ops).toLocaleString('en-US'), `${(ops / off).toFixed(3)}×`])));

#!/usr/bin/env node
// `npm run demo`: installs only what the demo runs — its workspace packages (core, fetch, axios, got) with their
// runtime dependencies, plus the root's `dependencies`: TypeScript and the Node types to build them, and axios,
// the peer that @httpsig/axios imports at run time (a workspace package finds its peers at the root; the test and
// docs tooling are devDependencies) — builds those packages without type-checking them (`npm test` type-checks),
// and starts the demo.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pnpm = fileURLToPath(new URL('pnpm.mjs', import.meta.url));
const steps = [
  // No purge prompt (there is no TTY under npm run) when switching between this install and npm test's full one.
  ['install', '--frozen-lockfile', '--prod', '--filter', '@httpsig/demo...', '--config.confirmModulesPurge=false'],
  ['--filter', '@httpsig/demo...', 'run', 'build'],
  ['--filter', '@httpsig/demo', 'start'],
];
for (const args of steps) {
  const r = spawnSync(process.execPath, [pnpm, ...args], { stdio: 'inherit', env: { ...process.env, HTTPSIG_BUILD_NO_CHECK: '1' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

#!/usr/bin/env node
// Installs the packed tarballs (dist/tarballs/, from scripts/pack.mjs) with plain npm into a fresh project
// outside the workspace, the way a user installs them, and checks what a user relies on: the tarball
// contents and metadata, no engine warnings on this Node, no optional peers pulled in, every entry point
// from ESM and CommonJS, the public types under node16, bundler and node10 resolution without DOM types,
// a signed request against @httpsig/server, the core under Node, Bun and Deno (without @opentelemetry/api, then
// reporting to it once it is installed), the two bins through
// `npx -p <tarball>`, and `npm publish --dry-run`.
// One `npm install`, reused by every check. Exits non-zero on the first failure.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishablePackages, tarballName } from '../scripts/pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const packages = publishablePackages().map((p) => ({ ...p, tarball: join(root, 'dist', 'tarballs', tarballName(p)) }));
const tarball = (name) => packages.find((p) => p.name === name).tarball;
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const REPOSITORY = 'https://github.com/httpsig/httpsig';
// The runtimes the guides claim besides Node, run from their npm packages (binaries inside the registry package).
const RUNTIMES = [
  { name: 'Bun', command: ['--yes', 'bun@1.3.5'], args: [] },
  { name: 'Deno', command: ['--yes', 'deno@2.6.8', 'run'], args: ['--allow-read', '--allow-env'] },
];

let step = 0;
function check(ok, message) {
  if (!ok) {
    console.error(`test:packed FAILED: ${message}`);
    process.exit(1);
  }
}
function pass(message) {
  step += 1;
  console.log(`  ok ${step} - ${message}`);
}
// A user's environment: without the npm_config_* / pnpm settings of the script runner that started this test.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)));
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: userEnv, ...options });
  check(r.status === 0, `${command} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

for (const p of packages) check(existsSync(p.tarball), `${p.tarball} is missing: run \`npm run pack\``);
console.log(`test:packed: ${packages.length} tarballs`);

// 1. What each tarball holds, and the metadata the registry shows.
for (const p of packages) {
  const files = run('tar', ['-tzf', p.tarball]).split('\n').filter(Boolean);
  check(files.includes('package/LICENSE'), `${p.name}: no LICENSE in the tarball`);
  check(files.includes('package/README.md'), `${p.name}: no README.md in the tarball`);
  check(files.includes('package/CHANGELOG.md'), `${p.name}: no CHANGELOG.md in the tarball`);
  check(!files.some((f) => f.endsWith('.map')), `${p.name}: source maps in the tarball without their sources`);
  check(!files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), `${p.name}: sources or tests in the tarball`);
  check(run('tar', ['-xzOf', p.tarball, 'package/LICENSE']) === license, `${p.name}: LICENSE differs from the repository's`);
  const manifest = JSON.parse(run('tar', ['-xzOf', p.tarball, 'package/package.json']));
  check(!JSON.stringify(manifest).includes('workspace:'), `${p.name}: a workspace: range was not rewritten`);
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      check(/^\^\d/.test(range) || /^\^\d.* \|\| \^\d/.test(range), `${p.name}: ${field}.${dep} is "${range}", not a caret range`);
    }
  }
  check(manifest.license === 'MIT' && manifest.sideEffects === false && manifest.engines?.node === rootManifest.engines.node, `${p.name}: license, sideEffects or engines`);
  check(manifest.repository?.url === `git+${REPOSITORY}.git` && manifest.repository.directory === `packages/${p.dir.split(/[\\/]/).pop()}`, `${p.name}: repository`);
  check(manifest.homepage?.startsWith(REPOSITORY) && manifest.bugs?.url === `${REPOSITORY}/issues`, `${p.name}: homepage or bugs`);
  check(Array.isArray(manifest.keywords) && manifest.keywords.length > 0, `${p.name}: keywords`);
  const readme = run('tar', ['-xzOf', p.tarball, 'package/README.md']);
  const relative = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((href) => !/^(https?:|#|mailto:)/.test(href));
  check(relative.length === 0, `${p.name}: README links that break on the registry: ${relative.join(', ')}`);
}
pass('tarballs: LICENSE, CHANGELOG, README with absolute links, no maps or sources, real caret ranges, registry metadata');

// 2. One install with plain npm, outside the workspace.
const project = mkdtempSync(join(tmpdir(), 'httpsig-packed-'));
try {
  cpSync(join(root, 'test-packed', 'consumer'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'httpsig-packed-consumer', version: '0.0.0', private: true }, null, 2)}\n`);
  const installed = run(npm, ['install', '--no-audit', '--no-fund', ...packages.map((p) => p.tarball),
    `typescript@${rootManifest.dependencies.typescript}`, '@types/node@^20'], { cwd: project });
  check(!installed.includes('EBADENGINE'), `npm install warned about engines on Node ${process.version}:\n${installed}`);
  pass(`npm install of ${packages.length} tarballs on Node ${process.version}: no EBADENGINE warning`);

  // 3. Optional peers are not installed with their packages.
  for (const peer of ['express', 'fastify', 'ioredis']) check(!existsSync(join(project, 'node_modules', peer)), `installing @httpsig/server pulled in ${peer}`);
  pass('@httpsig/server alone installs none of express, fastify, ioredis');
  check(!existsSync(join(project, 'node_modules', '@opentelemetry')), 'installing @httpsig/core pulled in @opentelemetry/api');
  pass('@httpsig/core alone does not install @opentelemetry/api (the checks up to 7 run without it)');

  // 4. Every entry point, from ESM and CommonJS.
  console.log(`  ${run(process.execPath, ['imports.mjs', JSON.stringify(packages.map((p) => p.name))], { cwd: project }).trim()}`);
  pass('every entry point loads from ESM and CommonJS with the same names');

  // 5. The public types, strict, skipLibCheck false, lib ES2022 without DOM, types: ["node"].
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const resolution of ['node16', 'bundler', 'node10']) {
    run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: project });
    pass(`a strict consumer type-checks under moduleResolution ${resolution} without DOM types and with skipLibCheck false`);
  }

  // 6. A signed request against the installed @httpsig/server.
  console.log(`  ${run(process.execPath, ['server.mjs'], { cwd: project }).trim()}`);
  pass('a signed request is accepted by @httpsig/server and a tampered one answered 401');

  // 7. Node, Bun and Deno load the installed core (each picks the node:crypto backend through the `node`
  // import condition) and reproduce a published draft-cavage RSA vector.
  const vectors = join(root, 'test-vectors');
  const vector = JSON.parse(readFileSync(join(vectors, 'cavage', 'positive', 'draft-cavage-12.json'), 'utf8')).vectors.find((v) => v.id === 'cavage-12-c2-basic');
  writeFileSync(join(project, 'vector.json'), JSON.stringify({ ...vector, privateKey: readFileSync(join(vectors, vector.key.privateKey), 'utf8'), publicKey: readFileSync(join(vectors, vector.key.publicKey), 'utf8') }));
  const runtimes = [{ name: 'Node', run: () => run(process.execPath, ['runtime.mjs'], { cwd: project }) },
    ...RUNTIMES.map((r) => ({ name: r.name, run: () => run(npx, [...r.command, ...r.args, 'runtime.mjs'], { cwd: project }) }))];
  for (const runtime of runtimes) {
    const line = runtime.run().trim().split('\n').pop();
    check(line === JSON.stringify({ backend: 'node', signatureMatches: true, keyId: 'Test' }), `${runtime.name} with the installed core printed: ${line}`);
    pass(`${runtime.name}: the installed core loads the node backend, signs and verifies the draft-cavage-12 C.2 vector`);
  }

  // 7b. With @opentelemetry/api and an SDK installed next to it, the installed core reports spans with no set-up
  // call, from ESM and CommonJS, under Node, Bun and Deno. (Installed only now: the checks above ran without it.)
  const otel = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8')).devDependencies;
  run(npm, ['install', '--no-audit', '--no-fund', `@opentelemetry/api@${otel['@opentelemetry/api']}`,
    `@opentelemetry/sdk-trace-base@${otel['@opentelemetry/sdk-trace-base']}`], { cwd: project });
  const reported = JSON.stringify([['httpsig.sign', 'ok'], ['httpsig.verify', 'ok'], ['httpsig.verify', 'ERR_UNKNOWN_KEY']]);
  const traced = [{ name: 'Node (ESM)', run: () => run(process.execPath, ['telemetry.mjs'], { cwd: project }) },
    { name: 'Node (CommonJS)', run: () => run(process.execPath, ['telemetry.cjs'], { cwd: project }) },
    ...RUNTIMES.map((r) => ({ name: r.name, run: () => run(npx, [...r.command, ...r.args, 'telemetry.mjs'], { cwd: project }) }))];
  for (const runtime of traced) {
    const line = runtime.run().trim().split('\n').pop();
    check(line === reported, `${runtime.name} with @opentelemetry/api installed printed: ${line}`);
    pass(`${runtime.name}: the installed core finds @opentelemetry/api by itself and reports a span per sign and verify`);
  }

  // 8. The bins, the documented way: `npx -p <tarball> <bin>`, from a directory that has none of them.
  const elsewhere = join(project, 'npx');
  mkdirSync(elsewhere);
  const from = (...names) => names.flatMap((name) => ['-p', tarball(name)]);
  const help = run(npx, ['--yes', ...from('@httpsig/core', '@httpsig/jumpserver', '@httpsig/keys', '@httpsig/cli'), 'httpsig', '--help'], { cwd: elsewhere });
  check(help.includes('httpsig'), `httpsig --help printed:\n${help}`);
  pass('npx -p <tarball> httpsig --help');
  await emulatorStarts(['--yes', ...from('@httpsig/core', '@httpsig/jumpserver'), 'httpsig-jumpserver-emulator', '--port', '0'], elsewhere);
  pass('npx -p <tarball> httpsig-jumpserver-emulator listens on loopback');

  // 9. Each tarball publishes (dry run, in dependency order, through the release script: nothing leaves this machine).
  const published = run(process.execPath, [join(root, 'scripts', 'publish.mjs'), '--dry-run'], { cwd: elsewhere });
  check(packages.every((p) => published.includes(`dry run: published ${p.name}@${p.version}`)), `publish.mjs --dry-run:\n${published}`);
  pass('npm publish --dry-run of every tarball, dependencies first (scripts/publish.mjs --dry-run)');
} finally {
  rmSync(project, { recursive: true, force: true });
}
console.log(`test:packed: ${step} checks passed`);

/** Starts the emulator through npx, waits for its ready line, then stops it. */
function emulatorStarts(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(npx, args, { cwd, env: userEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    const stop = () => {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { child.kill('SIGTERM'); }
    };
    const timer = setTimeout(() => { stop(); check(false, `the emulator did not start:\n${output}`); }, 120_000);
    const onData = (chunk) => {
      output += chunk;
      if (/JUMPSERVER_EMULATOR_LISTENING http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearTimeout(timer);
        child.once('exit', () => resolve());
        stop();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!/JUMPSERVER_EMULATOR_LISTENING/.test(output)) { clearTimeout(timer); check(false, `the emulator exited ${code}:\n${output}`); }
    });
  });
}

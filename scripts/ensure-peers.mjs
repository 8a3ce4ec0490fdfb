#!/usr/bin/env node
// The test suite runs real peers: Python httpsig (the code JumpServer runs, Debian python3-httpsig) with
// python3-requests, redis-server for shared replay protection, Chromium for the browser tests, curl and openssl
// (the CLI's curl output and the self-signed https test servers), and zsh and fish (the CLI's shell completion).
// This installs them from Debian's packages when it can (root with apt-get, as on CI), and otherwise says exactly
// what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = process.env.HTTPSIG_PYTHON ?? '/usr/bin/python3';
const checks = [
  { what: 'Python httpsig and requests', ok: () => spawnSync(python, ['-c', 'import httpsig, requests'], { stdio: 'ignore' }).status === 0, packages: ['python3-httpsig', 'python3-requests'] },
  { what: 'redis-server', ok: () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0, packages: ['redis-server'] },
  { what: 'Chromium (browser tests)', ok: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'), packages: ['chromium'] },
  { what: 'zsh and fish (the CLI\'s shell completion, run by the shells)', ok: () => ['zsh', 'fish'].every((shell) => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0), packages: ['zsh', 'fish'] },
  { what: 'curl and openssl (CLI curl output, https redirect tests)', ok: () => ['curl', 'openssl'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync(tool, ['version'], { stdio: 'ignore' }).status === 0), packages: ['curl', 'openssl'] },
];

let missing = checks.filter((c) => !c.ok());
if (missing.length > 0 && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  const packages = missing.flatMap((c) => c.packages);
  console.log(`Installing test peers from Debian: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) break;
  }
  missing = checks.filter((c) => !c.ok());
}
if (missing.length > 0) {
  console.error(`The test suite needs: ${missing.map((c) => c.what).join(', ')}.`);
  console.error(`On Debian/Ubuntu: sudo apt-get install ${missing.flatMap((c) => c.packages).join(' ')}`);
  console.error('Or point HTTPSIG_PYTHON at a Python that has httpsig 1.3 and requests installed.');
  process.exit(1);
}

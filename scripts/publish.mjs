#!/usr/bin/env node
// Publishes the tarballs of dist/tarballs/ (from `npm run pack`) to the npm registry, dependencies first, with
// provenance: meant for CI (GitHub Actions with `id-token: write`), see docs/releasing.md. With --dry-run it
// runs `npm publish --dry-run` on each tarball instead (no provenance, nothing leaves the machine): the tests
// do that. A version already on the registry is skipped, so a failed run can be repeated.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishablePackages, tarballName } from './pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dryRun = process.argv.includes('--dry-run');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!dryRun && process.env.GITHUB_ACTIONS !== 'true') {
  console.error('publish.mjs publishes from CI only (provenance needs the CI identity); use --dry-run to check the tarballs.');
  process.exit(1);
}
const packages = publishablePackages();
const names = new Set(packages.map((p) => p.name));
// Dependencies first: a package is published after the workspace packages it depends on.
const ordered = [];
const visit = (pkg, seen = new Set()) => {
  if (ordered.includes(pkg) || seen.has(pkg.name)) return;
  seen.add(pkg.name);
  for (const dep of Object.keys(pkg.dependencies)) if (names.has(dep)) visit(packages.find((p) => p.name === dep), seen);
  ordered.push(pkg);
};
for (const pkg of packages) visit(pkg);

for (const pkg of ordered) {
  const tarball = join(root, 'dist', 'tarballs', tarballName(pkg));
  if (!existsSync(tarball)) {
    console.error(`${tarball} is missing: run \`npm run pack\` first`);
    process.exit(1);
  }
  if (!dryRun) {
    const seen = spawnSync(npm, ['view', `${pkg.name}@${pkg.version}`, 'version'], { encoding: 'utf8' });
    if (seen.status === 0 && seen.stdout.trim() === pkg.version) {
      console.log(`${pkg.name}@${pkg.version} is already published: skipped`);
      continue;
    }
  }
  const args = ['publish', tarball, '--access', 'public', ...(dryRun ? ['--dry-run'] : ['--provenance'])];
  const r = spawnSync(npm, args, { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0 || !output.includes(`${pkg.name}@${pkg.version}`)) {
    console.error(`npm ${args.join(' ')} failed:\n${output}`);
    process.exit(1);
  }
  console.log(`${dryRun ? 'dry run: ' : ''}published ${pkg.name}@${pkg.version}`);
}

#!/usr/bin/env node
// Writes one npm tarball per publishable package (every package that is not `private`) into dist/tarballs/,
// with `pnpm pack`, which rewrites `workspace:^` ranges to the real `^x.y.z` ranges a registry install needs.
// The packages must be built first (`npm run pack` builds, then runs this). Prints the tarball paths.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const destination = join(root, 'dist', 'tarballs');
const pnpm = join(root, 'scripts', 'pnpm.mjs');

/** The publishable packages of the workspace, in directory order: `{ dir, name, version, dependencies }`. */
export function publishablePackages() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(root, 'packages', entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, name: manifest.name, version: manifest.version, private: manifest.private === true, dependencies: manifest.dependencies ?? {} };
    })
    .filter((p) => !p.private);
}

/** The tarball file name npm and pnpm give a package: `@httpsig/core@0.1.0` → `httpsig-core-0.1.0.tgz`. */
export function tarballName({ name, version }) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  for (const pkg of publishablePackages()) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      console.error(`${pkg.name} is not built: run \`npm run build\` (or \`npm run pack\`, which builds first).`);
      process.exit(1);
    }
    const r = spawnSync(process.execPath, [pnpm, '--dir', pkg.dir, 'pack', '--pack-destination', destination], { encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout}${r.stderr}`);
      process.exit(r.status ?? 1);
    }
    const file = join(destination, tarballName(pkg));
    if (!existsSync(file)) {
      console.error(`pnpm pack did not write ${file}`);
      process.exit(1);
    }
    console.log(file);
  }
}

#!/usr/bin/env node
// Builds the package in the current directory to ESM (dist/esm) and CommonJS (dist/cjs), each with
// type declarations, from its tsconfig.build.json. Every package of the workspace uses this one script.
// No source maps or declaration maps: the published tarballs carry dist/ only, and a map pointing at
// sources that are not in the tarball would send debuggers and editors to missing files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
// HTTPSIG_BUILD_NO_CHECK=1 (set by `npm run demo`, which installs no type packages) emits without type-checking.
const noCheck = process.env.HTTPSIG_BUILD_NO_CHECK === '1' ? ['--noCheck'] : [];
run('-p', 'tsconfig.build.json', '--sourceMap', 'false', '--declarationMap', 'false', ...noCheck);
// The CommonJS build is the same program, already checked by the ESM build: emit JavaScript only, then
// reuse the ESM declarations (the types do not depend on the module format).
run('-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10',
  '--verbatimModuleSyntax', 'false', '--isolatedDeclarations', 'false', '--noCheck', '--declaration', 'false',
  '--declarationMap', 'false', '--sourceMap', 'false');
copyDeclarations('dist/esm', 'dist/cjs');
// Each output folder is its own package scope: it says its module type and carries the package's
// subpath imports (e.g. `#backend`), rewritten from the sources to the built files beside it.
// Bundlers read `sideEffects` from the nearest package.json too: it is repeated there, or they could not drop the
// modules an application does not use (e.g. RFC 9421 from a browser bundle that only signs draft-cavage).
const { imports, sideEffects } = JSON.parse(readFileSync('package.json', 'utf8'));
const builtImports = imports && JSON.parse(JSON.stringify(imports).replace(/"\.\/src\/([^"]+)\.ts"/g, '"./$1.js"'));
writeFileSync('dist/esm/package.json', `${JSON.stringify({ type: 'module', sideEffects, imports: builtImports }, null, 2)}\n`);
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs', sideEffects, imports: builtImports }, null, 2)}\n`);

function copyDeclarations(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyDeclarations(source, join(to, entry.name));
    else if (entry.name.endsWith('.d.ts')) copyFileSync(source, join(to, entry.name));
  }
}

#!/usr/bin/env node
// Builds the package in the current directory to ESM (dist/esm) and CommonJS (dist/cjs), each with
// type declarations, from its tsconfig.build.json. Every package of the workspace uses this one script.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run('-p', 'tsconfig.build.json');
run('-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10',
  '--verbatimModuleSyntax', 'false', '--isolatedDeclarations', 'false');
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');

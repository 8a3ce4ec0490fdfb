#!/usr/bin/env node
// Runs the pnpm version pinned in package.json#packageManager through npx, so a machine with only
// Node and npm can use the workspace: `node scripts/pnpm.mjs <args…>`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const args = ['--yes', packageManager, ...process.argv.slice(2)];
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);

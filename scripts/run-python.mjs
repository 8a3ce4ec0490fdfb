#!/usr/bin/env node
// Runs a Python script of the project with the interpreter that has Debian's python3-httpsig
// (HTTPSIG_PYTHON, default /usr/bin/python3), passing its exit code through.
import { spawnSync } from 'node:child_process';

const python = process.env.HTTPSIG_PYTHON ?? '/usr/bin/python3';
const r = spawnSync(python, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);

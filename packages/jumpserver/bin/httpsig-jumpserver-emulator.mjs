#!/usr/bin/env node
// Starts the JumpServer emulator in the foreground: `npx -p @httpsig/jumpserver httpsig-jumpserver-emulator [--port 8080] [...]`.
// All arguments are passed to emulator/jumpserver_emulator.py (see --help). The interpreter is env
// HTTPSIG_PYTHON, else /usr/bin/python3 (Debian's, which has python3-httpsig).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../emulator/jumpserver_emulator.py', import.meta.url));
const python = process.env.HTTPSIG_PYTHON || '/usr/bin/python3';
const child = spawn(python, [script, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => { console.error(`Cannot run ${python}: ${error.message}`); process.exitCode = 1; });
child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 1 : 0); });

#!/usr/bin/env node
// The `httpsig` command: runs the built CLI (run the package build first).
import { main } from '../dist/esm/index.js';

process.exitCode = await main(process.argv.slice(2));

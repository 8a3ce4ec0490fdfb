#!/usr/bin/env node
// Adds up the jest results every package wrote (packages/*/.tmp/jest-results.json) and prints one closing
// line `N passed, N failed`; exits non-zero when anything failed or nothing ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
const rows = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', name, '.tmp', 'jest-results.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  rows.push(`  @httpsig/${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${r.numTotalTestSuites} suites`);
}
console.log(`\nTest summary\n${rows.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

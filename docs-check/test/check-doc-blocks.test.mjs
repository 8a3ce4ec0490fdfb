// scripts/check-doc-blocks.mjs run over Markdown written here: what fails is reported by file:line:col and
// counted, the prelude fills in only the names a block leaves undeclared, and the skip marker needs a reason.
// Needs the packages built, like the check itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const script = join(root, 'scripts', 'check-doc-blocks.mjs');
mkdirSync(join(here, '..', '.tmp'), { recursive: true });
const dir = mkdtempSync(join(here, '..', '.tmp', 'fixtures-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const fence = (code) => `\`\`\`ts\n${code}\n\`\`\`\n`;

function check(name, markdown) {
  const file = join(dir, name);
  writeFileSync(file, markdown);
  const run = spawnSync(process.execPath, [script, file], { cwd: root, encoding: 'utf8' });
  return { ...run, file: relative(root, file).split('\\').join('/') };
}

test('a block that does not type-check fails the run, reported at its line and column in the Markdown', () => {
  const run = check('failing.md', [
    '# A guide', '',
    fence("import { expressMiddleware } from '@httpsig/server'\n\napp.use(expressMiddleware({ keyLookup }))"),
    'Some prose.', '',
    fence("const port: number = '8080'"),
  ].join('\n'));
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`${run.file}:12:7 - error TS2322: Type 'string' is not assignable to type 'number'`));
  assert.doesNotMatch(run.stdout, new RegExp(`${run.file}:4`));           // the first block uses prelude names and passes
  assert.match(run.stdout, /^doc blocks: 1 passed, 1 failed$/m);
});

test('names a block declares itself are not taken from the prelude', () => {
  // The prelude's `app` is an Express app and its `keyLookup` a draft-cavage lookup; these blocks declare their own.
  const run = check('own-names.md', [
    fence("import Fastify from 'fastify'\n\nconst app = Fastify()\napp.get('/', async () => 'ok')"),
    fence("import type { Rfc9421KeyLookup } from '@httpsig/core'\n\nconst keyLookup: Rfc9421KeyLookup = (keyId) => (keyId === undefined ? null : { key: 'k', algorithms: ['hmac-sha256'] })"),
  ].join('\n'));
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^doc blocks: 2 passed, 0 failed$/m);
});

test('a fragment using a name that nothing declares fails', () => {
  const run = check('undeclared.md', fence('await startTheWorld()'));
  assert.equal(run.status, 1);
  assert.match(run.stdout, new RegExp(`${run.file}:2:7 - error TS2304: Cannot find name 'startTheWorld'`));
  assert.match(run.stdout, /^doc blocks: 0 passed, 1 failed$/m);
});

test('a block marked `// doc-check: skip` with a reason is not checked, and is named', () => {
  const run = check('skipped.md', fence('// doc-check: skip: pseudo-code of the wire format\nthis is not TypeScript'));
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`skipped ${run.file}:2: pseudo-code of the wire format`));
  assert.match(run.stdout, /^doc blocks: 0 passed, 0 failed$/m);
});

test('the skip marker without a reason ends the run', () => {
  const run = check('skip-without-reason.md', fence('// doc-check: skip\nthis is not TypeScript'));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /skip-without-reason\.md:2: `\/\/ doc-check: skip` needs a reason/);
});

// The layout of core: no two source files import each other, even through types, and neither scheme's folder
// imports the other (shared code sits at the root of src/).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const script = join(root, 'scripts', 'check-import-cycles.mjs');
const src = join(__dirname, '..', 'src');

test('the sources of core have no import cycle', () => {
  const out = execFileSync(process.execPath, [script, src], { encoding: 'utf8' });
  expect(out).toMatch(/no import cycle/);
});

test('the check fails on a cycle made of type imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'httpsig-cycle-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
    const run = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/import cycle: .*a\.ts -> .*b\.ts -> .*a\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cavage/ and rfc9421/ never import each other', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
  for (const [folder, other] of [['cavage', 'rfc9421'], ['rfc9421', 'cavage']] as const) {
    for (const file of files(join(src, folder))) {
      expect({ file, imports: readFileSync(file, 'utf8').includes(`'../${other}/`) }).toEqual({ file, imports: false });
    }
  }
});

#!/usr/bin/env node
// Fails when the TypeScript sources of a package import each other in a cycle. Every relative `import` and
// `export … from` counts, type-only ones too: a cycle of types is still two files that cannot be read apart.
// Usage: node scripts/check-import-cycles.mjs [src directory …] (default: every packages/*/src).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs = process.argv.length > 2
  ? process.argv.slice(2).map((d) => resolve(d))
  : readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src')).filter((d) => existsSync(d));

/** The .ts files under a directory. */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(m|c)?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// `import …from './x.js'`, `export … from '../y.js'`, `import './z.js'`; comments are not stripped, so a
// specifier quoted in prose after `from` would count: none is written that way.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'";]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** The files a source imports, resolved from `.js` specifiers to the `.ts` files beside it. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const target = resolve(dirname(file), match[1]);
    const candidates = [target.replace(/\.(m|c)?js$/, (ext) => ext.replace('js', 'ts')), target, `${target}.ts`, join(target, 'index.ts')];
    const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (found !== undefined) out.push(found);
  }
  return out;
}

let failed = false;
for (const dir of dirs) {
  const graph = new Map(sources(dir).map((file) => [file, importsOf(file)]));
  const state = new Map(); // undefined: unseen, 1: on the current path, 2: done
  const path = [];
  const cycles = [];
  const visit = (file) => {
    state.set(file, 1);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 1) cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  for (const cycle of cycles) {
    failed = true;
    console.error(`import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`);
  }
  if (cycles.length === 0) console.log(`${relative(root, dir) || dir}: ${graph.size} files, no import cycle`);
}
process.exitCode = failed ? 1 : 0;

// Loads every entry point of every installed @httpsig package from ESM, and the same entry points from
// CommonJS (through ./imports.cjs), and checks that both formats expose the same names.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const packages = JSON.parse(process.argv[2]);
let count = 0;
for (const name of packages) {
  const manifest = JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'));
  for (const subpath of Object.keys(manifest.exports).filter((s) => s !== './package.json')) {
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    const esm = await import(specifier);
    const cjs = require(specifier);
    const esmNames = Object.keys(esm).filter((n) => n !== 'default').sort();
    const cjsNames = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule').sort();
    if (esmNames.length === 0) throw new Error(`${specifier}: no exports from ESM`);
    if (JSON.stringify(esmNames) !== JSON.stringify(cjsNames)) {
      throw new Error(`${specifier}: ESM and CommonJS export different names:\n${esmNames}\n${cjsNames}`);
    }
    count += 1;
  }
}
console.log(`imported ${count} entry points from ESM and CommonJS`);

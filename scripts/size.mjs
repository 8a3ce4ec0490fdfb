#!/usr/bin/env node
// The browser cost of signing: an esbuild bundle of `sign` (@httpsig/core) and `signedFetch` (@httpsig/fetch),
// minified, for the browser, with code splitting as a browser app loads it. Counts what a page downloads up front
// (the entry and the chunks it imports statically), each chunk gzipped; chunks behind a dynamic `import()` (the
// asymmetric-key code, node-forge for pages without WebCrypto) are listed apart. Fails over BUDGET_BYTES, or
// when node-forge or the structured-field parser is loaded up front. Needs the packages built (`npm run build`).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 20 * 1000;
const root = fileURLToPath(new URL('..', import.meta.url));
const esbuild = createRequire(join(root, 'packages', 'core', 'package.json'))('esbuild');

const result = await esbuild.build({
  stdin: { contents: "export { sign } from '@httpsig/core';\nexport { signedFetch } from '@httpsig/fetch';\n", resolveDir: join(root, 'packages', 'fetch'), loader: 'js' },
  bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', write: false, metafile: true,
  outdir: join(root, '.tmp-size'), logLevel: 'silent',
  tsconfigRaw: {}, // resolve as a consumer does: package exports and imports, not the workspace's paths
});

const outputs = result.metafile.outputs;
const bytes = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
const sizeOf = (name) => {
  const contents = bytes.get(join(root, name)) ?? bytes.get(name);
  return { min: contents.length, gzip: gzipSync(contents, { level: 9 }).length };
};
const entry = Object.keys(outputs).find((name) => outputs[name].entryPoint === '<stdin>');
const upFront = new Set();
const visit = (name) => {
  if (upFront.has(name)) return;
  upFront.add(name);
  for (const i of outputs[name].imports) if (i.kind === 'import-statement') visit(i.path);
};
visit(entry);

const packagesOf = (name) => [...new Set(Object.keys(outputs[name].inputs).filter((p) => outputs[name].inputs[p].bytesInOutput > 0 && !p.startsWith('('))
  .map((p) => (p.includes('node_modules/') ? p.split('node_modules/').pop().split('/').slice(0, p.split('node_modules/').pop().startsWith('@') ? 2 : 1).join('/') : `@httpsig/${p.split('packages/').pop().split('/')[0]}`)))];
let total = 0;
console.log('Browser bundle of sign + signedFetch (esbuild, minified, split; gzip -9 per file)');
for (const name of Object.keys(outputs).filter((n) => n.endsWith('.js'))) {
  const { min, gzip } = sizeOf(name);
  const loaded = upFront.has(name);
  if (loaded) total += gzip;
  console.log(`  ${loaded ? 'up front' : 'lazy    '}  ${String(gzip).padStart(6)} B gz  ${String(min).padStart(7)} B min  ${packagesOf(name).join(', ') || '(shared runtime helpers)'}`);
}
console.log(`Up front: ${total} B gzipped (budget ${BUDGET_BYTES} B)`);
const forgeUpFront = [...upFront].some((name) => Object.keys(outputs[name].inputs).some((p) => p.includes('node-forge')));
if (forgeUpFront) {
  console.error('size: node-forge is in the up-front bundle; it must only be imported where WebCrypto is missing');
  process.exit(1);
}
const parserUpFront = [...upFront].some((name) => Object.keys(outputs[name].inputs).some((p) => p.includes('structured-headers/dist/parser')));
if (parserUpFront) {
  console.error('size: the structured-field parser is in the up-front bundle; only RFC 9421 and verification need it (loaded on first use)');
  process.exit(1);
}
if (total > BUDGET_BYTES) {
  console.error(`size: over budget by ${total - BUDGET_BYTES} B`);
  process.exit(1);
}

#!/usr/bin/env node
// Type-checks the TypeScript code the project shows its users: every ```ts block of the README, the guides
// (docs/**/*.md) and the package READMEs, and every ```ts block under a TSDoc `@example` in packages/*/src.
//
// Each block becomes a module of its own in docs-check/.tmp/blocks/ (docs-check is a private workspace package
// that depends on every @httpsig package, built, and on the frameworks and clients the docs import), and one
// TypeScript program checks them all: strict, module nodenext, the way a user's ESM project compiles them.
//
// Blocks are fragments; the conventions that make them checkable, and nothing looser:
// - Names a block uses without declaring them (`keyLookup`, `app`, `req`, `secretFor`, …) are declared in
//   scripts/doc-blocks-prelude.d.ts: one `declare module 'doc-blocks'` for every block, and
//   `declare module 'doc-blocks:<path>'` for the blocks of one file (or of a folder, with a trailing `/`),
//   whose declarations win over the general ones. Only the declarations a block uses, and does not declare or
//   import itself, are put in front of it.
// - An `@example` may use its own package's exports without importing them (TSDoc examples sit next to the
//   thing they show): those it uses are imported from the package entry point that exports them.
// - A block whose first line is `// doc-check: skip <reason>` is not checked (a reason is required). Use it
//   only for blocks that are deliberately not TypeScript programs.
//
// Needs the packages built (`node scripts/pnpm.mjs build`). Prints each failure as file:line:col, then
// `doc blocks: N passed, M failed`; exits 1 when a block fails. `--list` prints every block checked. Paths given
// as arguments (Markdown or TypeScript sources) are checked instead of the project's docs.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkDir = join(root, 'docs-check');
const args = process.argv.slice(2);
const list = args.includes('--list');
const only = args.filter((arg) => !arg.startsWith('--')).map((arg) => resolve(arg));
// The project's run keeps its modules in .tmp/blocks for a look after a failure; a run over given files uses a
// folder of its own and removes it.
const outDir = join(checkDir, '.tmp', only.length > 0 ? `blocks-${process.pid}` : 'blocks');
const preludeFile = join(root, 'scripts', 'doc-blocks-prelude.d.ts');
const ts = createRequire(join(checkDir, 'package.json'))('typescript');

const rel = (file) => relative(root, file).split(sep).join('/');

/** A mistake in a block's markup or in the prelude: named, and the run fails. */
function fail(message) {
  console.error(`check-doc-blocks: ${message}`);
  process.exit(1);
}

// ---- sources ---------------------------------------------------------------------------------------------

function walk(dir, accept, skipDirs = new Set()) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(rel(path)) && entry.name !== 'node_modules') out.push(...walk(path, accept, skipDirs));
    } else if (accept(entry.name)) out.push(path);
  }
  return out;
}

const packageDirs = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(root, 'packages', e.name, 'package.json')))
  .map((e) => join(root, 'packages', e.name))
  .sort();

for (const file of only) if (!existsSync(file)) fail(`${file} does not exist`);
const markdownFiles = only.length > 0 ? only.filter((file) => file.endsWith('.md')) : [
  join(root, 'README.md'),
  ...walk(join(root, 'docs'), (name) => name.endsWith('.md'), new Set(['docs/api'])),
  ...packageDirs.map((dir) => join(dir, 'README.md')).filter((file) => existsSync(file)),
];
const sourceFiles = only.length > 0 ? only.filter((file) => file.endsWith('.ts')) : packageDirs.flatMap((dir) => walk(join(dir, 'src'), (name) => name.endsWith('.ts') && !name.endsWith('.d.ts')));

const FENCE_OPEN = /^(\s*)```\s*(ts|typescript)(?:\s.*)?$/;
const FENCE_CLOSE = /^\s*```\s*$/;

/** ```ts blocks of a Markdown file: `{ file, line (1-based, of the first code line), indent, code }`. */
function markdownBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (open === null) {
      if (/^\s*```/.test(lines[i])) { // another language: skip to its end so its content is never read as a fence
        for (i++; i < lines.length && !FENCE_CLOSE.test(lines[i]); i++);
      }
      continue;
    }
    const indent = open[1].length;
    const start = i + 1;
    for (i++; i < lines.length && !FENCE_CLOSE.test(lines[i]); i++);
    if (i >= lines.length) fail(`${rel(file)}:${start}: a \`\`\`ts block is never closed`);
    blocks.push({ file: rel(file), line: start + 1, column: indent, code: lines.slice(start, i).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n') });
  }
  return blocks;
}

/** ```ts blocks under `@example` tags of the TSDoc comments of a source file. */
function exampleBlocks(file) {
  const text = readFileSync(file, 'utf8');
  const blocks = [];
  const pkg = rel(file).split('/').slice(0, 2).join('/');
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    let inExample = false;
    for (let i = 0; i < lines.length; i++) {
      if (/^\s*@example\b/.test(lines[i])) { inExample = true; continue; }
      if (/^\s*@\w+/.test(lines[i])) { inExample = false; continue; }
      if (!inExample) continue;
      const open = FENCE_OPEN.exec(lines[i]);
      if (open === null) continue;
      const start = i + 1;
      for (i++; i < lines.length && !FENCE_CLOSE.test(lines[i]) && !lines[i].includes('*/'); i++);
      if (i >= lines.length || !FENCE_CLOSE.test(lines[i])) fail(`${rel(file)}:${firstLine + start - 1}: an @example \`\`\`ts block is never closed`);
      const prefix = /^(\s*\*\s?)/.exec(comment[0].split('\n')[start])?.[1].length ?? 0;
      blocks.push({ file: rel(file), line: firstLine + start, column: prefix, code: lines.slice(start, i).join('\n'), example: pkg });
    }
  }
  return blocks;
}

// ---- prelude ---------------------------------------------------------------------------------------------

/**
 * The prelude's declarations: `scope ('' for every block, else a path or folder/) → Map(name → declaration
 * text)`. Each statement of a `declare module 'doc-blocks…'` body declares one name.
 */
function readPrelude() {
  const source = ts.createSourceFile(preludeFile, readFileSync(preludeFile, 'utf8'), ts.ScriptTarget.Latest, true);
  const scopes = new Map();
  for (const statement of source.statements) {
    if (!ts.isModuleDeclaration(statement) || !ts.isStringLiteral(statement.name)) continue;
    const match = /^doc-blocks(?::(.+))?$/.exec(statement.name.text);
    if (match === null) fail(`${rel(preludeFile)}: module '${statement.name.text}' is not 'doc-blocks' or 'doc-blocks:<path>'`);
    const scope = match[1] ?? '';
    if (scope !== '' && !existsSync(join(root, scope))) fail(`${rel(preludeFile)}: 'doc-blocks:${scope}' names a path that does not exist (moved or deleted? update the prelude)`);
    const names = scopes.get(scope) ?? new Map();
    for (const member of statement.body?.statements ?? []) {
      const declared = [...topLevelNames(member)];
      if (declared.length !== 1) fail(`${rel(preludeFile)}:${source.getLineAndCharacterOfPosition(member.getStart()).line + 1}: one name per declaration`);
      let text = member.getText(source).replace(/^export\s+/, '');
      if (!/^(declare|type|interface|import)\b/.test(text)) text = `declare ${text}`;
      const line = source.getLineAndCharacterOfPosition(member.getStart()).line + 1;
      names.set(declared[0], { text, line });
    }
    scopes.set(scope, names);
  }
  return scopes;
}

function bindingNames(name, out) {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, out);
}

/** The names a top-level statement declares (imports included). */
function topLevelNames(statement, out = new Set()) {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (clause?.name) out.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) out.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) out.add(element.name.text);
  } else if (ts.isImportEqualsDeclaration(statement)) out.add(statement.name.text);
  else if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, out);
  else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
    || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && statement.name
    && ts.isIdentifier(statement.name)) out.add(statement.name.text);
  return out;
}

function identifiersOf(node, out = new Set()) {
  if (ts.isIdentifier(node)) out.add(node.text);
  ts.forEachChild(node, (child) => { identifiersOf(child, out); });
  return out;
}

// ---- @example imports: the exports of each package entry point -----------------------------------------

/** `packages/x → [{ specifier, names:Set }]`, '.' first, from the built declarations. */
function packageEntryExports() {
  const entries = [];
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = target?.import?.types ?? target?.types;
      if (typeof types !== 'string') continue;
      entries.push({ pkg: rel(dir), specifier: manifest.name + subpath.slice(1), file: join(dir, types) });
    }
  }
  const missing = entries.filter((e) => !existsSync(e.file));
  if (missing.length > 0) {
    console.error(`check-doc-blocks: ${missing.map((e) => rel(e.file)).join(', ')} missing: build the packages first (node scripts/pnpm.mjs build)`);
    process.exit(2);
  }
  const program = ts.createProgram(entries.map((e) => e.file), { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'] });
  const checker = program.getTypeChecker();
  const byPackage = new Map();
  for (const entry of entries) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry.file));
    const names = new Set(symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((s) => s.name));
    const list = byPackage.get(entry.pkg) ?? [];
    list.push({ specifier: entry.specifier, file: entry.file, names });
    byPackage.set(entry.pkg, list);
  }
  return byPackage;
}

// ---- build the modules -----------------------------------------------------------------------------------

const SKIP = /^\s*\/\/\s*doc-check:\s*skip\b(.*)$/;

const blocks = [...markdownFiles.flatMap(markdownBlocks), ...sourceFiles.flatMap(exampleBlocks)];
const prelude = readPrelude();
const exportsByPackage = blocks.some((block) => block.example !== undefined) ? packageEntryExports() : new Map();

function preludeFor(file) {
  const scopes = [...prelude.keys()]
    .filter((scope) => scope === '' || scope === file || (scope.endsWith('/') && file.startsWith(scope)))
    .sort((a, b) => a.length - b.length);            // the most specific scope is applied last and wins
  const names = new Map();
  for (const scope of scopes) for (const [name, declaration] of prelude.get(scope)) names.set(name, declaration);
  return names;
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const skipped = [];
const checked = [];
for (const block of blocks) {
  const first = block.code.split('\n').find((l) => l.trim() !== '') ?? '';
  const skip = SKIP.exec(first);
  if (skip !== null) {
    const reason = skip[1].replace(/^[\s:—–-]+/, '').trim();
    if (reason === '') fail(`${block.file}:${block.line}: \`// doc-check: skip\` needs a reason`);
    skipped.push({ ...block, reason });
    continue;
  }
  const parsed = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.Latest, true);
  const declared = new Set();
  for (const statement of parsed.statements) topLevelNames(statement, declared);
  const used = identifiersOf(parsed);
  const header = [];
  if (block.example !== undefined) {
    const imports = new Map();
    for (const name of used) {
      if (declared.has(name)) continue;
      // The entry point built from the example's own source file first (`src/fastify.ts` → `./fastify`), then '.'.
      const entries = exportsByPackage.get(block.example) ?? [];
      const own = join(root, block.file.replace('/src/', '/dist/esm/').replace(/\.ts$/, '.d.ts'));
      const entry = entries.find((e) => e.file === own && e.names.has(name)) ?? entries.find((e) => e.names.has(name));
      if (entry === undefined) continue;
      imports.set(entry.specifier, [...(imports.get(entry.specifier) ?? []), name]);
      declared.add(name);
    }
    for (const [specifier, names] of imports) {
      header.push({ text: `import { ${names.sort().join(', ')} } from '${specifier}';`, origin: `the import an @example gets of its package's exports` });
    }
  }
  for (const [name, declaration] of preludeFor(block.file)) {
    if (used.has(name) && !declared.has(name)) header.push({ text: declaration.text, origin: `${rel(preludeFile)}:${declaration.line}` });
  }
  const index = checked.length;
  const name = `${String(index).padStart(3, '0')}-${block.file.replace(/[^A-Za-z0-9]+/g, '_')}_${block.line}.ts`;
  const path = join(outDir, name);
  const origins = header.flatMap(({ text, origin }) => text.split('\n').map(() => origin));   // one per line
  writeFileSync(path, `${header.map(({ text }) => `${text}\n`).join('')}${block.code}\nexport {};\n`);
  checked.push({ ...block, path, origins, errors: [] });
}

// ---- check -----------------------------------------------------------------------------------------------

const options = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
};
const program = ts.createProgram(checked.map((b) => b.path), options);
const byPath = new Map(checked.map((b) => [b.path, b]));
const global = [];
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  const block = diagnostic.file ? byPath.get(diagnostic.file.fileName) ?? byPath.get(join(diagnostic.file.fileName)) : undefined;
  if (block === undefined) {
    global.push(`${diagnostic.file ? rel(diagnostic.file.fileName) : 'tsc'}: error TS${diagnostic.code}: ${message}`);
    continue;
  }
  const at = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const where = at.line < block.origins.length
    ? `${block.file}:${block.line} (in a declaration the block was given, from ${block.origins[at.line]}: ${diagnostic.file.text.split('\n')[at.line].trim()})`
    : `${block.file}:${block.line + at.line - block.origins.length}:${block.column + at.character + 1}`;
  block.errors.push(`${where} - error TS${diagnostic.code}: ${message}`);
}

const failed = checked.filter((b) => b.errors.length > 0);
for (const block of checked) {
  if (list) console.log(`${block.errors.length > 0 ? 'FAIL' : 'ok  '} ${block.file}:${block.line}`);
}
for (const block of skipped) console.log(`skipped ${block.file}:${block.line}: ${block.reason}`);
for (const block of failed) {
  console.log(`\n${block.file}:${block.line}: block fails to type-check (checked as ${rel(block.path)})`);
  for (const error of block.errors) console.log(`  ${error}`);
}
for (const line of global) console.log(line);
console.log(`doc blocks: ${checked.length - failed.length} passed, ${failed.length} failed`);
if (only.length > 0) rmSync(outDir, { recursive: true, force: true });
process.exitCode = failed.length > 0 || global.length > 0 ? 1 : 0;

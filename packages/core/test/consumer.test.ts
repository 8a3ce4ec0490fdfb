// Consumer smoke test: the packed package (what npm would publish), installed outside the workspace,
// loaded with `import` and `require`, on both backends, and type-checked by a TypeScript consumer
// under Node16 resolution in both module formats. Needs the package built first (`pnpm build`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const packageDir = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
let consumer: string;

beforeAll(() => {
  consumer = mkdtempSync(join(tmpdir(), 'httpsig-consumer-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', consumer], { cwd: packageDir, encoding: 'utf8' }).trim().split('\n').pop()!;
  const target = join(consumer, 'node_modules', '@httpsig', 'core');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(consumer, tarball), '-C', target, '--strip-components=1']);
  // Dependencies come from the workspace install (the registry is not needed for this test).
  for (const name of Object.keys(manifest.dependencies)) {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, 'node_modules', name)), link, 'dir');
  }
}, 60_000);

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const script = `
  const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
  const request = { method: 'GET', url: 'https://jms.example.com/api/v1/users/users/?limit=1', headers: { accept: 'application/json' } };
  const { headers } = await core.sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'], now });
  const result = await core.verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now });
  console.log(JSON.stringify({ backend: core.backendName, keyId: result.keyId, isError: new core.UnknownKeyError() instanceof core.HttpSignatureError }));
`;

function run(file: string, source: string, conditions: string[] = []): { backend: string; keyId: string; isError: boolean } {
  writeFileSync(join(consumer, file), source);
  return JSON.parse(execFileSync(process.execPath, [...conditions.map((c) => `--conditions=${c}`), file], { cwd: consumer, encoding: 'utf8' })) as never;
}

test('the tarball holds the built files and no sources or tests', () => {
  const files = execFileSync('tar', ['-tzf', join(consumer, execFileSync('ls', [consumer], { encoding: 'utf8' }).split('\n').find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' });
  expect(files).toContain('package/dist/esm/index.js');
  expect(files).toContain('package/dist/cjs/index.js');
  expect(files).toContain('package/dist/esm/index.d.ts');
  expect(files).not.toContain('package/src/');
  expect(files).not.toContain('package/test/');
});

test.each([
  ['ESM import', 'esm.mjs', `import * as core from '@httpsig/core';\n${script}`],
  ['CommonJS require', 'cjs.cjs', `const core = require('@httpsig/core');\n(async () => {${script}})();`],
])('%s works on the node backend and, with --conditions=portable, on the portable one', (_label, file, source) => {
  expect(run(file, source)).toEqual({ backend: 'node', keyId: 'ak', isError: true });
  expect(run(file, source, ['portable'])).toEqual({ backend: 'portable', keyId: 'ak', isError: true });
});

test('without @opentelemetry/api (an optional peer) nothing is reported and nothing fails; with it, calls are reported', () => {
  // A user's environment: not pnpm's NODE_PATH (set by the workspace's bin shims), through which every package of
  // the workspace install, @opentelemetry/api included, could be resolved.
  const { NODE_PATH: _nodePath, ...env } = process.env;
  const probe = "try { require.resolve('@opentelemetry/api'); console.log('found') } catch (e) { console.log(e.code) }";
  expect(execFileSync(process.execPath, ['-e', probe], { cwd: join(consumer, 'node_modules', '@httpsig', 'core'), encoding: 'utf8', env }).trim()).toBe('MODULE_NOT_FOUND');
  const lines = (file: string, source: string) => {
    writeFileSync(join(consumer, file), source);
    return execFileSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8', env }).trim().split('\n');
  };
  const works = JSON.stringify({ backend: 'node', keyId: 'ak', isError: true });
  expect(lines('absent.mjs', `import * as core from '@httpsig/core';\n${script}`).pop()).toBe(works);
  expect(lines('absent.cjs', `const core = require('@httpsig/core');\n(async () => {${script}})();`).pop()).toBe(works);
  const links = ['@opentelemetry/api', '@opentelemetry/sdk-trace-base'].map((name) => {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, 'node_modules', name)), link, 'dir');
    return link;
  });
  try {
    // Found with no set-up call, from either module format; the SDK only registers a provider.
    const traced = (load: string) => `${load}
      const api = require('@opentelemetry/api');
      const sdk = require('@opentelemetry/sdk-trace-base');
      const spans = new sdk.InMemorySpanExporter();
      api.trace.setGlobalTracerProvider(new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(spans)] }));
      (async () => {
        const core = await loaded;
        ${script}
        console.log(JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes['httpsig.outcome']])));
      })();`;
    const reported = JSON.stringify([['httpsig.sign', 'ok'], ['httpsig.verify', 'ok']]);
    expect(lines('traced.mjs', traced("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const loaded = import('@httpsig/core');")).pop()).toBe(reported);
    expect(lines('traced.cjs', traced("const loaded = Promise.resolve(require('@httpsig/core'));")).pop()).toBe(reported);
  } finally {
    for (const link of links) rmSync(link, { force: true });
  }
});

test('a TypeScript consumer type-checks against the published declarations (ESM and CommonJS)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  // Without @opentelemetry/api installed: the published types do not need its types.
  writeFileSync(join(consumer, 'consumer.mts'), `import { sign, useOpenTelemetry, type SignOptions, type HttpSignatureErrorCode } from '@httpsig/core';
useOpenTelemetry(false);
const options: SignOptions = { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256' };
const code: HttpSignatureErrorCode = 'ERR_UNKNOWN_KEY';
export const pending: Promise<{ headers: Record<string, string> }> = sign({ method: 'GET', url: '/' }, options);
export { code };
`);
  writeFileSync(join(consumer, 'consumer.cts'), `import core = require('@httpsig/core');
export const pending: Promise<core.VerifyResult> = core.verify({ method: 'GET', url: '/' }, { keyLookup: () => null });
`);
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', 'consumer.mts', 'consumer.cts'], { cwd: consumer, encoding: 'utf8' });
});

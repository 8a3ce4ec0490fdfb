// `instanceof` across two copies of the package in one process (the dual-package hazard): an application
// importing the ESM build meets errors thrown by the CommonJS build (a dependency that `require`s it), and
// the other way round. Runs the built dist/esm and dist/cjs in a child Node process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = join(__dirname, '..', 'dist');

function crossCopy(): Record<string, boolean> {
  const script = `
    const { createRequire } = require('node:module');
    (async () => {
      const esm = await import(${JSON.stringify(pathToFileURL(join(dist, 'esm', 'index.js')).href)});
      const cjs = createRequire(${JSON.stringify(join(dist, 'cjs', 'index.js'))})(${JSON.stringify(join(dist, 'cjs', 'index.js'))});
      const fromCjs = new cjs.MissingHeaderError('date');
      const fromEsm = new esm.SignatureMismatchError();
      console.log(JSON.stringify({
        distinctClasses: esm.MissingHeaderError !== cjs.MissingHeaderError,
        cjsErrorIsEsmClass: fromCjs instanceof esm.MissingHeaderError,
        cjsErrorIsEsmBase: fromCjs instanceof esm.HttpSignatureError,
        esmErrorIsCjsClass: fromEsm instanceof cjs.SignatureMismatchError,
        esmErrorIsCjsBase: fromEsm instanceof cjs.HttpSignatureError,
        cjsErrorIsOtherEsmClass: fromCjs instanceof esm.SignatureMismatchError,
        plainErrorIsEsmBase: new Error('x') instanceof esm.HttpSignatureError,
        lookalikeIsEsmClass: Object.assign(new Error('x'), { name: 'MissingHeaderError', code: 'ERR_MISSING_HEADER' }) instanceof esm.MissingHeaderError,
        sameCopyStillWorks: new esm.MissingHeaderError('date') instanceof esm.MissingHeaderError && !(new esm.MissingHeaderError('date') instanceof esm.SignatureMismatchError),
        isHttpSignatureError: esm.isHttpSignatureError(fromCjs),
      }));
    })();
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Record<string, boolean>;
}

test('an error of the CommonJS copy is an instance of the ESM classes and the other way round', () => {
  const r = crossCopy();
  expect(r['distinctClasses']).toBe(true);
  expect(r['cjsErrorIsEsmClass']).toBe(true);
  expect(r['cjsErrorIsEsmBase']).toBe(true);
  expect(r['esmErrorIsCjsClass']).toBe(true);
  expect(r['esmErrorIsCjsBase']).toBe(true);
  expect(r['isHttpSignatureError']).toBe(true);
  expect(r['sameCopyStillWorks']).toBe(true);
});

test('the brand does not make unrelated errors or other classes match', () => {
  const r = crossCopy();
  expect(r['cjsErrorIsOtherEsmClass']).toBe(false);
  expect(r['plainErrorIsEsmBase']).toBe(false);
  expect(r['lookalikeIsEsmClass']).toBe(false);
});

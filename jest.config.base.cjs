// Shared jest settings: TypeScript through SWC, ESM-style `.js` import specifiers mapped to sources.
// `npm test` in a package writes jest's JSON results to .tmp/ (read by scripts/test-summary.mjs); jest does not
// create that folder itself.
require('node:fs').mkdirSync(require('node:path').join(process.cwd(), '.tmp'), { recursive: true });
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?(got|@sindresorhus|@szmarczak|cacheable-|p-cancelable|lowercase-keys|responselike|normalize-url|mimic-response|form-data-encoder|decompress-response|http2-wrapper|quick-lru|resolve-alpn|byte-counter|chunk-data|type-fest|keyv|cacheable-lookup|defer-to-connect|get-stream|is-stream|@sec-ant|uint8array-extras))'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};

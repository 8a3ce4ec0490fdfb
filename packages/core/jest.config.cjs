// Two projects run the same suites: one on the node:crypto backend, one on the portable backend
// (@noble/hashes + WebCrypto + node-forge), selected the way the `#backend` import condition does.
const base = require('../../jest.config.base.cjs');
const backend = (name) => ({
  ...base,
  displayName: name,
  globals: { EXPECTED_BACKEND: name },
  moduleNameMapper: { ...base.moduleNameMapper, '^#backend$': `<rootDir>/src/runtime/${name}.ts`,
    // Jest runs the CommonJS form of the sources: the `require` variant of the `#telemetry` condition.
    '^#telemetry$': '<rootDir>/src/runtime/telemetry-require.ts' },
});
module.exports = { projects: [backend('node'), { ...backend('portable'), testMatch: ['<rootDir>/test/**/*.both.test.ts'] }] };

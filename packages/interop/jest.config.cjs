// Misskey's library ships a CommonJS build that require()s @lapo/asn1js, which is ESM only: jest (which does not
// load ESM through require) transforms it like the base config's ESM-only packages.
const base = require('../../jest.config.base.cjs');

module.exports = {
  ...base,
  transformIgnorePatterns: base.transformIgnorePatterns.map((pattern) => pattern.replace('(got|', '(got|@lapo|')),
};

// The path of the Node 22 binary the `node` package's install script put in place (bin/node).
const { dirname, join } = require('node:path');

module.exports = join(dirname(require.resolve('node/package.json')), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');

// A strict CommonJS consumer of the public types (require through `import = require`).
import core = require('@httpsig/core');
import fetch = require('@httpsig/fetch');
import server = require('@httpsig/server');
import jumpserver = require('@httpsig/jumpserver');
import cli = require('@httpsig/cli');

const options: core.SignOptions = { keyId: 'k', key: 'secret', algorithm: 'hmac-sha256' };
export const pending: Promise<core.SignResult> = core.sign({ method: 'GET', url: 'http://127.0.0.1/', headers: {} }, options);
export const fetcher = fetch.signedFetch(options);
export const store = new server.MemoryReplayStore();
export const auth = jumpserver.accessKey({ keyId: 'k', secret: 's' });
export const codes = cli.EXIT_CODES;

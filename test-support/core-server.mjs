// A loopback node:http server that verifies HTTP signatures with @httpsig/core and records what it received.
// Shared by the adapter test suites and benches. `verify` is passed in by the caller (its own @httpsig/core
// import), so this file needs nothing but Node.
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.mjs';

/**
 * Starts the server on 127.0.0.1 and an ephemeral port.
 * Paths that do not end with "/" get a Django-style 301 to path + "/" (query kept), before any
 * authentication, like JumpServer's APPEND_SLASH. Every other request is verified; 200 echoes it as JSON,
 * a failed verification gives 401 {"code"} with a WWW-Authenticate challenge.
 *
 * @param {import('./core-server.d.mts').CoreServerOptions} options
 * @returns {Promise<import('./core-server.d.mts').CoreServer>}
 */
export async function startCoreServer(options) {
  const {
    verify,
    keys,
    algorithms = ['hmac-sha256'],
    scheme = 'cavage',
    requiredHeaders = scheme === 'rfc9421' ? ['@method', '@authority', '@path', '@query'] : ['(request-target)', 'date'],
    digest = 'required',
    maxBodyBytes = 1 << 20,
  } = options;
  /** @type {import('./core-server.d.mts').RecordedRequest[]} */
  const requests = [];

  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBodyBytes) { req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      const record = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: { ...req.headers },
        body,
        status: 0,
        verified: undefined,
        errorCode: undefined,
      };
      requests.push(record);
      const send = (status, payload, extra = {}) => {
        record.status = status;
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
        res.end(text);
      };
      const url = record.url;
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (!path.endsWith('/')) {
        record.status = 301;
        res.writeHead(301, { location: path + '/' + (q === -1 ? '' : url.slice(q)), 'content-length': 0 });
        res.end();
        return;
      }
      const hasDigest = req.headers.digest !== undefined || req.headers['content-digest'] !== undefined;
      const known = (keyId) => (typeof keyId === 'string' && Object.hasOwn(keys, keyId) ? { key: keys[keyId], algorithms } : null);
      const verifyOptions = scheme === 'rfc9421'
        ? { scheme, keyLookup: known, requiredComponents: requiredHeaders }
        : { keyLookup: known, requiredHeaders };
      if (digest === 'required' || hasDigest) verifyOptions.body = body;
      Promise.resolve()
        .then(() => verify({ method: record.method, url, headers: req.headers, scheme: 'http' }, verifyOptions))
        .then(
          (raw) => {
            // RFC 9421 results name their covered components and signature base differently.
            const result = scheme === 'rfc9421'
              ? { keyId: raw.keyId, headers: raw.components, signingString: raw.signatureBase }
              : raw;
            record.verified = result;
            send(200, {
              method: record.method,
              path: url,
              headers: record.headers,
              body: Buffer.from(body).toString('utf8'),
              keyId: result.keyId,
              signedHeaders: result.headers,
            });
          },
          (error) => {
            record.errorCode = typeof error?.code === 'string' ? error.code : 'ERR_UNEXPECTED';
            send(401, { detail: 'Invalid signature.', code: record.errorCode }, {
              'www-authenticate': `Signature realm="test",headers="${requiredHeaders.join(' ')}"`,
            });
          },
        );
    });
  });
  server.keepAliveTimeout = 1000;
  const { origin, port, close } = await listenOnLoopback(server);
  return { origin, port, requests, close };
}

// A loopback server (http, or https with a throw-away self-signed certificate) that answers every request with a
// redirect and records what it received. With it, the adapter tests redirect from one origin to another (another
// loopback port is another origin) and check what the second origin sees. Needs only Node and, for https, the
// `openssl` command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a self-signed certificate for 127.0.0.1 with `openssl` (valid one day, key and cert in PEM).
 *
 * @returns {{ key: string, cert: string }}
 */
export function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'httpsig-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the server on 127.0.0.1 and an ephemeral port.
 *
 * @param {import('./redirect-server.d.mts').RedirectServerOptions} options
 * @returns {Promise<import('./redirect-server.d.mts').RedirectServer>}
 */
export async function startRedirectServer(options) {
  const { status = 307, target, tls } = options;
  /** @type {import('./redirect-server.d.mts').RedirectRecord[]} */
  const requests = [];
  const handler = (req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, headers: { ...req.headers } });
      res.writeHead(status, { location: target(url), 'content-length': 0 });
      res.end();
    });
  };
  const server = tls === undefined ? createServer(handler) : createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    origin: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

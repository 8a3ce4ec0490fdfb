// A loopback server (http, or https with a throw-away self-signed certificate) that answers every request with a
// redirect and records what it received. With it, the adapter tests redirect from one origin to another (another
// loopback port is another origin) and check what the second origin sees; `startCrossOriginServers` sets up the
// three servers those tests use. Needs only Node and, for https, the `openssl` command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoreServer } from './core-server.mjs';
import { listenOnLoopback } from './loopback.mjs';

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
  const { origin, port, close } = await listenOnLoopback(server, tls === undefined ? 'http' : 'https');
  return { origin, port, requests, close };
}

/**
 * The three servers of an adapter's cross-origin redirect tests. `other` is a core-verifying server that knows
 * one HMAC key (digest checked when present); a path without a trailing slash gets a 301 to `path + '/'` from it,
 * a further hop on the same (other) origin. `origin` answers 307 to the same target on `other`. `tlsOrigin`
 * is https and answers 302 to it (an https -> http downgrade).
 *
 * @param {import('./redirect-server.d.mts').CrossOriginServersOptions} options
 * @returns {Promise<import('./redirect-server.d.mts').CrossOriginServers>}
 */
export async function startCrossOriginServers(options) {
  const { verify, keyId, secret } = options;
  const other = await startCoreServer({ verify, keys: { [keyId]: secret }, digest: 'if-present' });
  const target = (url) => `${other.origin}${url}`;
  const origin = await startRedirectServer({ status: 307, target });
  const tlsOrigin = await startRedirectServer({ status: 302, target, tls: selfSignedCertificate() });
  const all = [other, origin, tlsOrigin];
  return {
    other,
    origin,
    tlsOrigin,
    forget: () => { for (const server of all) server.requests.length = 0; },
    close: async () => { await Promise.all(all.map((server) => server.close())); },
  };
}

// Loopback "actor hosts": an http (or https) server on 127.0.0.1 that answers the routes a test sets (ActivityPub
// actors, key documents, JWK sets) and records what it received. Shared by the key fetch tests (packages/keys,
// which add names, certificates and a fetch guard in their test/support) and the CLI's `verify --remote-key` tests.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenOnLoopback } from './loopback.mjs';

/**
 * Starts an actor host on loopback; https with `tls`, else http.
 *
 * @param {{ key: string, cert: string }} [tls]
 * @returns {Promise<import('./actor-host.d.mts').ActorHost>}
 */
export async function startActorHost(tls) {
  const routes = new Map();
  const requests = [];
  const handler = (req, res) => {
    const host = req.headers.host?.replace(/:\d+$/, '');
    const path = req.url ?? '/';
    const servername = req.socket.servername;
    requests.push({ host, path, headers: { ...req.headers }, servername: typeof servername === 'string' ? servername : undefined });
    const route = routes.get(`${host ?? ''} ${path}`) ?? routes.get(path);
    if (route === undefined) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{}'); return; }
    route(req, res);
  };
  const server = tls === undefined ? createServer(handler) : createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  const { port, close } = await listenOnLoopback(server, tls === undefined ? 'http' : 'https');
  const scheme = tls === undefined ? 'http' : 'https';
  return {
    port,
    origin: (name = 'actor.test') => `${scheme}://${name}:${port}`,
    routes,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close,
  };
}

/**
 * Answers JSON with a content type (default activity+json) and optional cache-control.
 *
 * @param {unknown} body
 * @param {{ type?: string, cacheControl?: string, status?: number }} [options]
 * @returns {import('./actor-host.d.mts').Route}
 */
export function json(body, options = {}) {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(options.status ?? 200, {
      'content-type': options.type ?? 'application/activity+json',
      'content-length': Buffer.byteLength(text),
      ...(options.cacheControl === undefined ? {} : { 'cache-control': options.cacheControl }),
    });
    res.end(text);
  };
}

/** @returns {import('./actor-host.d.mts').TestKey} */
export function rsaKey() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** @returns {import('./actor-host.d.mts').TestKey} */
export function ed25519Key() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * An ActivityPub actor with one `publicKey`.
 *
 * @param {string} id
 * @param {import('./actor-host.d.mts').TestKey} key
 * @param {Record<string, unknown>} [extra]
 */
export function actor(id, key, extra = {}) {
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
    id, type: 'Person', preferredUsername: 'alice', inbox: `${id}/inbox`,
    publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: key.publicPem },
    ...extra,
  };
}

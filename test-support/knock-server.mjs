// Loopback servers for the double-knocking cases of the client adapters: each accepts draft-cavage only, RFC 9421
// only, either, or only an RFC 9421 signature made for its Accept-Signature challenge, verifying with
// @httpsig/core against one RSA key, and records the spec of every request it received.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { verify } from '@httpsig/core';
import { listenOnLoopback } from './loopback.mjs';

/** The keyId of the client's key: the Fediverse case, an actor's key URL. */
export const KNOCK_KEY_ID = 'https://client.example/users/alice#main-key';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** The client's private key (PKCS#8 PEM). */
export const KNOCK_PRIVATE_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** Another private key, which the servers do not know (a 401 that is not about the spec). */
export const KNOCK_WRONG_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** The challenge of the `challenge` server: a component the client's defaults do not cover, a nonce and a tag. */
export const KNOCK_CHALLENGE = `sig1=("@method" "@target-uri" "@authority");keyid="${KNOCK_KEY_ID}";nonce="knock-nonce";tag="knock"`;

/** The spec a received request was signed with. */
function specOf(headers) {
  if (headers['signature-input'] !== undefined) return 'rfc9421';
  if (headers.signature !== undefined || /^signature\s/i.test(headers.authorization ?? '')) return 'cavage';
  return 'none';
}

function verifyCavage(request, body) {
  return verify(request, {
    keyLookup: (keyId) => (keyId === KNOCK_KEY_ID ? { key: PUBLIC_PEM, algorithms: ['rsa-sha256', 'hs2019'] } : null),
    requiredHeaders: ['(request-target)', 'host', 'date'],
    body,
  });
}

function verifyRfc9421(request, body, requiredComponents, tag) {
  return verify({ ...request, scheme: 'http' }, {
    scheme: 'rfc9421',
    keyLookup: (keyId) => (keyId === KNOCK_KEY_ID ? { key: PUBLIC_PEM, algorithms: ['rsa-v1_5-sha256'] } : null),
    requiredComponents,
    body,
    ...(tag === undefined ? {} : { tag }),
  });
}

/**
 * Starts a double-knock test server on 127.0.0.1.
 *
 * @param {import('./knock-server.d.mts').KnockServerMode} mode
 * @param {import('./knock-server.d.mts').KnockServerOptions} [options]
 * @returns {Promise<import('./knock-server.d.mts').KnockServer>}
 */
export async function startKnockServer(mode, options = {}) {
  /** @type {import('./knock-server.d.mts').KnockRequest[]} */
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => { chunks.push(chunk); });
    req.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      const spec = specOf(req.headers);
      const record = { method: req.method ?? '', url: req.url ?? '', spec, headers: { ...req.headers }, body, status: 0, errorCode: undefined };
      requests.push(record);
      const answer = (status, extra = {}) => {
        record.status = status;
        const text = JSON.stringify({ spec, code: record.errorCode });
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
        res.end(text);
      };
      if (record.url.startsWith('/moved')) {
        // A same-origin redirect answered before any authentication, as JumpServer's APPEND_SLASH does.
        record.status = 301;
        res.writeHead(301, { location: `/landing${record.url.slice('/moved'.length)}`, 'content-length': 0 });
        res.end();
        return;
      }
      if (mode === 'hostile') {
        answer(401, options.hostileHeaders ?? {});
        return;
      }
      const request = { method: record.method, url: record.url, headers: req.headers };
      const accepts = mode === 'either' || mode === spec || (mode === 'challenge' && spec === 'rfc9421');
      if (!accepts) {
        record.errorCode = 'WRONG_SPEC';
        answer(401, mode === 'challenge' ? { 'accept-signature': KNOCK_CHALLENGE } : options.challengeHeaders ?? {});
        return;
      }
      const check = spec === 'cavage'
        ? verifyCavage(request, body)
        : mode === 'challenge'
          ? verifyRfc9421(request, body, ['@method', '@target-uri', '@authority'], 'knock')
          : verifyRfc9421(request, body, ['@method', '@target-uri']);
      check.then(
        (result) => {
          if (mode === 'challenge' && result.parameters.nonce !== 'knock-nonce') {
            record.errorCode = 'NO_NONCE';
            answer(401, { 'accept-signature': KNOCK_CHALLENGE });
            return;
          }
          if (record.url.startsWith('/then-moved')) {
            // A redirect answered only to an accepted signature: the hop it leads to is signed and checked anew.
            answer(301, { location: `${options.movedTo ?? ''}/landing${record.url.slice('/then-moved'.length)}` });
            return;
          }
          answer(options.successStatus ?? 200);
        },
        (error) => {
          record.errorCode = typeof error?.code === 'string' ? error.code : 'ERR_UNEXPECTED';
          answer(401, mode === 'challenge' ? { 'accept-signature': KNOCK_CHALLENGE } : options.challengeHeaders ?? {});
        },
      );
    });
  });
  const { origin, port, close } = await listenOnLoopback(server);
  return { origin, port, requests, close };
}

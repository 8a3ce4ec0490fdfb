// One Express hello-world app for the bench, in its own process: `node express-app.mjs plain|verify|minimal <secret>`.
// Prints "LISTENING <url>" when ready; answers "STATS <requests> <cpu µs>" to a "stats" line on stdin.
//
// `minimal` is the floor the `verify` app is compared with: a hand-written middleware that does only what this
// bench's request needs — one regular expression over `Authorization`, the signing string of
// `(request-target) host date`, the `Date` window, `createHmac` and a constant-time compare, `req.signature` set —
// with none of the checks `expressMiddleware` makes (request target and `Host` syntax, parameter grammar,
// duplicates, size caps, algorithm bound to the key, typed errors). Not for use: a measuring stick.
import crypto from 'node:crypto';
import http from 'node:http';
import readline from 'node:readline';
import express from 'express';
import { expressMiddleware } from '@httpsig/server';

const mode = process.argv[2];
const secret = process.argv[3] ?? 'bench-secret-0123456789abcdefghij';
const app = express();
if (mode === 'verify') {
  app.use(expressMiddleware({ keyLookup: (keyId) => (keyId === 'bench' ? { key: secret, algorithms: ['hmac-sha256'] } : null) }));
} else if (mode === 'minimal') {
  const AUTHORIZATION = /^Signature keyId="([^"]*)",algorithm="hmac-sha256",headers="\(request-target\) host date",signature="([A-Za-z0-9+/=]+)"$/;
  app.use((req, res, next) => {
    const m = AUTHORIZATION.exec(req.headers.authorization ?? '');
    const date = req.headers.date;
    const refuse = () => { res.statusCode = 401; res.end(); };
    if (m === null || m[1] !== 'bench' || date === undefined || Math.abs(Date.parse(date) - Date.now()) > 300_000) return refuse();
    const signingString = `(request-target): ${req.method.toLowerCase()} ${req.originalUrl}\nhost: ${req.headers.host}\ndate: ${date}`;
    const expected = crypto.createHmac('sha256', secret).update(signingString).digest();
    const given = Buffer.from(m[2], 'base64');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return refuse();
    req.signature = { keyId: m[1] };
    next();
  });
}
let served = 0;
app.get('/hello', (_req, res) => { served++; res.send('Hello World!'); });
const server = http.createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => { console.log(`LISTENING http://127.0.0.1:${server.address().port}`); });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'stats') return;
  const { user, system } = process.cpuUsage();
  console.log(`STATS ${served} ${user + system}`);
});
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });

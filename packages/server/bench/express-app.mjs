// One Express hello-world app for the bench, in its own process: `node express-app.mjs plain|verify <secret>`.
// Prints "LISTENING <url>" when ready; answers "STATS <requests> <cpu µs>" to a "stats" line on stdin.
import http from 'node:http';
import readline from 'node:readline';
import express from 'express';
import { expressMiddleware } from '@httpsig/server';

const mode = process.argv[2];
const secret = process.argv[3] ?? 'bench-secret-0123456789abcdefghij';
const app = express();
if (mode === 'verify') {
  app.use(expressMiddleware({ keyLookup: (keyId) => (keyId === 'bench' ? { key: secret, algorithms: ['hmac-sha256'] } : null) }));
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

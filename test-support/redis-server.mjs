// A throw-away redis-server on a free loopback port (no persistence), for tests of the Redis-backed stores.
import { spawn } from 'node:child_process';
import net from 'node:net';

/**
 * A free loopback TCP port.
 *
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Debian's redis-server (or `HTTPSIG_REDIS_SERVER`) on a free loopback port, without persistence.
 *
 * @param {readonly string[]} [extraArgs] - more command-line options, e.g. `['--maxmemory-policy', 'allkeys-lru']`.
 * @returns {Promise<import('./redis-server.d.mts').RedisServer>}
 */
export async function startRedis(extraArgs = []) {
  const port = await freePort();
  const child = spawn(process.env.HTTPSIG_REDIS_SERVER ?? '/usr/bin/redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`redis-server did not start: ${output}`)); }, 10_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${String(code)}): ${output}`)); });
    const onData = (chunk) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining redis' log
      resolve(undefined);
    };
    child.stdout.on('data', onData);
  });
  return {
    port,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) { resolve(undefined); return; }
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    }),
  };
}

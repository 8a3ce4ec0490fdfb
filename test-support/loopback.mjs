// Listening on 127.0.0.1 and an ephemeral port, shared by the loopback test and bench servers.

/**
 * Starts `server` on 127.0.0.1 and an ephemeral port.
 *
 * @param {import('node:http').Server | import('node:https').Server} server
 * @param {'http' | 'https'} [scheme] - the scheme of the origin reported; default `http`.
 * @returns {Promise<import('./loopback.d.mts').Listening>}
 */
export async function listenOnLoopback(server, scheme = 'http') {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

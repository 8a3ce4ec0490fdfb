// Runs Python httpsig (test/support/httpsig_peer.py) as a peer: one process per batch, JSON lines in and out.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The Python that sees Debian's python3-httpsig: env HTTPSIG_PYTHON, else /usr/bin/python3. */
export const PYTHON: string = process.env['HTTPSIG_PYTHON'] ?? '/usr/bin/python3';

/** The peer script. */
export const PEER_SCRIPT: string = join(__dirname, 'httpsig_peer.py');

/** What the peer answers to a sign request. */
export interface PeerSignAnswer {
  ok: boolean;
  value?: string;
  signingString?: string;
  error?: string | null;
}

/** What the peer answers to a verify request. */
export interface PeerVerifyAnswer {
  ok: boolean;
  error: string | null;
}

/**
 * Sends every request to ONE Python process and returns its answers in order.
 * @param requests - JSON-serialisable requests (see httpsig_peer.py).
 * @returns one answer per request.
 */
export function runPeer<A>(requests: readonly object[]): Promise<A[]> {
  return new Promise<A[]>((resolve, reject) => {
    const child = spawn(PYTHON, [PEER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`python peer exited with ${String(code)}: ${err}`)); return; }
      const lines = out.split('\n').filter((l) => l.trim() !== '');
      if (lines.length !== requests.length) {
        reject(new Error(`python peer answered ${lines.length} of ${requests.length} requests: ${err}`));
        return;
      }
      resolve(lines.map((l) => JSON.parse(l) as A));
    });
    child.stdin.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });
}

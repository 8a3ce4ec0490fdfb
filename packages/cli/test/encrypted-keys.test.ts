// Encrypted private keys: the passphrase from the environment, a private file, or a no-echo prompt; never echoed.
import { chmodSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { verify } from '@httpsig/core';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, inTerminal, tempFile } from './helpers.js';

const PASSPHRASE = 'correct horse battery staple 42';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const keyFile = tempFile('encrypted.pem', encrypted);
const URL_ = 'http://example.com/resource/';

async function verifies(stdout: string): Promise<boolean> {
  const { headers } = JSON.parse(stdout) as { headers: Record<string, string> };
  const result = await verify({ method: 'GET', url: '/resource/', headers: { host: 'example.com', ...headers } }, {
    keyLookup: () => ({ key: publicPem, algorithms: ['ed25519'] }),
  });
  return result.keyId === 'enc';
}

const args = ['sign', '--json', '--algorithm', 'ed25519', '--key-id', 'enc', '--key-file', keyFile];

describe('an encrypted private key (--key-file)', () => {
  test('the passphrase from HTTPSIG_KEY_PASSPHRASE (or --passphrase-env NAME)', async () => {
    const run = await httpsig([...args, URL_], { HTTPSIG_KEY_PASSPHRASE: PASSPHRASE });
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(await verifies(run.stdout)).toBe(true);
    const named = await httpsig([...args, '--passphrase-env', 'MY_PASS', URL_], { MY_PASS: PASSPHRASE });
    expect(named.code).toBe(EXIT_CODES.OK);
  });

  test('the passphrase from a file, refused while other users can read it', async () => {
    const file = tempFile('pass', `${PASSPHRASE}\n`);
    expect((await httpsig([...args, '--passphrase-file', file, URL_])).code).toBe(EXIT_CODES.OK);
    chmodSync(file, 0o644);
    const open = await httpsig([...args, '--passphrase-file', file, URL_]);
    expect(open.code).toBe(EXIT_CODES.USAGE);
    expect(open.stderr).toMatch(/chmod 600/);
    expect(open.stderr).not.toContain(PASSPHRASE);
  });

  test('asked without echo on a terminal', async () => {
    const run = await inTerminal([...args, URL_], [[`Passphrase for ${keyFile}:`, PASSPHRASE]], {});
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.out).not.toContain(PASSPHRASE);
    expect(run.out).toMatch(/"signature": "keyId=\\"enc\\"|authorization/);
  });

  test('no passphrase and no terminal: usage error naming the variable; a wrong one: ERR_INVALID_KEY, not echoed', async () => {
    const none = await httpsig([...args, URL_]);
    expect(none.code).toBe(EXIT_CODES.USAGE);
    expect(none.stderr).toMatch(/HTTPSIG_KEY_PASSPHRASE/);
    const wrong = await httpsig([...args, URL_], { HTTPSIG_KEY_PASSPHRASE: 'not-the-passphrase' });
    expect(wrong.code).toBe(EXIT_CODES.USAGE);
    expect(wrong.stderr).toMatch(/ERR_INVALID_KEY/);
    expect(wrong.stderr).not.toContain('not-the-passphrase');
  });

  test('a passphrase option without a key file is a usage error', async () => {
    const run = await httpsig(['sign', '--key-id', 'k', '--passphrase-env', 'X', URL_], { HTTPSIG_SECRET: 's' });
    expect(run.code).toBe(EXIT_CODES.USAGE);
  });
});

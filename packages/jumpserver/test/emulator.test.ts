import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { emulatorScriptPath, startEmulator, EMULATOR_READY_PREFIX } from '../src/emulator.js';

const python = process.env['HTTPSIG_PYTHON'] ?? '/usr/bin/python3';

/** Start a process and resolve with its first stdout line. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const at = out.indexOf('\n');
      if (at >= 0) resolve(out.slice(0, at));
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

/** A hand-made draft-cavage HMAC signature, independent of @httpsig/core. */
function handSigned(keyId: string, secret: string, method: string, target: string, date: string): Record<string, string> {
  const signingString = `(request-target): ${method.toLowerCase()} ${target}\ndate: ${date}`;
  const signature = createHmac('sha256', secret).update(signingString).digest('base64');
  return {
    date,
    authorization: `Signature keyId="${keyId}",algorithm="hmac-sha256",headers="(request-target) date",signature="${signature}"`,
  };
}

describe('the emulator process (contract)', () => {
  test('prints exactly the ready line and accepts --access-key ID:SECRET', async () => {
    const child = spawn(python, [emulatorScriptPath(), '--port', '0', '--access-key', 'my-key:my-secret'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await firstLine(child);
      expect(line).toMatch(new RegExp(`^${EMULATOR_READY_PREFIX} http://127\\.0\\.0\\.1:\\d+$`));
      const url = line.split(' ')[1] ?? '';
      const date = new Date().toUTCString();
      const ok = await fetch(`${url}/api/v1/echo/a/b/?z=1`, { headers: handSigned('my-key', 'my-secret', 'GET', '/api/v1/echo/a/b/?z=1', date) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ method: 'GET', path: '/api/v1/echo/a/b/', query: 'z=1', body: '' });
      // the default key is not configured when --access-key is given
      const other = await fetch(`${url}/api/v1/echo/a/`, {
        headers: handSigned('b5fd8a7c-1111-4e6b-9a1f-0123456789ab', 'jms-test-secret-0123456789abcdefghij', 'GET', '/api/v1/echo/a/', date),
      });
      expect(other.status).toBe(401);
    } finally {
      await stop(child);
    }
  });

  test('the Date value is not checked, but date must be signed (else 500)', async () => {
    const emulator = await startEmulator();
    try {
      const old = handSigned('b5fd8a7c-1111-4e6b-9a1f-0123456789ab', 'jms-test-secret-0123456789abcdefghij', 'POST', '/api/v1/echo/x/', 'Mon, 17 Feb 2014 06:11:05 GMT');
      const response = await fetch(`${emulator.url}/api/v1/echo/x/`, { method: 'POST', headers: old, body: 'plain text' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { body: string }).body).toBe('plain text');
      const noDate = await fetch(`${emulator.url}/api/v1/echo/x/`, {
        headers: { authorization: 'Signature keyId="b5fd8a7c-1111-4e6b-9a1f-0123456789ab",algorithm="hmac-sha256",headers="(request-target)",signature="AAAA"' },
      });
      expect(noDate.status).toBe(500);
      const noAuth = await fetch(`${emulator.url}/api/v1/echo/x/`);
      expect(noAuth.status).toBe(401);
      const missingParam = await fetch(`${emulator.url}/api/v1/echo/x/`, { headers: { authorization: 'Signature keyId="k",signature="AAAA"' } });
      expect(await missingParam.json()).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
      const bare = await fetch(`${emulator.url}/api/v1/echo/x/`, { headers: { authorization: 'Signature' } });
      expect(bare.status).toBe(401);
      const rsa = await fetch(`${emulator.url}/api/v1/echo/x/`, {
        headers: { date: new Date().toUTCString(), authorization: 'Signature keyId="b5fd8a7c-1111-4e6b-9a1f-0123456789ab",algorithm="rsa-sha256",headers="(request-target) date",signature="AAAA"' },
      });
      expect(rsa.status).toBe(401);
    } finally {
      await emulator.close();
    }
  });

  test('one command starts it: bin/httpsig-jumpserver-emulator.mjs', async () => {
    const bin = join(__dirname, '..', 'bin', 'httpsig-jumpserver-emulator.mjs');
    const child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await firstLine(child);
      expect(line.startsWith(`${EMULATOR_READY_PREFIX} http://127.0.0.1:`)).toBe(true);
    } finally {
      await stop(child);
    }
  });

  test('startEmulator passes credentials on stdin: they work, and the process list does not show them', async () => {
    const secret = 'stdin-secret-7f3a9c0e5b2d4816';
    const emulator = await startEmulator({
      accessKeys: [{ keyId: 'stdin-key', secret }], users: [{ username: 'bob', password: 'bob-stdin-password' }],
    });
    try {
      const cmdline = readFileSync(`/proc/${String(emulator.pid)}/cmdline`, 'utf8');
      expect(cmdline).toContain('--credentials-stdin');
      expect(cmdline).not.toContain(secret);
      expect(cmdline).not.toContain('bob-stdin-password');
      const date = new Date().toUTCString();
      const res = await fetch(`${emulator.url}/api/v1/users/profile/`, { headers: handSigned('stdin-key', secret, 'GET', '/api/v1/users/profile/', date) });
      expect(res.status).toBe(200);
      const wrong = await fetch(`${emulator.url}/api/v1/users/profile/`, { headers: handSigned('stdin-key', 'not-the-secret', 'GET', '/api/v1/users/profile/', date) });
      expect(wrong.status).toBe(401);
      const login = await fetch(`${emulator.url}/api/v1/authentication/auth/`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bob', password: 'bob-stdin-password' }),
      });
      expect(login.status).toBe(201);
    } finally {
      await emulator.close();
    }
  });

  test('a malformed credentials line on stdin stops the emulator without echoing the line', async () => {
    const child = spawn(python, [emulatorScriptPath(), '--port', '0', '--credentials-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end('access-key good:one\nbogus top-secret-value\n');
    expect(await exited).not.toBe(0);
    expect(stderr).toContain('line 2');
    expect(stderr).not.toContain('top-secret-value');
  });

  test('a missing interpreter is reported', async () => {
    await expect(startEmulator({ python: '/nonexistent/python3' })).rejects.toThrow(/Cannot run/);
  });

  test('a script that exits early is reported with its exit code', async () => {
    await expect(startEmulator({ script: join(__dirname, 'no-such-script.py') })).rejects.toThrow(/exited with code 2/);
  });
});

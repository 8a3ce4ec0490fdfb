// Runs the demo as a user would and checks its verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test('the demo verifies every signed request and rejects every tampered one with its code', () => {
  const out = execFileSync(process.execPath, [new URL('../src/demo.mjs', import.meta.url).pathname], { encoding: 'utf8', timeout: 60_000 });
  assert.match(out, /signing string:\n {5}\(request-target\): get \/api\/v1\/assets\/assets\/\?limit=10&search=web%2001\n {5}accept: application\/json\n {5}date: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT/);
  assert.match(out, /Authorization: Signature keyId="2f3e6c1a-8d7b-4c59-9a4e-0b1c2d3e4f50",algorithm="hmac-sha256",headers="\(request-target\) accept date",signature="[A-Za-z0-9+/]+=*"/);
  assert.equal(out.match(/200 verified/g)?.length, 4, out);
  for (const code of ['ERR_SIGNATURE_MISMATCH', 'ERR_SIGNATURE_EXPIRED', 'ERR_UNKNOWN_KEY', 'ERR_SIGNATURE_MISSING']) assert.match(out, new RegExp(code));
  assert.equal(out.match(/rejected: ERR_SIGNATURE_MISMATCH/g)?.length, 2, out);
  assert.doesNotMatch(out, /demo-secret/);
});

// The Web Bot Auth draft's test vectors (test-vectors/rfc9421/web-bot-auth.json), on both crypto backends: each
// published signature base is rebuilt and verifies; Ed25519 ones sign to the published bytes, RSA-PSS ones give the
// published base and a signature that verifies; and the preset reproduces the keyid of each.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendName } from '../src/backend-name.js';
import { keyThumbprint } from '../src/index.js';
import { buildSignatureBase, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { RFC9421_DIR, loadRfc9421Vectors, signOptions, signingKey, toMessage, verifyOptions, withHeaders, type Rfc9421Vector } from './rfc9421-helpers.js';

const vectors = loadRfc9421Vectors('web-bot-auth.json');
const named = (list: Rfc9421Vector[]): [string, Rfc9421Vector][] => list.map((v) => [v.id, v]);

describe(`Web Bot Auth draft vectors (${backendName} backend)`, () => {
  test('the set holds the draft\'s four request examples and its signed directory response', () => {
    expect(vectors.map((v) => v.kind).sort()).toEqual(['deterministic', 'deterministic', 'deterministic', 'verify-and-round-trip', 'verify-and-round-trip']);
    expect(vectors.filter((v) => v.message.type === 'response')).toHaveLength(1);
  });

  test('the JSON file is what generate-web-bot-auth.mjs writes, its published values checked with node:crypto', () => {
    const out = execFileSync(process.execPath, [join(RFC9421_DIR, 'generate-web-bot-auth.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });

  describe.each(named(vectors))('%s', (_name, vector) => {
    test('keyid is the signing key\'s RFC 7638 thumbprint', async () => {
      expect(await keyThumbprint(signingKey(vector.key))).toBe(vector.keyId);
    });

    test('buildSignatureBase reproduces the published base from the Signature-Input member', () => {
      const expected = vector.expected?.signatureBase as string;
      const params = expected.split('\n').at(-1)?.slice('"@signature-params": '.length) as string;
      expect(buildSignatureBase(toMessage(vector.message, true), params)).toBe(expected);
    });

    test('verifyRfc9421 accepts the published signature', async () => {
      const result = await verifyRfc9421(toMessage(vector.message), verifyOptions(vector));
      expect([result.label, result.keyId, result.signatureBase]).toEqual([vector.label, vector.keyId, vector.expected?.signatureBase]);
    });

    test(vector.kind === 'deterministic' ? 'signRfc9421 gives the published bytes' : 'signRfc9421 gives the published base, and verifies', async () => {
      const message = toMessage(vector.message, true);
      const result = await signRfc9421(message, signOptions(vector));
      expect(result.signatureBase).toBe(vector.expected?.signatureBase);
      expect(result.headers['signature-input']).toBe(vector.expected?.signatureInput);
      if (vector.kind === 'deterministic') expect(result.headers['signature']).toBe(vector.expected?.signature);
      const verified = await verifyRfc9421(withHeaders(message, result.headers), verifyOptions(vector));
      expect(verified.signatureBase).toBe(vector.expected?.signatureBase);
    });
  });
});

// The node backend's HMAC: two one-shot hashes over cached key pads (Node ≥ 20.12), or createHmac. Both paths
// must give the HMAC of RFC 2104: checked against published vectors and against createHmac itself.
import * as nodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { nodeHmac, type OneShotHash } from '../src/runtime/node-hmac.js';
import type { HashName } from '../src/runtime/backend.js';

const HASHES: HashName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const NODE_NAME: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** node's crypto.hash, counting its calls (the real function; the count shows which path ran). */
function countingHash(): { hash: OneShotHash; calls: () => number } {
  let calls = 0;
  const real = nodeCrypto.hash as OneShotHash;
  return { hash: (algorithm, data, encoding) => { calls++; return real(algorithm, data, encoding); }, calls: () => calls };
}

const reference = (hash: HashName, secret: string | Uint8Array, data: string): Buffer =>
  createHmac(NODE_NAME[hash], secret).update(data, 'utf8').digest();

describe('node backend HMAC', () => {
  test('node has crypto.hash from 20.12 on (the one-shot path); older 20.x take createHmac', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(typeof nodeCrypto.hash === 'function').toBe(major > 20 || (major === 20 && minor >= 12));
  });

  // RFC 2202 §3 (HMAC-SHA-1) and RFC 4231 §4.2–4.3 (HMAC-SHA-256/384/512), test cases 1 and 2.
  const published: [string, HashName, string, string, string][] = [
    ['RFC 2202 case 1', 'SHA-1', '\u000b'.repeat(20), 'Hi There', 'b617318655057264e28bc0b6fb378c8ef146be00'],
    ['RFC 2202 case 2', 'SHA-1', 'Jefe', 'what do ya want for nothing?', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['RFC 4231 case 1', 'SHA-256', '\u000b'.repeat(20), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['RFC 4231 case 2', 'SHA-256', 'Jefe', 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['RFC 4231 case 1', 'SHA-384', '\u000b'.repeat(20), 'Hi There',
      'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6'],
    ['RFC 4231 case 2', 'SHA-384', 'Jefe', 'what do ya want for nothing?',
      'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649'],
    ['RFC 4231 case 1', 'SHA-512', '\u000b'.repeat(20), 'Hi There',
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'],
    ['RFC 4231 case 2', 'SHA-512', 'Jefe', 'what do ya want for nothing?',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
  ];
  test.each(published)('%s, HMAC-%s', (_source, hash, secret, data, hex) => {
    const { hash: oneShot, calls } = countingHash();
    const fast = nodeHmac(oneShot);
    const slow = nodeHmac(undefined);
    for (const hmac of [fast, slow]) {
      expect(Buffer.from(hmac.bytes(hash, secret, data)).toString('hex')).toBe(hex);
      expect(hmac.base64(hash, secret, data)).toBe(Buffer.from(hex, 'hex').toString('base64'));
    }
    expect(calls()).toBe(4); // two hashes per call, two calls on the one-shot path
  });

  /** A random string: ASCII, Latin-1, BMP, astral pairs and lone surrogates. */
  function randomText(random: () => number, length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) {
      const pick = random();
      if (pick < 0.6) text += String.fromCharCode(32 + Math.floor(random() * 95));
      else if (pick < 0.75) text += String.fromCharCode(0x80 + Math.floor(random() * 0x780));
      else if (pick < 0.85) text += String.fromCharCode(0x800 + Math.floor(random() * 0xd000));
      else if (pick < 0.95) text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
      else text += String.fromCharCode(0xd800 + Math.floor(random() * 0x800)); // a lone surrogate
    }
    return text;
  }
  function seeded(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  test('matches createHmac for random secrets (short, block-sized, longer than a block) and random messages', () => {
    const random = seeded(4231);
    const { hash: oneShot, calls } = countingHash();
    const fast = nodeHmac(oneShot);
    let expectedCalls = 0;
    for (let round = 0; round < 400; round++) {
      const hash = HASHES[round % HASHES.length] as HashName;
      const secretLength = [1, 20, 63, 64, 65, 127, 128, 129, 200][round % 9] as number;
      // Every other secret ASCII only: its pad is hashed as text, the others' as bytes.
      const secret = round % 2 === 0 ? randomText(random, secretLength) : randomText(random, secretLength).replace(/[^\u0000-\u007f]/g, 'a');
      const data = randomText(random, Math.floor(random() * 600));
      const expected = reference(hash, secret, data);
      expect(Buffer.from(fast.bytes(hash, secret, data)).equals(expected)).toBe(true);
      expect(fast.base64(hash, secret, data)).toBe(expected.toString('base64'));
      expectedCalls += 4;
    }
    expect(calls()).toBe(expectedCalls);
  });

  test('the same secret gives the same MAC again (cached pads are not changed by use), also past the cache size', () => {
    const fast = nodeHmac(nodeCrypto.hash as OneShotHash);
    const secrets = Array.from({ length: 300 }, (_, i) => `secret-${i}-${'x'.repeat(i % 70)}`);
    for (let pass = 0; pass < 2; pass++) {
      for (const secret of secrets) {
        expect(fast.base64('SHA-256', secret, `message ${secret}`)).toBe(reference('SHA-256', secret, `message ${secret}`).toString('base64'));
      }
    }
    // Messages of different lengths in a row: nothing of a longer message may leak into a shorter one's MAC.
    for (const data of ['a'.repeat(500), 'b', '', 'c'.repeat(100)]) {
      expect(fast.base64('SHA-512', 'one secret', data)).toBe(reference('SHA-512', 'one secret', data).toString('base64'));
    }
  });

  test('a secret whose pad is ASCII hashes the pad and the message as one string; any other secret as bytes; both as createHmac', () => {
    const inputs: string[] = [];
    const real = nodeCrypto.hash as OneShotHash;
    const fast = nodeHmac((algorithm, data, encoding) => { inputs.push(typeof data); return real(algorithm, data, encoding); });
    const random = seeded(2104);
    const cases: [string, string][] = [
      ['jms-access-key-secret-5f0e8b', 'string'], // ASCII, shorter than a block
      ['x'.repeat(64), 'string'], // ASCII, exactly a block
      ['\u007f'.repeat(10), 'string'], // the last ASCII character
      ['\u0080', 'object'], // one non-ASCII byte pair in UTF-8
      ['clé', 'object'],
      ['y'.repeat(65), 'object'], // longer than a block: hashed first, the digest bytes are not ASCII
    ];
    for (const [secret, kind] of cases) {
      for (const hash of HASHES) {
        const data = randomText(random, 150);
        const block = hash === 'SHA-384' || hash === 'SHA-512' ? 128 : 64;
        inputs.length = 0;
        expect(fast.base64(hash, secret, data)).toBe(reference(hash, secret, data).toString('base64'));
        // The outer hash always takes bytes; a secret between 65 and 128 characters is a block long under SHA-384/512.
        const expected = secret.length > 64 && secret.length <= block && /^[\u0000-\u007f]*$/.test(secret) ? 'string' : kind;
        expect(inputs).toEqual([expected, 'object']);
      }
    }
  });

  test('byte secrets and messages too long for the scratch buffer take createHmac, with the same result', () => {
    const { hash: oneShot, calls } = countingHash();
    const fast = nodeHmac(oneShot);
    const bytes = new Uint8Array(131).fill(0xaa);
    // RFC 4231 §4.7 (test case 6): a 131-byte key, hashed first.
    expect(Buffer.from(fast.bytes('SHA-256', bytes, 'Test Using Larger Than Block-Size Key - Hash Key First')).toString('hex'))
      .toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
    const long = 'é'.repeat(5462); // 5462 code units: over the fast path's bound (16 KiB / 3 bytes)
    expect(fast.base64('SHA-256', 'secret', long)).toBe(reference('SHA-256', 'secret', long).toString('base64'));
    expect(calls()).toBe(0);
    const justFits = '\u{1F600}'.repeat(2730); // 5460 code units, 10920 bytes: the one-shot path
    expect(fast.base64('SHA-256', 'secret', justFits)).toBe(reference('SHA-256', 'secret', justFits).toString('base64'));
    expect(calls()).toBe(2);
  });
});

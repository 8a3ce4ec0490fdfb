// Every form in which a public key may reach a key store: what an attacker who holds only the public key can
// turn into the bytes of an HMAC key. Used to check that none of them is ever accepted as an HMAC secret.
import crypto from 'node:crypto';

/** An SSH wire string (uint32 length + bytes). */
function sshString(bytes: Uint8Array | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** An SSH mpint from a big-endian unsigned integer (a leading zero byte when the high bit is set). */
function sshMpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return sshString((trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** The OpenSSH `authorized_keys` line of a public key (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4). */
export function openSshLine(publicKey: crypto.KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const b64u = (text: string | undefined): Buffer => Buffer.from(text as string, 'base64url');
  let type: string;
  let blob: Buffer;
  if (jwk.kty === 'RSA') {
    type = 'ssh-rsa';
    blob = Buffer.concat([sshString(type), sshMpint(b64u(jwk.e)), sshMpint(b64u(jwk.n))]);
  } else if (jwk.kty === 'OKP') {
    type = 'ssh-ed25519';
    blob = Buffer.concat([sshString(type), sshString(b64u(jwk.x))]);
  } else {
    const curve = jwk.crv === 'P-256' ? 'nistp256' : 'nistp384';
    type = `ecdsa-sha2-${curve}`;
    blob = Buffer.concat([sshString(type), sshString(curve), sshString(Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]))]);
  }
  return `${type} ${blob.toString('base64')} user@host`;
}

/** Public key forms of one key pair: `[label, form]`, as strings and as bytes. */
export function publicKeyForms(label: string, publicKey: crypto.KeyObject): Array<[string, string | Uint8Array]> {
  const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
  const forms: Array<[string, string | Uint8Array]> = [
    [`${label} SPKI PEM as bytes`, Buffer.from(spkiPem)],
    [`${label} SPKI PEM as a Uint8Array`, new Uint8Array(Buffer.from(spkiPem))],
    [`${label} SPKI PEM in lower case`, spkiPem.toLowerCase()],
    [`${label} SPKI PEM with lower-case armour`, spkiPem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, (_m, w: string) => `-----${w.toLowerCase()} public key-----`)],
    [`${label} SPKI DER bytes`, new Uint8Array(spkiDer)],
    [`${label} SPKI DER as base64 text`, spkiDer.toString('base64')],
    [`${label} SPKI DER as base64 lines`, spkiDer.toString('base64').replace(/(.{64})/g, '$1\n')],
    [`${label} SPKI DER as base64url text`, spkiDer.toString('base64url')],
    [`${label} SPKI PEM body without armour`, spkiPem.replace(/-----[A-Z ]+-----/g, '').trim()],
    [`${label} JWK JSON text`, jwk],
    [`${label} JWK JSON as bytes`, Buffer.from(jwk)],
    [`${label} JWK set JSON text`, JSON.stringify({ keys: [JSON.parse(jwk)] })],
    [`${label} SPKI DER as hexadecimal text`, spkiDer.toString('hex')],
    [`${label} SPKI DER as openssl-style hex with colons`, (spkiDer.toString('hex').match(/../g) as string[]).join(':')],
    [`${label} OpenSSH line`, openSshLine(publicKey)],
    [`${label} OpenSSH line as bytes`, Buffer.from(`${openSshLine(publicKey)}\n`)],
  ];
  if (publicKey.asymmetricKeyType === 'rsa') {
    const pkcs1Pem = publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const pkcs1Der = publicKey.export({ type: 'pkcs1', format: 'der' });
    forms.push([`${label} PKCS#1 PEM`, pkcs1Pem], [`${label} PKCS#1 DER bytes`, new Uint8Array(pkcs1Der)], [`${label} PKCS#1 DER as base64`, pkcs1Der.toString('base64')]);
  }
  return forms;
}

/** A small deterministic PRNG (xorshift32), so that a run of "random" secrets is the same every time. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

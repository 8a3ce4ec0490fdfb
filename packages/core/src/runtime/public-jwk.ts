/**
 * The public members of a JWK, by key type: what both backends return from `exportPublicJwk`.
 * Internal: not exported from the package.
 */

/** The members that make up each key type's public key (RFC 7518 §6, RFC 8037 §2). */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/**
 * Keeps only the public members of a JWK (drops private members, `alg`, `use`, `key_ops`, `ext`, `kid`).
 * @param jwk - an exported JWK.
 * @returns a new object with the public members, each a string.
 * @throws TypeError when the key type is not RSA, EC or OKP, or a public member is missing or not a string.
 */
export function publicMembers(jwk: Record<string, unknown>): Record<string, string> {
  const members = typeof jwk['kty'] === 'string' ? PUBLIC_MEMBERS[jwk['kty']] : undefined;
  if (members === undefined) throw new TypeError('unsupported JWK key type');
  const result: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') throw new TypeError('a public JWK member is missing');
    result[member] = value;
  }
  return result;
}

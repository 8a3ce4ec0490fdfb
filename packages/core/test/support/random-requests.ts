// Seeded random HTTP requests for interoperability tests: methods, paths with percent-encoded queries,
// extra headers, JumpServer-style signed header lists. ASCII only (Python httpsig encodes as ASCII).
import { createHash } from 'node:crypto';

/** A small deterministic PRNG (mulberry32) so that a failing case can be replayed from its seed. */
export class Rng {
  private state: number;

  /** @param seed - any 32-bit integer. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** @returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** @returns an integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** @returns a random element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** @returns true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** @returns a string of `length` characters of `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** @returns a copy of `items` in random order. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UNRESERVED = `${ALNUM}-._~`;
const HEX = '0123456789ABCDEFabcdef';
/** Printable ASCII without the characters that would need quoting in a test's own JSON; spaces inside are kept. */
const VALUE_CHARS = `${ALNUM} !#$%&'()*+,-./:;<=>?@[]^_\`{|}~"\\`;

/** A random request with the signed-header list a JumpServer client would use. */
export interface RandomRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  /** Headers as sent, one value per name (names in their sent case). */
  headers: Record<string, string>;
  /** Names to sign: always (request-target) and date, plus a random subset of the other headers. */
  signed: string[];
  /** The body, when the method carries one. */
  body?: string;
  /** Unix seconds of the Date header. */
  date: number;
}

function percentEncoded(rng: Rng): string {
  return `%${rng.pick([...HEX])}${rng.pick([...HEX])}`;
}

function segment(rng: Rng): string {
  let out = '';
  const n = rng.int(1, 10);
  for (let i = 0; i < n; i++) out += rng.chance(0.2) ? percentEncoded(rng) : rng.string(UNRESERVED, 1);
  return out;
}

function queryPart(rng: Rng): string {
  const piece = (): string => {
    let out = '';
    const n = rng.int(0, 8);
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      out += r < 0.2 ? percentEncoded(rng) : r < 0.25 ? '+' : r < 0.3 ? rng.pick(['/', '?', ':', '@', '!', '$', "'", '(', ')', '*', ',', ';']) : rng.string(UNRESERVED, 1);
    }
    return out;
  };
  const pairs: string[] = [];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) pairs.push(rng.chance(0.1) ? piece() || 'flag' : `${rng.string(ALNUM, rng.int(1, 6))}=${piece()}`);
  return pairs.join('&');
}

/**
 * A random request: random method, a path of percent-encoded segments (trailing slash as JumpServer wants, most
 * of the time), a query in most cases, Host (sometimes with a port), Accept, Date, often X-JMS-ORG and 0–3 extra
 * headers with arbitrary printable values.
 * @param rng - the random source.
 * @param nowSeconds - the Date is within a day of this.
 * @returns the request.
 */
export function randomRequest(rng: Rng, nowSeconds: number): RandomRequest {
  const method = rng.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  const segments: string[] = [];
  const depth = rng.int(1, 5);
  for (let i = 0; i < depth; i++) segments.push(segment(rng));
  let path = `/${segments.join('/')}${rng.chance(0.8) ? '/' : ''}`;
  if (rng.chance(0.8)) path += `?${queryPart(rng)}`;

  const date = nowSeconds - rng.int(0, 86_400);
  const headers: Record<string, string> = {
    Host: rng.chance(0.3) ? `jms${rng.int(1, 9)}.example.com:${rng.int(1024, 65535)}` : 'jms.example.com',
    Accept: rng.pick(['application/json', 'application/json, text/plain, */*', '*/*']),
    Date: new Date(date * 1000).toUTCString(),
  };
  if (rng.chance(0.6)) headers['X-JMS-ORG'] = rng.pick(['00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000000', randomUuid(rng)]);
  const extras = rng.int(0, 3);
  for (let i = 0; i < extras; i++) {
    const name = `X-${rng.string(ALNUM, rng.int(1, 12))}-${i}`;
    const raw = rng.string(VALUE_CHARS, rng.int(0, 40)).trim();
    headers[rng.chance(0.5) ? name : name.toLowerCase()] = raw;
  }
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    body = JSON.stringify({ name: rng.string(ALNUM, rng.int(1, 20)), value: rng.int(0, 1e6), note: rng.string(VALUE_CHARS, rng.int(0, 30)) });
    headers['Content-Type'] = 'application/json';
  }
  // Never sign content-type / content-length (JumpServer answers 500), always (request-target) and date.
  const optional = Object.keys(headers).map((n) => n.toLowerCase()).filter((n) => n !== 'date' && n !== 'content-type' && rng.chance(0.5));
  const signed = rng.shuffle(['(request-target)', 'date', ...optional]);
  const out: RandomRequest = { method, path, headers, signed, date };
  if (body !== undefined) out.body = body;
  return out;
}

/**
 * The RFC 3230 Digest value of a body, computed here with node:crypto.
 * @param body - the body text.
 * @returns e.g. `SHA-256=…`.
 */
export function sha256Digest(body: string): string {
  return `SHA-256=${createHash('sha256').update(body, 'utf8').digest('base64')}`;
}

/**
 * A random UUID-shaped string (JumpServer access key ids and org ids).
 * @param rng - the random source.
 * @returns the id.
 */
export function randomUuid(rng: Rng): string {
  const hex = '0123456789abcdef';
  return [8, 4, 4, 4, 12].map((n) => rng.string(hex, n)).join('-');
}

/**
 * A random ASCII secret like JumpServer's (36 characters).
 * @param rng - the random source.
 * @returns the secret.
 */
export function randomSecret(rng: Rng): string {
  return rng.string(ALNUM, 36);
}

/**
 * Which IP addresses a key fetch may connect to: a classifier of IPv4 and IPv6 literals.
 *
 * @packageDocumentation
 */
import { isIP } from 'node:net';

/**
 * Why an address is refused. `undefined` from {@link classifyAddress} means a public unicast address.
 * IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`,
 * IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`) are classified
 * by the IPv4 address inside.
 */
export type AddressClass =
  | 'invalid'
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'metadata'
  | 'reserved'
  | 'documentation'
  | 'tunnel';

type Ipv4Rule = readonly [base: number, prefix: number, cls: AddressClass];

const ipv4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IPv4 ranges refused (RFC 6890 special-purpose registry), most specific first. */
const IPV4_RULES: readonly Ipv4Rule[] = [
  [ipv4(255, 255, 255, 255), 32, 'broadcast'],
  [ipv4(169, 254, 169, 254), 32, 'metadata'], // AWS, GCP, Azure, OpenStack instance metadata
  [ipv4(168, 63, 129, 16), 32, 'metadata'], // Azure WireServer (a public-range address)
  [ipv4(100, 100, 100, 200), 32, 'metadata'], // Alibaba Cloud metadata
  [ipv4(0, 0, 0, 0), 32, 'unspecified'],
  [ipv4(0, 0, 0, 0), 8, 'this-network'],
  [ipv4(10, 0, 0, 0), 8, 'private'],
  [ipv4(100, 64, 0, 0), 10, 'shared'], // CGNAT, RFC 6598
  [ipv4(127, 0, 0, 0), 8, 'loopback'],
  [ipv4(169, 254, 0, 0), 16, 'link-local'],
  [ipv4(172, 16, 0, 0), 12, 'private'],
  [ipv4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments (incl. 192.0.0.192, Oracle Cloud metadata)
  [ipv4(192, 0, 2, 0), 24, 'documentation'],
  [ipv4(192, 88, 99, 0), 24, 'reserved'], // deprecated 6to4 relay anycast
  [ipv4(192, 168, 0, 0), 16, 'private'],
  [ipv4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [ipv4(198, 51, 100, 0), 24, 'documentation'],
  [ipv4(203, 0, 113, 0), 24, 'documentation'],
  [ipv4(224, 0, 0, 0), 4, 'multicast'],
  [ipv4(240, 0, 0, 0), 4, 'reserved'],
];

/** Parses dotted-quad IPv4 (exactly four decimal parts, no leading zeros); undefined when it is not one. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Parses an IPv6 literal (without zone) into eight 16-bit groups; undefined when it is not one. */
function parseIpv6(text: string): number[] | undefined {
  if (isIP(text) !== 6) return undefined;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (v4 === undefined) return undefined;
    tail.push(v4 >>> 16, v4 & 0xffff);
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const gap = head.indexOf('::');
  let words: number[];
  if (gap === -1) {
    words = [...groups(head), ...tail];
  } else {
    const left = groups(head.slice(0, gap));
    const right = [...groups(head.slice(gap + 2)), ...tail];
    words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  if (words.length !== 8 || words.some((w) => !(w >= 0 && w <= 0xffff))) return undefined;
  return words;
}

function classifyIpv4(value: number): AddressClass | undefined {
  for (const [base, prefix, cls] of IPV4_RULES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((value & mask) >>> 0) === base) return cls;
  }
  return undefined;
}

function classifyIpv6(w: readonly number[]): AddressClass | undefined {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  const embedded = ((w6 << 16) | w7) >>> 0;
  const upperZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0;
  if (upperZero && w4 === 0 && w5 === 0) {
    if (w6 === 0 && w7 === 0) return 'unspecified';
    if (w6 === 0 && w7 === 1) return 'loopback';
    return classifyIpv4(embedded) ?? 'reserved'; // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)
  }
  if (upperZero && w4 === 0 && w5 === 0xffff) return classifyIpv4(embedded); // IPv4-mapped
  if (upperZero && w4 === 0xffff && w5 === 0) return classifyIpv4(embedded); // IPv4-translated (RFC 2765)
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) return classifyIpv4(embedded); // NAT64 RFC 6052
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 1) return 'reserved'; // local-use NAT64, RFC 8215
  if (w0 === 0x2002) return classifyIpv4(((w1 << 16) | w2) >>> 0) ?? undefined; // 6to4
  if (w0 === 0x2001 && w1 === 0) return 'tunnel'; // Teredo: the embedded address is obfuscated; refuse
  if (w0 === 0x2001 && w1 === 0xdb8) return 'documentation';
  if (w0 === 0x3fff && w1 <= 0x0fff) return 'documentation'; // RFC 9637
  if (w0 === 0x100 && w1 === 0 && w2 === 0 && w3 === 0) return 'reserved'; // discard-only, RFC 6666
  if (w0 === 0x2001 && w1 < 0x200) return 'reserved'; // IETF protocol assignments 2001::/23
  if ((w0 & 0xfe00) === 0xfc00) return (w0 === 0xfd00 && w1 === 0xec2) ? 'metadata' : 'unique-local'; // fc00::/7; AWS IMDS fd00:ec2::254
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((w0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((w0 & 0xff00) === 0xff00) return 'multicast';
  if ((w0 & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3
  return undefined;
}

/**
 * Classifies an IP address literal for a key fetch: `undefined` for a public unicast address it may connect
 * to, else why it is refused. A zone (`fe80::1%eth0`) is ignored; text that is not an IP literal is `'invalid'`.
 *
 * @param address - an IPv4 or IPv6 literal, as `dns.lookup` returns it.
 * @returns the refused class, or undefined for a public address.
 * @example
 * ```ts
 * classifyAddress('::ffff:10.0.0.1') // 'private'
 * classifyAddress('93.184.215.14') // undefined
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6890 (special-purpose address registries)
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return classifyIpv4(v4);
  const v6 = parseIpv6(bare);
  if (v6 !== undefined) return classifyIpv6(v6);
  return 'invalid';
}

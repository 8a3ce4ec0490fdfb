/**
 * Reading request headers the way signatures need them: case-insensitive names, repeated headers joined.
 * @packageDocumentation
 */
import { trimOws } from './lib/char-class.js';
import { SINGLETON_HEADERS } from './singleton-headers.js';
import type { HeadersInit } from './types.js';

/**
 * Turns any accepted header form into ordered `[name, value]` pairs with lower-case names. Array values of a
 * plain object become one pair each; `undefined` values are dropped.
 *
 * @param init - headers as a plain object, a `Headers` or `[name, value]` pairs.
 * @returns the pairs, names lower-cased, in their original order.
 * @example
 * ```ts
 * normalizeHeaders({ Accept: 'application/json', 'X-A': ['1', '2'] })
 * // [['accept', 'application/json'], ['x-a', '1'], ['x-a', '2']]
 * ```
 */
export function normalizeHeaders(init: HeadersInit | undefined): [string, string][] {
  const out: [string, string][] = [];
  forEachHeader(init, (name, value) => { out.push([name, value]); });
  return out;
}

/**
 * Calls `fn` once per header value, with the lower-cased name, in order (array values of a plain object once per
 * element; `undefined` values skipped). Internal.
 * @param init - headers as a plain object, a `Headers` or `[name, value]` pairs.
 * @param fn - called with each lower-cased name and value.
 * @throws TypeError when a pair is not `[name, value]`.
 */
export function forEachHeader(init: HeadersInit | undefined, fn: (name: string, value: string) => void): void {
  if (init === undefined || init === null) return;
  // The common case first (node's req.headers, literal objects): a plain object is a record of names, never a
  // `Headers` or an iterable of pairs.
  if (isPlainRecord(init)) {
    forEachRecordHeader(init, fn);
    return;
  }
  if (typeof (init as Headers).forEach === 'function' && typeof (init as Headers).get === 'function') {
    (init as Headers).forEach((value, name) => { fn(name.toLowerCase(), value); });
    return;
  }
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of init as Iterable<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('header pairs must be [name, value]');
      fn(String(pair[0]).toLowerCase(), String(pair[1]));
    }
    return;
  }
  forEachRecordHeader(init as unknown as Readonly<Record<string, string | number | readonly string[] | undefined>>, fn);
}

/** {@link forEachHeader} over a record: own names in order, array values once per element, `undefined` skipped. */
function forEachRecordHeader(record: Readonly<Record<string, string | number | readonly string[] | undefined>>, fn: (name: string, value: string) => void): void {
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (typeof value === 'string') fn(lower, value);
    else if (Array.isArray(value)) for (const v of value as readonly string[]) fn(lower, String(v));
    else fn(lower, String(value));
  }
}

/**
 * Header values by lower-case name, each stripped of leading and trailing space and tab (RFC 9110 §5.5 OWS;
 * other Unicode spaces are kept), repeated headers joined with `", "` in message order (draft-cavage-12 §2.3).
 * `repeated` lists the names of {@link SINGLETON_HEADERS} that came more than once (only ordered pairs and
 * array values can show a repeat). Internal.
 */
export type HeaderTable = Map<string, string> & { repeated?: string[] };

/** Builds a {@link HeaderTable} from any accepted header form. Internal. */
export function headerTable(init: HeadersInit | undefined): HeaderTable {
  const table: HeaderTable = new Map();
  if (isPlainRecord(init)) {
    // The common case (node's req.headers, literal objects), without the generic callback walk.
    for (const name in init) {
      if (!Object.hasOwn(init, name)) continue;
      const value = init[name];
      if (value === undefined) continue;
      if (typeof value === 'string') put(table, name.toLowerCase(), value);
      else if (Array.isArray(value)) for (const v of value as readonly string[]) put(table, name.toLowerCase(), String(v));
      else put(table, name.toLowerCase(), String(value));
    }
    return table;
  }
  if (Array.isArray(init)) {
    // Ordered pairs (what servers pass), walked by index rather than through the iterator protocol.
    for (let index = 0; index < init.length; index++) {
      const pair: unknown = init[index];
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('header pairs must be [name, value]');
      put(table, String(pair[0]).toLowerCase(), String(pair[1]));
    }
    return table;
  }
  forEachHeader(init, (name, value) => { put(table, name, value); });
  return table;
}

/** Adds a value to a header table: trimmed, joined to an earlier value of the name, a repeated singleton noted. */
function put(table: HeaderTable, name: string, value: string): void {
  const trimmed = trimOws(value);
  const previous = table.get(name);
  if (previous === undefined) {
    table.set(name, trimmed);
    return;
  }
  table.set(name, `${previous}, ${trimmed}`);
  if (SINGLETON_HEADERS.has(name)) (table.repeated ??= []).push(name);
}

function isPlainRecord(init: HeadersInit | undefined): init is Readonly<Record<string, string | number | readonly string[] | undefined>> {
  if (init === undefined || init === null || typeof init !== 'object') return false;
  const proto = Object.getPrototypeOf(init) as unknown;
  return proto === Object.prototype || proto === null;
}

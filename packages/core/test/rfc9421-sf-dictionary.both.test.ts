// The Signature-Input / Signature dictionary reader: its fast scan must give exactly what the generic
// structured-headers parser gives (the same Map, the same bytes, the same refusal), on signature-shaped values and
// on values just outside the shape the scan handles (where it hands over to the generic parser).
import fc from 'fast-check';
import crypto from 'node:crypto';
import { isInnerList, parseDictionary, serializeDictionary, serializeInnerList, type InnerList } from 'structured-headers';
import { backendName } from '../src/backend-name.js';
import { verifyRfc9421, type Rfc9421Message, type VerifyRfc9421Options } from '../src/rfc9421/index.js';
import { Base64Text, parseSignatureDictionary, readSignatureDictionary } from '../src/rfc9421/sf-dictionary.js';
import { codeOf } from './support/outcome.js';

/** The dictionary as plain data: ArrayBuffers as byte arrays, Maps as entry lists. */
function plain(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { bytes: [...new Uint8Array(value)] };
  if (value instanceof Map) return [...value].map(([k, v]) => [k, plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return { [value.constructor.name]: String(value) };
  return value;
}

function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    return { parsed: plain(parse(text)) };
  } catch (error) {
    return { refused: (error as Error).constructor.name };
  }
}

/** How often the verifier's reading kept a member's text or byte sequence as written (the properties must reach both). */
const kept = { texts: 0, base64: 0, lists: 0 };

/**
 * The verifier's reading ({@link readSignatureDictionary}) with its byte sequences decoded: a kept {@link Base64Text}
 * must be the one base64 text of its bytes, and a kept member text must be the member's serialisation.
 */
function lazyOutcome(text: string): unknown {
  let read: ReturnType<typeof readSignatureDictionary>;
  try {
    read = readSignatureDictionary(text);
  } catch (error) {
    return { refused: (error as Error).constructor.name };
  }
  const members = new Map<string, unknown>([...read.members].map(([k, member]): [string, unknown] => {
    if (!(member[0] instanceof Base64Text)) return [k, member];
    const bytes = member[0].bytes();
    expect(Buffer.from(bytes).toString('base64')).toBe(member[0].text);
    kept.base64++;
    return [k, [bytes, member[1]]];
  }));
  for (const [k, written] of read.texts ?? []) {
    const member = members.get(k);
    expect(member !== undefined && isInnerList(member as InnerList)).toBe(true);
    expect(written).toBe(serializeInnerList(member as InnerList));
    kept.texts++;
  }
  return { parsed: plain(members) };
}

function expectSameAsGeneric(text: string): void {
  const generic = outcome(parseDictionary, text);
  expect(outcome(parseSignatureDictionary, text)).toEqual(generic);
  // Twice: the second reading finds the item lists the first one read (read in other dictionaries too).
  expect(lazyOutcome(text)).toEqual(generic);
  expect(lazyOutcome(text)).toEqual(generic);
  countSharedLists(text);
}

/** Counts the item lists a third reading shares with a fourth (found by their text, not read again). */
function countSharedLists(text: string): void {
  let first: ReturnType<typeof readSignatureDictionary>;
  try {
    first = readSignatureDictionary(text);
  } catch {
    return;
  }
  const again = readSignatureDictionary(text);
  for (const [k, member] of first.members) if (Array.isArray(member[0]) && again.members.get(k)?.[0] === member[0]) kept.lists++;
}

const key = fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,6}$/);
const sfString = fc.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{0,12}$/).map((s) => `"${s}"`);
const integer = fc.oneof(fc.nat(), fc.constant(999_999_999_999_999), fc.constant(1_000_000_000_000_000)).map(String);
const base64 = fc.uint8Array({ maxLength: 40 }).map((bytes) => `:${Buffer.from(bytes).toString('base64')}:`);
const paramValue = fc.oneof(sfString, integer, fc.constant(''));
const params = fc.array(fc.tuple(key, paramValue), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`)).join(''));
const spaces = fc.constantFrom('', ' ', '  ');
const innerList = fc.tuple(fc.array(fc.tuple(sfString, params), { maxLength: 6 }), spaces, params)
  .map(([items, pad, ps]) => `(${pad}${items.map(([s, p]) => s + p).join(pad === '' ? ' ' : pad)}${pad})${ps}`);
const member = fc.tuple(key, fc.oneof(innerList, fc.tuple(base64, params).map(([b, p]) => b + p)))
  .map(([k, v]) => `${k}=${v}`);
const separator = fc.constantFrom(',', ', ', ' ,\t', '\t,  ');
const dictionary = fc.tuple(spaces, fc.array(member, { minLength: 1, maxLength: 4 }), separator, fc.constantFrom('', ' ', '\t'))
  .map(([lead, members, sep, trail]) => lead + members.join(sep) + trail);

/** Characters that leave the shape the scan handles, or break the syntax. */
const disturbance = fc.constantFrom('\\', '"', '(', ')', ':', ';', '=', ',', ' ', '\t', '-', '.', '?1', '@1', '%"a"', 'tok', 'A', '\u00e9', '\u0000', '==', '');

describe(`Signature-Input / Signature dictionary reader (${backendName} backend)`, () => {
  test('signature-shaped dictionaries read as the generic parser reads them', () => {
    fc.assert(fc.property(dictionary, expectSameAsGeneric), { numRuns: 2000 });
  });

  test('a dictionary disturbed anywhere reads (or is refused) as the generic parser reads it', () => {
    fc.assert(fc.property(dictionary, fc.nat(), disturbance, fc.boolean(), (text, at, inserted, replace) => {
      const i = at % (text.length + 1);
      expectSameAsGeneric(text.slice(0, i) + inserted + text.slice(replace ? i + 1 : i));
    }), { numRuns: 4000 });
  });

  test.each([
    ['the RFC 9421 B.2.1 Signature-Input', 'sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"'],
    ['two members', 'sig1=("@method" "@authority" "@path");created=1;keyid="k", sig2=("@status");created=2'],
    ['a byte sequence', 'sig1=:dGVzdA==:'],
    ['a byte sequence without padding', 'sig1=:dGVzdA:'],
    ['non-canonical trailing bits', 'sig1=:dGVzdB==:'],
    ['an escaped quote', 'sig1=("a\\"b");keyid="k"'],
    ['a duplicate key (the last value, the first position)', 'a=:AAAA:, b=:AQID:, a=:/w==:'],
    ['a decimal parameter', 'sig1=("@method");created=1.5'],
    ['a negative parameter', 'sig1=("@method");created=-1'],
    ['a 16-digit integer', 'sig1=("@method");created=1234567890123456'],
    ['a token item', 'sig1=(@method)'],
    ['a boolean member', 'sig1;created=1'],
    ['a trailing comma', 'sig1=("@method"), '],
    ['a tab in an inner list', 'sig1=("@method"\t"@path")'],
    ['an unterminated inner list', 'sig1=("@method" "@path"'],
    ['an unterminated byte sequence', 'sig1=:AAAA'],
    ['a byte sequence with a character outside base64', 'sig1=:AA*A:'],
    ['a byte sequence with three padding characters', 'sig1=:A===:'],
    ['a byte sequence with padding inside', 'sig1=:AB=C:'],
    ['a byte sequence of padding only', 'sig1=:====:'],
    ['an empty value', ''],
    ['spaces only', '   '],
    ['an upper-case key', 'Sig1=("@method")'],
  ])('%s', (_name, text) => {
    expectSameAsGeneric(text);
  });
});

// Hostile dictionaries: every RFC 8941 / 9651 item type, whitespace of every kind at every position, keys and
// parameters drawn from a small set so they repeat, numbers at and past the limits, escapes, non-ASCII and control
// characters, byte sequences of every padding, nested and unterminated inner lists, trailing commas.
/** One of the values, each with its weight: mostly valid choices, sometimes a hostile one. */
function weighted<T>(...choices: [T, number][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
}
const ows = weighted<string>(['', 60], [' ', 20], ['  ', 4], ['\t', 3], [' \t', 1], ['\t ', 1], ['\n', 1], ['\r\n', 1]);
const hostileKey = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'b', 'sig1', 'created', 'keyid', '*', '*x', 'a-b', 'a.b', 'a_b', 'a1', 'z9*-_.'), weight: 24 },
  { arbitrary: fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,5}$/), weight: 6 },
  { arbitrary: fc.constantFrom('A', '1a', '-a', '_a', '.a', 'aB', '', 'a\u00e9', 'a b'), weight: 1 },
);
const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
const hostileNumber = fc.oneof(
  { arbitrary: fc.nat().map(String), weight: 6 }, { arbitrary: digits(15), weight: 2 }, { arbitrary: digits(16), weight: 1 },
  { arbitrary: digits(20), weight: 1 }, { arbitrary: fc.constantFrom('0', '00', '007', '-0', '-1', '-007', '--1', '-'), weight: 2 },
  { arbitrary: fc.tuple(digits(12), digits(3)).map(([a, b]) => `${a}.${b}`), weight: 1 },
  { arbitrary: fc.tuple(digits(13), digits(1)).map(([a, b]) => `${a}.${b}`), weight: 1 },
  { arbitrary: fc.constantFrom('1.', '1.5', '1.2345', '0.0', '-1.5', '1..2', '1.2.3', '1e3', '0x10'), weight: 2 },
);
const stringChar = weighted<string>(['a', 8], ['@', 2], [' ', 2], ['\\"', 2], ['\\\\', 2], ['\\', 1], ['"', 1], ['\u00e9', 1],
  ['\u0000', 1], ['\u001f', 1], ['\u007f', 1], ['\t', 1], ['\ud83d\ude00', 1], ['\ud800', 1]);
const hostileString = fc.oneof(
  { arbitrary: fc.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{0,10}$/), weight: 4 },
  { arbitrary: fc.array(stringChar, { maxLength: 3 }).map((p) => p.join('')), weight: 1 },
).map((s) => `"${s}"`);
const hostileToken = fc.constantFrom('tok', 'Tok', '@method', '*', '*a', 'a:b/c', 'a!#$%&\'*+-.^_`|~z', 'sha-256');
const base64Body = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')), weight: 8 },
  { arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64').replace(/=+$/, '')), weight: 2 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9+/=*_.\- ]{0,9}$/), weight: 1 },
  { arbitrary: fc.constantFrom('', '=', '==', '===', '====', 'A', 'AA', 'AAA', 'A===', 'AA=A', 'A=A=', 'AB==', 'ABC=', 'dGVzdB==',
    'AAAA====', '/+/+', '-_-_', 'AA==AA=='), weight: 2 },
);
const hostileBytes = base64Body.map((b) => `:${b}:`);
const hostileBare = fc.oneof(
  { arbitrary: hostileString, weight: 4 }, { arbitrary: hostileNumber, weight: 4 }, { arbitrary: hostileBytes, weight: 4 },
  { arbitrary: hostileToken, weight: 1 },
  { arbitrary: fc.constantFrom('?1', '?0', '?2', '?', '@1618884473', '@-1', '@', '%"a"', '%"%c3%a9"', '%"%C3"', '%a', '', '(', ')'), weight: 1 },
);
const hostileParams = fc.array(fc.tuple(ows, hostileKey, fc.option(hostileBare, { nil: undefined, freq: 3 })), { maxLength: 4 })
  .map((ps) => ps.map(([pad, k, v]) => `;${pad}${k}${v === undefined ? '' : `=${v}`}`).join(''));
const hostileInnerList: fc.Arbitrary<string> = fc.letrec<{ list: string }>((tie) => ({
  list: fc.tuple(
    ows,
    fc.array(fc.oneof({ arbitrary: fc.tuple(hostileString, hostileParams).map(([b, p]) => b + p), weight: 12 },
      { arbitrary: fc.tuple(hostileBare, hostileParams).map(([b, p]) => b + p), weight: 3 },
      { arbitrary: tie('list'), weight: 1 }), { maxLength: 5 }),
    weighted<string>([' ', 12], ['  ', 2], ['\t', 1], ['', 1], [',', 1]), ows, weighted<string>([')', 20], ['', 1]), hostileParams,
  ).map(([lead, items, sep, trail, close, ps]) => `(${lead}${items.join(sep)}${trail}${close}${ps}`),
})).list;
const hostileMember = fc.tuple(hostileKey, fc.oneof(
  { arbitrary: hostileInnerList.map((l) => `=${l}`), weight: 4 },
  { arbitrary: fc.tuple(hostileBare, hostileParams).map(([b, p]) => `=${b}${p}`), weight: 3 },
  { arbitrary: hostileParams, weight: 1 },
)).map(([k, v]) => k + v);
const hostileDictionary = fc.tuple(
  ows, fc.array(fc.tuple(hostileMember, ows, weighted<string>([',', 20], [';', 1], ['', 1]), ows), { maxLength: 5 }), ows, weighted<string>(['', 20], [',', 1]),
).map(([lead, members, trail, comma]) => lead + members.map(([m, a, c, b], i) => (i === members.length - 1 ? m : m + a + c + b)).join('') + trail + comma);
/** Signature-shaped members, some of them repeated, joined by any separator and padded with any whitespace. */
const nearShape = fc.tuple(ows, fc.array(fc.tuple(fc.constantFrom('sig1', 'sig2', 'a', '*'), fc.oneof(innerList, fc.tuple(base64, params).map(([b, p]) => b + p))), { minLength: 1, maxLength: 6 }),
  fc.array(fc.tuple(ows, ows), { minLength: 6, maxLength: 6 }), ows, weighted<string>(['', 20], [',', 1], [', ', 1]))
  .map(([lead, members, seps, trail, comma]) => lead + members.map(([k, v], i) => `${k}=${v}${i === members.length - 1 ? '' : `${seps[i]![0]},${seps[i]![1]}`}`).join('') + trail + comma);

describe(`Signature-Input / Signature dictionary reader against hostile input (${backendName} backend)`, () => {
  test('near-shape dictionaries (repeated labels, any whitespace, trailing commas) read as the generic parser reads them', () => {
    fc.assert(fc.property(nearShape, expectSameAsGeneric), { numRuns: 5000 });
  });

  test('hostile dictionaries of every item type read (or are refused) as the generic parser reads them', () => {
    fc.assert(fc.property(hostileDictionary, expectSameAsGeneric), { numRuns: 20000 });
  });

  test('long dictionaries (hundreds of members, long strings and byte sequences) read as the generic parser reads them', () => {
    const longMember = fc.tuple(fc.constantFrom('sig1', 'sig2', 'a'), fc.oneof(
      fc.array(sfString, { maxLength: 60 }).map((items) => `(${items.join(' ')});created=1;keyid="${'k'.repeat(500)}"`),
      fc.uint8Array({ maxLength: 2000 }).map((b) => `:${Buffer.from(b).toString('base64')}:`),
      hostileInnerList,
    )).map(([k, v]) => `${k}=${v}`);
    fc.assert(fc.property(fc.array(longMember, { maxLength: 200 }), ows, (members, sep) => expectSameAsGeneric(members.join(`,${sep}`))), { numRuns: 200 });
  });

  test.each([
    ['a repeated parameter (the last value, the first position)', 'sig1=("@method");created=1;keyid="a";created=2'],
    ['a bare parameter and its ?1 form', 'sig1=("@method");a;b=?1'],
    ['a parameter key with digits, star, dash and dot', 'sig1=("@method");a1*-._=1'],
    ['a key starting with a star', '*=("@method")'],
    ['leading zeros', 'sig1=("@method");created=000123'],
    ['15 digits', 'sig1=("@method");created=999999999999999'],
    ['a 15-digit integer followed by a dot', 'sig1=("@method");created=999999999999999.'],
    ['a tab before the first member', '\tsig1=("@method")'],
    ['a tab after a semicolon', 'sig1=("@method");\tcreated=1'],
    ['a tab after the last member', 'sig1=("@method")\t'],
    ['a newline after the last member', 'sig1=("@method")\n'],
    ['a nested inner list', 'sig1=(("@method"))'],
    ['an empty inner list with spaces', 'sig1=(  );created=1'],
    ['a control byte in a string', 'sig1=("@me\u0001thod")'],
    ['DEL in a string', 'sig1=("\u007f")'],
    ['a non-ASCII string', 'sig1=("\u00e9")'],
    ['an escaped backslash', 'sig1=("a\\\\b")'],
    ['a byte sequence of URL-safe base64', 'sig1=:-_-_:'],
    ['an empty byte sequence', 'sig1=::'],
    ['a display string', 'sig1=("@method");tag=%"caf%c3%a9"'],
    ['a date', 'sig1=("@method");created=@1618884473'],
    ['a comma without a following member', 'sig1=("@method"),\t'],
    ['two commas', 'sig1=("@method"),,sig2=("@path")'],
    ['a semicolon instead of a comma', 'sig1=("@method"); sig2=("@path")'],
  ])('%s', (_name, text) => {
    expectSameAsGeneric(text);
  });
});

describe(`The verifier's reading of the dictionaries (${backendName} backend)`, () => {
  test('the properties above reached its shortcuts: kept member texts, kept base64 texts, item lists read before', () => {
    // Run after the properties (file order): not vacuous when they ran.
    expect(kept.texts).toBeGreaterThan(100);
    expect(kept.base64).toBeGreaterThan(100);
    expect(kept.lists).toBeGreaterThan(100);
  });

  test('an item list read before is found only by the same text up to its first `)`', () => {
    const read = (text: string) => readSignatureDictionary(text).members;
    // `("a)b")`: its first `)` is inside a string, so it is never stored or found by `("a)`.
    expect(plain(read('sig1=("a)b");created=1'))).toEqual(plain(parseDictionary('sig1=("a)b");created=1')));
    expect(plain(read('sig1=("a)b");created=2'))).toEqual(plain(parseDictionary('sig1=("a)b");created=2')));
    expect(outcome(read, 'sig1=("a)"')).toEqual(outcome(parseDictionary, 'sig1=("a)"'));
    expect(outcome(read, 'sig1=("a);created=1')).toEqual(outcome(parseDictionary, 'sig1=("a);created=1'));
    // Known list, then the same text opening a list that does not end there.
    expect(plain(read('sig1=("x" "y");created=1'))).toEqual(plain(parseDictionary('sig1=("x" "y");created=1')));
    expect(outcome(read, 'sig1=("x" "y")"z")')).toEqual(outcome(parseDictionary, 'sig1=("x" "y")"z")'));
    expect(outcome(read, 'sig1=("x"  "y");created=1')).toEqual(outcome(parseDictionary, 'sig1=("x"  "y");created=1'));
    expect(readSignatureDictionary('sig1=("x"  "y");created=1').texts).toBeUndefined();
    expect(readSignatureDictionary('sig1=("x"  "y");created=1').texts).toBeUndefined();
  });
});

/**
 * Reads a value through the reader, counting the work done on it: one per character looked at, plus the characters
 * covered by each search or copy. The value is wrapped so that both the scan and the generic parser report to it.
 */
function operationsToRead(text: string, read: (value: string) => unknown): number {
  let operations = 0;
  const methods: Record<string, (...args: never[]) => unknown> = {
    charCodeAt: (i: number) => { operations++; return text.charCodeAt(i); },
    indexOf: (search: string, from = 0) => {
      const found = text.indexOf(search, from);
      operations += 1 + (found === -1 ? text.length : found + search.length) - from;
      return found;
    },
    slice: (a: number, b?: number) => { const s = text.slice(a, b); operations += 1 + s.length; return s; },
    substring: (a: number, b?: number) => { const s = text.substring(a, b); operations += 1 + s.length; return s; },
    substr: (a: number, n?: number) => { const s = text.substr(a, n); operations += 1 + s.length; return s; },
  };
  const counted = new Proxy(Object(text) as object, {
    get(_target, property) {
      if (property === 'length') return text.length;
      if (typeof property === 'string' && /^[0-9]+$/.test(property)) { operations++; return text[Number(property)]; }
      const method = typeof property === 'string' ? methods[property] : undefined;
      if (method !== undefined) return method;
      throw new Error(`uncounted access to ${String(property)}`);
    },
  }) as unknown as string;
  try {
    read(counted);
  } catch (error) {
    if ((error as Error).message.startsWith('uncounted')) throw error;
  }
  return operations;
}

describe(`Signature-Input / Signature dictionary reader work (${backendName} backend)`, () => {
  const shapes: [string, (n: number) => string][] = [
    ['many signature members', (n) => Array.from({ length: n }, (_, i) => `sig${i}=("@method" "@path");created=1;keyid="k"`).join(', ')],
    ['one label repeated', (n) => Array.from({ length: n }, () => 'sig1=:AAAA:').join(', ')],
    ['an unterminated inner list of strings', (n) => `sig1=(${'"a" '.repeat(n)}`],
    ['an unterminated string', (n) => `sig1=("${'a'.repeat(n * 4)}`],
    ['an unterminated byte sequence', (n) => `sig1=:${'A'.repeat(n * 4)}`],
    ['strings of escapes', (n) => `sig1=(${'"\\"" '.repeat(n)})`],
    ['a control byte before a far quote', (n) => `sig1=("\u0001${'a'.repeat(n * 4)}")`],
    ['many repeated parameters', (n) => `sig1=("@method")${';created=1'.repeat(n)}`],
    ['many bare parameters on items', (n) => `sig1=(${'"a";b '.repeat(n)})`],
    ['many empty byte sequences', (n) => Array.from({ length: n }, () => 'a=::').join(',')],
    ['whitespace runs', (n) => `sig1=("@method")${' \t'.repeat(n)},${'\t'.repeat(n)}sig2=:AAAA:`],
    ['an unterminated inner list of empty strings', (n) => `sig1=(${'"" '.repeat(n)}`],
    ['empty byte sequences up to a trailing comma', (n) => 'a=::,'.repeat(n)],
    ['a long token list', (n) => `sig1=(${'a '.repeat(n)})`],
    ['a long list of decimals', (n) => `sig1=(${'1.5 '.repeat(n)})`],
  ];

  const readers: [string, (value: string) => unknown][] = [['parseSignatureDictionary', parseSignatureDictionary], ['readSignatureDictionary', readSignatureDictionary]];
  const cases = shapes.flatMap(([name, make]) => readers.map(([reader, read]) => [name, reader, make, read] as const));
  test.each(cases)('%s (%s): the work grows linearly with the length', (_name, _reader, make, read) => {
    const small = make(250);
    const large = make(1000);
    const perCharSmall = operationsToRead(small, read) / small.length;
    const perCharLarge = operationsToRead(large, read) / large.length;
    // Both parsers together look at each character a bounded number of times, whatever the length.
    expect(perCharSmall).toBeLessThan(12);
    expect(perCharLarge).toBeLessThan(perCharSmall * 1.1);
  });
});

// The verification path: a message whose Signature-Input is written in any of the ways the two parsers might read
// differently is signed over the generic parser's reading of it; verifyRfc9421 (which reads through the scan) must
// verify it over exactly that reading — the same @signature-params, the same parameters — and refuse it exactly when
// the generic parser refuses the field. The same message with the field in its canonical form verifies the same way.
describe(`Signature-Input read in verification (${backendName} backend)`, () => {
  const NOW = 1_700_000_000;
  const secret = new Uint8Array(crypto.randomBytes(32));
  const options: VerifyRfc9421Options = {
    keyLookup: (id) => (id === 'k' ? { key: secret, algorithms: ['hmac-sha256'] } : null), now: NOW * 1000, label: 'sig1',
  };
  const sp = weighted<string>(['', 8], [' ', 4], ['  ', 1], ['\t', 1]);
  const created = weighted<string>([String(NOW), 12], [`000${NOW}`, 2], [String(NOW - 1), 1], [`${NOW}.0`, 1], [`-${NOW}`, 1], ['1', 1]);
  const keyid = weighted<string>(['keyid="k"', 12], ['keyid="x"', 1], ['keyid=k', 1], ['keyid="k\\\\"', 1]);
  const extra = fc.oneof(created.map((v) => `created=${v}`), keyid,
    weighted<string>(['nonce="n"', 2], ['nonce="a\\"b"', 1], ['tag="t"', 2], ['tag=t', 1], ['alg="hmac-sha256"', 1], ['expires=1800000000', 1], ['expires', 1]));
  const extras = fc.array(fc.tuple(sp, extra), { maxLength: 2 });
  const member = fc.tuple(sp, sp, extras, fc.tuple(sp, created.map((v) => `created=${v}`)), extras, fc.tuple(sp, keyid), extras)
    .map(([lead, trail, a, c, b, k, d]) => `(${lead}"@method" "@authority"${lead === '' ? ' ' : lead}"@path"${trail})${[...a, c, ...b, k, ...d].map(([pad, p]) => `;${pad}${p}`).join('')}`);
  const field = fc.tuple(fc.array(fc.tuple(weighted<string>(['sig1', 3], ['sig2', 1]), member), { maxLength: 2 }), member, sp, sp)
    .map(([others, last, before, after]) => [...others.map(([k, m]) => `${k}=${m}`), `sig1=${last}`].join(`${before},${after}`));
  const request = (input: string, signature: string): Rfc9421Message => ({
    method: 'POST', url: 'https://example.com/foo', headers: [['Host', 'example.com'], ['Signature-Input', input], ['Signature', signature]],
  });

  test('verifies over the generic parser\'s reading, whatever the scan does with the field', async () => {
    let verified = 0;
    await fc.assert(fc.asyncProperty(field, async (input) => {
      let generic: InnerList | undefined;
      try {
        const read = parseDictionary(input).get('sig1');
        if (read !== undefined && isInnerList(read)) generic = read;
      } catch {
        generic = undefined;
      }
      const base = generic === undefined ? '' :
        `"@method": POST\n"@authority": example.com\n"@path": /foo\n"@signature-params": ${serializeInnerList(generic)}`;
      const signature = `sig1=:${crypto.createHmac('sha256', secret).update(base).digest('base64')}:`;
      const outcome = await verifyRfc9421(request(input, signature), options).then((r) => ({ base: r.signatureBase, parameters: r.parameters }), (e: Error) => ({ refused: (e as { code?: string }).code }));
      if (generic === undefined) {
        expect(outcome).toEqual({ refused: 'ERR_MALFORMED_SIGNATURE' });
        return;
      }
      const canonical = await verifyRfc9421(request(serializeDictionary(parseDictionary(input)), signature), options).then((r) => ({ base: r.signatureBase, parameters: r.parameters }), (e: Error) => ({ refused: (e as { code?: string }).code }));
      expect(outcome).toEqual(canonical);
      if ('base' in outcome) {
        verified++;
        expect(outcome.base).toBe(base);
      }
    }), { numRuns: 1500 });
    // Most generated fields are ones that verify: the property is about verification, not only refusals.
    expect(verified).toBeGreaterThan(200);
  });

  test('a list read before is checked again when it was refused: an invalid component is refused every time', async () => {
    for (const covered of ['"@unknown"', '"Host"', '"@method"', '"@query";sf', '"@query-param"']) {
      const input = `sig1=("@method" "@authority" "@path" ${covered});created=${NOW};keyid="k"`;
      for (let i = 0; i < 3; i++) expect(await codeOf(verifyRfc9421(request(input, 'sig1=:AAAA:'), options))).toBe('ERR_MALFORMED_SIGNATURE');
    }
  });

  test('a repeated parameter is read as the generic parser reads it: the last value, in the first position', async () => {
    const input = `sig1=("@method" "@authority" "@path");keyid="x";created=${NOW};keyid="k"`;
    const base = `"@method": POST\n"@authority": example.com\n"@path": /foo\n"@signature-params": ("@method" "@authority" "@path");keyid="k";created=${NOW}`;
    const signature = `sig1=:${crypto.createHmac('sha256', secret).update(base).digest('base64')}:`;
    expect((await verifyRfc9421(request(input, signature), options)).signatureBase).toBe(base);
    expect(await codeOf(verifyRfc9421(request(input.replace('\n', ''), signature.replace(':', ': ')), options))).toBe('ERR_MALFORMED_SIGNATURE');
  });
});

// The Signature member in verification: an HMAC is compared with the member as base64 text only when that text is
// the one encoding of its bytes; any other writing of the same bytes (bits set after the last byte) verifies as the
// bytes do, and other bytes do not. The same holds for an asymmetric signature, decoded from the kept text.
describe(`Signature byte sequence read in verification (${backendName} backend)`, () => {
  const NOW = 1_700_000_000;
  const secret = crypto.randomBytes(32).toString('hex');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const input = `sig1=("@method" "@authority" "@path");created=${NOW};keyid="k"`;
  const base = `"@method": POST\n"@authority": example.com\n"@path": /foo\n"@signature-params": ("@method" "@authority" "@path");created=${NOW};keyid="k"`;
  const request = (signature: string): Rfc9421Message => ({
    method: 'POST', url: 'https://example.com/foo', headers: { host: 'example.com', 'signature-input': input, signature },
  });
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  /** The base64 text with the character at `at` moved by `by` in the alphabet (within the 64 letters). */
  const shifted = (text: string, at: number, by: number) => text.slice(0, at) + ALPHABET[(ALPHABET.indexOf(text[at]!) + by) % 64] + text.slice(at + 1);
  // A writing of the signature: as made, with the unused bits after the last byte set, or with another character.
  type Writing = { kind: 'canonical' } | { kind: 'trailing'; bits: number } | { kind: 'other'; at: number; by: number };
  const writing: fc.Arbitrary<Writing> = fc.oneof(
    fc.constant({ kind: 'canonical' as const }),
    fc.integer({ min: 1, max: 15 }).map((bits) => ({ kind: 'trailing' as const, bits })),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 63 })).map(([at, by]) => ({ kind: 'other' as const, at, by })),
  );
  const write = (made: string, w: Writing): string => {
    if (w.kind === 'canonical') return made;
    const padding = made.endsWith('==') ? 2 : made.endsWith('=') ? 1 : 0;
    if (w.kind === 'trailing') {
      if (padding === 0) return made;
      return shifted(made, made.length - padding - 1, w.bits % (padding === 2 ? 16 : 4));
    }
    return shifted(made, w.at % (made.length - padding), w.by);
  };
  /** What the field's bytes are, read by the generic parser. */
  const bytesOf = (field: string) => Buffer.from((parseDictionary(field).get('sig1') as [ArrayBuffer, unknown])[0]);

  test.each([
    ['hmac-sha256', () => crypto.createHmac('sha256', secret).update(base).digest(), () => ({ key: secret, algorithms: ['hmac-sha256' as const] })],
    ['ed25519', () => crypto.sign(null, Buffer.from(base), privateKey), () => ({ key: publicPem, algorithms: ['ed25519' as const] })],
  ])('%s: a signature verifies exactly when its bytes do, however they are written', async (_alg, make, entry) => {
    const made = make();
    const options: VerifyRfc9421Options = { keyLookup: (id) => (id === 'k' ? entry() : null), now: NOW * 1000 };
    const counts = { accepted: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(writing, async (w) => {
      const field = `sig1=:${write(made.toString('base64'), w)}:`;
      const expected = bytesOf(field).equals(made) ? 'resolved' : 'ERR_SIGNATURE_MISMATCH';
      const got = await codeOf(verifyRfc9421(request(field), options));
      expect(got).toBe(expected);
      counts[got === 'resolved' ? 'accepted' : 'refused']++;
    }), { numRuns: 300 });
    expect(counts.accepted).toBeGreaterThan(50);
    expect(counts.refused).toBeGreaterThan(50);
  });

  test('bits set after the last byte of an HMAC (a writing of the same bytes) verify', async () => {
    const made = crypto.createHmac('sha256', secret).update(base).digest('base64');
    const loose = shifted(made, made.length - 2, 1);
    expect(loose).not.toBe(made);
    const options: VerifyRfc9421Options = { keyLookup: () => ({ key: secret, algorithms: ['hmac-sha256'] }), now: NOW * 1000 };
    expect(await codeOf(verifyRfc9421(request(`sig1=:${loose}:`), options))).toBe('resolved');
    expect(await codeOf(verifyRfc9421(request(`sig1=:${shifted(made, 0, 1)}:`), options))).toBe('ERR_SIGNATURE_MISMATCH');
  });
});

// The Signature-Input / Signature dictionary reader: its fast scan must give exactly what the generic
// structured-headers parser gives (the same Map, the same bytes, the same refusal), on signature-shaped values and
// on values just outside the shape the scan handles (where it hands over to the generic parser).
import fc from 'fast-check';
import { parseDictionary } from 'structured-headers';
import { backendName } from '../src/backend-name.js';
import { parseSignatureDictionary } from '../src/rfc9421/sf-dictionary.js';

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

function expectSameAsGeneric(text: string): void {
  expect(outcome(parseSignatureDictionary, text)).toEqual(outcome(parseDictionary, text));
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

// A deliberately small, independent draft-cavage signing-string builder (draft-cavage-12 §2.3), used to check
// @httpsig/core's output in property and mutation tests. It shares no code with packages/core/src.

/** Header pairs or a record, as the tests hold them. */
export type ReferenceHeaders = Record<string, string> | readonly (readonly [string, string])[];

/**
 * Builds the signing string.
 * @param method - the HTTP method (any case).
 * @param target - path and query as sent.
 * @param headers - the request headers.
 * @param names - the names to sign, in order.
 * @param times - `(created)` / `(expires)` values.
 * @returns the signing string; throws when a name is missing.
 */
export function referenceSigningString(
  method: string,
  target: string,
  headers: ReferenceHeaders,
  names: readonly string[],
  times: { created?: number; expires?: number } = {},
): string {
  const pairs: (readonly [string, string])[] = Array.isArray(headers)
    ? [...(headers as readonly (readonly [string, string])[])]
    : Object.entries(headers as Record<string, string>);
  return names.map((raw) => {
    const name = raw.toLowerCase();
    if (name === '(request-target)') return `${name}: ${method.toLowerCase()} ${target}`;
    if (name === '(created)' || name === '(expires)') {
      const value = name === '(created)' ? times.created : times.expires;
      if (value === undefined) throw new Error(`no ${name}`);
      return `${name}: ${value}`;
    }
    const values = pairs.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
    if (values.length === 0) throw new Error(`missing ${name}`);
    return `${name}: ${values.join(', ')}`;
  }).join('\n');
}

/**
 * Quotes a parameter value the way draft-cavage headers are written (backslash escapes `\` and `"`).
 * @param value - the raw value.
 * @returns the quoted string.
 */
export function quoteParam(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What the reference parser reads from a signature header: the draft's parameters, or a refusal. */
export type ReferenceParse =
  | { ok: true; keyId: string; algorithm?: string; headers: string[]; headersGiven: boolean; signature: string; created?: number; expires?: number }
  | { ok: false };

const REF_TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const REF_SPACE = /[ \t]*/y;
const REF_QUOTED = /"((?:[^"\\\u0000-\u0008\u000a-\u001f\u007f]|\\[^\u0000-\u0008\u000a-\u001f\u007f])*)"/y;
const REF_BARE = /[!#$%&'*+\-.^_`|~0-9A-Za-z/=]+/y;

/** Runs a sticky expression at `at`; the match or null. */
function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * A deliberately simple, independent reading of the draft-cavage parameter list (draft-cavage-12 §2.1 with
 * RFC 9110 tokens and quoted strings), built from sticky regular expressions: an optional `Signature` scheme,
 * then `name = value` pairs separated by commas, names case-insensitive, duplicates refused, unknown names
 * ignored; then the checks `parseSignatureHeader` makes on the values. Used to cross-check the scanner.
 */
export function referenceParseSignatureHeader(text: string, maxSigned = 64): ReferenceParse {
  const refuse = { ok: false } as const;
  let at = (stickyAt(REF_SPACE, text, 0) as RegExpExecArray)[0].length;
  const scheme = stickyAt(REF_TOKEN, text, at);
  if (scheme !== null) {
    const afterScheme = at + scheme[0].length;
    const afterSpace = afterScheme + (stickyAt(REF_SPACE, text, afterScheme) as RegExpExecArray)[0].length;
    if (afterSpace > afterScheme && text[afterSpace] !== '=') {
      if (scheme[0].toLowerCase() !== 'signature') return refuse;
      at = afterSpace;
    }
  }
  if (at >= text.length) return refuse;
  const found = new Map<string, string>();
  for (;;) {
    const name = stickyAt(REF_TOKEN, text, at);
    if (name === null) return refuse;
    at += name[0].length;
    at += (stickyAt(REF_SPACE, text, at) as RegExpExecArray)[0].length;
    if (text[at] !== '=') return refuse;
    at += 1;
    at += (stickyAt(REF_SPACE, text, at) as RegExpExecArray)[0].length;
    let value: string;
    const quoted = stickyAt(REF_QUOTED, text, at);
    if (quoted !== null) {
      value = (quoted[1] as string).replace(/\\([\s\S])/g, '$1');
      at += quoted[0].length;
    } else {
      const bare = text[at] === '"' ? null : stickyAt(REF_BARE, text, at);
      if (bare === null) return refuse;
      value = bare[0];
      at += bare[0].length;
    }
    const lower = name[0].toLowerCase();
    if (found.has(lower)) return refuse;
    found.set(lower, value);
    at += (stickyAt(REF_SPACE, text, at) as RegExpExecArray)[0].length;
    if (at >= text.length) break;
    if (text[at] !== ',') return refuse;
    at += 1;
    at += (stickyAt(REF_SPACE, text, at) as RegExpExecArray)[0].length;
    if (at >= text.length) return refuse;
  }
  const keyId = found.get('keyid');
  const signature = found.get('signature');
  if (keyId === undefined || keyId === '' || signature === undefined || signature === '') return refuse;
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(signature)) return refuse;
  const list = found.get('headers');
  const headers = list === undefined ? ['date'] : list.split(/[ \t]+/).filter((h) => h !== '').map((h) => h.toLowerCase());
  if (headers.length === 0 || headers.length > maxSigned) return refuse;
  const result: ReferenceParse = { ok: true, keyId, headers, headersGiven: list !== undefined, signature };
  const algorithm = found.get('algorithm');
  if (algorithm !== undefined) result.algorithm = algorithm.toLowerCase();
  for (const field of ['created', 'expires'] as const) {
    const textValue = found.get(field);
    if (textValue === undefined) continue;
    if (!/^\d{1,15}$/.test(textValue)) return refuse;
    result[field] = Number(textValue);
  }
  return result;
}

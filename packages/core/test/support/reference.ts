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

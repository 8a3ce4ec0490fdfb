/** Internal: warnings about signatures that JumpServer (or a proxy) will not accept. */

/**
 * Warnings for a signature over `names` of a request to `target` with these headers.
 *
 * @param target - the request target (path and query).
 * @param names - the signed header names, lower-case.
 * @param headers - the request headers.
 * @param url - the absolute URL, for the host when there is no Host header.
 * @returns human-readable warnings, possibly none.
 */
export function lintSignature(target: string, names: readonly string[], headers: ReadonlyArray<readonly [string, string]>, url?: string): string[] {
  const warnings: string[] = [];
  const path = target.split('?', 1)[0] ?? '';
  if (path.startsWith('/api/') && !path.endsWith('/')) {
    warnings.push('The path has no trailing slash: JumpServer (Django) redirects to path + "/" and the signature, made for the old path, fails with 401.');
  }
  if (names.includes('content-type') || names.includes('content-length')) {
    warnings.push('content-type/content-length are signed: JumpServer answers 500 (it reads them back as "nt-type"/"nt-length"). Do not sign them.');
  }
  if (!names.includes('(request-target)')) warnings.push('(request-target) is not signed: JumpServer requires it (500 otherwise), and without it the signature does not cover the path.');
  if (!names.includes('date')) warnings.push('date is not signed: JumpServer requires it (500 otherwise).');
  const host = headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? (url !== undefined && !url.startsWith('/') ? new URL(url).host : undefined);
  if (names.includes('host') && host !== undefined && /:\d+$/.test(host)) {
    warnings.push('host is signed with a port: a reverse proxy that sets Host without the port (nginx "proxy_set_header Host $host") breaks the signature.');
  }
  const date = headers.find(([n]) => n.toLowerCase() === 'date')?.[1];
  if (date !== undefined && !/ GMT$/.test(date)) warnings.push('The Date header is not an RFC 1123 GMT date (e.g. "Sun, 22 Nov 2026 10:00:00 GMT").');
  return warnings;
}

/** Internal: command-line parsing with node:util parseArgs, and one clean line for a mistake. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse the arguments of one command (strict: unknown options are errors).
 *
 * @param args - the arguments.
 * @param options - the option definitions.
 * @param allowPositionals - whether operands are accepted.
 * @returns parseArgs' values and positionals.
 * @throws UsageError with one line, and a suggestion for a mistyped option.
 */
export function parseOptions<T extends Options>(
  args: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    throw new UsageError(cleanMessage(code, (error as Error).message, args, options));
  }
}

function cleanMessage(code: string, message: string, args: string[], options: Options): string {
  const quoted = /'(-{1,2}[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) {
    const name = quoted.replace(/^-+/, '').split('=')[0] ?? '';
    const suggestions = closest(name, Object.keys(options));
    const shown = (quoted.split('=')[0] ?? '').slice(0, 40);
    return `Unknown option ${shown}${suggestions.length === 0 ? '' : ` (did you mean ${suggestions.map((o) => `--${o}`).join(' or ')}?)`}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = args.find((a) => !a.startsWith('-'));
    return `Unexpected argument${extra === undefined ? '' : ` "${extra.slice(0, 40)}"`}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted !== undefined) {
    return /argument missing/.test(message) ? `Option ${quoted} needs a value` : `Option ${quoted} takes no value`;
  }
  return message.split('\n', 1)[0]?.slice(0, 200) ?? 'Bad arguments';
}

/** The known options closest to a mistyped one: those it begins (up to 3), else one within edit distance 2. */
function closest(name: string, known: readonly string[]): string[] {
  const prefixed = known.filter((k) => k.startsWith(name));
  if (name.length >= 2 && prefixed.length > 0 && prefixed.length <= 3) return prefixed;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best === undefined ? [] : [best];
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 3;
}

/** `httpsig completion bash|zsh|fish`: a shell completion script for the commands and their options. */
import { EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../lib/io.js';
import { SIGNING_OPTIONS } from '../lib/signing-args.js';
import { API_OPTIONS, LOGIN_OPTIONS } from './jumpserver.js';
import { VERIFY_OPTIONS } from './verify.js';

/** Help of `httpsig completion`. */
export const COMPLETION_HELP: string = `Usage: httpsig completion bash|zsh|fish

Print a completion script for the shell: commands, jumpserver sub-commands, the options
of each, HTTP methods after "jumpserver api", and file names elsewhere.

  bash:  source <(httpsig completion bash)       (or save it in ~/.local/share/bash-completion/completions/httpsig)
  zsh:   httpsig completion zsh > "\${fpath[1]}/_httpsig"   (then compinit)
  fish:  httpsig completion fish > ~/.config/fish/completions/httpsig.fish
`;

const COMMANDS = ['sign', 'request', 'explain', 'verify', 'jumpserver', 'completion', 'help'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The long options of each command path (`jumpserver login` is one path). */
function optionTable(): Record<string, string[]> {
  const names = (options: Record<string, unknown>): string[] => Object.keys(options).map((o) => `--${o}`);
  return {
    sign: [...names(SIGNING_OPTIONS), '--curl'],
    request: [...names(SIGNING_OPTIONS), '--include', '--verbose'],
    explain: names(SIGNING_OPTIONS),
    verify: names(VERIFY_OPTIONS),
    'jumpserver login': names(LOGIN_OPTIONS),
    'jumpserver api': names(API_OPTIONS),
  };
}

function bash(): string {
  const table = optionTable();
  const cases = Object.entries(table).map(([path, opts]) => `    '${path}') opts='${opts.join(' ')}' ;;`).join('\n');
  return `# bash completion for httpsig (httpsig completion bash)
_httpsig() {
  local cur cmdpath opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W '${COMMANDS.join(' ')}' -- "$cur") ); return 0
  fi
  cmdpath="\${COMP_WORDS[1]}"
  case "$cmdpath" in
    jumpserver)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W 'login api' -- "$cur") ); return 0; fi
      cmdpath="jumpserver \${COMP_WORDS[2]}"
      if [ "\${COMP_WORDS[2]}" = api ] && [ "$COMP_CWORD" -eq 3 ] && [[ "$cur" != -* ]]; then
        COMPREPLY=( $(compgen -W '${METHODS.join(' ')}' -- "$cur") ); return 0
      fi ;;
    completion) COMPREPLY=( $(compgen -W 'bash zsh fish' -- "$cur") ); return 0 ;;
  esac
  case "$cmdpath" in
${cases}
    *) opts='' ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o filenames -F _httpsig httpsig
`;
}

function zsh(): string {
  const table = optionTable();
  const cases = Object.entries(table).map(([path, opts]) => `    '${path}') opts=(${opts.join(' ')}) ;;`).join('\n');
  return `#compdef httpsig
# zsh completion for httpsig (httpsig completion zsh)
_httpsig() {
  local -a opts
  local cmdpath
  if (( CURRENT == 2 )); then compadd -- ${COMMANDS.join(' ')}; return; fi
  cmdpath=$words[2]
  if [[ $cmdpath == jumpserver ]]; then
    if (( CURRENT == 3 )); then compadd -- login api; return; fi
    cmdpath="jumpserver $words[3]"
    if [[ $words[3] == api && CURRENT -eq 4 && $PREFIX != -* ]]; then compadd -- ${METHODS.join(' ')}; return; fi
  fi
  if [[ $cmdpath == completion ]]; then compadd -- bash zsh fish; return; fi
  case $cmdpath in
${cases}
  esac
  if [[ $PREFIX == -* ]]; then compadd -- $opts; else _files; fi
}
compdef _httpsig httpsig
`;
}

function fish(): string {
  const table = optionTable();
  const lines = [
    '# fish completion for httpsig (httpsig completion fish)',
    'complete -c httpsig -f',
    `complete -c httpsig -n '__fish_use_subcommand' -a '${COMMANDS.join(' ')}'`,
    "complete -c httpsig -n '__fish_seen_subcommand_from jumpserver; and not __fish_seen_subcommand_from login api' -a 'login api'",
    "complete -c httpsig -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
    `complete -c httpsig -n '__fish_seen_subcommand_from api' -a '${METHODS.join(' ')}'`,
  ];
  for (const [path, opts] of Object.entries(table)) {
    const word = path.split(' ').at(-1) ?? path;
    for (const option of opts) lines.push(`complete -c httpsig -n '__fish_seen_subcommand_from ${word}' -l ${option.slice(2)}`);
    if (word !== 'api') lines.push(`complete -c httpsig -n '__fish_seen_subcommand_from ${word}' -F`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Run `httpsig completion SHELL`.
 *
 * @param args - the arguments after `completion`.
 * @param io - streams.
 * @returns the exit code.
 * @throws UsageError for a missing or unknown shell.
 */
export function completionCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [shell, ...extra] = args;
  if (shell === '--help' || shell === '-h') {
    io.stdout.write(COMPLETION_HELP);
    return Promise.resolve(EXIT_CODES.OK);
  }
  if (extra.length > 0) throw new UsageError('Usage: httpsig completion bash|zsh|fish');
  const script = shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : shell === 'fish' ? fish() : undefined;
  if (script === undefined) throw new UsageError('Usage: httpsig completion bash|zsh|fish');
  io.stdout.write(script);
  return Promise.resolve(EXIT_CODES.OK);
}

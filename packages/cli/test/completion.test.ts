// Shell completion, run by the real shells: bash and fish complete words with the scripts; zsh parses its
// script and registers it with compinit (zsh, fish and bash are test peers, installed like the others).
import { spawnSync } from 'node:child_process';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile } from './helpers.js';

function bashComplete(script: string, words: string[]): string[] {
  const file = tempFile('completion.bash', script);
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _httpsig; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((l) => l !== '');
}

describe('httpsig completion', () => {
  let bash: string;
  beforeAll(async () => {
    const run = await httpsig(['completion', 'bash']);
    expect(run.code).toBe(EXIT_CODES.OK);
    bash = run.stdout;
  });

  test('bash: commands, jumpserver sub-commands, methods, and each command\'s own options', () => {
    expect(bashComplete(bash, ['httpsig', 'ver'])).toEqual(['verify']);
    expect(bashComplete(bash, ['httpsig', 'jumpserver', ''])).toEqual(['login', 'api']);
    expect(bashComplete(bash, ['httpsig', 'jumpserver', 'api', 'P'])).toEqual(['POST', 'PUT', 'PATCH']);
    expect(bashComplete(bash, ['httpsig', 'jumpserver', 'api', 'GET', '/x/', '--pag'])).toEqual(['--paginate']);
    expect(bashComplete(bash, ['httpsig', 'jumpserver', 'login', '--wait'])).toEqual(['--wait-confirm']);
    expect(bashComplete(bash, ['httpsig', 'sign', '--comp'])).toEqual(['--components']);
    expect(bashComplete(bash, ['httpsig', 'sign', '--cu'])).toEqual(['--curl']);
    expect(bashComplete(bash, ['httpsig', 'sign', '--web'])).toEqual(['--web-bot-auth']);
    expect(bashComplete(bash, ['httpsig', 'request', '--signature-agent'])).toEqual(['--signature-agent', '--signature-agent-form']);
    expect(bashComplete(bash, ['httpsig', 'request', '--cu'])).toEqual([]);
    expect(bashComplete(bash, ['httpsig', 'verify', '--required-c'])).toEqual(['--required-components']);
    expect(bashComplete(bash, ['httpsig', 'verify', '--rem'])).toEqual(['--remote-key']);
    expect(bashComplete(bash, ['httpsig', 'verify', '--allow-'])).toEqual(['--allow-http', '--allow-private-addresses']);
    expect(bashComplete(bash, ['httpsig', 'sign', '--rem'])).toEqual([]);
    expect(bashComplete(bash, ['httpsig', 'completion', 'f'])).toEqual(['fish']);
  });

  test('zsh and fish scripts name the same commands and options', async () => {
    const zsh = await httpsig(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef httpsig\n/);
    expect(zsh.stdout).toContain("'jumpserver api') opts=(");
    expect(zsh.stdout).toContain('--max-items');
    expect(zsh.stdout).toContain('--web-bot-auth');
    expect(zsh.stdout).toMatch(/'verify'\) opts=\([^)]*--remote-key --allow-http --allow-private-addresses /);
    const fish = await httpsig(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c httpsig -n '__fish_seen_subcommand_from login' -l wait-confirm");
    expect(fish.stdout).toContain("complete -c httpsig -n '__fish_seen_subcommand_from sign' -l components");
    expect(spawnSync('zsh', ['-n', tempFile('completion.zsh', zsh.stdout)], { encoding: 'utf8' }).status).toBe(0);
    expect(spawnSync('fish', ['--no-execute', tempFile('completion.fish', fish.stdout)], { encoding: 'utf8' }).status).toBe(0);
  });

  test('zsh: compinit loads the script and registers _httpsig for httpsig', async () => {
    const file = tempFile('completion.zsh', (await httpsig(['completion', 'zsh'])).stdout);
    const result = spawnSync('zsh', ['-f', '-c', `autoload -Uz compinit; compinit -u -D; source '${file}'; whence -w _httpsig; print -r -- \${_comps[httpsig]}`], { encoding: 'utf8' });
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['_httpsig: function', '_httpsig']);
  });

  test('fish: commands, sub-commands and each command\'s own options complete', async () => {
    const file = tempFile('completion.fish', (await httpsig(['completion', 'fish'])).stdout);
    const complete = (line: string): string[] => {
      const result = spawnSync('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0] as string);
    };
    expect(complete('httpsig ver')).toEqual(['verify']);
    expect(complete('httpsig jumpserver login --wait')).toEqual(['--wait-confirm']);
    expect(complete('httpsig sign --comp')).toEqual(['--components']);
    expect(complete('httpsig sign --random')).toEqual(['--random-nonce']);
    expect(complete('httpsig request --web')).toEqual(['--web-bot-auth']);
    expect(complete('httpsig jumpserver api --max')).toEqual(['--max-items']);
    expect(complete('httpsig verify --remote')).toEqual(['--remote-key']);
    expect(complete('httpsig verify --allow-p')).toEqual(['--allow-private-addresses']);
  });

  test('an unknown shell is a usage error', async () => {
    expect((await httpsig(['completion', 'powershell'])).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['completion'])).code).toBe(EXIT_CODES.USAGE);
  });
});

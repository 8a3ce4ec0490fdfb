// Shell completion: the bash script is run by a real bash; the zsh and fish scripts are checked for content
// (and by the shells themselves when they are installed).
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
    expect(bashComplete(bash, ['httpsig', 'request', '--cu'])).toEqual([]);
    expect(bashComplete(bash, ['httpsig', 'verify', '--required-c'])).toEqual(['--required-components']);
    expect(bashComplete(bash, ['httpsig', 'completion', 'f'])).toEqual(['fish']);
  });

  test('zsh and fish scripts name the same commands and options', async () => {
    const zsh = await httpsig(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef httpsig\n/);
    expect(zsh.stdout).toContain("'jumpserver api') opts=(");
    expect(zsh.stdout).toContain('--max-items');
    const fish = await httpsig(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c httpsig -n '__fish_seen_subcommand_from login' -l wait-confirm");
    expect(fish.stdout).toContain("complete -c httpsig -n '__fish_seen_subcommand_from sign' -l components");
    for (const [shell, text] of [['zsh', zsh.stdout], ['fish', fish.stdout]] as const) {
      const which = spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' });
      if (which.status !== 0) continue; // the shell is not installed here: its syntax is checked where it is
      const check = spawnSync(shell, ['-n', tempFile(`completion.${shell}`, text)], { encoding: 'utf8' });
      expect(check.status).toBe(0);
    }
  });

  test('an unknown shell is a usage error', async () => {
    expect((await httpsig(['completion', 'powershell'])).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['completion'])).code).toBe(EXIT_CODES.USAGE);
  });
});

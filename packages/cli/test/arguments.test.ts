import { EXIT_CODES } from '../src/index.js';
import { httpsig } from './helpers.js';

describe('mistakes on the command line get one clean line', () => {
  test('a mistyped option: one line naming it, a suggestion, and where to find usage', async () => {
    const run = await httpsig(['sign', '--key-idd', 'k', 'http://example.com/']);
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toBe('httpsig: Unknown option --key-idd (did you mean --key-id?)\nRun "httpsig sign --help" for usage.\n');
  });

  test('a mistyped jumpserver option is suggested too; an option value is never echoed', async () => {
    const run = await httpsig(['jumpserver', 'api', '--paginat', 'GET', '/x/']);
    expect(run.stderr.split('\n')[0]).toBe('httpsig: Unknown option --paginat (did you mean --paginate?)');
    const secret = await httpsig(['jumpserver', 'login', '--password=hunter2-secret']);
    expect(secret.code).toBe(EXIT_CODES.USAGE);
    expect(secret.stderr).not.toContain('hunter2-secret');
    expect(secret.stderr.split('\n')[0]).toMatch(/^httpsig: Unknown option --password \(did you mean --password-file or --password-stdin\?\)$/);
  });

  test('a missing option value and an unexpected operand', async () => {
    expect((await httpsig(['jumpserver', 'api', 'GET', '/x/', '--org'])).stderr.split('\n')[0]).toMatch(/^httpsig: Option --org.* needs a value$/);
    expect((await httpsig(['jumpserver', 'login', 'extra'])).stderr.split('\n')[0]).toBe('httpsig: Unexpected argument "extra"');
  });
});

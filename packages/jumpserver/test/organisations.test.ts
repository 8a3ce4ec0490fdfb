import {
  accessKey, JumpServerClient, JumpServerOrgMismatchError, DEFAULT_ORG,
} from '../src/index.js';
import { EMULATOR_ACCESS_KEY, EMULATOR_ORGS } from '../src/emulator.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

interface CurrentOrg { id: string; name: string }
const client = (extra: Partial<ConstructorParameters<typeof JumpServerClient>[0]> = {}): JumpServerClient =>
  new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY), ...extra });

describe('which organisation JumpServer runs a request in', () => {
  test.each([
    ['an id', EMULATOR_ORGS.engineering, EMULATOR_ORGS.engineering],
    ['a name', 'Engineering', EMULATOR_ORGS.engineering],
    ['the alias default (any case)', 'DEFAULT', EMULATOR_ORGS.default],
    ['the alias root', 'root', EMULATOR_ORGS.root],
    ['the alias system', 'System', EMULATOR_ORGS.system],
    ['the root org by its name GLOBAL', 'GLOBAL', EMULATOR_ORGS.root],
  ])('X-JMS-ORG as %s', async (_, org, id) => {
    expect((await client().currentOrg(org)).id).toBe(id);
  });

  test('an unknown org silently runs in the Default org (no error from the server)', async () => {
    const current = await client().get<CurrentOrg>('/api/v1/orgs/orgs/current/', { org: 'Engineerinq' });
    expect(current.id).toBe(DEFAULT_ORG);
    const assets = await client().get<unknown[]>('/api/v1/assets/assets/', { org: 'Engineerinq' });
    expect(assets).toHaveLength(7); // the Default org's
  });

  test('confirmOrg: the same typo is ERR_JMS_ORG_MISMATCH, before the request is sent', async () => {
    const error = await failure(client({ confirmOrg: true }).get('/api/v1/assets/assets/', { org: 'Engineerinq' }));
    expect(error).toBeInstanceOf(JumpServerOrgMismatchError);
    expect(error.code).toBe('ERR_JMS_ORG_MISMATCH');
    expect((error as JumpServerOrgMismatchError).actual).toBe(DEFAULT_ORG);
    const paths = (await emulator.requests()).map((r) => r.path);
    expect(paths).toEqual(['/api/v1/orgs/orgs/current/']);
  });

  test('confirmOrg: a right name or alias is asked about once, then requests go through', async () => {
    const confirmed = client({ confirmOrg: true, org: 'Engineering' });
    await expect(confirmed.get('/api/v1/assets/assets/')).resolves.toHaveLength(3);
    await expect(confirmed.get('/api/v1/assets/assets/')).resolves.toHaveLength(3);
    await expect(confirmed.get('/api/v1/assets/assets/', { org: 'default' })).resolves.toHaveLength(7);
    const paths = (await emulator.requests()).map((r) => r.path);
    expect(paths.filter((p) => p.startsWith('/api/v1/orgs/orgs/current/'))).toHaveLength(2);
  });

  test('?oid= wins over X-JMS-ORG on the server; the client refuses to send both when they differ', async () => {
    const response = await fetch(`${emulator.url}/api/v1/orgs/orgs/current/?oid=${EMULATOR_ORGS.engineering}`, {
      headers: { authorization: `Token 937b38011acf499eb474e2fecb424ab3`, 'x-jms-org': DEFAULT_ORG },
    });
    expect(((await response.json()) as CurrentOrg).id).toBe(EMULATOR_ORGS.engineering);
    await expect(client({ org: DEFAULT_ORG }).get('/api/v1/assets/assets/', { query: { oid: EMULATOR_ORGS.engineering } }))
      .rejects.toThrow(TypeError);
    await expect(client().get('/api/v1/assets/assets/', { query: { oid: 'Engineering' } })).resolves.toHaveLength(3);
  });

  test('an X-JMS-ORG cookie counts only without the header; the client never sends cookies on API calls', async () => {
    const headers = { authorization: 'Token 937b38011acf499eb474e2fecb424ab3', cookie: 'X-JMS-ORG=Engineering' };
    const byCookie = await fetch(`${emulator.url}/api/v1/orgs/orgs/current/`, { headers });
    expect(((await byCookie.json()) as CurrentOrg).id).toBe(EMULATOR_ORGS.engineering);
    const byHeader = await fetch(`${emulator.url}/api/v1/orgs/orgs/current/`, { headers: { ...headers, 'x-jms-org': 'default' } });
    expect(((await byHeader.json()) as CurrentOrg).id).toBe(DEFAULT_ORG);
    await client({ org: 'default' }).get('/api/v1/assets/assets/');
    expect((await emulator.requests()).at(-1)).toMatchObject({ cookie: false, effectiveOrg: DEFAULT_ORG });
  });
});

import { accessKey, JumpServerClient, login, resources, DEFAULT_ORG } from '../src/index.js';
import { startEmulator, EMULATOR_ACCESS_KEY, EMULATOR_ORGS, type RunningEmulator } from '../src/emulator.js';
import { failure } from './support/emulator.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const jms = (org = DEFAULT_ORG): ReturnType<typeof resources> =>
  resources(new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY), org }));

describe('typed helpers over the client', () => {
  test('users: list (paginated, filtered), get, create', async () => {
    const all = await jms().users.all({}, { limit: 2 });
    expect(all.map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'alice', 'mfa-user']));
    const [alice] = await jms().users.all({ username: 'alice' });
    expect(alice?.username).toBe('alice');
    expect((await jms().users.get(alice!.id)).username).toBe('alice');
    const created = await jms().users.create({ name: 'Bob', username: 'bob-resources', email: 'bob@example.test' });
    expect(created).toMatchObject({ name: 'Bob', username: 'bob-resources' });
  });

  test('user groups: create, update, delete; in the org they were made in', async () => {
    const group = await jms().userGroups.create({ name: 'ops' });
    expect((await jms().userGroups.update(group.id, { comment: 'on call' })).comment).toBe('on call');
    expect((await jms(EMULATOR_ORGS.engineering).userGroups.all()).map((g) => g.name)).not.toContain('ops');
    await jms().userGroups.delete(group.id);
    expect((await failure(jms().userGroups.get(group.id))).status).toBe(404);
  });

  test('assets by category: the category endpoint lists and creates that category only', async () => {
    const hosts = jms().assets.category('host');
    expect(await hosts.all()).toHaveLength(7);
    const databases = jms().assets.category('database');
    expect(await databases.all()).toEqual([]);
    const db = await databases.create({ name: 'orders-db', address: '10.0.9.1', platform: 'MySQL' });
    expect(db.category?.value).toBe('database');
    expect((await databases.all()).map((a) => a.name)).toEqual(['orders-db']);
    expect(await jms().assets.all({ category: 'database' })).toHaveLength(1);
    expect((await jms().assets.get(db.id)).name).toBe('orders-db');
    await expect(jms().assets.list({}, { maxItems: 3 }).next()).resolves.toMatchObject({ done: false });
    expect(await jms().assets.all({}, { maxItems: 3 })).toHaveLength(3);
  });

  test('nodes, platforms, accounts (the secret is never read back), asset permissions', async () => {
    expect((await jms().nodes.all()).map((n) => n.value)).toEqual(['Default']);
    expect((await jms().platforms.all({ name: 'Linux' }))[0]?.id).toBe(1);
    expect((await jms().platforms.get(17)).name).toBe('MySQL');
    const [host] = await jms().assets.category('host').all({ q: 'web-01' });
    const account = await jms().accounts.create({ asset: host!.id, username: 'deploy', secret_type: 'password', secret: 'top-secret-pw' });
    expect(account.asset.id).toBe(host!.id);
    expect(JSON.stringify(account)).not.toContain('top-secret-pw');
    expect((await jms().accounts.all({ username: 'deploy' })).map((a) => a.id)).toEqual([account.id]);
    const perm = await jms().assetPermissions.create({ name: 'deployers', assets: [host!.id], accounts: ['deploy'] });
    expect(perm).toMatchObject({ name: 'deployers', protocols: ['all'], actions: ['connect'] });
  });

  test('sessions and command records are read only; commands filter by session', async () => {
    const [session] = await jms().sessions.all();
    expect(session).toMatchObject({ protocol: 'ssh', is_finished: true });
    const commands = await jms().commands.all({ session: session!.id });
    expect(commands.map((c) => c.input)).toEqual(['ls -la', 'rm -rf /tmp/x']);
    expect(commands[1]?.risk_level?.value).toBe(5);
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY) });
    expect((await failure(client.post('/api/v1/terminal/sessions/', {}))).status).toBe(405);
  });

  test('login logs record successful and failed logins', async () => {
    await login({ baseUrl: emulator.url, username: 'alice', password: 'alice-password' });
    await failure(login({ baseUrl: emulator.url, username: 'alice', password: 'wrong-password' }));
    const logs = await jms().loginLogs.all({ username: 'alice' });
    const states = logs.map((l) => (typeof l.status === 'boolean' ? l.status : l.status.value));
    expect(states.slice(-2)).toEqual([true, false]);
    expect(JSON.stringify(logs)).not.toContain('wrong-password');
  });

  test('connection tokens: create one, get the jms:// URL of the desktop client or the web URL of a web method', async () => {
    const [host] = await jms().assets.category('host').all({ q: 'web-02' });
    const token = await jms().connectionTokens.create({ asset: host!.id, account: 'root', protocol: 'ssh', connect_method: 'ssh_client' });
    expect(token).toMatchObject({ asset: host!.id, protocol: 'ssh', expire_time: 300 });
    const url = await jms().connectionTokens.clientUrl(token.id);
    expect(url).toMatch(/^jms:\/\//);
    const decoded = JSON.parse(Buffer.from(url.slice('jms://'.length), 'base64').toString('utf8')) as { token: { id: string } };
    expect(decoded.token.id).toBe(token.id);
    const web = await jms().connectionTokens.create({ asset: host!.id, account: 'root', protocol: 'ssh', connect_method: 'web_cli' });
    const error = await failure(jms().connectionTokens.clientUrl(web.id));
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(/Connect method not support/);
    expect(jms().connectionTokens.webUrl(web)).toBe(`${emulator.url}/koko/connect?token=${web.id}`);
    expect(jms().connectionTokens.webUrl({ id: web.id, connect_method: 'web_gui', protocol: 'rdp' }, { endpoint: 'https://rdp.example.com/' }))
      .toBe(`https://rdp.example.com/lion/connect?token=${web.id}`);
    expect(jms().connectionTokens.webUrl({ id: web.id, connect_method: 'web_gui', protocol: 'mysql' })).toContain('/chen/connect?token=');
    expect(() => jms().connectionTokens.webUrl(token)).toThrow(/clientUrl/);
  });

  test('an id that could change the path is refused before anything is sent', () => {
    expect(() => jms().users.get('../groups')).toThrow(TypeError);
    expect(() => jms().assets.get('a/b')).toThrow(TypeError);
    expect(() => jms().assets.category('printer' as 'host')).toThrow(TypeError);
  });
});

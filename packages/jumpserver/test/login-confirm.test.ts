import { login, JumpServerLoginConfirmError } from '../src/index.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

const user = { username: 'confirm-user', password: 'confirm-password' };

function decide(state: 'approved' | 'rejected'): (ticketId: string) => void {
  return (ticketId) => {
    void emulator.control('POST', 'tickets', { id: ticketId, state });
  };
}

describe('login review (login_confirm_wait)', () => {
  test('without waitForConfirm: ERR_JMS_LOGIN_CONFIRM_WAIT at once, with the ticket id', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...user }));
    expect(error).toBeInstanceOf(JumpServerLoginConfirmError);
    expect(error.code).toBe('ERR_JMS_LOGIN_CONFIRM_WAIT');
    const tickets = (await emulator.control('GET', 'tickets')) as Array<{ id: string; state: string }>;
    expect(tickets).toHaveLength(1);
    expect((error as JumpServerLoginConfirmError).ticketId).toBe(tickets[0]?.id);
    expect(error.hint).toContain(tickets[0]?.id);
  });

  test('waiting: polls login-confirm-ticket/status/ with the cookie until approved, then gets the token', async () => {
    const seen: string[] = [];
    const result = await login({
      baseUrl: emulator.url, ...user, waitForConfirm: { timeout: 10, interval: 0.05 },
      onConfirmWait: (id) => { seen.push(id); setTimeout(() => decide('approved')(id), 150); },
    });
    expect(result.user.username).toBe('confirm-user');
    expect(seen).toHaveLength(1);
    const log = await emulator.requests();
    const statuses = log.filter((r) => r.path.includes('login-confirm-ticket'));
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((r) => r.cookie)).toBe(true);
    expect(log.at(-1)).toMatchObject({ path: '/api/v1/authentication/auth/', status: 201 });
  });

  test('a rejected ticket: ERR_JMS_LOGIN_CONFIRM_REJECTED', async () => {
    const error = await failure(login({
      baseUrl: emulator.url, ...user, waitForConfirm: { timeout: 10, interval: 0.05 }, onConfirmWait: decide('rejected'),
    }));
    expect(error.code).toBe('ERR_JMS_LOGIN_CONFIRM_REJECTED');
    expect(error.detail).toMatch(/Rejected/);
  });

  test('nobody decides: ERR_JMS_LOGIN_CONFIRM_TIMEOUT after the timeout', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...user, waitForConfirm: { timeout: 0.2, interval: 0.05 } }));
    expect(error.code).toBe('ERR_JMS_LOGIN_CONFIRM_TIMEOUT');
    expect((error as JumpServerLoginConfirmError).ticketId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN } from '../emulator/seed';
import { BACK, emulator, freshStart, mutatingRequests, roleGroups, run, saveConnection, script, snapshot, type Expectation } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function tokenSteps(o: { label?: string; expiry?: string; scope?: string } = {}): Expectation[] {
  return [
    { kind: 'pick', match: 'Which kind of token', answer: 'New Token for' },
    { kind: 'input', match: 'Token label', answer: o.label ?? '' },
    { kind: 'pick', match: 'When does the token expire', answer: o.expiry ?? 'Never' },
    { kind: 'pick', match: 'Limit the token to one workspace', answer: o.scope ?? 'All Workspaces' },
  ];
}
const showToken = (answer = 'Copy Token'): Expectation => ({ kind: 'secret', match: 'New token for', answer });

async function whoamiEmail(token: string): Promise<string> {
  const r = await emulator.whoami(token);
  assert.equal(r.status, 200, 'the token shown works');
  return (JSON.parse(r.body) as { email: string }).email;
}

describe('Create Token', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => {
    api = await freshStart();
    await saveConnection(api, SUPERADMIN);
  });

  for (const [choice, ms] of [['1 Hour', HOUR], ['1 Day', DAY], ['7 Days', 7 * DAY], ['30 Days', 30 * DAY], ['90 Days', 90 * DAY]] as const) {
    it(`expires in ${choice}`, async () => {
      const label = `exp-${choice.replace(' ', '-')}`;
      const before = Date.now();
      const p = script(api, [...tokenSteps({ label, expiry: choice }), showToken()]);
      await run('windmillUsers.createToken');
      p.assertDone();
      assert.equal(p.secrets.length, 1);
      assert.equal(await whoamiEmail(p.secrets[0].secret), SUPERADMIN.email);
      const t = (await emulator.state()).tokens.find((x) => x.label === label);
      assert.ok(t?.expiration, 'created with an expiration');
      const at = Date.parse(t.expiration);
      assert.ok(at >= before + ms - 60_000 && at <= Date.now() + ms + 60_000, `expiration ${t.expiration}`);
      assert.equal(t.owner, SUPERADMIN.email);
    });
  }

  it('never expires, with steps and the secret shown once', async () => {
    const p = script(api, [...tokenSteps({ label: 'forever' }), showToken()]);
    await run('windmillUsers.createToken');
    p.assertDone();
    const t = (await emulator.state()).tokens.find((x) => x.label === 'forever');
    assert.equal(t?.expiration, null);
    assert.equal(t?.workspace_id, null);
    assert.deepEqual(p.asked.map((a) => `${a.step}/${a.totalSteps}`), ['1/4', '2/4', '3/4', '4/4']);
    const token = p.secrets[0].secret;
    assert.equal(t?.prefix, token.slice(0, 10));
    assert.ok(!p.messages.some((m) => `${m.text} ${m.detail ?? ''}`.includes(token)), 'the token is in no other message');
    // not stored anywhere
    for (const c of api.connections.list()) assert.notEqual(await api.connections.getToken(c.id), token);
  });

  it('expires on a typed date (bad dates get a message first)', async () => {
    const p = script(api, [
      ...tokenSteps({ label: 'dated', expiry: 'On a Date' }).slice(0, 3),
      { kind: 'input', match: 'YYYY-MM-DD', answer: '2031-02-30' },
      { kind: 'input', match: 'YYYY-MM-DD', answer: '2020-01-01' },
      { kind: 'input', match: 'YYYY-MM-DD', answer: '2031-06-30' },
      tokenSteps()[3], showToken(),
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal(p.validationMessages.length, 2);
    const t = (await emulator.state()).tokens.find((x) => x.label === 'dated');
    assert.equal(t?.expiration ? new Date(t.expiration).toISOString() : null, '2031-06-30T23:59:59.999Z');
  });

  it('Back from the date returns to the expiration choices', async () => {
    const p = script(api, [
      ...tokenSteps({ label: 'back', expiry: 'On a Date' }).slice(0, 3),
      { kind: 'input', match: 'YYYY-MM-DD', answer: BACK },
      { kind: 'pick', match: 'When does the token expire', answer: '7 Days' },
      tokenSteps()[3], showToken(),
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.ok((await emulator.state()).tokens.find((x) => x.label === 'back')?.expiration);
  });

  it('can be limited to the connection\'s workspace', async () => {
    const p = script(api, [...tokenSteps({ label: 'scoped', scope: 'Only the Workspace' }), showToken()]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal((await emulator.state()).tokens.find((x) => x.label === 'scoped')?.workspace_id, DEMO_WORKSPACE);
  });

  it('with email and password (like wmill user create-token --email --password)', async () => {
    const p = script(api, [
      { kind: 'pick', match: 'Which kind of token', answer: 'Sign In with Email and Password' },
      { kind: 'input', match: 'Email of the account', answer: DEVELOPER.email },
      { kind: 'input', match: 'Password of', answer: DEVELOPER.password },
      showToken(),
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal(p.asked[2].password, true);
    assert.equal(await whoamiEmail(p.secrets[0].secret), DEVELOPER.email);
    assert.ok((await emulator.requests()).some((r) => r.method === 'POST' && r.path === '/api/auth/login'));
  });

  it('a wrong password is explained and nothing is shown', async () => {
    const p = script(api, [
      { kind: 'pick', match: 'Which kind of token', answer: 'Sign In with Email and Password' },
      { kind: 'input', match: 'Email of the account', answer: DEVELOPER.email },
      { kind: 'input', match: 'Password of', answer: 'wrong-password' },
      { kind: 'message', severity: 'error', match: 'Invalid login' },
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal(p.secrets.length, 0);
    assert.ok(!p.shown('error')[0].includes('wrong-password'));
  });

  it('"Use as This Connection\'s Token" stores it in SecretStorage only', async () => {
    const [c] = api.connections.list();
    const p = script(api, [...tokenSteps({ label: 'replacement' }), showToken('Use as This Connection\'s Token')]);
    await run('windmillUsers.createToken');
    p.assertDone();
    const token = p.secrets[0].secret;
    assert.equal(await api.connections.getToken(c.id), token);
    for (const key of api.globalState.keys()) assert.ok(!JSON.stringify(api.globalState.get(key) ?? null).includes(token));
    // the connection works with it
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
    assert.ok((await emulator.requests()).some((r) => r.path === `/api/w/${DEMO_WORKSPACE}/users/list`));
  });

  it('a bad label gets its message and sends nothing', async () => {
    const p = script(api, [
      { kind: 'pick', match: 'Which kind of token', answer: 'New Token for' },
      { kind: 'input', match: 'Token label', answer: 'x'.repeat(500) },
      { kind: 'input', match: 'Token label', answer: undefined },
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal(p.validationMessages.length, 1);
    assert.deepEqual(await mutatingRequests(), []);
  });

  it('a refused connection is explained and the tree stays usable', async () => {
    await emulator.fault({ path: '/api/users/tokens/create', mode: 'refuse' });
    const p = script(api, [...tokenSteps({ label: 'refused' }), { kind: 'message', severity: 'error', match: 'Could not create the token' }]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.match(p.shown('error')[0], /refused|closed/);
    assert.equal(p.secrets.length, 0);
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
  });
});

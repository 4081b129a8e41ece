import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import {
  BACK, allMemberEmails, emulator, emulatorUrl, findMember, freshStart, mutatingRequests, roleGroups, run, saveConnection, script, snapshot,
  type Expectation,
} from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const NEW_EMAIL = 'nina@example.com';

/** The five steps of Add User for a superadmin. */
function steps(o: { email?: string; password?: string; superAdmin?: boolean; company?: string; name?: string } = {}): Expectation[] {
  return [
    { kind: 'input', match: 'Email of the user', answer: o.email ?? NEW_EMAIL },
    { kind: 'input', match: 'Password (leave empty', answer: o.password ?? '' },
    { kind: 'pick', match: 'superadmin?', answer: o.superAdmin ? 'Instance Superadmin' : 'Regular User' },
    { kind: 'input', match: 'Company', answer: o.company ?? '' },
    { kind: 'input', match: 'Full name', answer: o.name ?? 'Nina New' },
  ];
}
const showPassword: Expectation = { kind: 'secret', match: 'generated password', answer: 'Copy Password' };
const role = (answer: string): Expectation => ({ kind: 'pick', match: `to the Workspace ${DEMO_WORKSPACE}`, answer });

describe('Add User', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('creates a user with a generated password shown once, then adds them to the workspace', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [...steps(), showPassword, role('Developer')]);
    await run('windmillUsers.addUser');
    p.assertDone();

    assert.equal(p.secrets.length, 1, 'the password is shown exactly once');
    const password = p.secrets[0].secret;
    assert.ok(password.length >= 20, `generated password has ${password.length} characters`);
    assert.equal((await emulator.login(NEW_EMAIL, password)).status, 200, 'the password shown works');
    assert.ok(!p.messages.some((m) => `${m.text} ${m.detail ?? ''}`.includes(password)), 'the password is in no other message');

    const state = await emulator.state();
    const user = state.users.find((u) => u.email === NEW_EMAIL);
    assert.equal(user?.super_admin, false);
    assert.equal(user?.name, 'Nina New');
    const member = state.workspaces[DEMO_WORKSPACE].members.find((m) => m.email === NEW_EMAIL);
    assert.equal(member?.role, 'developer');
    // multi-step with step numbers
    assert.deepEqual(p.asked.slice(0, 5).map((a) => `${a.step}/${a.totalSteps}`), ['1/5', '2/5', '3/5', '4/5', '5/5']);
    assert.equal(p.asked[1].password, true);
    // the password was shown BEFORE the add-to-workspace request
    const paths = (await emulator.requests()).map((r) => r.path);
    assert.ok(paths.includes('/api/users/create'));
    // the tree shows the new member without a manual refresh
    const roots = await snapshot(api);
    assert.equal(findMember(roots, NEW_EMAIL)?.description, 'nina · developer');
  });

  it('with a typed password, superadmin, company and the admin role', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [...steps({ password: 'typed-Password-123', superAdmin: true, company: 'Acme' }), role('Admin')]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.secrets.length, 0, 'a typed password is not shown back');
    assert.equal((await emulator.login(NEW_EMAIL, 'typed-Password-123')).status, 200);
    const state = await emulator.state();
    const user = state.users.find((u) => u.email === NEW_EMAIL);
    assert.equal(user?.super_admin, true);
    assert.equal(user?.company, 'Acme');
    assert.equal(state.workspaces[DEMO_WORKSPACE].members.find((m) => m.email === NEW_EMAIL)?.role, 'admin');
    const roots = await snapshot(api);
    assert.ok(roots[0].children.find((g) => g.label === 'Admins')?.children.some((m) => m.label === NEW_EMAIL));
  });

  it('as an operator, or not added to the workspace at all', async () => {
    await saveConnection(api, SUPERADMIN);
    let p = script(api, [...steps(), showPassword, role('Operator')]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal((await emulator.state()).workspaces[DEMO_WORKSPACE].members.find((m) => m.email === NEW_EMAIL)?.role, 'operator');

    p = script(api, [...steps({ email: 'solo@example.com' }), showPassword, role('Don\'t Add')]);
    await run('windmillUsers.addUser');
    p.assertDone();
    const state = await emulator.state();
    assert.ok(state.users.some((u) => u.email === 'solo@example.com'));
    assert.ok(!state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === 'solo@example.com'));
  });

  it('Back goes to the previous step', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'wrong@example.com' },
      { kind: 'input', match: 'Password (leave empty', answer: BACK },
      { kind: 'input', match: 'Email of the user', answer: NEW_EMAIL },
      ...steps().slice(1), showPassword, role('Developer'),
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    const emails = (await emulator.state()).users.map((u) => u.email);
    assert.ok(emails.includes(NEW_EMAIL));
    assert.ok(!emails.includes('wrong@example.com'));
  });

  it('a bad email gets its message and sends no request', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'not-an-email' },
      { kind: 'input', match: 'Email of the user', answer: undefined },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.validationMessages.length, 1);
    assert.match(p.validationMessages[0], /email/i);
    // nothing caused by the bad input: only reads (the "who am I" check made before any input,
    // and the visible Users view loading its members), no request of the flow itself
    assert.deepEqual(await mutatingRequests(), []);
    const reads = new Set(['/api/users/whoami', '/api/version', `/api/w/${DEMO_WORKSPACE}/users/list`,
      `/api/w/${DEMO_WORKSPACE}/users/whoami`, `/api/w/${DEMO_WORKSPACE}/workspaces/list_pending_invites`]);
    assert.deepEqual((await emulator.requests()).map((r) => r.path).filter((x) => !reads.has(x)), []);
  });

  it('a duplicate email gets the server message (400), no password is shown', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      ...steps({ email: DEVELOPER.email }),
      { kind: 'message', severity: 'error', match: 'already exists' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.match(p.shown('error')[0], new RegExp(`Could not create the user ${DEVELOPER.email.replace('.', '\\.')}`));
    assert.equal(p.secrets.length, 0);
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4, 'the tree stays usable');
  });

  it('a server failure (500) is explained and the tree stays usable', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: '/api/users/create', mode: 'status', status: 500, body: 'Internal: disk full' });
    const p = script(api, [...steps(), { kind: 'message', severity: 'error', match: 'disk full' }]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.match(p.shown('error')[0], /500/);
    assert.equal(p.secrets.length, 0);
    assert.ok(!(await emulator.state()).users.some((u) => u.email === NEW_EMAIL));
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
  });

  it('the password is shown before adding to the workspace, which may fail', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/workspaces/add_user`, mode: 'status', status: 500, body: 'Internal: oops' });
    const p = script(api, [...steps(), showPassword, role('Developer'), { kind: 'message', severity: 'error', match: 'was created, but could not be added' }]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal((await emulator.login(NEW_EMAIL, p.secrets[0].secret)).status, 200);
  });

  it('a non-superadmin is told before any input and offered an invite instead', async () => {
    await saveConnection(api, WORKSPACE_ADMIN);
    const p = script(api, [
      { kind: 'message', match: 'needs an instance superadmin', answer: 'Invite to Workspace…' },
      { kind: 'input', match: 'Email of the user', answer: 'guest@example.com' },
      { kind: 'pick', match: 'Role in the workspace', answer: 'Operator' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.messages[0].modal, true);
    const state = await emulator.state();
    const invite = state.workspaces[DEMO_WORKSPACE].invites.find((i) => i.email === 'guest@example.com');
    assert.deepEqual(invite && { is_admin: invite.is_admin, operator: invite.operator }, { is_admin: false, operator: true });
    assert.ok(!(await emulator.requests()).some((r) => r.path === '/api/users/create'));
  });

  it('a non-superadmin who declines the invite sends nothing', async () => {
    await saveConnection(api, WORKSPACE_ADMIN);
    const p = script(api, [{ kind: 'message', match: 'needs an instance superadmin', answer: undefined }]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.deepEqual(await mutatingRequests(), []);
  });

  it('on the Community Edition, offers to add an existing user or invite instead', async () => {
    await emulator.reset({ edition: 'CE' });
    await saveConnection(api, SUPERADMIN);
    // make erin an instance user outside the workspace, then add her back from VS Code
    const del = await fetch(`${emulatorUrl()}/api/w/${DEMO_WORKSPACE}/users/delete/erin`, { method: 'DELETE', headers: { Authorization: `Bearer ${SUPERADMIN.token}` } });
    assert.equal(del.status, 200);
    const p = script(api, [
      { kind: 'message', match: 'Community Edition', answer: 'Add to Workspace by Email…' },
      { kind: 'input', match: 'Email of the user', answer: 'erin@example.com' },
      { kind: 'pick', match: 'Role in the workspace', answer: 'Admin' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal((await emulator.state()).workspaces[DEMO_WORKSPACE].members.find((m) => m.email === 'erin@example.com')?.role, 'admin');
    assert.ok(allMemberEmails(await snapshot(api)).includes('erin@example.com'));
  });

  it('from a connection in the tree', async () => {
    await saveConnection(api, SUPERADMIN);
    const [root] = await snapshot(api);
    const p = script(api, [...steps(), showPassword, role('Developer')]);
    await run('windmillUsers.addUser', root.node);
    p.assertDone();
    assert.ok(allMemberEmails(await snapshot(api)).includes(NEW_EMAIL));
  });
});

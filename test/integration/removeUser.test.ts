import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { allMemberEmails, emulator, findMember, freshStart, mutatingRequests, roleGroups, run, saveConnection, script, snapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

describe('Remove User', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  async function memberNode(email: string) {
    const m = findMember(await snapshot(api), email);
    assert.ok(m, `${email} is in the tree`);
    return m.node;
  }

  it('removes a member from the workspace only, after a modal confirmation', async () => {
    await saveConnection(api, SUPERADMIN);
    const node = await memberNode(DEVELOPER.email);
    const p = script(api, [
      { kind: 'pick', match: 'workspace only, or delete the account', answer: 'Remove from the Workspace' },
      { kind: 'message', severity: 'warning', match: `Remove ${DEVELOPER.email} (alice) from the workspace ${DEMO_WORKSPACE}`, answer: 'Remove from Workspace' },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.equal(p.messages.find((m) => m.severity === 'warning')?.modal, true);
    const state = await emulator.state();
    assert.ok(!state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === DEVELOPER.email), 'gone from the workspace');
    assert.ok(state.users.some((u) => u.email === DEVELOPER.email), 'the instance account stays');
    assert.ok(!allMemberEmails(await snapshot(api)).includes(DEVELOPER.email), 'the tree updated itself');
  });

  it('a superadmin can delete the user from the whole instance', async () => {
    await saveConnection(api, SUPERADMIN);
    const node = await memberNode(DEVELOPER.email);
    const p = script(api, [
      { kind: 'pick', match: 'workspace only, or delete the account', answer: 'Delete from the Whole Instance' },
      { kind: 'message', severity: 'warning', match: `Delete ${DEVELOPER.email} from the whole instance`, answer: 'Delete User' },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.match(p.messages.find((m) => m.severity === 'warning')?.detail ?? '', /cannot be undone/);
    const state = await emulator.state();
    assert.ok(!state.users.some((u) => u.email === DEVELOPER.email));
    assert.ok((await emulator.requests()).some((r) => r.method === 'DELETE' && decodeURIComponent(r.path) === `/api/users/delete/${DEVELOPER.email}`));
    assert.ok(!allMemberEmails(await snapshot(api)).includes(DEVELOPER.email));
  });

  it('a declined confirmation sends nothing', async () => {
    await saveConnection(api, SUPERADMIN);
    const node = await memberNode(DEVELOPER.email);
    const p = script(api, [
      { kind: 'pick', match: 'workspace only, or delete the account', answer: 'Delete from the Whole Instance' },
      { kind: 'message', match: 'whole instance', answer: undefined },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.deepEqual(await mutatingRequests(), []);
    assert.ok((await emulator.state()).users.some((u) => u.email === DEVELOPER.email));
  });

  it('from the palette: a searchable pick of the members', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'pick', match: 'Search by email, username or name', answer: 'erin@example.com' },
      { kind: 'pick', match: 'workspace only, or delete the account', answer: 'Remove from the Workspace' },
      { kind: 'message', match: 'Remove erin@example.com', answer: 'Remove from Workspace' },
    ]);
    await run('windmillUsers.removeUser');
    p.assertDone();
    assert.ok(p.asked[0].items?.includes(DEVELOPER.email));
    assert.ok(!(await emulator.state()).workspaces[DEMO_WORKSPACE].members.some((m) => m.email === 'erin@example.com'));
  });

  it('a non-superadmin is not offered the instance deletion', async () => {
    await saveConnection(api, WORKSPACE_ADMIN);
    const node = await memberNode('erin@example.com');
    const p = script(api, [{ kind: 'message', match: 'from the workspace demo', answer: 'Remove from Workspace' }]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.ok(!p.asked.some((a) => a.items?.some((i) => /Whole Instance/.test(i))));
    const state = await emulator.state();
    assert.ok(!state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === 'erin@example.com'));
    assert.ok(state.users.some((u) => u.email === 'erin@example.com'));
  });

  it('a developer gets the server refusal (403) and the tree stays usable', async () => {
    await saveConnection(api, DEVELOPER);
    const node = await memberNode('erin@example.com');
    const p = script(api, [
      { kind: 'message', match: 'from the workspace demo', answer: 'Remove from Workspace' },
      { kind: 'message', severity: 'error', match: 'Require Admin privileges' },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.match(p.shown('error')[0], /Could not remove erin@example\.com from demo: Not allowed/);
    assert.ok((await emulator.state()).workspaces[DEMO_WORKSPACE].members.some((m) => m.email === 'erin@example.com'));
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
  });

  it('a member already gone (404) is explained and the tree catches up', async () => {
    await saveConnection(api, SUPERADMIN);
    const node = await memberNode('erin@example.com');
    await emulator.fault({ method: 'DELETE', path: `/api/w/${DEMO_WORKSPACE}/users/delete/erin`, mode: 'status', status: 404, body: 'Not found: user erin not found' });
    const p = script(api, [
      { kind: 'pick', match: 'workspace only', answer: 'Remove from the Workspace' },
      { kind: 'message', match: 'Remove erin@example.com', answer: 'Remove from Workspace' },
      { kind: 'message', severity: 'error', match: 'user erin not found' },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
  });
});

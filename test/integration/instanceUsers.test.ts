import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import {
  allMemberEmails, emulator, freshStart, mutatingRequests, run, saveConnection, script, sectionSnapshot, snapshot, waitFor,
  type TreeSnapshot,
} from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { UsersNode } from '../../src/tree/nodes';

const LIST = '/api/users/list_as_super_admin';

async function listRequests(): Promise<number> {
  return (await emulator.requests()).filter((r) => r.path === LIST).length;
}

async function userNode(api: WindmillUsersTestApi, email: string): Promise<TreeSnapshot> {
  const { children } = await sectionSnapshot(api, 'instanceUsers');
  const found = children.find((c) => c.label === email);
  assert.ok(found, `${email} is listed under Instance Users (got ${children.map((c) => c.label).join(', ')})`);
  return found;
}

async function stateUser(email: string) {
  return (await emulator.state()).users.find((u) => u.email === email) as
    | (Record<string, unknown> & { email: string; username: string; super_admin: boolean; devops?: boolean; disabled?: boolean; hasPassword: boolean })
    | undefined;
}

describe('Instance Users', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('is a section for a superadmin, loaded lazily from page 1, with login type and states', async () => {
    await saveConnection(api, SUPERADMIN);
    const roots = await snapshot(api, undefined, { sections: false });
    assert.equal(await listRequests(), 0, 'nothing loaded before the section is expanded');
    assert.ok(roots.length === 1);
    const { section, children } = await sectionSnapshot(api, 'instanceUsers');
    assert.ok(section, 'the Instance Users section is shown');
    assert.equal(section.contextValue, 'windmillUsers.section:instanceUsers');
    const state = await emulator.state();
    assert.deepEqual(children.map((c) => c.label), state.users.map((u) => u.email).sort());
    const reqs = (await emulator.requests()).filter((r) => r.path === LIST);
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].query.page, '1');
    const me = children.find((c) => c.label === SUPERADMIN.email);
    assert.equal(me?.contextValue, 'windmillUsers.instanceUser:superadmin:self');
    assert.match(me?.description ?? '', /admin · password · superadmin/);
    assert.match(me?.tooltip ?? '', /Login type/);
    assert.match(me?.tooltip ?? '', /Verified/);
    const alice = children.find((c) => c.label === DEVELOPER.email);
    assert.equal(alice?.contextValue, 'windmillUsers.instanceUser');
    assert.match(alice?.tooltip ?? '', /Alice(&nbsp;| )Liddell/, 'server text in the tooltip, escaped');
    // the section's count shows once loaded
    const again = await sectionSnapshot(api, 'instanceUsers');
    assert.equal(again.section?.description, String(state.users.length));
  });

  it('is not shown for a workspace admin who is not a superadmin', async () => {
    await saveConnection(api, WORKSPACE_ADMIN);
    const roots = await snapshot(api, undefined, { sections: true });
    const kinds = roots[0].children.map((c) => c.node.kind);
    assert.ok(!kinds.includes('instanceUsersSection'));
    assert.ok(kinds.includes('tokensSection'));
    assert.equal(await listRequests(), 0);
  });

  it('toggles superadmin (with confirmation) and devops from the tree; the section reloads once', async () => {
    await saveConnection(api, SUPERADMIN);
    let alice = await userNode(api, DEVELOPER.email);
    const before = await listRequests();
    const p = script(api, [{ kind: 'message', match: 'instance superadmin', answer: 'Make Superadmin' }]);
    await run('windmillUsers.toggleSuperadmin', alice.node);
    assert.equal((await stateUser(DEVELOPER.email))?.super_admin, true);
    alice = await userNode(api, DEVELOPER.email);
    assert.equal(alice.contextValue, 'windmillUsers.instanceUser:superadmin');
    assert.equal(await listRequests(), before + 1, 'one refetch');

    await run('windmillUsers.toggleDevops', alice.node);
    assert.equal((await stateUser(DEVELOPER.email))?.devops, true);
    alice = await userNode(api, DEVELOPER.email);
    assert.equal(alice.contextValue, 'windmillUsers.instanceUser:superadmin:devops');
    // and back (no confirmation to remove another user's rights)
    await run('windmillUsers.toggleSuperadmin', alice.node);
    await run('windmillUsers.toggleDevops', (await userNode(api, DEVELOPER.email)).node);
    const u = await stateUser(DEVELOPER.email);
    assert.deepEqual([u?.super_admin, u?.devops], [false, false]);
    p.assertDone();
  });

  it('declining "Make Superadmin" sends nothing', async () => {
    await saveConnection(api, SUPERADMIN);
    const alice = await userNode(api, DEVELOPER.email);
    const p = script(api, [{ kind: 'message', match: 'instance superadmin', answer: undefined }]);
    await run('windmillUsers.toggleSuperadmin', alice.node);
    p.assertDone();
    assert.deepEqual(await mutatingRequests(), []);
  });

  it('works from the palette with a quick pick of instance users', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [{ kind: 'pick', match: 'Choose an instance user', answer: 'erin@example.com' }]);
    await run('windmillUsers.toggleDevops');
    p.assertDone();
    assert.equal((await stateUser('erin@example.com'))?.devops, true);
    assert.ok(p.asked[0].items?.includes(SUPERADMIN.email));
  });

  it('disables (confirmed) and enables (palette lists only disabled users)', async () => {
    await saveConnection(api, SUPERADMIN);
    const alice = await userNode(api, DEVELOPER.email);
    let p = script(api, [{ kind: 'message', match: 'Disable alice@example.com on the whole instance', answer: 'Disable' }]);
    await run('windmillUsers.disableInstanceUser', alice.node);
    p.assertDone();
    assert.equal((await stateUser(DEVELOPER.email))?.disabled, true);
    const disabled = await userNode(api, DEVELOPER.email);
    assert.equal(disabled.contextValue, 'windmillUsers.instanceUser:disabled');
    assert.match(disabled.description ?? '', /disabled/);

    p = script(api, [{ kind: 'pick', match: 'Choose an instance user', answer: DEVELOPER.email }]);
    await run('windmillUsers.enableInstanceUser');
    p.assertDone();
    assert.deepEqual(p.asked[0].items, [DEVELOPER.email], 'only the disabled users are offered');
    assert.equal((await stateUser(DEVELOPER.email))?.disabled, false);
  });

  it('renames (validated) and the workspace members show the new username', async () => {
    await saveConnection(api, SUPERADMIN);
    const alice = await userNode(api, DEVELOPER.email);
    const p = script(api, [
      { kind: 'input', match: 'New username', answer: 'bad name!' },
      { kind: 'input', match: 'New username', answer: 'alice_l' },
    ]);
    await run('windmillUsers.renameInstanceUser', alice.node);
    p.assertDone();
    assert.equal(p.validationMessages.length, 1);
    assert.equal((await stateUser(DEVELOPER.email))?.username, 'alice_l');
    assert.equal((await emulator.state()).workspaces[DEMO_WORKSPACE].members.find((m) => m.email === DEVELOPER.email)?.username, 'alice_l');
    const roots = await snapshot(api);
    const member = roots[0].children.flatMap((g) => g.children).find((m) => m.label === DEVELOPER.email);
    assert.match(member?.description ?? '', /^alice_l/);
    assert.match((await userNode(api, DEVELOPER.email)).description ?? '', /^alice_l/);
  });

  it('sets a generated password, shown once, that logs in', async () => {
    await saveConnection(api, SUPERADMIN);
    const erin = await userNode(api, 'erin@example.com');
    assert.equal((await stateUser('erin@example.com'))?.hasPassword, false);
    const p = script(api, [
      { kind: 'pick', match: 'How to set the new password', answer: 'Generate' },
      { kind: 'message', match: 'Set a new password for erin@example.com', answer: 'Set Password' },
      { kind: 'secret', match: 'New password of erin@example.com', answer: 'Copy Password' },
    ]);
    await run('windmillUsers.setPassword', erin.node);
    p.assertDone();
    assert.equal(p.secrets.length, 1);
    const password = p.secrets[0].secret;
    assert.ok(password.length >= 20);
    assert.ok(!p.messages.some((m) => `${m.text} ${m.detail ?? ''}`.includes(password)), 'the password is in no other message');
    const login = await emulator.login('erin@example.com', password);
    assert.equal(login.status, 200, 'POST /api/auth/login works with it');
  });

  it('set password with no answer (timeout): the generated password is still shown once, and it logs in', async () => {
    await saveConnection(api, SUPERADMIN);
    const erin = await userNode(api, 'erin@example.com');
    // The server sets the password 3 s later; the client gives up after 1 s: the outcome is unknown.
    await vscode.workspace.getConfiguration('windmillUsers').update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    try {
      await emulator.fault({ method: 'POST', path: '/api/users/set_password_of/*', mode: 'slow', delayMs: 3000 });
      const p = script(api, [
        { kind: 'pick', match: 'How to set the new password', answer: 'Generate' },
        { kind: 'message', match: 'Set a new password for erin@example.com', answer: 'Set Password' },
        { kind: 'message', severity: 'error', match: /^Could not set the password of erin@example\.com: .*did not answer within 1 s.*may have been set anyway/ },
        { kind: 'secret', match: 'The password of erin@example.com may have been set', answer: 'Copy Password' },
      ]);
      const started = Date.now();
      await run('windmillUsers.setPassword', erin.node);
      p.assertDone();
      assert.ok(Date.now() - started < 3000, 'the flow did not wait for the slow answer');
      assert.equal(p.secrets.length, 1, 'the password is shown once');
      const password = p.secrets[0].secret;
      assert.ok(password.length >= 20);
      assert.match(p.secrets[0].detail ?? '', /did not answer/);
      assert.ok(!p.messages.some((m) => `${m.text} ${m.detail ?? ''}`.includes(password)), 'the password is in no other message');
      const sent = (await mutatingRequests()).filter((r) => decodeURIComponent(r.path) === '/api/users/set_password_of/erin@example.com');
      assert.equal(sent.length, 1, 'sent once, never retried');
      // The slow request lands: the account has the password that was shown.
      await waitFor('the slow set-password landed', async () => (await stateUser('erin@example.com'))?.hasPassword === true, 5000);
      assert.equal((await emulator.login('erin@example.com', password)).status, 200, 'POST /api/auth/login works with the shown password');
    } finally {
      await vscode.workspace.getConfiguration('windmillUsers').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('sets a typed password (not shown back)', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'pick', match: 'Choose an instance user', answer: DEVELOPER.email },
      { kind: 'pick', match: 'How to set the new password', answer: 'Type a Password' },
      { kind: 'input', match: 'New password of', answer: 'short' },
      { kind: 'input', match: 'New password of', answer: 'typed-Password-123' },
      { kind: 'message', match: 'Set a new password', answer: 'Set Password' },
    ]);
    await run('windmillUsers.setPassword');
    p.assertDone();
    assert.equal(p.secrets.length, 0);
    assert.equal(p.asked.find((a) => a.kind === 'input')?.password, true);
    assert.equal((await emulator.login(DEVELOPER.email, 'typed-Password-123')).status, 200);
    assert.equal((await emulator.login(DEVELOPER.email, DEVELOPER.password)).status, 400, 'the old password stopped working');
  });

  it('delete: the confirmation names the whole instance; declined sends nothing', async () => {
    await saveConnection(api, SUPERADMIN);
    const alice = await userNode(api, DEVELOPER.email);
    const p = script(api, [{ kind: 'message', match: 'from the whole instance', answer: undefined }]);
    await run('windmillUsers.deleteInstanceUser', alice.node);
    p.assertDone();
    assert.equal(p.messages[0].modal, true);
    assert.match(p.messages[0].detail ?? '', /whole instance/);
    assert.match(p.messages[0].detail ?? '', /every workspace/);
    assert.deepEqual(await mutatingRequests(), []);
    assert.ok(await stateUser(DEVELOPER.email));
  });

  it('delete confirmed removes the user from the instance and the workspace members', async () => {
    await saveConnection(api, SUPERADMIN);
    assert.ok(allMemberEmails(await snapshot(api)).includes(DEVELOPER.email));
    const alice = await userNode(api, DEVELOPER.email);
    const p = script(api, [{ kind: 'message', match: 'from the whole instance', answer: 'Delete from Instance' }]);
    await run('windmillUsers.deleteInstanceUser', alice.node);
    p.assertDone();
    const state = await emulator.state();
    assert.ok(!state.users.some((u) => u.email === DEVELOPER.email));
    assert.ok(!state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === DEVELOPER.email));
    assert.ok(!allMemberEmails(await snapshot(api)).includes(DEVELOPER.email), 'the members updated too');
    const { children } = await sectionSnapshot(api, 'instanceUsers');
    assert.ok(!children.some((c) => c.label === DEVELOPER.email));
    assert.ok((await emulator.requests()).some((r) => r.method === 'DELETE' && decodeURIComponent(r.path) === `/api/users/delete/${DEVELOPER.email}`));
  });

  it('401 from a non-superadmin: says "not a superadmin", no popup, and the section hides', async () => {
    const c = await saveConnection(api, { ...WORKSPACE_ADMIN, superAdmin: true }); // stale flag
    const p = script(api, []);
    const { children } = await sectionSnapshot(api, 'instanceUsers');
    assert.equal(children.length, 1);
    assert.equal(children[0].contextValue, 'windmillUsers.sectionError:instanceUsers');
    assert.match(children[0].description ?? '', /bob@example\.com is not an instance superadmin/);
    assert.ok((await emulator.requests()).some((r) => r.path === '/api/users/whoami'), 'whoami decided');
    await waitFor('the stored flag is corrected', () => api.connections.get(c.id)?.superAdmin === false);
    const roots = await snapshot(api, undefined, { sections: true });
    assert.ok(!roots[0].children.some((n) => n.node.kind === 'instanceUsersSection'), 'the section is hidden');
    p.assertDone();
  });

  it('401 with a rejected token (whoami fails too): says the token was rejected, keeps the flag', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: LIST, mode: 'status', status: 401, body: 'Not authorized: Unauthorized' });
    await emulator.fault({ path: '/api/users/whoami', mode: 'status', status: 401, body: 'Not authorized: Unauthorized' });
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'rejected the token' }]);
    await run('windmillUsers.toggleDevops');
    p.assertDone();
    assert.doesNotMatch(p.shown('error')[0], /not an instance superadmin/);
    assert.equal(api.connections.get(c.id)?.superAdmin, true, 'the superadmin flag is not touched');
    assert.deepEqual(await mutatingRequests(), []);
  });

  it('401 in the section with a rejected token never claims "not a superadmin"', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    await snapshot(api); // members loaded with the good token
    await emulator.fault({ path: LIST, mode: 'status', status: 401, body: 'Not authorized: Unauthorized' });
    await emulator.fault({ path: '/api/users/whoami', mode: 'status', status: 401, body: 'Not authorized: Unauthorized' });
    const p = script(api, []);
    const roots = await snapshot(api, undefined, { sections: true });
    const section = roots[0].children.find((n) => n.node.kind === 'instanceUsersSection');
    assert.ok(section);
    const text = section.children.map((n) => `${n.contextValue} ${n.description}`).join(' | ');
    assert.doesNotMatch(text, /not an instance superadmin/);
    assert.match(text, /rejected/);
    assert.equal(api.connections.get(c.id)?.superAdmin, true);
    p.assertDone();
  });

  it('a failed load is one error node with the server text; Retry reloads that section only', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: LIST, mode: 'status', status: 500, body: 'Internal: users table locked' });
    const p = script(api, []);
    const error = (await sectionSnapshot(api, 'instanceUsers')).children[0];
    assert.equal(error.contextValue, 'windmillUsers.sectionError:instanceUsers');
    assert.match(error.description ?? '', /users table locked/);
    const membersLoads = (await emulator.requests()).filter((r) => r.path === `/api/w/${DEMO_WORKSPACE}/users/list`).length;
    await run('windmillUsers.retry', error.node as UsersNode);
    const after = await sectionSnapshot(api, 'instanceUsers');
    assert.ok(after.children.some((n) => n.label === DEVELOPER.email));
    assert.equal((await emulator.requests()).filter((r) => r.path === `/api/w/${DEMO_WORKSPACE}/users/list`).length, membersLoads, 'the members were not reloaded');
    p.assertDone();
  });

  it('an action from the palette by a non-superadmin says so (401 told apart by whoami)', async () => {
    await saveConnection(api, WORKSPACE_ADMIN);
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'is not an instance superadmin' }]);
    await run('windmillUsers.toggleDevops');
    p.assertDone();
    assert.deepEqual(await mutatingRequests(), []);
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, SEED_VERSION, SUPERADMIN } from '../emulator/seed';
import {
  EXTENSION_ID, emulator, emulatorUrl, freshStart, mutatingRequests, run, saveConnection, script, sectionSnapshot, snapshot,
} from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const CE_CREATE_500 = 'Internal: User creation is not implemented in the open-source version.';

async function switchEdition(edition: 'CE' | 'EE'): Promise<void> {
  const res = await fetch(`${emulatorUrl()}/_emulator/edition`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ edition }),
  });
  assert.equal(res.status, 200);
}

/** The `when` regex of a contributed item context menu entry, as VS Code evaluates it on a contextValue. */
function menuRegex(command: string): RegExp {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const items = (ext.packageJSON.contributes.menus['view/item/context'] as { command: string; when: string }[]).filter((m) => m.command === command);
  assert.equal(items.length, 1);
  const m = /viewItem =~ \/(.+)\/$/.exec(items[0].when);
  assert.ok(m, items[0].when);
  return new RegExp(m[1]);
}

function requestIndex(reqs: { method: string; path: string }[], method: string, path: string): number {
  return reqs.findIndex((r) => r.method === method && decodeURIComponent(r.path) === path);
}

describe('Community vs Enterprise Edition', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('Add Connection reads /api/version and shows edition and version on the connection', async () => {
    await emulator.reset({ edition: 'CE' });
    const p = script(api, [
      { kind: 'input', match: 'Windmill instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
      { kind: 'input', match: 'Windmill token', answer: SUPERADMIN.token },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    const [c] = api.connections.list();
    assert.deepEqual([c.edition, c.version], ['CE', SEED_VERSION]);
    const [root] = await snapshot(api);
    assert.match(root.description ?? '', new RegExp(`CE ${SEED_VERSION.replace(/\./g, '\\.')}$`));
    assert.match(root.tooltip ?? '', /Community(&nbsp;| )Edition/);
    assert.match(root.contextValue ?? '', /:ce\b/);
  });

  it('Refresh re-reads the edition (and keeps it in the non-secret metadata)', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    assert.equal(api.connections.get(c.id)?.edition, undefined);
    await run('windmillUsers.refresh');
    assert.deepEqual([api.connections.get(c.id)?.edition, api.connections.get(c.id)?.version], ['EE', SEED_VERSION]);
    let [root] = await snapshot(api);
    assert.match(root.description ?? '', /EE 1\.743\.0/);
    assert.match(root.tooltip ?? '', /Enterprise(&nbsp;| )Edition(&nbsp;| )1\.743\.0/);
    assert.doesNotMatch(root.contextValue ?? '', /:ce\b/);
    // the server changes edition: the next refresh notices
    await switchEdition('CE');
    await run('windmillUsers.refresh', root.node);
    assert.equal(api.connections.get(c.id)?.edition, 'CE');
    [root] = await snapshot(api);
    assert.match(root.description ?? '', /CE 1\.743\.0/);
    // the metadata holds no secret
    for (const key of api.globalState.keys()) assert.ok(!JSON.stringify(api.globalState.get(key) ?? null).includes(SUPERADMIN.token));
  });

  it('Add User on CE: says password accounts need EE before any input, offers invite; no /users/create', async () => {
    await emulator.reset({ edition: 'CE' });
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'message', match: 'Password accounts need the Enterprise Edition', answer: 'Invite to Workspace…' },
      { kind: 'input', match: 'Email of the user', answer: 'sso.person@example.com' },
      { kind: 'pick', match: 'Role in the workspace', answer: 'Developer' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    const msg = p.messages[0];
    assert.equal(msg.modal, true);
    assert.match(msg.detail ?? '', /signing in with SSO or OAuth/);
    assert.deepEqual(msg.buttons, ['Add to Workspace by Email…', 'Invite to Workspace…']);
    assert.ok(!p.asked.some((a) => a.password), 'no password was asked');
    const reqs = await emulator.requests();
    assert.equal(requestIndex(reqs, 'POST', '/api/users/create'), -1, 'no request to /users/create on CE');
    assert.ok((await emulator.state()).workspaces[DEMO_WORKSPACE].invites.some((i) => i.email === 'sso.person@example.com'));
    assert.equal(api.connections.list()[0].edition, 'CE', 'the edition read is kept');
  });

  it('Add User on CE, "Add to Workspace by Email" adds the email with a role', async () => {
    await emulator.reset({ edition: 'CE' });
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'message', match: 'Enterprise Edition', answer: 'Add to Workspace by Email…' },
      { kind: 'input', match: 'Email of the user', answer: 'newcomer@example.com' },
      { kind: 'pick', match: 'Role in the workspace', answer: 'Operator' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal((await emulator.state()).workspaces[DEMO_WORKSPACE].members.find((m) => m.email === 'newcomer@example.com')?.role, 'operator');
    assert.equal(requestIndex(await emulator.requests(), 'POST', '/api/users/create'), -1);
  });

  it('Add User on EE creates a password account', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'ee.user@example.com' },
      { kind: 'input', match: 'Password (leave empty', answer: '' },
      { kind: 'pick', match: 'superadmin?', answer: 'Regular User' },
      { kind: 'input', match: 'Company', answer: '' },
      { kind: 'input', match: 'Full name', answer: '' },
      { kind: 'secret', match: 'generated password', answer: 'Copy Password' },
      { kind: 'pick', match: `to the Workspace ${DEMO_WORKSPACE}`, answer: 'Don\'t Add' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.ok(requestIndex(await emulator.requests(), 'POST', '/api/users/create') >= 0);
    assert.equal((await emulator.login('ee.user@example.com', p.secrets[0].secret)).status, 200);
    assert.equal(api.connections.list()[0].edition, 'EE');
  });

  it('Set Password is hidden on CE (contextValue :ce) and explained from the palette, with no request', async () => {
    await emulator.reset({ edition: 'CE' });
    await saveConnection(api, SUPERADMIN);
    await run('windmillUsers.refresh');
    const setPasswordMenu = menuRegex('windmillUsers.setPassword');
    const renameMenu = menuRegex('windmillUsers.renameInstanceUser');
    const { children } = await sectionSnapshot(api, 'instanceUsers');
    const erin = children.find((c) => c.label === 'erin@example.com');
    assert.equal(erin?.contextValue, 'windmillUsers.instanceUser:ce');
    assert.ok(!setPasswordMenu.test(erin.contextValue), 'Set Password is not in the menu on CE');
    assert.ok(renameMenu.test(erin.contextValue), 'other actions stay');

    const p = script(api, []);
    await run('windmillUsers.setPassword');
    p.assertDone();
    assert.match(p.shown('info')[0] ?? '', /needs the Enterprise Edition/);
    assert.match(p.shown('info')[0] ?? '', /Community Edition/);
    assert.deepEqual(await mutatingRequests(), []);
  });

  it('Set Password shows on EE', async () => {
    await saveConnection(api, SUPERADMIN);
    await run('windmillUsers.refresh');
    const erin = (await sectionSnapshot(api, 'instanceUsers')).children.find((c) => c.label === 'erin@example.com');
    assert.equal(erin?.contextValue, 'windmillUsers.instanceUser');
    assert.ok(menuRegex('windmillUsers.setPassword').test(erin.contextValue));
  });

  it('an EE-believed server that answers CE\'s 500: the message quotes it and the edition is re-read', async () => {
    await saveConnection(api, SUPERADMIN);
    await run('windmillUsers.refresh');
    const c = api.connections.list()[0];
    assert.equal(c.edition, 'EE');
    const erin = (await sectionSnapshot(api, 'instanceUsers')).children.find((n) => n.label === 'erin@example.com');
    assert.ok(erin);
    await switchEdition('CE'); // the server is (now) CE; the extension still believes EE
    const p = script(api, [
      { kind: 'pick', match: 'How to set the new password', answer: 'Generate' },
      { kind: 'message', match: 'Set a new password', answer: 'Set Password' },
      { kind: 'message', severity: 'error', match: 'Enterprise Edition feature' },
    ]);
    await run('windmillUsers.setPassword', erin.node);
    p.assertDone();
    assert.equal(p.secrets.length, 0, 'no password is shown when it was not set');
    const text = p.shown('error')[0];
    assert.match(text, /"Internal: Setting the password of another user is an Enterprise Edition feature"/, 'quotes the server');
    assert.match(text, /Community Edition/);
    const reqs = await emulator.requests();
    const post = requestIndex(reqs, 'POST', '/api/users/set_password_of/erin@example.com');
    assert.ok(post >= 0);
    assert.ok(reqs.slice(post + 1).some((r) => r.path === '/api/version'), '/api/version is read again after the refusal');
    assert.equal(api.connections.get(c.id)?.edition, 'CE', 'the metadata is corrected');
    const again = (await sectionSnapshot(api, 'instanceUsers')).children.find((n) => n.label === 'erin@example.com');
    assert.equal(again?.contextValue, 'windmillUsers.instanceUser:ce', 'Set Password is now hidden');
  });

  it('Add User: /users/create refused with CE\'s text on an EE-looking server: quoted, and /version re-read', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: '/api/users/create', mode: 'status', status: 500, body: CE_CREATE_500 });
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'x@example.com' },
      { kind: 'input', match: 'Password (leave empty', answer: '' },
      { kind: 'pick', match: 'superadmin?', answer: 'Regular User' },
      { kind: 'input', match: 'Company', answer: '' },
      { kind: 'input', match: 'Full name', answer: '' },
      { kind: 'message', severity: 'error', match: 'open-source version' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.ok(p.shown('error')[0].includes(`"${CE_CREATE_500}"`), p.shown('error')[0]);
    assert.equal(p.secrets.length, 0);
    const reqs = await emulator.requests();
    const post = requestIndex(reqs, 'POST', '/api/users/create');
    assert.ok(reqs.slice(post + 1).some((r) => r.path === '/api/version'));
  });
});

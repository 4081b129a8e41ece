// Connection health: a rejected token signs its connection out (and only that one), Sign In Again
// replaces the token in place, Rename Connection, and the palette's connection pick.
import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN, WORKSPACE_ADMIN, type SeedAccount } from '../emulator/seed';
import * as vscode from 'vscode';
import { emulator, emulatorUrl, freshStart, run, saveConnection, script, sectionSnapshot, snapshot, loadedSnapshot, type Expectation, type TreeSnapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { ConnectionInfo } from '../../src/connections/store';
import type { Browser } from '../../src/ui/browser';

const SIGN_IN_AGAIN = 'windmillUsers.signInAgain';
const RENAME = 'windmillUsers.renameConnection';
const SELECT = 'windmillUsers.selectConnection';
const BAD_TOKEN = 'wmThisTokenDoesNotExist000000000';
const SUPERADMIN_TEXT = 'Not authorized: This endpoint requires the caller to be a super admin';

/** Revokes a token for real: DELETE /api/users/tokens/delete/{prefix}, sent with that token. */
async function revoke(token: string): Promise<void> {
  const res = await fetch(`${emulatorUrl()}/api/users/tokens/delete/${encodeURIComponent(token)}`, {
    method: 'DELETE', headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.text());
}

/** A new, working token of a seed account (POST /api/auth/login with its password). */
async function freshToken(account: SeedAccount): Promise<string> {
  const { status, token } = await emulator.login(account.email, account.password);
  assert.equal(status, 200);
  assert.notEqual(token, account.token);
  return token;
}

/** A MarkdownString tooltip's text (appendText escapes spaces and punctuation). */
function plain(md: string | undefined): string {
  return (md ?? '').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

function rootOf(roots: TreeSnapshot[], id: string): TreeSnapshot {
  const root = roots.find((r) => r.node.connection.id === id);
  assert.ok(root, `the tree shows the connection ${id}`);
  return root;
}

/** Saves `account`'s connection, revokes its token and loads the tree: the connection is signed out. */
async function signedOutConnection(api: WindmillUsersTestApi, account: SeedAccount): Promise<ConnectionInfo> {
  const c = await saveConnection(api, account);
  await revoke(account.token);
  await loadedSnapshot(api);
  assert.equal(api.connections.get(c.id)?.signedOut, true, 'signed out after the rejected token');
  return c;
}

/** A browser that follows the sign-in page (the loopback URI reaches it unchanged, as on a desktop). */
function fakeBrowser(onOpen: (url: URL) => Promise<void>): Browser {
  return {
    openExternal: async (uri) => { await onOpen(new URL(uri.toString(true))); return true; },
    asExternalUri: async (uri) => uri,
  };
}

/** A host whose loopback port the browser cannot reach (a web host's proxy): only pasting is offered. */
const NO_BROWSER: Browser = {
  openExternal: async () => { throw new Error('no browser expected'); },
  asExternalUri: async (uri) => vscode.Uri.parse(`https://proxy.example.com/proxy/${uri.authority.split(':')[1] ?? ''}/`),
};

/** The first prompts of Sign In Again with a pasted token: "Paste a New Token" where a browser could be offered. */
function pasteSteps(token: string): Expectation[] {
  return vscode.env.uiKind === vscode.UIKind.Desktop
    ? [{ kind: 'pick', match: 'How do you want to sign in again', answer: 'Paste a New Token' }, { kind: 'input', match: 'New Windmill token', answer: token }]
    : [{ kind: 'input', match: 'New Windmill token', answer: token }];
}

describe('Connection health: signed out on a rejected token', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });
  afterEach(() => api.setBrowser(undefined));

  it('a revoked token shows that connection signed out; another connection still loads', async () => {
    const admin = await saveConnection(api, SUPERADMIN);
    const alice = await saveConnection(api, DEVELOPER);
    await revoke(DEVELOPER.token);

    const roots = await loadedSnapshot(api);
    const out = rootOf(roots, alice.id);
    assert.match(out.description ?? '', /^signed out · /);
    assert.match(out.contextValue ?? '', /^windmillUsers\.connection\b.*:signedOut$/);
    assert.match(out.tooltip ?? '', /\*\*Signed out:\*\*/);
    assert.equal(out.children.length, 1, 'one node instead of the members');
    assert.equal(out.children[0].node.kind, 'signedOut');
    assert.equal(out.children[0].contextValue, 'windmillUsers.signedOut');
    assert.match(out.children[0].label, /Signed out/);
    assert.match(plain(out.children[0].tooltip), /rejected the token of alice@example\.com.*Use Sign In Again/s);

    const ok = rootOf(roots, admin.id);
    assert.ok(!(ok.contextValue ?? '').includes('signedOut'));
    assert.ok(ok.children.some((g) => g.label === 'Admins'), 'the other connection lists its members');
    // the flag is non-secret metadata; the (rejected) token stays where it was until replaced
    assert.equal(api.connections.get(alice.id)?.signedOut, true);
    assert.equal(api.connections.get(admin.id)?.signedOut, undefined);
    assert.equal(await api.connections.getToken(alice.id), DEVELOPER.token);

    // a signed-out connection sends nothing more when the tree is redrawn
    const before = (await emulator.requests()).length;
    api.tree.refresh(alice.id);
    await snapshot(api);
    assert.equal((await emulator.requests()).length, before);
  });

  it('a 401 "token rejected" on any call signs out (a fault on the members list)', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'status', status: 401, body: 'Not authorized: Unauthorized', times: 1 });
    const [root] = await loadedSnapshot(api);
    assert.equal(api.connections.get(c.id)?.signedOut, true);
    assert.equal(root.children[0]?.node.kind, 'signedOut');
  });

  it('a command that meets the rejected token signs out, and its error offers Sign In Again', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/workspaces/list_pending_invites`, mode: 'status', status: 401, body: 'Not authorized: Unauthorized', times: 1 });
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'token was rejected' }]);
    await run('windmillUsers.cancelInvite');
    p.assertDone();
    assert.deepEqual(p.messages.find((m) => m.severity === 'error')?.buttons, ['Sign In Again…', 'Show Log']);
    assert.equal(api.connections.get(c.id)?.signedOut, true, 'marked before the error was shown');
  });

  it('a superadmin-required 401 does NOT sign out (whoami tells: the token works)', async () => {
    // bob is stored as a superadmin, which he is not: the Instance Users section meets the 401
    const c = await saveConnection(api, { ...WORKSPACE_ADMIN, superAdmin: true });
    const { section } = await sectionSnapshot(api, 'instanceUsers', c.id);
    assert.ok(section, 'the section was shown');
    assert.ok(!api.connections.get(c.id)?.signedOut, 'not signed out');
    const requests = (await emulator.requests()).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(requests.includes('GET /api/users/list_as_super_admin 401'), requests.join('\n'));

    // the same answer from a workspace endpoint: still not a rejected token
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'status', status: 401, body: SUPERADMIN_TEXT, times: 1 });
    api.tree.refresh(c.id);
    const [root] = await loadedSnapshot(api);
    assert.ok(!api.connections.get(c.id)?.signedOut, 'still not signed out');
    assert.ok(!(root.contextValue ?? '').includes('signedOut'));
  });
});

describe('Connection health: Sign In Again', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });
  afterEach(() => api.setBrowser(undefined));

  it('with a bad token keeps the connection signed out and explains', async () => {
    const c = await signedOutConnection(api, DEVELOPER);
    const [root] = await snapshot(api);
    api.setBrowser(NO_BROWSER);
    const p = script(api, [
      ...pasteSteps(BAD_TOKEN),
      { kind: 'message', severity: 'error', match: 'stays signed out' },
    ]);
    await run(SIGN_IN_AGAIN, root.children[0].node);
    p.assertDone();
    const box = p.asked.find((a) => a.kind === 'input');
    assert.equal(box?.password, true);
    assert.equal(box?.ignoreFocusOut, true);
    assert.match(p.shown('error')[0], /rejected the token/);
    assert.ok(!p.shown('error')[0].includes(BAD_TOKEN), 'the token is not in the message');
    assert.equal(api.connections.get(c.id)?.signedOut, true);
    assert.equal(await api.connections.getToken(c.id), DEVELOPER.token, 'nothing replaced');
  });

  it('with a good token: the same connection (id, name) works again, the new token in SecretStorage', async () => {
    const admin = await saveConnection(api, SUPERADMIN);
    const c = await signedOutConnection(api, DEVELOPER);
    await api.connections.update({ ...api.connections.get(c.id)!, label: 'Alice on demo' });
    const token = await freshToken(DEVELOPER);
    api.setBrowser(NO_BROWSER);
    const p = script(api, pasteSteps(token));
    const roots = await snapshot(api);
    await run(SIGN_IN_AGAIN, rootOf(roots, c.id).node);
    p.assertDone();
    assert.ok(p.shown('info').some((m) => m.includes('Signed in again')));

    assert.deepEqual(api.connections.list().map((x) => x.id).sort(), [admin.id, c.id].sort(), 'no new connection');
    const fresh = api.connections.get(c.id);
    assert.equal(fresh?.label, 'Alice on demo', 'the name is kept');
    assert.equal(fresh?.email, DEVELOPER.email);
    assert.equal(fresh?.signedOut, undefined, 'the flag is cleared');
    assert.equal(await api.connections.getToken(c.id), token);
    assert.equal(await api.connections.getToken(admin.id), SUPERADMIN.token, 'the other connection is untouched');
    const root = rootOf(await snapshot(api), c.id);
    assert.ok(root.children.some((g) => g.label === 'Admins'), 'the members load again');
    assert.ok(!(root.description ?? '').includes('signed out'));
  });

  it('from the palette it offers the signed-out connection first, and can sign in with the browser', async () => {
    await saveConnection(api, SUPERADMIN);
    const c = await signedOutConnection(api, DEVELOPER);
    await api.connections.update({ ...api.connections.get(c.id)!, label: 'zz alice' }); // sorts last by name
    api.setBrowser(fakeBrowser(async (url) => {
      url.searchParams.set('as', DEVELOPER.email); // the emulator's page signs in as alice
      const res = await fetch(url, { redirect: 'follow' });
      assert.equal(res.status, 200);
    }));
    const p = script(api, [
      { kind: 'pick', match: 'Choose a connection', answer: 'zz alice' },
      { kind: 'pick', match: 'How do you want to sign in again', answer: 'Sign In with Browser' },
    ]);
    await run(SIGN_IN_AGAIN);
    p.assertDone();
    assert.match(p.asked[0].items?.[0] ?? '', /^\$\(debug-disconnect\) zz alice$/, 'signed-out first, marked');
    const fresh = api.connections.get(c.id);
    assert.equal(fresh?.signedOut, undefined);
    assert.equal(fresh?.label, 'zz alice');
    const stored = await api.connections.getToken(c.id);
    assert.ok(stored && stored !== DEVELOPER.token);
    assert.equal((await emulator.whoami(stored)).status, 200);
  });
});

describe('Connection health: Rename Connection', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('validates the name (non-empty, at most 60 characters, no control characters) and stores it', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const [root] = await snapshot(api);
    const p = script(api, [
      { kind: 'input', match: 'New name', answer: '   ' },
      { kind: 'input', match: 'New name', answer: 'x'.repeat(61) },
      { kind: 'input', match: 'New name', answer: 'bad\u0007name' },
      { kind: 'input', match: 'New name', answer: ' Production ' },
    ]);
    await run(RENAME, root.node);
    p.assertDone();
    assert.equal(p.validationMessages.length, 3, p.validationMessages.join(' | '));
    assert.equal(api.connections.get(c.id)?.label, 'Production');
    assert.equal(await api.connections.getToken(c.id), SUPERADMIN.token);
    const [renamed] = await snapshot(api);
    assert.equal(renamed.label, 'Production');
    assert.equal(renamed.id, root.id, 'same tree item');
  });

  it('Escape changes nothing', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const p = script(api, [{ kind: 'input', match: 'New name', answer: undefined }]);
    await run(RENAME);
    p.assertDone();
    assert.equal(api.connections.get(c.id)?.label, DEMO_WORKSPACE);
  });
});

describe('Connection health: choosing the connection of palette commands', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('with one connection there is no question', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const p = script(api, [{ kind: 'input', match: 'New name', answer: 'Solo' }]);
    await run(RENAME);
    p.assertDone();
    assert.deepEqual(p.asked.map((a) => a.kind), ['input']);
    assert.equal(api.connections.get(c.id)?.label, 'Solo');
  });

  it('offers the last choice first (remembered in globalState); Select Default Connection sets it', async () => {
    const a = await saveConnection(api, SUPERADMIN);
    const b = await saveConnection(api, DEVELOPER);
    await api.connections.update({ ...api.connections.get(a.id)!, label: 'Alpha' });
    await api.connections.update({ ...api.connections.get(b.id)!, label: 'Beta' });

    let p = script(api, [
      { kind: 'pick', match: 'Choose a connection', answer: 'Beta' },
      { kind: 'input', match: 'New name', answer: 'Beta 2' },
    ]);
    await run(RENAME);
    p.assertDone();
    const first = p.asked[0].items ?? [];
    assert.deepEqual(first, ['Alpha', 'Beta']);
    assert.equal(api.globalState.get('windmillUsers.lastConnection'), b.id);

    p = script(api, [
      { kind: 'pick', match: 'Choose a connection', answer: 'Beta 2' },
      { kind: 'input', match: 'New name', answer: 'Beta 3' },
    ]);
    await run(RENAME);
    p.assertDone();
    assert.deepEqual(p.asked[0].items, ['Beta 2', 'Alpha'], 'the last choice first');

    // Select Default Connection: asks, and the next pick starts with its answer
    p = script(api, [{ kind: 'pick', match: 'Select Default Connection', answer: 'Alpha' }]);
    await run(SELECT);
    p.assertDone();
    assert.equal(api.globalState.get('windmillUsers.lastConnection'), a.id);
    assert.ok(p.shown('info').some((m) => m.includes('Alpha')));
    p = script(api, [{ kind: 'pick', match: 'Choose a connection', answer: undefined }]);
    await run(RENAME);
    p.assertDone();
    assert.deepEqual(p.asked[0].items, ['Alpha', 'Beta 3']);

    // signed-out connections are marked
    await api.connections.update({ ...api.connections.get(b.id)!, signedOut: true });
    p = script(api, [{ kind: 'pick', match: 'Choose a connection', answer: undefined }]);
    await run(RENAME);
    p.assertDone();
    assert.deepEqual(p.asked[0].items, ['Alpha', '$(debug-disconnect) Beta 3']);

    // removing the remembered connection forgets it
    await api.connections.remove(a.id);
    assert.equal(api.globalState.get('windmillUsers.lastConnection'), undefined);
  });

  it('the tree item of Select Default Connection sets it without a question', async () => {
    await saveConnection(api, SUPERADMIN);
    const b = await saveConnection(api, DEVELOPER);
    const roots = await snapshot(api);
    const p = script(api, []);
    await run(SELECT, rootOf(roots, b.id).node);
    p.assertDone();
    assert.equal(api.globalState.get('windmillUsers.lastConnection'), b.id);
  });
});

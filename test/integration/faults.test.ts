// Faults in the real host (issue 7): the request timeout setting reaches every client; a hung load
// becomes the error node and leaves other connections and the tree usable; a write whose answer is
// lost (emulator fault 'slow' longer than the timeout: the change lands, the client gives up) is
// never sent twice blindly: the flow looks, then says what happened, and offers "Try Again" only
// when the change was not made. A generated password is shown even when nothing can be checked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, OTHER_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { emulator, findMember, freshStart, roleGroups, run, saveConnection, script, snapshot, type Expectation } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const NEW_EMAIL = 'lost-answer@example.com';
/** Longer than the 1 s timeout these tests set: the server acts after the client gave up. */
const SLOW_MS = 1600;

async function setRequestTimeout(seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('windmillUsers').update('requestTimeoutSeconds', seconds, vscode.ConfigurationTarget.Global);
}

function addUserSteps(email = NEW_EMAIL): Expectation[] {
  return [
    { kind: 'input', match: 'Email of the user', answer: email },
    { kind: 'input', match: 'Password (leave empty', answer: '' },
    { kind: 'pick', match: 'superadmin?', answer: 'Regular User' },
    { kind: 'input', match: 'Company', answer: '' },
    { kind: 'input', match: 'Full name', answer: '' },
  ];
}
const roleDeveloper: Expectation = { kind: 'pick', match: `to the Workspace ${DEMO_WORKSPACE}`, answer: 'Developer' };

function tokenSteps(label: string): Expectation[] {
  return [
    { kind: 'pick', match: 'Which kind of token', answer: 'New Token for' },
    { kind: 'input', match: 'Token label', answer: label },
    { kind: 'pick', match: 'When does the token expire', answer: 'Never' },
    { kind: 'pick', match: 'Limit the token', answer: 'All Workspaces' },
  ];
}

async function count(method: string, path: string): Promise<number> {
  return (await emulator.requests()).filter((r) => r.method === method && decodeURIComponent(r.path) === path).length;
}

describe('Faults: timeouts', function () {
  this.timeout(30_000);
  let api: WindmillUsersTestApi;
  beforeEach(async () => {
    api = await freshStart();
    await setRequestTimeout(1);
  });
  afterEach(async () => { await setRequestTimeout(undefined); });

  it('a hung members load becomes the error node after the timeout; the other connection loads at once; refresh recovers', async () => {
    await saveConnection(api, SUPERADMIN);
    await saveConnection(api, SUPERADMIN, { workspace: OTHER_WORKSPACE });
    await emulator.fault({ method: 'GET', path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'hang', times: 0 });
    const roots = await api.tree.getChildren();
    const hung = roots.find((r) => r.connection.workspace === DEMO_WORKSPACE);
    const other = roots.find((r) => r.connection.workspace === OTHER_WORKSPACE);
    assert.ok(hung && other);

    const started = Date.now();
    const hungLoad = api.tree.getChildren(hung).then((children) => ({ children, ms: Date.now() - started }));
    const otherChildren = await api.tree.getChildren(other);
    const otherMs = Date.now() - started;
    assert.ok(otherChildren.some((n) => n.kind === 'group'), 'the other connection shows its members');
    assert.ok(otherMs < 900, `the other connection did not wait for the hung one (${otherMs} ms)`);

    const { children, ms } = await hungLoad;
    const error = children.find((n) => n.kind === 'error');
    assert.ok(error, 'the hung connection shows the error node');
    const item = api.tree.getTreeItem(error);
    assert.equal(item.contextValue, 'windmillUsers.error');
    assert.match(String(item.description ?? item.label), /did not answer within 1 s/);
    // the setting reached the client: ~1 s per attempt, the GET retried within its budget (2 x timeout)
    assert.ok(ms >= 900 && ms < 6000, `gave up after ${ms} ms`);
    assert.ok(await count('GET', `/api/w/${DEMO_WORKSPACE}/users/list`) >= 1);

    // the tree stays usable: once the server answers again, a refresh loads the members
    await emulator.reset();
    await run('windmillUsers.refresh', hung);
    const after = await snapshot(api);
    const demoRoot = after.find((r) => r.node.connection.workspace === DEMO_WORKSPACE);
    assert.ok(demoRoot && roleGroups(demoRoot).length > 0, 'the members load after the refresh');
    assert.ok(findMember(after, DEVELOPER.email));
  });

  it('a command against a hung server ends with the timeout message, nothing asked', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ method: 'GET', path: '/api/users/whoami', mode: 'hang', times: 0 });
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'did not answer within 1 s' }]);
    const started = Date.now();
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.asked.length, 0);
    assert.ok(Date.now() - started < 6000);
  });
});

describe('Faults: writes whose answer is lost', function () {
  this.timeout(30_000);
  let api: WindmillUsersTestApi;
  beforeEach(async () => {
    api = await freshStart();
    await setRequestTimeout(1);
    await saveConnection(api, SUPERADMIN);
  });
  afterEach(async () => { await setRequestTimeout(undefined); });

  it('Add User: the create lands after the timeout; the flow finds the user, says so and shows the generated password once', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/create', mode: 'slow', delayMs: SLOW_MS });
    const p = script(api, [
      ...addUserSteps(),
      { kind: 'secret', match: 'although the server did not answer', answer: 'Copy Password' },
      roleDeveloper,
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();

    assert.equal(await count('POST', '/api/users/create'), 1, 'the create was sent once, never retried');
    assert.ok(p.shown('info').some((t) => t.includes(`the user ${NEW_EMAIL} now exists`)), 'the person is told it was created');
    assert.ok(!p.messages.some((m) => m.buttons.includes('Try Again')), 'no "Try Again" for a user that exists');
    assert.equal(p.secrets.length, 1);
    const password = p.secrets[0].secret;
    assert.equal((await emulator.login(NEW_EMAIL, password)).status, 200, 'the password shown is the account\'s');
    const state = await emulator.state();
    assert.equal(state.users.filter((u) => u.email === NEW_EMAIL).length, 1);
    assert.ok(state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === NEW_EMAIL), 'the flow went on to add them');
  });

  it('Add User: a 504 that did not create the user offers "Try Again", which creates it once', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/create', mode: 'status', status: 504, body: 'Gateway Timeout' });
    const p = script(api, [
      ...addUserSteps(),
      { kind: 'message', severity: 'error', match: `The user ${NEW_EMAIL} was not created`, answer: 'Try Again' },
      { kind: 'secret', match: 'generated password', answer: 'Copy Password' },
      roleDeveloper,
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.match(p.shown('error')[0], /504/);
    assert.equal(await count('POST', '/api/users/create'), 2, 'sent again only after "Try Again"');
    assert.ok(await count('GET', '/api/users/list_as_super_admin') >= 1, 'the flow looked before offering to try again');
    const state = await emulator.state();
    assert.equal(state.users.filter((u) => u.email === NEW_EMAIL).length, 1);
    assert.equal((await emulator.login(NEW_EMAIL, p.secrets[0].secret)).status, 200);
  });

  it('Add User: when the look fails too, the generated password is shown anyway (never lost)', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/create', mode: 'slow', delayMs: SLOW_MS });
    await emulator.fault({ method: 'GET', path: '/api/users/list_as_super_admin', mode: 'status', status: 500, body: 'db down', times: 0 });
    const p = script(api, [
      ...addUserSteps(),
      { kind: 'message', severity: 'error', match: 'could not be checked' },
      { kind: 'secret', match: 'may have been created', answer: 'Copy Password' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(await count('POST', '/api/users/create'), 1);
    await new Promise((r) => setTimeout(r, SLOW_MS));
    assert.equal((await emulator.login(NEW_EMAIL, p.secrets[0].secret)).status, 200, 'the account has the password that was shown');
  });

  it('Add User: adding to the workspace lands after the timeout; the flow sees the membership', async () => {
    await emulator.fault({ method: 'POST', path: `/api/w/${DEMO_WORKSPACE}/workspaces/add_user`, mode: 'slow', delayMs: SLOW_MS });
    const p = script(api, [...addUserSteps(), { kind: 'secret', match: 'generated password', answer: 'Copy Password' }, roleDeveloper]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(await count('POST', `/api/w/${DEMO_WORKSPACE}/workspaces/add_user`), 1);
    assert.ok(p.shown('info').some((t) => t.includes(`${NEW_EMAIL} is now a member of ${DEMO_WORKSPACE}`)));
    assert.ok(!p.messages.some((m) => m.buttons.includes('Try Again')));
  });

  it('Remove User: the removal lands after the timeout; the flow sees the member gone', async () => {
    const node = findMember(await snapshot(api), DEVELOPER.email)?.node;
    assert.ok(node);
    await emulator.fault({ method: 'DELETE', path: `/api/w/${DEMO_WORKSPACE}/users/delete/${DEVELOPER.username}`, mode: 'slow', delayMs: SLOW_MS });
    const p = script(api, [
      { kind: 'pick', match: 'workspace only, or delete the account', answer: 'Remove from the Workspace' },
      { kind: 'message', severity: 'warning', match: `Remove ${DEVELOPER.email}`, answer: 'Remove from Workspace' },
    ]);
    await run('windmillUsers.removeUser', node);
    p.assertDone();
    assert.equal(await count('DELETE', `/api/w/${DEMO_WORKSPACE}/users/delete/${DEVELOPER.username}`), 1);
    assert.ok(p.shown('info').some((t) => t.includes(`${DEVELOPER.email} is no longer a member of ${DEMO_WORKSPACE}`)));
    assert.ok(!(await emulator.state()).workspaces[DEMO_WORKSPACE].members.some((m) => m.email === DEVELOPER.email));
  });

  it('Create Token: the token is created after the timeout; the flow finds it, says it cannot be recovered and revokes the orphan', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/tokens/create', mode: 'slow', delayMs: SLOW_MS });
    const p = script(api, [
      ...tokenSteps('orphan-test'),
      { kind: 'message', severity: 'warning', match: 'created a token labelled "orphan-test"', answer: 'Revoke' },
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    const warning = p.messages.find((m) => m.severity === 'warning');
    assert.equal(warning?.modal, true);
    assert.match(warning?.detail ?? '', /cannot be recovered/);
    assert.deepEqual(warning?.buttons, ['Revoke', 'Revoke and Try Again']);
    assert.equal(p.secrets.length, 0, 'no token to show: it was lost with the answer');
    assert.equal(await count('POST', '/api/users/tokens/create'), 1, 'never created twice');
    assert.equal((await emulator.requests()).filter((r) => r.method === 'DELETE' && r.path.startsWith('/api/users/tokens/delete/')).length, 1);
    assert.deepEqual((await emulator.state()).tokens.filter((t) => t.label === 'orphan-test'), [], 'the orphan was revoked');
    assert.ok(p.shown('info').some((t) => /Revoked the token/.test(t)));
  });

  it('Create Token: "Revoke and Try Again" revokes the orphan and shows the new token once', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/tokens/create', mode: 'slow', delayMs: SLOW_MS });
    const p = script(api, [
      ...tokenSteps('orphan-retry'),
      { kind: 'message', severity: 'warning', match: 'created a token labelled "orphan-retry"', answer: 'Revoke and Try Again' },
      { kind: 'secret', match: 'New token for', answer: 'Copy Token' },
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    const left = (await emulator.state()).tokens.filter((t) => t.label === 'orphan-retry');
    assert.equal(left.length, 1, 'one token with the label: the new one');
    assert.ok(p.secrets[0].secret.startsWith(left[0].prefix));
    assert.equal((await emulator.whoami(p.secrets[0].secret)).status, 200);
  });

  it('Create Token: a 502 that created nothing offers "Try Again"', async () => {
    await emulator.fault({ method: 'POST', path: '/api/users/tokens/create', mode: 'status', status: 502, body: 'Bad Gateway' });
    const p = script(api, [
      ...tokenSteps('retry-test'),
      { kind: 'message', severity: 'error', match: 'No token labelled "retry-test" was created', answer: 'Try Again' },
      { kind: 'secret', match: 'New token for', answer: 'Copy Token' },
    ]);
    await run('windmillUsers.createToken');
    p.assertDone();
    assert.equal(await count('POST', '/api/users/tokens/create'), 2);
    assert.equal((await emulator.state()).tokens.filter((t) => t.label === 'retry-test').length, 1);
  });
});

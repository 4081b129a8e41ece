import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, freshStart, mutatingRequests, run, saveConnection, script, sectionSnapshot, snapshot, type Expectation, type TreeSnapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const LIST = '/api/users/tokens/list';

/** Sign In Again asks paste-or-browser only where a browser sign-in can work (a desktop VS Code). */
function howToSignIn(): Expectation[] {
  return vscode.env.uiKind === vscode.UIKind.Desktop ? [{ kind: 'pick', match: 'How do you want to sign in again', answer: 'Paste a New Token' }] : [];
}

async function tokenNode(api: WindmillUsersTestApi, label: string): Promise<TreeSnapshot> {
  const { children } = await sectionSnapshot(api, 'tokens');
  const found = children.find((c) => c.label === label);
  assert.ok(found, `token ${label} is listed (got ${children.map((c) => c.label).join(', ')})`);
  return found;
}

/** A second token of the superadmin, made through the API (as another tool would). */
async function createTokenViaApi(label: string): Promise<string> {
  const res = await fetch(`${emulatorUrl()}/api/users/tokens/create`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SUPERADMIN.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  assert.equal(res.status, 201);
  return res.text();
}

describe('My Tokens', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('lists the account\'s tokens (no ephemeral ones) with prefix, expiry, scopes and workspace; expired ones marked', async () => {
    await saveConnection(api, SUPERADMIN);
    const { section, children } = await sectionSnapshot(api, 'tokens');
    assert.equal(section?.contextValue, 'windmillUsers.section:tokens');
    const labels = children.map((c) => c.label).sort();
    assert.deepEqual(labels, ['ci-deploy', 'laptop', 'old-expired', 'seed']);
    const req = (await emulator.requests()).find((r) => r.path === LIST);
    assert.equal(req?.query.exclude_ephemeral, 'true');
    assert.equal(req?.query.page, '1');

    const expired = children.find((c) => c.label === 'old-expired');
    assert.equal(expired?.contextValue, 'windmillUsers.token:expired');
    assert.match(expired?.description ?? '', /expired/);
    assert.match(expired?.tooltip ?? '', /expired/);
    const ci = children.find((c) => c.label === 'ci-deploy');
    assert.equal(ci?.contextValue, 'windmillUsers.token');
    assert.match(ci?.description ?? '', /expires in (29|30) days/);
    assert.match(ci?.description ?? '', new RegExp(`only ${DEMO_WORKSPACE}`));
    assert.match(ci?.tooltip ?? '', /users:read/);
    assert.match(ci?.tooltip ?? '', /Last used/);
    const seed = children.find((c) => c.label === 'seed');
    assert.equal(seed?.contextValue, 'windmillUsers.token:current', 'the connection\'s own token is flagged');
    assert.match(seed?.description ?? '', new RegExp(`^${SUPERADMIN.token.slice(0, 10)}…`));
    assert.match(seed?.description ?? '', /never expires/);
    // the secret is never shown, only its prefix
    for (const c of children) assert.ok(!`${c.description} ${c.tooltip}`.includes(SUPERADMIN.token));
  });

  it('revokes a token after a modal confirmation; declining sends nothing', async () => {
    await saveConnection(api, SUPERADMIN);
    const laptop = await tokenNode(api, 'laptop');
    let p = script(api, [{ kind: 'message', match: 'Revoke the token "laptop"', answer: undefined }]);
    await run('windmillUsers.revokeToken', laptop.node);
    p.assertDone();
    assert.deepEqual(await mutatingRequests(), []);

    p = script(api, [{ kind: 'message', match: 'Revoke the token "laptop"', answer: 'Revoke Token' }]);
    await run('windmillUsers.revokeToken', laptop.node);
    p.assertDone();
    assert.equal(p.messages[0].modal, true);
    const state = await emulator.state();
    assert.ok(!state.tokens.some((t) => t.owner === SUPERADMIN.email && t.label === 'laptop'));
    assert.ok((await emulator.requests()).some((r) => r.method === 'DELETE' && r.path === `/api/users/tokens/delete/${laptop.node.kind === 'token' ? laptop.node.token.token_prefix : ''}`));
    const { children } = await sectionSnapshot(api, 'tokens');
    assert.ok(!children.some((c) => c.label === 'laptop'), 'the section updated');
  });

  it('revokes from the palette with a quick pick', async () => {
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'pick', match: 'Revoke a Token', answer: 'old-expired' },
      { kind: 'message', match: 'Revoke the token "old-expired"', answer: 'Revoke Token' },
    ]);
    await run('windmillUsers.revokeToken');
    p.assertDone();
    assert.ok(!(await emulator.state()).tokens.some((t) => t.label === 'old-expired'));
  });

  it('revoking the connection\'s own token warns, then asks for a new one and uses it', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const replacement = await createTokenViaApi('replacement');
    const seed = await tokenNode(api, 'seed');
    const p = script(api, [
      { kind: 'message', match: 'This connection uses it', answer: 'Revoke Token' },
      ...howToSignIn(),
      { kind: 'input', match: 'New Windmill token', answer: replacement },
    ]);
    await run('windmillUsers.revokeToken', seed.node);
    p.assertDone();
    assert.match(p.messages[0].detail ?? '', /stops working/);
    assert.equal((await emulator.whoami(SUPERADMIN.token)).status, 401, 'the old token is revoked');
    assert.equal(p.asked.find((a) => a.kind === 'input')?.password, true);
    assert.equal(await api.connections.getToken(c.id), replacement);
    assert.ok(p.shown('info').some((t) => /Signed in again/.test(t)));
    // the tree works with the new token, and the new token is the current one
    const after = await tokenNode(api, 'replacement');
    assert.equal(after.contextValue, 'windmillUsers.token:current');
  });

  it('revoking the own token and declining a new one says the connection no longer works', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const seed = await tokenNode(api, 'seed');
    const p = script(api, [
      { kind: 'message', match: 'This connection uses it', answer: 'Revoke Token' },
      ...howToSignIn(),
      { kind: 'input', match: 'New Windmill token', answer: undefined },
    ]);
    await run('windmillUsers.revokeToken', seed.node);
    p.assertDone();
    assert.ok(p.shown('warning').some((t) => /no longer works/.test(t)));
    assert.equal(await api.connections.getToken(c.id), SUPERADMIN.token, 'the stored token is untouched');
    // the next request finds the token rejected: the connection shows as signed out
    const roots = await snapshot(api, undefined, { sections: true });
    const shown = roots[0].children.map((n) => `${n.contextValue} ${n.description ?? ''} ${n.children.map((x) => x.description).join(' ')}`).join(' | ');
    assert.match(shown, /signedOut|rejected/);
  });
});

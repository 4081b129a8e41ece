import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, DEVELOPER, OPERATOR, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { closedPort, emulator, freshStart, groupSummary, findMember, roleGroups, run, saveConnection, script, snapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

describe('Users tree', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('is empty without a connection (the welcome view shows then)', async () => {
    assert.deepEqual(await snapshot(api), []);
  });

  it('shows the demo members grouped by role with counts', async () => {
    await saveConnection(api, SUPERADMIN);
    const roots = await snapshot(api);
    assert.equal(roots.length, 1);
    assert.deepEqual(groupSummary(roots[0]), ['Admins 2', 'Developers 2', 'Operators 1', 'Disabled 1']);
    const byGroup = Object.fromEntries(roots[0].children.map((g) => [g.label, g.children.map((m) => m.label)]));
    assert.deepEqual(byGroup.Admins, [SUPERADMIN.email, WORKSPACE_ADMIN.email].sort());
    assert.deepEqual(byGroup.Developers, [DEVELOPER.email, 'erin@example.com'].sort());
    assert.deepEqual(byGroup.Operators, [OPERATOR.email]);
    assert.deepEqual(byGroup.Disabled, ['dan@example.com']);
    // the counts match the emulator's state
    const state = await emulator.state();
    assert.equal(roleGroups(roots[0]).reduce((n, g) => n + g.children.length, 0), state.workspaces[DEMO_WORKSPACE].members.length);
  });

  it('members have stable ids, role in the description, flags in contextValue and an escaped tooltip', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const roots = await snapshot(api);
    const alice = findMember(roots, DEVELOPER.email);
    assert.ok(alice);
    assert.equal(alice.id, `connection/${c.id}/user/${DEVELOPER.username}`);
    assert.equal(alice.description, `${DEVELOPER.username} · developer`);
    assert.equal(alice.contextValue, 'windmillUsers.user:developer');
    assert.match(alice.tooltip ?? '', /Alice(&nbsp;| )Liddell/); // server text, escaped
    const dan = findMember(roots, 'dan@example.com');
    assert.equal(dan?.contextValue, 'windmillUsers.user:developer:disabled');
    const me = findMember(roots, SUPERADMIN.email);
    assert.equal(me?.contextValue, 'windmillUsers.user:admin:self');
    // ids do not change across a refresh
    api.tree.refresh();
    assert.equal(findMember(await snapshot(api), DEVELOPER.email)?.id, alice.id);
  });

  it('a failed load is one error node with the server message; Retry loads again', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'status', status: 500, body: 'Internal: database is on fire' });
    const p = script(api, []);
    let roots = await snapshot(api);
    assert.equal(roots[0].children.length, 1);
    const error = roots[0].children[0];
    assert.equal(error.contextValue, 'windmillUsers.error');
    assert.match(error.description ?? '', /database is on fire/);
    assert.match(error.description ?? '', /500/);
    await run('windmillUsers.retry', error.node);
    roots = await snapshot(api);
    assert.deepEqual(groupSummary(roots[0]), ['Admins 2', 'Developers 2', 'Operators 1', 'Disabled 1']);
    p.assertDone(); // no popup
    assert.equal(p.messages.length, 0);
  });

  it('a rejected token shows in the tree, not as a popup', async () => {
    await saveConnection(api, SUPERADMIN, { token: 'wmRevokedToken000000000000000000' });
    const p = script(api, []);
    const roots = await snapshot(api);
    assert.equal(roots[0].children[0].contextValue, 'windmillUsers.signedOut', 'signed out (src/connections/health.ts)');
    assert.match(roots[0].description ?? '', /admin@windmill\.dev/);
    assert.match(roots[0].children[0].description ?? '', /token was rejected/);
    p.assertDone();
    assert.equal(p.messages.length, 0);
  });

  it('an unreachable server shows an error node, next to working connections', async () => {
    await saveConnection(api, SUPERADMIN, { remote: `http://127.0.0.1:${await closedPort()}` });
    await saveConnection(api, WORKSPACE_ADMIN);
    const p = script(api, []);
    const roots = await snapshot(api);
    assert.equal(roots.length, 2);
    const [down, up] = roots[0].description?.includes(SUPERADMIN.email) ? roots : [roots[1], roots[0]];
    assert.equal(down.children[0].contextValue, 'windmillUsers.error');
    assert.match(down.children[0].description ?? '', /connection refused/);
    assert.equal(roleGroups(up).length, 4);
    p.assertDone();
    assert.equal(p.messages.length, 0);
  });

  it('a dropped connection shows an error node; the tree recovers on refresh', async () => {
    await saveConnection(api, SUPERADMIN);
    // dropped on every attempt (the client retries a read twice)
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'refuse', times: 3 });
    let roots = await snapshot(api);
    assert.equal(roots[0].children[0].contextValue, 'windmillUsers.error');
    assert.match(roots[0].children[0].description ?? '', /closed unexpectedly|refused/);
    await run('windmillUsers.refresh');
    roots = await snapshot(api);
    assert.equal(roleGroups(roots[0]).length, 4);
  });

  it('shows several connections as roots, each with its own members', async () => {
    await saveConnection(api, SUPERADMIN);
    await saveConnection(api, WORKSPACE_ADMIN);
    const roots = await snapshot(api);
    assert.equal(roots.length, 2);
    assert.deepEqual(roots.map((r) => r.contextValue).sort(), ['windmillUsers.connection', 'windmillUsers.connection:superadmin']);
    for (const r of roots) assert.equal(roleGroups(r).length, 4);
  });
});

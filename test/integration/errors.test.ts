import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { closedPort, emulator, freshStart, roleGroups, run, saveConnection, script, snapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

describe('Server errors', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('401: a revoked token is explained; the tree shows it, no popup storm', async () => {
    await saveConnection(api, SUPERADMIN, { token: 'wmRevokedToken000000000000000000' });
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'token was rejected' }]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.asked.length, 0, 'nothing was asked');
    assert.ok(!p.shown('error')[0].includes('wmRevokedToken'));
    const roots = await snapshot(api);
    assert.equal(roots[0].children[0].contextValue, 'windmillUsers.signedOut', 'signed out (src/connections/health.ts)');
    assert.equal(p.messages.length, 1, 'loading the tree added no popup');
  });

  it('refused: a server that is down is explained; nothing is asked', async () => {
    await saveConnection(api, SUPERADMIN, { remote: `http://127.0.0.1:${await closedPort()}` });
    const p = script(api, [{ kind: 'message', severity: 'error', match: 'connection refused' }]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.equal(p.asked.length, 0, 'the superadmin check failed before any input');
    assert.match(p.shown('error')[0], /^Could not add a user: Could not reach 127\.0\.0\.1:\d+: connection refused/);
  });

  it('403 on the members list becomes the error node, then a refresh recovers', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'status', status: 403, body: 'Permission denied: Access denied. Required scope: users:read' });
    let roots = await snapshot(api);
    assert.match(roots[0].children[0].description ?? '', /Required scope/);
    await run('windmillUsers.refresh', roots[0].node);
    roots = await snapshot(api);
    assert.equal(roleGroups(roots[0]).length, 4);
  });

  it('an HTML error page (502 from a proxy) is explained without dumping the page', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: '/api/users/create', mode: 'status', status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'x@example.com' },
      { kind: 'input', match: 'Password (leave empty', answer: '' },
      { kind: 'pick', match: 'superadmin?', answer: 'Regular' },
      { kind: 'input', match: 'Company', answer: '' },
      { kind: 'input', match: 'Full name', answer: '' },
      { kind: 'message', severity: 'error', match: '502' },
    ]);
    await run('windmillUsers.addUser');
    p.assertDone();
    assert.ok(!p.shown('error')[0].includes('<html>'));
    assert.equal(roleGroups((await snapshot(api))[0]).length, 4);
  });

  it('a hanging server can be given up on: the load is aborted by a refresh', async () => {
    await saveConnection(api, SUPERADMIN);
    await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/list`, mode: 'hang' });
    const [root] = await api.tree.getChildren();
    const pending = api.tree.getChildren(root);
    await new Promise((r) => setTimeout(r, 200));
    api.tree.refresh(); // aborts the hung request and loads again (the fault applied once)
    const children = await pending;
    assert.equal(children.filter((c) => c.kind === 'group').length, 4);
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN } from '../emulator/seed';
import { BACK, closedPort, emulator, emulatorUrl, freshStart, htmlServer, run, saveConnection, script, snapshot, type Expectation, assertNothingSaved } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const addAnswers = (url: string, workspace: string, token: string): Expectation[] => [
  { kind: 'input', match: 'instance URL', answer: url },
  { kind: 'input', match: 'Workspace id', answer: workspace },
  { kind: 'input', match: 'token', answer: token },
];

describe('Add Connection', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('checks the token and the workspace, then saves the connection (token in SecretStorage)', async () => {
    const p = script(api, addAnswers(emulatorUrl(), DEMO_WORKSPACE, SUPERADMIN.token));
    await run('windmillUsers.addConnection');
    p.assertDone();

    const [c] = api.connections.list();
    assert.ok(c, 'one connection saved');
    assert.equal(c.workspace, DEMO_WORKSPACE);
    assert.equal(c.email, SUPERADMIN.email);
    assert.equal(c.superAdmin, true);
    assert.equal(c.edition, 'EE');
    assert.equal(await api.connections.getToken(c.id), SUPERADMIN.token);
    // asked with step numbers, the token in a password box that survives focus loss
    const token = p.asked.find((a) => a.password);
    assert.equal(token?.ignoreFocusOut, true);
    assert.deepEqual(p.asked.map((a) => `${a.step}/${a.totalSteps}`), ['1/3', '2/3', '3/3']);
    // checked before saving: whoami, then workspace whoami
    const paths = (await emulator.requests()).map((r) => `${r.method} ${r.path}`);
    assert.ok(paths.indexOf('GET /api/users/whoami') < paths.indexOf(`GET /api/w/${DEMO_WORKSPACE}/users/whoami`));
    // the tree shows it at once
    const roots = await snapshot(api);
    assert.equal(roots.length, 1);
    assert.equal(roots[0].label, DEMO_WORKSPACE);
    assert.match(roots[0].description ?? '', new RegExp(SUPERADMIN.email.replace('.', '\\.')));
    assert.equal(roots[0].contextValue, 'windmillUsers.connection:superadmin');
    assert.ok(p.shown('info').some((m) => m.includes('Connected to')), 'a confirmation is shown');
  });

  it('Back returns to the previous step and keeps what was typed', async () => {
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: BACK },
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
      { kind: 'input', match: 'token', answer: DEVELOPER.token },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.equal(api.connections.list()[0]?.email, DEVELOPER.email);
    assert.equal(api.connections.list()[0]?.superAdmin, false);
  });

  it('a bad token is explained and nothing is saved', async () => {
    const p = script(api, [
      ...addAnswers(emulatorUrl(), DEMO_WORKSPACE, 'wmThisTokenDoesNotExist000000000'),
      { kind: 'message', severity: 'error', match: 'rejected the token' },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.match(p.shown('error')[0], /Nothing was saved/);
    assert.ok(!p.shown('error')[0].includes('wmThisTokenDoesNotExist'), 'the token is not in the message');
    await assertNothingSaved(api);
  });

  it('an unknown workspace is explained and nothing is saved', async () => {
    const p = script(api, [
      ...addAnswers(emulatorUrl(), 'nosuchworkspace', SUPERADMIN.token),
      { kind: 'message', severity: 'error', match: 'does not exist' },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.match(p.shown('error')[0], /nosuchworkspace/);
    await assertNothingSaved(api);
  });

  it('an unreachable server is explained and nothing is saved', async () => {
    const port = await closedPort();
    const p = script(api, [
      ...addAnswers(`http://127.0.0.1:${port}`, DEMO_WORKSPACE, SUPERADMIN.token),
      { kind: 'message', severity: 'error', match: 'unreachable' },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.match(p.shown('error')[0], /refused/);
    await assertNothingSaved(api);
  });

  it('a web server that is not Windmill is explained and nothing is saved', async () => {
    const html = await htmlServer();
    try {
      const p = script(api, [
        ...addAnswers(html.url, DEMO_WORKSPACE, SUPERADMIN.token),
        { kind: 'message', severity: 'error', match: /not (answer like )?a Windmill server/i },
      ]);
      await run('windmillUsers.addConnection');
      p.assertDone();
    } finally {
      await html.close();
    }
    await assertNothingSaved(api);
  });

  it('a malformed URL gets its message and sends no request', async () => {
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: 'not a url' },
      { kind: 'input', match: 'instance URL', answer: undefined },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.equal(p.validationMessages.length, 1);
    assert.deepEqual(await emulator.requests(), []);
    await assertNothingSaved(api);
  });

  it('warns before sending a token over http:// to a non-loopback host', async () => {
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: 'http://windmill.example.com' },
      { kind: 'message', severity: 'warning', match: 'clear text', answer: undefined },
      // declined: the URL is asked again; the person gives up
      { kind: 'input', match: 'instance URL', answer: undefined },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.equal(p.messages.find((m) => m.severity === 'warning')?.modal, true);
    assert.deepEqual(await emulator.requests(), []);
    await assertNothingSaved(api);
  });

  it('does not warn for http:// to a loopback host', async () => {
    const p = script(api, addAnswers(emulatorUrl(), DEMO_WORKSPACE, SUPERADMIN.token));
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.equal(p.messages.filter((m) => m.severity === 'warning').length, 0);
    assert.equal(api.connections.list().length, 1);
  });
});

describe('Remove Connection', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });

  it('deletes the metadata and the token after a modal confirmation', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const [root] = await snapshot(api);
    const p = script(api, [{ kind: 'message', severity: 'warning', match: 'Remove the connection', answer: 'Remove' }]);
    await run('windmillUsers.removeConnection', root.node);
    p.assertDone();
    assert.equal(p.messages[0].modal, true);
    assert.deepEqual(api.connections.list(), []);
    assert.equal(await api.connections.getToken(c.id), undefined);
    assert.deepEqual(await snapshot(api), []);
  });

  it('keeps everything when the confirmation is declined', async () => {
    const c = await saveConnection(api, SUPERADMIN);
    const p = script(api, [{ kind: 'message', match: 'Remove the connection', answer: undefined }]);
    await run('windmillUsers.removeConnection');
    p.assertDone();
    assert.equal(api.connections.list().length, 1);
    assert.equal(await api.connections.getToken(c.id), SUPERADMIN.token);
  });

  it('from the palette with several connections, asks which one', async () => {
    await saveConnection(api, SUPERADMIN);
    const other = await saveConnection(api, DEVELOPER);
    const p = script(api, [
      { kind: 'pick', match: 'Choose a connection', answer: DEMO_WORKSPACE },
      { kind: 'message', match: 'Remove the connection', answer: 'Remove' },
    ]);
    await run('windmillUsers.removeConnection');
    p.assertDone();
    assert.equal(api.connections.list().length, 1);
    // both roots are labelled "demo"; the first listed was removed, the other stays intact
    const left = api.connections.list()[0];
    assert.equal(await api.connections.getToken(left.id), left.id === other.id ? DEVELOPER.token : SUPERADMIN.token);
  });
});

describe('Secrets', () => {
  it('the token is in SecretStorage and nowhere in globalState or settings', async () => {
    const api = await freshStart();
    const p = script(api, addAnswers(emulatorUrl(), DEMO_WORKSPACE, SUPERADMIN.token));
    await run('windmillUsers.addConnection');
    p.assertDone();
    const [c] = api.connections.list();
    assert.equal(await api.connections.getToken(c.id), SUPERADMIN.token);
    for (const key of api.globalState.keys()) {
      assert.ok(!JSON.stringify(api.globalState.get(key) ?? null).includes(SUPERADMIN.token), `globalState ${key} has no token`);
    }
    assert.ok(api.globalState.keys().length > 0, 'the connection metadata is in globalState');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('windmillUsers'));
    assert.ok(!settings.includes(SUPERADMIN.token), 'no token in the extension settings');
    const inspected = vscode.workspace.getConfiguration().inspect('windmillUsers');
    assert.ok(!JSON.stringify(inspected ?? null).includes(SUPERADMIN.token), 'no token in any settings scope');
    // nor in any message shown to the person
    assert.ok(!p.messages.some((m) => `${m.text} ${m.detail ?? ''}`.includes(SUPERADMIN.token)));
  });
});


// Import wmill CLI Profiles and Import from Windmill Extension Settings, in the real host against the
// emulator. The CLI's folder is a temp folder (WMILL_CONFIG_DIR, read at call time); the official
// extension's settings are written to the host's user settings file (that extension is not installed
// here, so its keys are unregistered and cannot be written through the API).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, OTHER_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, freshStart, run, script, snapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';

const BAD_TOKEN = 'wmRevokedToken00000000000000000';
const LEAKY_TOKEN = 'wmTokenOnABrokenLine000000000000';

async function allTokens(api: WindmillUsersTestApi): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const c of api.connections.list()) out[`${c.workspace} ${c.email}`] = await api.connections.getToken(c.id);
  return out;
}

describe('Import wmill CLI Profiles', () => {
  let api: WindmillUsersTestApi;
  let tmp: string;
  let dir: string;
  const savedEnv = process.env.WMILL_CONFIG_DIR;

  beforeEach(async () => {
    api = await freshStart();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'wmill-cli-'));
    dir = path.join(tmp, 'windmill');
    await fs.mkdir(dir);
    process.env.WMILL_CONFIG_DIR = tmp;
  });
  afterEach(async () => {
    if (savedEnv === undefined) delete process.env.WMILL_CONFIG_DIR;
    else process.env.WMILL_CONFIG_DIR = savedEnv;
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function writeFixture(lines: string[], active?: string): Promise<void> {
    await fs.writeFile(path.join(dir, 'remotes.ndjson'), `${lines.join('\n')}\n`);
    if (active !== undefined) await fs.writeFile(path.join(dir, 'activeWorkspace'), active);
  }
  async function snapshotFiles(): Promise<Record<string, { text: string; mtimeMs: number }>> {
    const out: Record<string, { text: string; mtimeMs: number }> = {};
    for (const f of await fs.readdir(dir)) {
      const p = path.join(dir, f);
      out[f] = { text: await fs.readFile(p, 'utf8'), mtimeMs: (await fs.stat(p)).mtimeMs };
    }
    return out;
  }

  it('imports the chosen good profiles, reports the bad token and the malformed line, never touches the files', async () => {
    const remote = `${emulatorUrl()}/`;
    await writeFixture([
      JSON.stringify({ name: 'local', remote, workspaceId: DEMO_WORKSPACE, token: SUPERADMIN.token }),
      JSON.stringify({ name: 'stale', remote, workspaceId: DEMO_WORKSPACE, token: BAD_TOKEN }),
      `{"name": "broken", "remote": "${remote}", "token": "${LEAKY_TOKEN}"`,
      JSON.stringify({ name: 'second', remote, workspaceId: OTHER_WORKSPACE, token: SUPERADMIN.token, extra: 'unknown fields are ignored' }),
    ], 'local');
    const before = await snapshotFiles();

    const p = script(api, [
      { kind: 'pickMany', match: 'Import wmill CLI Profiles', answer: ['local', 'stale', 'second'] },
      { kind: 'message', severity: 'warning', match: 'Imported 2', answer: 'About Plaintext Tokens' },
      { kind: 'message', severity: 'info', match: 'plain text', answer: undefined },
    ]);
    await run('windmillUsers.importCliProfiles');
    p.assertDone();

    // the pick: name, never the token; the active profile pre-selected
    const asked = p.asked.find((a) => a.kind === 'pickMany');
    assert.deepEqual(asked?.items, ['local', 'stale', 'second']);
    assert.deepEqual(asked?.picked, ['local']);

    // the right connections, tokens in SecretStorage
    assert.deepEqual(await allTokens(api), {
      [`${DEMO_WORKSPACE} ${SUPERADMIN.email}`]: SUPERADMIN.token,
      [`${OTHER_WORKSPACE} ${SUPERADMIN.email}`]: SUPERADMIN.token,
    });
    assert.equal((await snapshot(api)).length, 2, 'the tree shows both');

    // one summary: imported, failed with its reason, the problem in the file; no token anywhere in it
    const summary = p.messages.find((m) => m.text.includes('Imported'))!;
    assert.match(summary.text, /local, second/);
    assert.match(summary.text, /1 failed: stale: .*rejected the token/);
    assert.match(summary.text, /Line 3 is not valid JSON/);
    for (const t of [SUPERADMIN.token, BAD_TOKEN, LEAKY_TOKEN]) assert.ok(!JSON.stringify(p.messages).includes(t), 'no token in any message');
    // the plaintext explanation names the file
    assert.match(p.messages.find((m) => m.modal)?.detail ?? '', /remotes\.ndjson/);

    // the CLI's files are byte for byte what they were
    assert.deepEqual(await snapshotFiles(), before);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['activeWorkspace', 'remotes.ndjson']);
  });

  it('a missing CLI folder is one clear message, and nothing is asked', async () => {
    await fs.rm(dir, { recursive: true });
    const p = script(api, []);
    await run('windmillUsers.importCliProfiles');
    p.assertDone();
    assert.match(p.shown('warning')[0] ?? '', /No wmill CLI profiles found: .*remotes\.ndjson does not exist/);
    assert.deepEqual(api.connections.list(), []);
    assert.deepEqual(await emulator.requests(), []);
  });

  it('an empty profiles file is reported, and nothing is asked', async () => {
    await writeFixture([]);
    const p = script(api, []);
    await run('windmillUsers.importCliProfiles');
    p.assertDone();
    assert.match(p.shown('warning')[0] ?? '', /holds no profiles/);
    assert.deepEqual(api.connections.list(), []);
  });

  it('cancelling the pick imports nothing and sends no request', async () => {
    await writeFixture([JSON.stringify({ name: 'local', remote: `${emulatorUrl()}/`, workspaceId: DEMO_WORKSPACE, token: SUPERADMIN.token })], 'local');
    const p = script(api, [{ kind: 'pickMany', match: 'Import wmill CLI Profiles', answer: undefined }]);
    await run('windmillUsers.importCliProfiles');
    p.assertDone();
    assert.deepEqual(api.connections.list(), []);
    assert.deepEqual(await emulator.requests(), []);
    assert.deepEqual(p.messages, []);
  });
});

describe('Import from Windmill Extension Settings', () => {
  let api: WindmillUsersTestApi;
  let settingsFile: string;
  let original: string | undefined;

  /**
   * Replaces the user settings file's text through an editor (as a person editing settings.json
   * would), then waits until VS Code's configuration shows `windmill.token` as expected.
   */
  async function setUserSettingsText(text: string, expectedToken: unknown): Promise<void> {
    try {
      await fs.access(settingsFile);
    } catch {
      await fs.writeFile(settingsFile, '{}');
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(settingsFile));
    if (doc.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      assert.ok(await vscode.workspace.applyEdit(edit), 'edited settings.json');
      assert.ok(await doc.save(), 'saved settings.json');
    }
    const deadline = Date.now() + 10_000;
    while (vscode.workspace.getConfiguration().inspect('windmill.token')?.globalValue !== expectedToken) {
      assert.ok(Date.now() < deadline, `VS Code did not apply the user settings: ${JSON.stringify(vscode.workspace.getConfiguration().inspect('windmill.token'))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function writeUserSettings(values: Record<string, unknown>): Promise<void> {
    const current = original === undefined || original.trim() === '' ? {} : JSON.parse(original) as Record<string, unknown>;
    await setUserSettingsText(JSON.stringify({ ...current, ...values }, null, 2), values['windmill.token']);
  }

  async function readUserSettings(): Promise<Record<string, unknown>> {
    return JSON.parse(await fs.readFile(settingsFile, 'utf8')) as Record<string, unknown>;
  }

  before(async () => {
    api = await freshStart();
    // <user data>/User/globalStorage/<extension id> -> <user data>/User/settings.json
    settingsFile = path.join(api.globalStorageUri.fsPath, '..', '..', 'settings.json');
    original = await fs.readFile(settingsFile, 'utf8').catch(() => undefined);
  });
  beforeEach(async () => { api = await freshStart(); });
  afterEach(async () => {
    await setUserSettingsText(original ?? '{}', undefined);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (original === undefined) await fs.rm(settingsFile, { force: true });
  });

  it('imports main and the additional workspaces, then with consent removes the imported plaintext tokens', async () => {
    const remote = `${emulatorUrl()}/`;
    await writeUserSettings({
      'windmill.remote': remote,
      'windmill.workspaceId': DEMO_WORKSPACE,
      'windmill.token': DEVELOPER.token,
      'windmill.additionalWorkspaces': [
        { name: 'ops', remote, workspaceId: OTHER_WORKSPACE, token: SUPERADMIN.token },
        { name: 'stale', remote, workspaceId: 'nosuchworkspace', token: BAD_TOKEN },
        42,
      ],
    });
    assert.equal(vscode.workspace.getConfiguration().get('windmill.token'), DEVELOPER.token, 'VS Code read the settings');

    const p = script(api, [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main', 'ops', 'stale'] },
      { kind: 'message', severity: 'warning', match: 'Imported 2' },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: 'Remove from Settings' },
    ]);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();

    assert.deepEqual(await allTokens(api), {
      [`${DEMO_WORKSPACE} ${DEVELOPER.email}`]: DEVELOPER.token,
      [`${OTHER_WORKSPACE} ${SUPERADMIN.email}`]: SUPERADMIN.token,
    });
    const summary = p.messages.find((m) => m.text.includes('Imported'))!;
    assert.match(summary.text, /stale: /);
    assert.match(summary.text, /additionalWorkspaces\[2\] is not an object/);
    assert.ok(!JSON.stringify(p.messages).includes(BAD_TOKEN) && !JSON.stringify(p.messages).includes(DEVELOPER.token));
    assert.equal(p.messages.find((m) => m.text.includes('Remove the imported'))?.modal, true);
    assert.ok(p.shown('info').some((m) => m.includes('Removed the plaintext tokens')), `${JSON.stringify(p.messages)}`);

    // the imported tokens are gone from the settings file; everything else is kept
    const after = await readUserSettings();
    assert.equal(after['windmill.token'], undefined);
    assert.equal(after['windmill.workspaceId'], DEMO_WORKSPACE);
    assert.deepEqual(after['windmill.additionalWorkspaces'], [
      { name: 'ops', remote, workspaceId: OTHER_WORKSPACE },
      { name: 'stale', remote, workspaceId: 'nosuchworkspace', token: BAD_TOKEN }, // not imported: kept
      42,
    ]);
    assert.ok(!JSON.stringify(after).includes(SUPERADMIN.token) && !JSON.stringify(after).includes(DEVELOPER.token));
  });

  it('without consent the settings stay as they were', async () => {
    const remote = `${emulatorUrl()}/`;
    await writeUserSettings({ 'windmill.remote': remote, 'windmill.workspaceId': DEMO_WORKSPACE, 'windmill.token': DEVELOPER.token });
    const before = await fs.readFile(settingsFile, 'utf8');
    const p = script(api, [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main'] },
      { kind: 'message', severity: 'info', match: 'Imported 1' },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: undefined },
    ]);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();
    assert.equal(api.connections.list()[0]?.email, DEVELOPER.email);
    assert.equal(await fs.readFile(settingsFile, 'utf8'), before);
  });

  it('with no Windmill settings at all, says there is nothing to import', async () => {
    const p = script(api, []);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();
    assert.match(p.shown('warning')[0] ?? '', /Nothing to import/);
    assert.deepEqual(api.connections.list(), []);
  });
});

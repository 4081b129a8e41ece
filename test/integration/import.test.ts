// Import wmill CLI Profiles and Import from Windmill Extension Settings, in the real host against the
// emulator. The CLI's folder is a temp folder (WMILL_CONFIG_DIR, read at call time). The official
// extension's settings come through the settings seam (FakeSettings): that extension is not
// installed here, so VS Code neither shows nor writes its windmill.* keys.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, OTHER_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, freshStart, run, script, snapshot } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { SettingsAccess } from '../../src/ui/browser';

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

/**
 * The settings seam, in memory: the official Windmill extension is not installed in the test host,
 * so its windmill.* keys are unregistered there, and VS Code neither shows nor writes them.
 */
class FakeSettings implements SettingsAccess {
  readonly updates: { key: string; value: unknown; target: vscode.ConfigurationTarget }[] = [];
  constructor(readonly global: Record<string, unknown>, readonly workspace: Record<string, unknown> = {}) {}

  get(key: string): unknown {
    return key in this.workspace ? this.workspace[key] : this.global[key];
  }

  inspect(key: string): { globalValue?: unknown; workspaceValue?: unknown } {
    return { globalValue: this.global[key], workspaceValue: this.workspace[key] };
  }

  async update(key: string, value: unknown, target: vscode.ConfigurationTarget): Promise<void> {
    this.updates.push({ key, value, target });
    const scope = target === vscode.ConfigurationTarget.Global ? this.global : this.workspace;
    if (value === undefined) delete scope[key];
    else scope[key] = structuredClone(value);
  }
}

describe('Import from Windmill Extension Settings', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });
  afterEach(() => api.setSettings(undefined));

  it('imports main and the additional workspaces, then with consent removes the imported tokens from the scopes they were in', async () => {
    const remote = `${emulatorUrl()}/`;
    const settings = new FakeSettings({
      'windmill.remote': remote,
      'windmill.additionalWorkspaces': [
        { name: 'ops', remote, workspaceId: OTHER_WORKSPACE, token: SUPERADMIN.token },
        { name: 'stale', remote, workspaceId: 'nosuchworkspace', token: BAD_TOKEN },
        42,
      ],
    }, {
      // the main workspace is set in the workspace's settings
      'windmill.workspaceId': DEMO_WORKSPACE,
      'windmill.token': DEVELOPER.token,
    });
    api.setSettings(settings);

    const p = script(api, [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main', 'ops', 'stale'] },
      { kind: 'message', severity: 'warning', match: 'Imported 2' },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: 'Remove from Settings' },
    ]);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();

    assert.deepEqual(p.asked.find((a) => a.kind === 'pickMany')?.picked, ['main (demo)'], 'main (the current workspace) pre-selected');
    assert.deepEqual(await allTokens(api), {
      [`${DEMO_WORKSPACE} ${DEVELOPER.email}`]: DEVELOPER.token,
      [`${OTHER_WORKSPACE} ${SUPERADMIN.email}`]: SUPERADMIN.token,
    });
    const summary = p.messages.find((m) => m.text.includes('Imported'))!;
    assert.match(summary.text, /main \(demo\), ops/);
    assert.match(summary.text, /1 failed: stale: .*rejected the token/);
    assert.match(summary.text, /additionalWorkspaces\[2\] is not an object/);
    for (const t of [SUPERADMIN.token, BAD_TOKEN, DEVELOPER.token]) assert.ok(!JSON.stringify(p.messages).includes(t), 'no token in any message');
    const ask = p.messages.find((m) => m.text.includes('Remove the imported'));
    assert.equal(ask?.modal, true);
    assert.match(ask?.detail ?? '', /windmill\.additionalWorkspaces \(User settings\), windmill\.token \(Workspace settings\)/);
    assert.ok(p.shown('info').some((m) => m.includes('Removed the plaintext tokens')));

    // the imported tokens are gone from the scope they were in; everything else is kept
    assert.deepEqual(settings.workspace, { 'windmill.workspaceId': DEMO_WORKSPACE });
    assert.deepEqual(settings.global, {
      'windmill.remote': remote,
      'windmill.additionalWorkspaces': [
        { name: 'ops', remote, workspaceId: OTHER_WORKSPACE },
        { name: 'stale', remote, workspaceId: 'nosuchworkspace', token: BAD_TOKEN }, // not imported: kept
        42,
      ],
    });
    assert.deepEqual(settings.updates.map((u) => `${u.key} ${u.target}`), [
      `windmill.additionalWorkspaces ${vscode.ConfigurationTarget.Global}`,
      `windmill.token ${vscode.ConfigurationTarget.Workspace}`,
    ]);
  });

  it('without consent the settings stay as they were', async () => {
    const settings = new FakeSettings({ 'windmill.remote': `${emulatorUrl()}/`, 'windmill.workspaceId': DEMO_WORKSPACE, 'windmill.token': DEVELOPER.token });
    api.setSettings(settings);
    const p = script(api, [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main'] },
      { kind: 'message', severity: 'info', match: 'Imported 1' },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: undefined },
    ]);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();
    assert.equal(api.connections.list()[0]?.email, DEVELOPER.email);
    assert.deepEqual(settings.updates, []);
    assert.equal(settings.global['windmill.token'], DEVELOPER.token);
  });

  it('a failed removal (e.g. the key is not registered) is reported, never silent', async () => {
    const settings = new FakeSettings({ 'windmill.remote': `${emulatorUrl()}/`, 'windmill.workspaceId': DEMO_WORKSPACE, 'windmill.token': DEVELOPER.token });
    settings.update = async () => { throw new Error('Unable to write to User Settings because windmill.token is not a registered configuration.'); };
    api.setSettings(settings);
    const p = script(api, [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main'] },
      { kind: 'message', severity: 'info', match: 'Imported 1' },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: 'Remove from Settings' },
      { kind: 'message', severity: 'error', match: 'remove them by hand' },
    ]);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();
    assert.equal(api.connections.list().length, 1, 'the import itself stands');
  });

  it('in this host (real settings, no official extension): says there is nothing to import', async () => {
    api.setSettings(undefined);
    const p = script(api, []);
    await run('windmillUsers.importExtensionSettings');
    p.assertDone();
    assert.match(p.shown('warning')[0] ?? '', /Nothing to import.*No Windmill extension settings were found/);
    assert.deepEqual(api.connections.list(), []);
  });
});

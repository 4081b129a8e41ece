// The leak test (issue 7): every flow that handles a secret runs in the real host with known tokens
// and passwords, then everything the extension could have written outside SecretStorage is scanned
// for every one of them: user and workspace settings, every globalState / workspaceState key, the
// extension's own storage folder, its log file, the report documents, and every text a person was
// shown or asked (messages, details, buttons, titles, prompts, items, validation messages, dialog
// titles). Zero hits. Then the logger itself: a registered token, a "Bearer" header and a ?token=
// query are masked even when code logs them on purpose.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'csv-parse/sync';
import { DEMO_WORKSPACE, DEVELOPER, OPERATOR, SEED_ACCOUNTS, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { ScriptedPrompter, emulator, emulatorUrl, freshStart, run, type Expectation, waitFor, waitForLog } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { Browser, SettingsAccess } from '../../src/ui/browser';

interface Haystack { where: string; text: string }

/** Every file under a folder (recursively), as haystacks. */
function filesUnder(dir: string, label: string): Haystack[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => ({ where: `${label}: ${path.relative(dir, f)}`, text: fs.readFileSync(f, 'latin1') }));
}

function mementoDump(m: vscode.Memento, label: string): Haystack[] {
  return m.keys().map((k) => ({ where: `${label} ${k}`, text: `${k}=${JSON.stringify(m.get(k))}` }));
}

/** Everything a scripted prompter showed or asked, except the secret handed to showSecretOnce (that is its job). */
function promptTexts(p: ScriptedPrompter, flow: string): Haystack[] {
  const out: Haystack[] = [];
  for (const m of p.messages) out.push({ where: `${flow}: ${m.severity} message`, text: [m.text, m.detail ?? '', ...m.buttons].join('\n') });
  for (const a of p.asked) out.push({ where: `${flow}: ${a.kind} prompt`, text: [a.title, a.prompt, a.placeholder, ...(a.items ?? []), ...(a.picked ?? [])].filter(Boolean).join('\n') });
  for (const s of p.secrets) out.push({ where: `${flow}: secret dialog text`, text: `${s.message}\n${s.detail ?? ''}` });
  for (const v of p.validationMessages) out.push({ where: `${flow}: validation message`, text: v });
  for (const d of p.dialogs) out.push({ where: `${flow}: ${d.kind} dialog`, text: `${d.title} ${d.defaultUri ?? ''}` });
  return out;
}

/** "where: abcd…" for each secret found in a haystack (never the whole secret in a failure message). */
function hits(haystacks: Haystack[], secrets: Iterable<string>): string[] {
  const out: string[] = [];
  for (const s of new Set(secrets)) {
    if (s.length < 6) continue;
    for (const h of haystacks) if (h.text.includes(s)) out.push(`${h.where}: ${s.slice(0, 4)}…`);
  }
  return out;
}

class FakeSettings implements SettingsAccess {
  constructor(readonly global: Record<string, unknown>) {}
  get(key: string): unknown { return this.global[key]; }
  inspect(key: string): { globalValue?: unknown; workspaceValue?: unknown } { return { globalValue: this.global[key] }; }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) delete this.global[key];
    else this.global[key] = structuredClone(value);
  }
}

const commandExists = async (id: string) => (await vscode.commands.getCommands(true)).includes(id);

describe('Leaks', function () {
  this.timeout(120_000);
  let api: WindmillUsersTestApi;
  let tmp = '';
  const savedCliDir = process.env.WMILL_CONFIG_DIR;

  beforeEach(async () => {
    api = await freshStart();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wmu-leaks-'));
  });
  afterEach(async () => {
    api.setBrowser(undefined);
    api.setSettings(undefined);
    if (savedCliDir === undefined) delete process.env.WMILL_CONFIG_DIR;
    else process.env.WMILL_CONFIG_DIR = savedCliDir;
    await vscode.workspace.getConfiguration('windmillUsers').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('after every flow that handles a secret, no token or password is in settings, state, storage, the log or any text shown', async () => {
    // A user setting, so that the user settings file exists and is scanned for real.
    await vscode.workspace.getConfiguration('windmillUsers').update('requestTimeoutSeconds', 29, vscode.ConfigurationTarget.Global);
    const secrets: string[] = SEED_ACCOUNTS.flatMap((a) => [a.token, a.password]);
    const shown: Haystack[] = [];
    const states: Haystack[] = [];
    const ran: string[] = [];
    const flow = async (name: string, expectations: Expectation[], command: string, ...args: unknown[]) => {
      const p = new ScriptedPrompter(expectations);
      api.setPrompter(p);
      await run(command, ...args);
      p.assertDone();
      shown.push(...promptTexts(p, name));
      secrets.push(...p.secrets.map((x) => x.secret));
      // globalState after each flow: a secret written and later removed still counts
      states.push(...mementoDump(api.globalState, `globalState after ${name}:`));
      ran.push(name);
      return p;
    };

    // 1. Sign In with Browser: the emulator's page issues a new token to the loopback callback.
    api.setBrowser({
      openExternal: async (uri) => { await fetch(uri.toString(true), { redirect: 'follow' }); return true; },
      asExternalUri: async (uri) => uri,
    } satisfies Browser);
    await flow('sign in with browser', [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }], 'windmillUsers.signInWithBrowser');
    const [signedIn] = api.connections.list();
    assert.ok(signedIn, 'the browser sign-in saved a connection');
    const issued = await api.connections.getToken(signedIn.id);
    assert.ok(issued && !SEED_ACCOUNTS.some((a) => a.token === issued), 'a newly issued token');
    secrets.push(issued);

    // 2. Add Connection with a typed token (updates that connection in place).
    await flow('add connection', [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
      { kind: 'input', match: 'Windmill token', answer: SUPERADMIN.token },
    ], 'windmillUsers.addConnection');
    assert.equal(await api.connections.getToken(api.connections.list()[0].id), SUPERADMIN.token);

    // 3. Add User with a generated password, 4. with a typed one.
    const addUser = (email: string, password: string): Expectation[] => [
      { kind: 'input', match: 'Email of the user', answer: email },
      { kind: 'input', match: 'Password (leave empty', answer: password },
      { kind: 'pick', match: 'superadmin?', answer: 'Regular User' },
      { kind: 'input', match: 'Company', answer: '' },
      { kind: 'input', match: 'Full name', answer: '' },
      ...(password ? [] : [{ kind: 'secret', match: 'generated password', answer: 'Copy Password' } as Expectation]),
      { kind: 'pick', match: `to the Workspace ${DEMO_WORKSPACE}`, answer: 'Developer' },
    ];
    await flow('add user (generated password)', addUser('leak-gen@example.com', ''), 'windmillUsers.addUser');
    const typedPassword = 'Typed-Leak-Pass-9182!';
    secrets.push(typedPassword);
    await flow('add user (typed password)', addUser('leak-typed@example.com', typedPassword), 'windmillUsers.addUser');
    assert.equal((await emulator.login('leak-typed@example.com', typedPassword)).status, 200);

    // 5. Create Token + Copy; 6. a token by signing in with email and password.
    await flow('create token', [
      { kind: 'pick', match: 'Which kind of token', answer: 'New Token for' },
      { kind: 'input', match: 'Token label', answer: 'leak-test' },
      { kind: 'pick', match: 'When does the token expire', answer: 'Never' },
      { kind: 'pick', match: 'Limit the token', answer: 'All Workspaces' },
      { kind: 'secret', match: 'New token for', answer: 'Copy Token' },
    ], 'windmillUsers.createToken');
    await flow('create token by signing in', [
      { kind: 'pick', match: 'Which kind of token', answer: 'Sign In with Email and Password' },
      { kind: 'input', match: 'Email of the account', answer: DEVELOPER.email },
      { kind: 'input', match: 'Password of', answer: DEVELOPER.password },
      { kind: 'secret', match: 'New token for', answer: 'Copy Token' },
    ], 'windmillUsers.createToken');

    // 7. Set Password, generated and typed (Enterprise Edition; the emulator is EE).
    assert.ok(await commandExists('windmillUsers.setPassword'), 'Set Password is registered (the emulator is EE)');
    await flow('set password (generated)', [
      { kind: 'pick', match: 'Choose an instance user', answer: 'leak-gen@example.com' },
      { kind: 'pick', match: 'How to set the new password', answer: 'Generate' },
      { kind: 'message', severity: 'warning', match: 'Set a new password for', answer: 'Set Password' },
      { kind: 'secret', match: 'New password of', answer: 'Copy Password' },
    ], 'windmillUsers.setPassword');
    const typed2 = 'Another-Typed-Pass-5531?';
    secrets.push(typed2);
    await flow('set password (typed)', [
      { kind: 'pick', match: 'Choose an instance user', answer: 'leak-typed@example.com' },
      { kind: 'pick', match: 'How to set the new password', answer: 'Type' },
      { kind: 'input', match: 'New password of', answer: typed2 },
      { kind: 'message', severity: 'warning', match: 'Set a new password for', answer: 'Set Password' },
    ], 'windmillUsers.setPassword');
    assert.equal((await emulator.login('leak-typed@example.com', typed2)).status, 200);

    // 8. Bulk add with generated passwords (they go to the file the person saves, nowhere else).
    const csv = path.join(tmp, 'team.csv');
    fs.writeFileSync(csv, 'email,name,company,role,superadmin,password\nleak-bulk1@example.com,Bulk One,,developer,false,\nleak-bulk2@example.com,,,operator,false,Bulk-Typed-Pass-77\n');
    secrets.push('Bulk-Typed-Pass-77');
    const pwFile = path.join(tmp, 'passwords.csv');
    await flow('bulk add', [
      { kind: 'openFile', match: 'Add Users from CSV', answer: csv },
      { kind: 'message', match: 'Add 2 users from', answer: 'Add Users' },
      { kind: 'message', match: 'passwords were generated', answer: 'Save Passwords…' },
      { kind: 'saveFile', match: 'Generated Passwords', answer: pwFile },
      { kind: 'message', match: 'added to demo', answer: undefined },
    ], 'windmillUsers.addUsersFromCsv');
    await waitFor('the passwords file', () => fs.existsSync(pwFile) && fs.readFileSync(pwFile, 'utf8').endsWith('\n'));
    const generatedBulk = (parse(fs.readFileSync(pwFile, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[])
      .map((r) => r.password).filter(Boolean);
    assert.equal(generatedBulk.length, 1, 'one generated password, in the saved file');
    secrets.push(...generatedBulk);

    // 9. Import wmill CLI profiles (a fresh session token of the operator) and 10. the official extension's settings.
    const cliToken = (await emulator.login(OPERATOR.email, OPERATOR.password)).token;
    const settingsToken = (await emulator.login(WORKSPACE_ADMIN.email, WORKSPACE_ADMIN.password)).token;
    secrets.push(cliToken, settingsToken);
    fs.mkdirSync(path.join(tmp, 'windmill'));
    fs.writeFileSync(path.join(tmp, 'windmill', 'remotes.ndjson'), `${JSON.stringify({ name: 'ops', remote: `${emulatorUrl()}/`, workspaceId: DEMO_WORKSPACE, token: cliToken })}\n`);
    process.env.WMILL_CONFIG_DIR = tmp;
    await flow('import CLI profiles', [
      { kind: 'pickMany', match: 'Import wmill CLI Profiles', answer: ['ops'] },
      { kind: 'message', severity: 'warning', match: 'Imported 1', answer: undefined },
    ], 'windmillUsers.importCliProfiles');
    api.setSettings(new FakeSettings({ 'windmill.remote': `${emulatorUrl()}/`, 'windmill.workspaceId': DEMO_WORKSPACE, 'windmill.token': settingsToken }));
    await flow('import extension settings', [
      { kind: 'pickMany', match: 'Windmill Extension Settings', answer: ['main'] },
      { kind: 'message', match: 'Imported 1', answer: undefined },
      { kind: 'message', severity: 'warning', match: 'Remove the imported plaintext tokens', answer: 'Remove from Settings' },
    ], 'windmillUsers.importExtensionSettings');
    assert.equal(await api.connections.getToken(api.connections.list()[0].id), settingsToken, 'the last import is the stored token');

    // ---- the scan
    const marker = `leak scan ${Date.now()}`;
    api.log.info(marker);
    const log = await waitForLog(api.logUri.fsPath, marker);
    assert.match(log, /Created user leak-gen@example\.com/, 'the log recorded the flows');

    const userSettings = path.join(api.globalStorageUri.fsPath, '..', '..', 'settings.json');
    assert.ok(fs.existsSync(userSettings), `the user settings file is at ${userSettings}`);
    assert.match(fs.readFileSync(userSettings, 'utf8'), /windmillUsers\.requestTimeoutSeconds/);
    const workspaceSettings = (vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json'));
    const wsFile = vscode.workspace.workspaceFile?.scheme === 'file' ? [vscode.workspace.workspaceFile.fsPath] : [];
    const reports = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'windmill-users-report');

    const haystacks: Haystack[] = [
      { where: 'user settings.json', text: fs.readFileSync(userSettings, 'utf8') },
      ...[...workspaceSettings, ...wsFile].filter((f) => fs.existsSync(f)).map((f) => ({ where: f, text: fs.readFileSync(f, 'utf8') })),
      ...states,
      ...mementoDump(api.globalState, 'globalState'),
      ...mementoDump(api.workspaceState, 'workspaceState'),
      ...filesUnder(api.globalStorageUri.fsPath, 'globalStorage'),
      { where: 'log', text: log },
      ...reports.map((d) => ({ where: `report ${d.uri.toString()}`, text: d.getText() })),
      ...shown,
    ];
    const all = secrets.filter(Boolean);
    assert.ok(all.length >= 16, `${all.length} secrets checked`);
    assert.ok(ran.length >= 9, `flows run: ${ran.join(', ')}`);
    assert.ok(states.some((h) => h.text.includes(SUPERADMIN.email)), 'globalState holds the connections (and was really read)');
    // the scan itself can fail: a planted secret is found
    assert.deepEqual(hits([{ where: 'canary', text: `x${all[all.length - 1]}y` }], [all[all.length - 1]]), ['canary: ' + `${all[all.length - 1].slice(0, 4)}…`]);
    assert.deepEqual(hits(haystacks, all), [], 'no secret anywhere');
  });

  it('the logger masks a registered token, a Bearer credential and a ?token= query, even when logged on purpose', async () => {
    const registered = `wmRegistered${Date.now()}abcdef`;
    const bearer = 'unregistered-bearer-9f8e7d6c5b';
    const query = 'querysecret-1a2b3c4d5e';
    api.log.addSecret(registered);
    api.log.info(`a line with ${registered} inside`);
    api.log.warn(`Authorization: Bearer ${bearer}`);
    api.log.error('request failed', new Error(`GET https://example.com/api/x?token=${query}&page=1 (token ${registered})`));
    const marker = `redaction marker ${Date.now()}`;
    api.log.info(marker);
    const log = await waitForLog(api.logUri.fsPath, marker);
    for (const s of [registered, bearer, query]) assert.ok(!log.includes(s), `${s.slice(0, 8)}… is masked`);
    assert.match(log, /a line with \*\*\* inside/);
    assert.match(log, /Authorization: Bearer \*\*\*/);
    assert.match(log, /\?token=\*\*\*&page=1 \(token \*\*\*\)/);
  });
});

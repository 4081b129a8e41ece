// Bulk flows in the real host against the emulator: Add Users from CSV (preview, run, passwords
// file, report, resume, cancel), removing several selected members, Export Users (round trip).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'csv-parse/sync';
import { DEMO_WORKSPACE, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, freshStart, mutatingRequests, run, saveConnection, script, snapshot, type EmulatorRequest, type Expectation, type TreeSnapshot, waitFor } from './helpers';
import { parseBulkCsv } from '../../src/bulk/csv';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { UsersNode } from '../../src/tree/nodes';

const ADD = 'windmillUsers.addUsersFromCsv';
const EXPORT = 'windmillUsers.exportUsers';
const REMOVE = 'windmillUsers.removeUser';
const CREATE_PATH = '/api/users/create';
const ADD_PATH = `/api/w/${DEMO_WORKSPACE}/workspaces/add_user`;
const LIST_PATH = `/api/w/${DEMO_WORKSPACE}/users/list`;

let tmp: string;
function tmpFile(name: string, text?: string): string {
  const file = path.join(tmp, name);
  if (text !== undefined) fs.writeFileSync(file, text);
  return file;
}

/** The file exists and is completely written (our CSVs end with a line break). */
const written = (file: string) => () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').endsWith('\n');

const count = (reqs: EmulatorRequest[], method: string, p: string, status?: number) =>
  reqs.filter((r) => r.method === method && r.path === p && (status === undefined || r.status === status)).length;

/** Report documents seen before this test (VS Code keeps closed documents around for a while). */
let oldReports = new Set<string>();
function reportDocuments(): vscode.TextDocument[] {
  return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'windmill-users-report' && !oldReports.has(d.uri.toString()));
}

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

function memberNodes(roots: TreeSnapshot[], emails: string[]): UsersNode[] {
  const nodes = roots.flatMap((r) => r.children.flatMap((g) => g.children)).filter((m) => emails.includes(m.label)).map((m) => m.node);
  assert.equal(nodes.length, emails.length, `tree has ${emails.join(', ')}`);
  return nodes;
}

const openCsv = (file: string): Expectation => ({ kind: 'openFile', match: 'Add Users from CSV', answer: file });
const confirmAdd = (n: number): Expectation => ({ kind: 'message', match: `Add ${n} users from`, answer: 'Add Users' });

async function setConcurrency(n: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('windmillUsers').update('bulk.concurrency', n, vscode.ConfigurationTarget.Global);
}

describe('Bulk', function () {
  this.timeout(60_000);
  let api: WindmillUsersTestApi;

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    oldReports = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    api = await freshStart();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'windmill-bulk-'));
  });
  afterEach(async () => {
    api.cancelBulk();
    await setConcurrency(undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('Add Users from CSV', () => {
    it('creates the users with their roles; passwords only in the saved file; report without them', async () => {
      await saveConnection(api, SUPERADMIN);
      const csv = tmpFile('team.csv', [
        'email,name,company,role,superadmin,password',
        'new1@example.com,New One,Acme,admin,false,',
        'new2@example.com,New Two,,developer,no,',
        'new3@example.com,,,operator,true,',
        'typed@example.com,Typed Pw,,developer,false,typed-Password-123',
        'erin@example.com,Erin,,admin,false,',
        '',
      ].join('\n'));
      const pwFile = tmpFile('passwords.csv');
      const reportFile = tmpFile('report.csv');
      const p = script(api, [
        openCsv(csv),
        confirmAdd(4),
        { kind: 'message', match: '3 passwords were generated', severity: 'warning', answer: 'Save Passwords…' },
        { kind: 'saveFile', match: 'Generated Passwords', answer: pwFile },
        { kind: 'message', match: '4 added to demo', answer: 'Save Report…' },
        { kind: 'saveFile', match: 'Bulk Add Report', answer: reportFile },
      ]);
      await run(ADD);
      await waitFor('the report file', written(reportFile));
      p.assertDone();

      // the preview told what would happen
      const preview = p.messages.find((m) => m.text.startsWith('Add 4 users'));
      assert.ok(preview?.modal);
      assert.match(preview.detail ?? '', /4 new accounts created on .* and added to demo/);
      assert.match(preview.detail ?? '', /0 existing users added/);
      assert.match(preview.detail ?? '', /3 rows have no password/);
      assert.match(preview.detail ?? '', /already members of demo, skipped: erin@example\.com/);

      // the emulator has the users, with their roles
      const state = await emulator.state();
      const members = state.workspaces[DEMO_WORKSPACE].members;
      const roleOf = (e: string) => members.find((m) => m.email === e)?.role;
      assert.equal(roleOf('new1@example.com'), 'admin');
      assert.equal(roleOf('new2@example.com'), 'developer');
      assert.equal(roleOf('new3@example.com'), 'operator');
      assert.equal(roleOf('typed@example.com'), 'developer');
      assert.equal(roleOf('erin@example.com'), 'developer', 'an existing member is left alone');
      const user = (e: string) => state.users.find((u) => u.email === e);
      assert.equal(user('new1@example.com')?.company, 'Acme');
      assert.equal(user('new1@example.com')?.name, 'New One');
      assert.equal(user('new3@example.com')?.super_admin, true);
      assert.equal(user('new2@example.com')?.super_admin, false);

      // the generated passwords: in the saved file only, and they work
      const saved = readCsv(pwFile);
      assert.deepEqual(saved.map((r) => r.email), ['new1@example.com', 'new2@example.com', 'new3@example.com']);
      for (const r of saved) {
        assert.ok(r.password.length >= 20);
        assert.equal((await emulator.login(r.email, r.password)).status, 200, `${r.email} logs in with the saved password`);
      }
      assert.equal((await emulator.login('typed@example.com', 'typed-Password-123')).status, 200);
      if (process.platform !== 'win32') assert.equal(fs.statSync(pwFile).mode & 0o077, 0, 'the passwords file is private');

      const secrets = [...saved.map((r) => r.password), 'typed-Password-123'];
      const noSecret = (text: string, where: string) => { for (const pw of secrets) assert.ok(!text.includes(pw), `no password in ${where}`); };
      for (const m of p.messages) noSecret(`${m.text} ${m.detail ?? ''}`, `the message "${m.text}"`);
      assert.equal(p.secrets.length, 0, 'no password is shown on screen');

      // the report document: every row, no password
      const docs = reportDocuments();
      assert.equal(docs.length, 1, 'one report document');
      const md = docs[0].getText();
      for (const e of ['new1@example\\.com', 'new2@example\\.com', 'new3@example\\.com', 'typed@example\\.com', 'erin@example\\.com']) assert.match(md, new RegExp(e));
      assert.match(md, /created and added/);
      assert.match(md, /skipped/);
      noSecret(md, 'the report document');
      // the saved report (CSV): every row, no password
      const report = readCsv(reportFile);
      assert.deepEqual(report.map((r) => `${r.email} ${r.outcome}`), [
        'new1@example.com created+added', 'new2@example.com created+added', 'new3@example.com created+added',
        'typed@example.com created+added', 'erin@example.com skipped',
      ]);
      noSecret(fs.readFileSync(reportFile, 'utf8'), 'the saved report');

      // requests: one member list for the preview, one create and one add per new user
      const reqs = await emulator.requests();
      assert.equal(count(reqs, 'POST', CREATE_PATH), 4);
      assert.equal(count(reqs, 'POST', ADD_PATH), 4);
      // the tree shows them without a manual refresh
      const emails = (await snapshot(api)).flatMap((r) => r.children.flatMap((g) => g.children.map((m) => m.label)));
      for (const e of ['new1@example.com', 'new2@example.com', 'new3@example.com', 'typed@example.com']) assert.ok(emails.includes(e), e);
    });

    it('previews invalid rows, duplicates and members, and never sends them', async () => {
      await saveConnection(api, SUPERADMIN);
      const csv = tmpFile('mixed.csv', [
        'email,name,role',
        'ok@example.com,Okay,developer',
        'not-an-email,Bad,developer',
        'role@example.com,Role,boss',
        'ok@example.com,Again,admin',
        'alice@example.com,Alice,admin',
      ].join('\n'));
      let p = script(api, [openCsv(csv), { kind: 'message', match: 'Add 1 users from mixed.csv', answer: undefined }]);
      await run(ADD);
      p.assertDone();
      const detail = p.messages[0].detail ?? '';
      assert.match(detail, /5 rows, 3 valid, 2 invalid/);
      assert.match(detail, /line 3 \(not-an-email\): \S/);
      assert.match(detail, /line 4 \(role@example\.com\): Unknown role "boss"/);
      assert.match(detail, /ok@example\.com on lines 2, 5/);
      assert.match(detail, /already members of demo, skipped: alice@example\.com/);
      assert.deepEqual(await mutatingRequests(), [], 'dismissing the preview sends nothing');

      p = script(api, [
        openCsv(csv), confirmAdd(1),
        { kind: 'message', match: '1 passwords were generated', answer: undefined },
        { kind: 'message', match: 'Discard the 1 generated', answer: 'Discard Passwords' },
      ]);
      await run(ADD);
      p.assertDone();
      const reqs = await mutatingRequests();
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path} ${r.status}`), [`POST ${CREATE_PATH} 201`, `POST ${ADD_PATH} 201`]);
      const state = await emulator.state();
      assert.ok(state.users.some((u) => u.email === 'ok@example.com'));
      assert.ok(!state.users.some((u) => u.email === 'role@example.com'));
      assert.equal(state.workspaces[DEMO_WORKSPACE].members.find((m) => m.email === 'alice@example.com')?.role, 'developer', 'alice untouched');
      const md = reportDocuments()[0].getText();
      assert.match(md, /Invalid rows \(never sent\)/);
      assert.match(md, /Duplicate of line 2/);
    });

    it('a file that is not a bulk CSV gets a message and sends nothing', async () => {
      await saveConnection(api, SUPERADMIN);
      await snapshot(api); // the tree's own load is done before the log is cleared
      await emulator.reset();
      const csv = tmpFile('nope.csv', 'name,role\nBob,admin\n');
      const p = script(api, [openCsv(csv), { kind: 'message', severity: 'error', match: 'email' }]);
      await run(ADD);
      p.assertDone();
      assert.match(p.shown('error')[0], /Could not read nope\.csv/);
      assert.deepEqual(await emulator.requests(), [], 'not even the member list');
    });

    it('server failures become per-row results; resuming from the report creates nobody twice', async () => {
      await saveConnection(api, SUPERADMIN);
      const rows = ['a', 'b', 'c', 'd', 'e', 'f'].map((x, i) => `${x}@example.com,${x.toUpperCase()},,${['admin', 'developer', 'operator'][i % 3]},false,pw-${x}-Password-123`);
      const csv = tmpFile('six.csv', ['email,name,company,role,superadmin,password', ...rows].join('\n'));
      await setConcurrency(2);
      await emulator.fault({ path: CREATE_PATH, mode: 'status', status: 500, body: 'Internal: database is locked', times: 2 });
      await emulator.fault({ path: ADD_PATH, mode: 'status', status: 500, body: 'Internal: add failed', times: 1 });
      const reportFile = tmpFile('report.csv');
      let p = script(api, [
        openCsv(csv), confirmAdd(6),
        { kind: 'message', match: '3 failed', severity: 'warning', answer: 'Save Report…' },
        { kind: 'saveFile', match: 'Report', answer: reportFile },
      ]);
      await run(ADD);
      await waitFor('the report file', written(reportFile));
      p.assertDone();

      const report = readCsv(reportFile);
      const failedCreate = report.filter((r) => r.outcome === 'failed' && r.step === 'create');
      const failedAdd = report.filter((r) => r.outcome === 'failed' && r.step === 'add');
      assert.equal(failedCreate.length, 2);
      assert.equal(failedAdd.length, 1);
      for (const r of failedCreate) assert.match(r.message, /database is locked/);
      assert.match(failedAdd[0].message, /Created on the instance, but not added.*add failed/);
      let state = await emulator.state();
      assert.equal(state.users.filter((u) => u.email.endsWith('@example.com') && /^[a-f]@/.test(u.email)).length, 4);
      const before = (await emulator.requests()).length;

      // resume: the two failed creates are created, the created-but-not-added one is only added
      p = script(api, [
        openCsv(csv),
        { kind: 'message', match: 'Add 3 users from six.csv', answer: 'Resume from Report…' },
        { kind: 'openFile', match: 'Report of the Earlier Run', answer: reportFile },
        { kind: 'message', match: 'Add 3 users from six.csv', answer: 'Add Users' },
      ]);
      await run(ADD);
      p.assertDone();
      const resumed = p.messages.filter((m) => m.modal && m.text.startsWith('Add 3 users'))[1];
      assert.match(resumed.detail ?? '', /Resuming from report\.csv: 4 users created by the earlier run/);
      const after = (await emulator.requests()).slice(before);
      assert.equal(count(after, 'POST', CREATE_PATH), 2, 'only the two failed creates are sent again');
      assert.equal(count(after, 'POST', ADD_PATH), 3);
      const all = await emulator.requests();
      assert.equal(count(all, 'POST', CREATE_PATH, 400), 0, 'no "already exists": nobody created twice');
      assert.equal(count(all, 'POST', CREATE_PATH, 201), 6);
      state = await emulator.state();
      const members = state.workspaces[DEMO_WORKSPACE].members;
      ['a', 'b', 'c', 'd', 'e', 'f'].forEach((x, i) => {
        assert.equal(members.find((m) => m.email === `${x}@example.com`)?.role, ['admin', 'developer', 'operator'][i % 3], x);
      });
      assert.match(p.shown('info').join('\n'), /3 added to demo \(2 new accounts\), 3 skipped/);
    });

    it('cancelling stops starting rows; the rows in flight finish; resume completes the rest', async () => {
      await saveConnection(api, SUPERADMIN);
      const emails = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}@example.com`);
      const csv = tmpFile('twelve.csv', ['email,role', ...emails.map((e) => `${e},developer`)].join('\n'));
      await setConcurrency(2);
      await emulator.fault({ path: CREATE_PATH, mode: 'slow', delayMs: 400, times: 0 });
      const pwFile = tmpFile('passwords.csv');
      const reportFile = tmpFile('report.csv');
      let p = script(api, [
        openCsv(csv), confirmAdd(12),
        { kind: 'message', match: 'passwords were generated', answer: 'Save Passwords…' },
        { kind: 'saveFile', match: 'Generated Passwords', answer: pwFile },
        { kind: 'message', match: 'Cancelled', severity: 'warning', answer: 'Save Report…' },
        { kind: 'saveFile', match: 'Report', answer: reportFile },
      ]);
      const running = run(ADD);
      await waitFor('two creates in flight', async () => count(await emulator.requests(), 'POST', CREATE_PATH) >= 2);
      assert.equal(api.cancelBulk(), 1, 'one bulk run in progress');
      await running;
      await waitFor('the report file', written(reportFile));
      p.assertDone();

      let state = await emulator.state();
      const created = state.users.filter((u) => emails.includes(u.email)).map((u) => u.email).sort();
      assert.ok(created.length >= 2 && created.length < 12, `${created.length} created before the cancel took effect`);
      const memberEmails = new Set(state.workspaces[DEMO_WORKSPACE].members.map((m) => m.email));
      for (const e of created) assert.ok(memberEmails.has(e), `${e}: a row in flight finishes both steps`);
      const report = readCsv(reportFile);
      assert.equal(report.filter((r) => r.outcome === 'cancelled').length, 12 - created.length);
      assert.deepEqual(readCsv(pwFile).map((r) => r.email).sort(), created, 'a password for each created user, no more');

      // resume
      p = script(api, [
        openCsv(csv),
        { kind: 'message', match: `Add ${12 - created.length} users`, answer: 'Resume from Report…' },
        { kind: 'openFile', match: 'Report of the Earlier Run', answer: reportFile },
        confirmAdd(12 - created.length),
        { kind: 'message', match: 'passwords were generated', answer: 'Save Passwords…' },
        { kind: 'saveFile', match: 'Generated Passwords', answer: tmpFile('passwords2.csv') },
      ]);
      await run(ADD);
      p.assertDone();
      state = await emulator.state();
      for (const e of emails) assert.ok(state.workspaces[DEMO_WORKSPACE].members.some((m) => m.email === e), e);
      const reqs = await emulator.requests();
      assert.equal(count(reqs, 'POST', CREATE_PATH), 12, 'each user created exactly once over both runs');
      assert.equal(count(reqs, 'POST', CREATE_PATH, 400), 0);
    });

    it('a workspace admin who is not a superadmin only adds existing users', async () => {
      await saveConnection(api, WORKSPACE_ADMIN);
      const csv = tmpFile('existing.csv', 'email,role,password\nadmin@windmill.dev,admin,\nother@example.com,operator,ignored-Password-123\n');
      // admin@windmill.dev is already a member: only other@ is sent, as an add (no account created)
      const p = script(api, [openCsv(csv), confirmAdd(1)]);
      await run(ADD);
      p.assertDone();
      assert.match(p.messages[0].detail ?? '', /not an instance superadmin/);
      const reqs = await emulator.requests();
      assert.equal(count(reqs, 'POST', CREATE_PATH), 0, 'no account is created');
      assert.equal(count(reqs, 'GET', '/api/users/list_as_super_admin'), 0);
      assert.equal(count(reqs, 'POST', ADD_PATH), 1);
      assert.equal((await emulator.state()).workspaces[DEMO_WORKSPACE].members.find((m) => m.email === 'other@example.com')?.role, 'operator');
      assert.match(p.shown('info').join('\n'), /1 added to demo \(0 new accounts\), 1 skipped/);
    });
  });

  describe('Remove several selected members', () => {
    it('one confirmation listing them, all removed, one refresh', async () => {
      await saveConnection(api, SUPERADMIN);
      const emails = ['alice@example.com', 'erin@example.com', 'olivia@example.com'];
      const nodes = memberNodes(await snapshot(api), emails);
      const p = script(api, [{ kind: 'message', match: 'Remove 3 members from the workspace demo', severity: 'warning', answer: 'Remove 3 Members' }]);
      let refreshes = 0;
      const sub = api.tree.onDidChangeTreeData(() => { refreshes++; });
      const before = (await emulator.requests()).length;
      try {
        await run(REMOVE, nodes[0], nodes);
      } finally {
        sub.dispose();
      }
      p.assertDone();
      const modals = p.messages.filter((m) => m.modal);
      assert.equal(modals.length, 1, 'one confirmation');
      for (const e of emails) assert.ok(modals[0].detail?.includes(e), `the confirmation lists ${e}`);
      const members = (await emulator.state()).workspaces[DEMO_WORKSPACE].members.map((m) => m.email);
      for (const e of emails) assert.ok(!members.includes(e), `${e} removed`);
      assert.ok(members.includes('admin@windmill.dev'));
      assert.equal(refreshes, 1, 'the tree refreshes once');
      const roots = await snapshot(api);
      const reqs = (await emulator.requests()).slice(before);
      assert.equal(count(reqs, 'DELETE', `/api/w/${DEMO_WORKSPACE}/users/delete/alice`), 1);
      assert.equal(count(reqs, 'GET', LIST_PATH), 1, 'one list request for the refresh');
      const shownEmails = roots.flatMap((r) => r.children.flatMap((g) => g.children.map((m) => m.label)));
      for (const e of emails) assert.ok(!shownEmails.includes(e));
      assert.match(p.shown('info').join('\n'), /Removed 3 members from demo: alice@example\.com, erin@example\.com, olivia@example\.com/);
    });

    it('reports the result per member when some fail', async () => {
      await saveConnection(api, SUPERADMIN);
      const nodes = memberNodes(await snapshot(api), ['alice@example.com', 'erin@example.com']);
      await emulator.fault({ path: `/api/w/${DEMO_WORKSPACE}/users/delete/erin`, mode: 'status', status: 500, body: 'Internal: erin is locked' });
      const p = script(api, [
        { kind: 'message', match: 'Remove 2 members', answer: 'Remove 2 Members' },
        { kind: 'message', match: 'Removed 1 of 2', severity: 'warning', answer: 'Show Report' },
      ]);
      await run(REMOVE, nodes[1], nodes);
      await waitFor('the report document', () => reportDocuments().length === 1);
      p.assertDone();
      assert.match(p.shown('warning').join('\n'), /Not removed: erin@example\.com \(.*erin is locked.*\)/);
      const md = reportDocuments()[0].getText();
      assert.match(md, /alice@example\.com \| alice \| removed/);
      assert.match(md, /erin@example\.com \| erin \| failed/);
      const members = (await emulator.state()).workspaces[DEMO_WORKSPACE].members.map((m) => m.email);
      assert.ok(!members.includes('alice@example.com'));
      assert.ok(members.includes('erin@example.com'));
    });
  });

  describe('Export Users', () => {
    it('CSV round-trips into Add Users from CSV (from the active editor)', async () => {
      await saveConnection(api, SUPERADMIN);
      const file = tmpFile('demo-users.csv');
      let p = script(api, [
        { kind: 'pick', match: 'Export the users of demo as', answer: 'CSV' },
        { kind: 'pick', match: 'Which users?', answer: 'Members of demo' },
        { kind: 'saveFile', match: 'Export the Users of demo', answer: file },
      ]);
      await run(EXPORT);
      p.assertDone();
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parseBulkCsv(text);
      assert.deepEqual(parsed.invalid, []);
      const state = await emulator.state();
      const members = state.workspaces[DEMO_WORKSPACE].members;
      assert.deepEqual(parsed.rows.map((r) => `${r.email} ${r.role}`).sort(), members.map((m) => `${m.email} ${m.role}`).sort());
      assert.equal(parsed.rows.find((r) => r.email === SUPERADMIN.email)?.superadmin, true);

      // two members leave the workspace; the export brings them back with their roles
      for (const u of ['erin', 'olivia']) {
        const res = await fetch(`${emulatorUrl()}/api/w/${DEMO_WORKSPACE}/users/delete/${u}`, { method: 'DELETE', headers: { Authorization: `Bearer ${SUPERADMIN.token}` } });
        assert.equal(res.status, 200);
      }
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      const before = (await emulator.requests()).length;
      p = script(api, [
        { kind: 'pick', match: 'Which CSV', answer: 'Use the Active Editor' },
        confirmAdd(2),
      ]);
      await run(ADD);
      p.assertDone();
      const after = (await emulator.requests()).slice(before);
      assert.equal(count(after, 'POST', CREATE_PATH), 0, 'they still have their accounts: only added');
      assert.equal(count(after, 'POST', ADD_PATH), 2);
      const now = (await emulator.state()).workspaces[DEMO_WORKSPACE].members;
      assert.equal(now.find((m) => m.email === 'erin@example.com')?.role, 'developer');
      assert.equal(now.find((m) => m.email === 'olivia@example.com')?.role, 'operator');
    });

    it('JSON with the instance users, for a superadmin', async () => {
      await saveConnection(api, SUPERADMIN);
      const file = tmpFile('all.json');
      const p = script(api, [
        { kind: 'pick', match: 'Export the users of demo as', answer: 'JSON' },
        { kind: 'pick', match: 'Which users?', answer: 'Members and All Instance Users' },
        { kind: 'saveFile', match: 'Export the Users of demo', answer: file },
      ]);
      await run(EXPORT);
      p.assertDone();
      const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as { email: string; member: boolean; username?: string }[];
      const state = await emulator.state();
      assert.deepEqual(rows.map((r) => r.email).sort(), state.users.map((u) => u.email).sort());
      assert.equal(rows.filter((r) => r.member).length, state.workspaces[DEMO_WORKSPACE].members.length);
      assert.ok(!fs.readFileSync(file, 'utf8').includes(SUPERADMIN.token));
    });

    it('a workspace admin is not asked about instance users', async () => {
      await saveConnection(api, WORKSPACE_ADMIN);
      const file = tmpFile('members.csv');
      const p = script(api, [
        { kind: 'pick', match: 'Export the users of demo as', answer: 'CSV' },
        { kind: 'saveFile', match: 'Export the Users of demo', answer: file },
      ]);
      await run(EXPORT);
      p.assertDone();
      assert.equal(parseBulkCsv(fs.readFileSync(file, 'utf8')).rows.length, (await emulator.state()).workspaces[DEMO_WORKSPACE].members.length);
      assert.equal(count(await emulator.requests(), 'GET', '/api/users/list_as_super_admin'), 0);
    });
  });
});

import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { startEmulator, type RunningEmulator } from '../emulator/emulator';
import { DEMO_WORKSPACE, DEVELOPER, OPERATOR, OTHER_WORKSPACE, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { WindmillClient } from '../../src/windmill/client';
import { WindmillHttpError } from '../../src/windmill/errors';
import type { BulkRow } from '../../src/bulk/csv';
import { reportToCsv, reportToJson, secretsToCsv } from '../../src/bulk/export';
import {
  clampConcurrency, resumeSetFromReport, runBulkAdd, runBulkRemove, type BulkClient, type BulkProgress, type BulkRemoveClient, type BulkReport,
} from '../../src/bulk/runner';

interface StateMember { email: string; username: string; is_admin: boolean; operator: boolean; role: string }
interface StateUser { email: string; super_admin: boolean; name: string | null; company: string | null; hasPassword: boolean }
interface State { users: StateUser[]; workspaces: Record<string, { members: StateMember[] }> }
interface LoggedRequest { method: string; path: string; status: number }

const ROLES = ['admin', 'developer', 'operator'] as const;

function makeRows(n: number, prefix = 'new'): BulkRow[] {
  return Array.from({ length: n }, (_, i) => ({
    line: i + 2,
    email: `${prefix}${String(i).padStart(3, '0')}@bulk.example`,
    name: `New ${i}`,
    ...(i % 5 === 0 ? { company: 'Acme' } : {}),
    role: ROLES[i % 3],
    superadmin: i === 7,
  }));
}

function generatePassword(): string {
  return randomBytes(18).toString('base64url').replace(/^[-_]/, 'x');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bulk runner', function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  let agent: Agent;
  let client: WindmillClient;

  before(async () => {
    emu = await startEmulator({ port: 0 });
    // The suggested setup: one keep-alive Agent with as many connections as the concurrency.
    agent = new Agent({ connections: 8 });
    client = new WindmillClient({ remote: emu.url, token: SUPERADMIN.token, dispatcher: agent });
  });
  after(async () => {
    await agent.close();
    await emu.close();
  });
  beforeEach(() => emu.reset());

  async function control<T>(method: string, what: string, body?: unknown): Promise<T> {
    const res = await fetch(`${emu.url}/_emulator/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(res.status, 200);
    return (await res.json()) as T;
  }
  const state = () => control<State>('GET', 'state');
  const requests = () => control<LoggedRequest[]>('GET', 'requests');
  const fault = (spec: Record<string, unknown>) => control('POST', 'fault', spec);
  const count = (log: LoggedRequest[], method: string, path: string, status?: number) =>
    log.filter((r) => r.method === method && r.path === path && (status === undefined || r.status === status)).length;
  const CREATE = '/api/users/create';
  const ADD = `/api/w/${DEMO_WORKSPACE}/workspaces/add_user`;

  function assertNoPasswords(report: BulkReport): void {
    assert.ok(report.secrets.length > 0 || report.rows.every((r) => !r.createdUser));
    const shown = [JSON.stringify(report.rows), reportToCsv(report), reportToJson(report), JSON.stringify(report.counts)];
    for (const { password } of report.secrets) {
      for (const text of shown) assert.ok(!text.includes(password), 'a generated password leaked into the report');
    }
  }

  it('creates 50 users and adds them with the right roles', async () => {
    const rows = makeRows(50);
    const progress: BulkProgress[] = [];
    const report = await runBulkAdd(client, rows, {
      workspace: DEMO_WORKSPACE, concurrency: 8, generatePassword, createInstanceUsers: true, onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(report.counts, { total: 50, succeeded: 50, createdUsers: 50, skipped: 0, failed: 0, cancelled: 0 });
    assert.equal(report.stopped, undefined);
    assert.deepEqual(report.rows.map((r) => [r.email, r.line, r.outcome]), rows.map((r) => [r.email, r.line, 'created+added']));
    assert.equal(report.secrets.length, 50);
    assert.deepEqual(report.secrets.map((s) => s.email), rows.map((r) => r.email));
    assert.deepEqual(progress.at(-1), { done: 50, total: 50, created: 50, failed: 0, skipped: 0 });

    const s = await state();
    const members = new Map(s.workspaces[DEMO_WORKSPACE].members.map((m) => [m.email, m]));
    const users = new Map(s.users.map((u) => [u.email, u]));
    for (const r of rows) {
      assert.equal(members.get(r.email)?.role, r.role, r.email);
      const u = users.get(r.email);
      assert.ok(u?.hasPassword);
      assert.equal(u.super_admin, r.superadmin);
      assert.equal(u.name, r.name);
      assert.equal(u.company, r.company ?? null);
    }
    const log = await requests();
    assert.equal(count(log, 'POST', CREATE, 201), 50);
    assert.equal(count(log, 'POST', ADD, 201), 50);
    assert.equal(log.length, 100);
    // A generated password works: sign in with one.
    const pw = report.secrets[3];
    const login = await fetch(`${emu.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pw) });
    assert.equal(login.status, 200);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    for (const concurrency of [1, 3, 8]) {
      let inFlight = 0;
      let max = 0;
      const track = async () => {
        inFlight++;
        max = Math.max(max, inFlight);
        await sleep(1 + Math.random() * 4);
        inFlight--;
      };
      const fake: BulkClient & BulkRemoveClient = { createUser: track, addUserToWorkspace: track, removeMember: track };
      const report = await runBulkAdd(fake, makeRows(40), { workspace: 'w', concurrency, generatePassword, createInstanceUsers: true });
      assert.equal(report.counts.succeeded, 40);
      assert.equal(max, concurrency, `add, concurrency ${concurrency}`);
      max = 0;
      const removed = await runBulkRemove(fake, makeRows(30).map((r, i) => ({ email: r.email, username: `u${i}` })), { workspace: 'w', concurrency });
      assert.equal(removed.counts.removed, 30);
      assert.equal(max, concurrency, `remove, concurrency ${concurrency}`);
    }
    assert.equal(clampConcurrency(undefined), 8);
    assert.equal(clampConcurrency(0), 1);
    assert.equal(clampConcurrency(1000), 64);
  });

  it('marks rows whose create answered 500 as failed with the server text; the others succeed', async () => {
    await fault({ method: 'POST', path: CREATE, mode: 'status', status: 500, body: 'Internal: database is on fire', times: 3 });
    const rows = makeRows(12);
    const report = await runBulkAdd(client, rows, { workspace: DEMO_WORKSPACE, concurrency: 4, generatePassword, createInstanceUsers: true });
    const failed = report.rows.filter((r) => r.outcome === 'failed');
    assert.equal(failed.length, 3);
    for (const r of failed) {
      assert.equal(r.step, 'create');
      assert.equal(r.createdUser, false);
      assert.match(r.message ?? '', /HTTP 500.*Internal: database is on fire/);
    }
    assert.equal(report.rows.filter((r) => r.outcome === 'created+added').length, 9);
    assert.equal(report.stopped, undefined);
    // Failed creates hand out no password, and are not retried.
    const failedEmails = new Set(failed.map((r) => r.email));
    assert.equal(report.secrets.length, 9);
    assert.ok(report.secrets.every((s) => !failedEmails.has(s.email)));
    const log = await requests();
    assert.equal(count(log, 'POST', CREATE), 12);
    assert.equal(count(log, 'POST', ADD), 9);
    const s = await state();
    const members = new Set(s.workspaces[DEMO_WORKSPACE].members.map((m) => m.email));
    for (const e of failedEmails) assert.ok(!members.has(e) && !s.users.some((u) => u.email === e));
  });

  it('keeps the password of a user whose create succeeded but add failed, and resumes without creating twice', async () => {
    await fault({ method: 'POST', path: ADD, mode: 'status', status: 500, body: 'Internal: add broke', times: 2 });
    const rows = makeRows(20);
    const controller = new AbortController();
    const first = await runBulkAdd(client, rows, {
      workspace: DEMO_WORKSPACE, concurrency: 2, generatePassword, createInstanceUsers: true, signal: controller.signal,
      onProgress: (p) => { if (p.done >= 10) controller.abort(); },
    });
    const addFailed = first.rows.filter((r) => r.outcome === 'failed');
    assert.equal(addFailed.length, 2);
    for (const r of addFailed) {
      assert.equal(r.step, 'add');
      assert.equal(r.createdUser, true);
      assert.match(r.message ?? '', /^Created on the instance, but not added to the workspace: .*add broke/);
      assert.ok(first.secrets.some((s) => s.email === r.email), 'its password is kept');
    }
    assert.equal(first.stopped?.reason, 'cancelled');
    assert.ok(first.counts.cancelled > 0);
    const createdFirst = first.rows.filter((r) => r.createdUser).length;

    // Resume from the saved CSV report (the JSON one gives the same set), with a fresh member list.
    const done = resumeSetFromReport(reportToCsv(first));
    assert.deepEqual([...resumeSetFromReport(reportToJson(first))].sort(), [...done].sort());
    assert.equal(done.size, createdFirst);
    const existingEmails = new Set((await client.listMembers(DEMO_WORKSPACE)).map((m) => m.email));
    const before = (await requests()).length;
    const second = await runBulkAdd(client, rows, {
      workspace: DEMO_WORKSPACE, concurrency: 4, generatePassword, createInstanceUsers: true, alreadyDone: done, existingEmails,
    });
    assert.equal(second.counts.failed, 0);
    assert.equal(second.counts.cancelled, 0);
    for (const r of second.rows) {
      const prev = first.rows.find((p) => p.email === r.email);
      if (prev?.outcome === 'created+added') assert.equal(r.outcome, 'skipped');
      else if (prev?.outcome === 'failed') assert.equal(r.outcome, 'added');
      else assert.equal(r.outcome, 'created+added');
    }
    const log = await requests();
    const secondLog = log.slice(before);
    // No one was created twice: every create of both runs succeeded and they add up to 20.
    assert.equal(count(log, 'POST', CREATE), 20);
    assert.equal(count(log, 'POST', CREATE, 201), 20);
    assert.equal(count(secondLog, 'POST', CREATE), 20 - createdFirst);
    assert.equal(count(secondLog, 'POST', ADD, 201), 20 - createdFirst + 2);
    const s = await state();
    const members = new Set(s.workspaces[DEMO_WORKSPACE].members.map((m) => m.email));
    for (const r of rows) assert.ok(members.has(r.email), r.email);
    assert.deepEqual(new Set([...first.secrets, ...second.secrets].map((x) => x.email)), new Set(rows.map((r) => r.email)));
  });

  it('on abort, finishes the rows in flight and cancels the rest: no half-state', async () => {
    // Slow adds keep rows in flight while the signal fires.
    await fault({ method: 'POST', path: ADD, mode: 'slow', delayMs: 30, times: 0 });
    const rows = makeRows(30);
    const controller = new AbortController();
    const report = await runBulkAdd(client, rows, {
      workspace: DEMO_WORKSPACE, concurrency: 4, generatePassword, createInstanceUsers: true, signal: controller.signal,
      onProgress: (p) => { if (p.done === 5) controller.abort(); },
    });
    assert.equal(report.stopped?.reason, 'cancelled');
    const done = report.rows.filter((r) => r.outcome === 'created+added');
    const cancelled = report.rows.filter((r) => r.outcome === 'cancelled');
    assert.ok(done.length >= 5 && done.length <= 5 + 4, String(done.length));
    assert.equal(done.length + cancelled.length, 30);
    for (const r of cancelled) assert.match(r.message ?? '', /cancelled/);
    const s = await state();
    const members = new Set(s.workspaces[DEMO_WORKSPACE].members.map((m) => m.email));
    const users = new Set(s.users.map((u) => u.email));
    for (const r of done) assert.ok(users.has(r.email) && members.has(r.email));
    for (const r of cancelled) assert.ok(!users.has(r.email) && !members.has(r.email));
    assert.deepEqual(report.secrets.map((x) => x.email).sort(), done.map((r) => r.email).sort());
    const log = await requests();
    assert.equal(count(log, 'POST', CREATE), done.length);

    // An already aborted signal starts nothing.
    const none = await runBulkAdd(client, rows, { workspace: DEMO_WORKSPACE, generatePassword, createInstanceUsers: true, signal: AbortSignal.abort() });
    assert.equal(none.counts.cancelled, 30);
  });

  it('skips existing members and in-file duplicates; only adds users that exist on the instance', async () => {
    const rows: BulkRow[] = [
      { line: 2, email: DEVELOPER.email, role: 'admin', superadmin: false },
      { line: 3, email: 'fresh@bulk.example', role: 'operator', superadmin: false },
      { line: 4, email: 'FRESH@bulk.example', role: 'admin', superadmin: false },
      { line: 5, email: OPERATOR.email.toUpperCase(), role: 'developer', superadmin: false },
    ];
    const existingEmails = new Set((await client.listMembers(DEMO_WORKSPACE)).map((m) => m.email));
    const report = await runBulkAdd(client, rows, { workspace: DEMO_WORKSPACE, generatePassword, createInstanceUsers: true, existingEmails });
    assert.deepEqual(report.rows.map((r) => [r.line, r.outcome, r.message]), [
      [2, 'skipped', 'Already a member of the workspace.'],
      [3, 'created+added', undefined],
      [4, 'skipped', 'Duplicate of line 3 in the file.'],
      [5, 'skipped', 'Already a member of the workspace.'],
    ]);
    const log = await requests();
    assert.equal(count(log, 'POST', CREATE), 1);

    // In `other`, alice is an instance user but not a member: no create, only add.
    const instance = new Set((await client.listAllInstanceUsers()).map((u) => u.email));
    const other = await runBulkAdd(client, [{ line: 2, email: DEVELOPER.email, role: 'operator', superadmin: false }], {
      workspace: OTHER_WORKSPACE, generatePassword, createInstanceUsers: true, existingInstanceEmails: instance,
    });
    assert.equal(other.rows[0].outcome, 'added');
    assert.equal(other.secrets.length, 0);
    const s = await state();
    assert.equal(s.workspaces[OTHER_WORKSPACE].members.find((m) => m.email === DEVELOPER.email)?.role, 'operator');
  });

  it('returns generated passwords only in report.secrets, and uses passwords given in the file', async () => {
    const given = 'Given-Passw0rd!';
    const rows: BulkRow[] = [
      { line: 2, email: 'gen1@bulk.example', role: 'developer', superadmin: false },
      { line: 3, email: 'given@bulk.example', role: 'developer', superadmin: false, password: given },
      { line: 4, email: 'gen2@bulk.example', role: 'developer', superadmin: false },
    ];
    const report = await runBulkAdd(client, rows, { workspace: DEMO_WORKSPACE, generatePassword, createInstanceUsers: true });
    assert.deepEqual(report.secrets.map((s) => s.email), ['gen1@bulk.example', 'gen2@bulk.example']);
    assertNoPasswords(report);
    assert.ok(!JSON.stringify(report.rows).includes(given));
    assert.ok(!reportToCsv(report).includes(given));
    assert.equal(secretsToCsv(report.secrets).split('\n')[0], 'email,password');
    const login = await fetch(`${emu.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'given@bulk.example', password: given }),
    });
    assert.equal(login.status, 200);
  });

  it('with createInstanceUsers=false only calls add_user', async () => {
    let generated = 0;
    const rows = makeRows(10);
    const report = await runBulkAdd(client, rows, {
      workspace: DEMO_WORKSPACE, concurrency: 3, generatePassword: () => { generated++; return generatePassword(); }, createInstanceUsers: false,
    });
    assert.ok(report.rows.every((r) => r.outcome === 'added' && !r.createdUser));
    assert.equal(report.secrets.length, 0);
    assert.equal(generated, 0);
    const log = await requests();
    assert.equal(log.length, 10);
    assert.ok(log.every((r) => r.method === 'POST' && r.path === ADD && r.status === 201));
    const s = await state();
    const members = new Map(s.workspaces[DEMO_WORKSPACE].members.map((m) => [m.email, m.role]));
    for (const r of rows) assert.equal(members.get(r.email), r.role);
  });

  it('stops at the first 401/403 instead of failing every row', async () => {
    const bob = new WindmillClient({ remote: emu.url, token: WORKSPACE_ADMIN.token, dispatcher: agent });
    const report = await runBulkAdd(bob, makeRows(40), { workspace: DEMO_WORKSPACE, concurrency: 4, generatePassword, createInstanceUsers: true });
    assert.equal(report.stopped?.reason, 'unauthorized');
    assert.equal(report.stopped?.message, 'This needs an instance superadmin.');
    assert.ok(report.counts.failed >= 1 && report.counts.failed <= 4);
    assert.equal(report.counts.failed + report.counts.cancelled, 40);
    assert.match(report.rows.find((r) => r.outcome === 'cancelled')?.message ?? '', /^Not attempted: This needs an instance superadmin/);
    assert.ok(count(await requests(), 'POST', CREATE) <= 4);
  });

  it('reads the resume set from a report (object, JSON, CSV)', () => {
    const rows = [
      { email: 'A@x.example', line: 2, role: 'developer' as const, outcome: 'created+added' as const, createdUser: true },
      { email: 'b@x.example', line: 3, role: 'developer' as const, outcome: 'failed' as const, step: 'add' as const, createdUser: true },
      { email: 'c@x.example', line: 4, role: 'developer' as const, outcome: 'failed' as const, step: 'create' as const, createdUser: false },
      { email: 'd@x.example', line: 5, role: 'developer' as const, outcome: 'cancelled' as const, createdUser: false },
      { email: 'e@x.example', line: 6, role: 'developer' as const, outcome: 'created' as const, createdUser: true },
      { email: 'f@x.example', line: 7, role: 'developer' as const, outcome: 'added' as const, createdUser: false },
    ];
    const expected = ['a@x.example', 'b@x.example', 'e@x.example'];
    assert.deepEqual([...resumeSetFromReport({ rows })].sort(), expected);
    assert.deepEqual([...resumeSetFromReport(JSON.stringify({ rows }))].sort(), expected);
    assert.deepEqual([...resumeSetFromReport('\ufeff' + reportToCsv({ rows }))].sort(), expected);
    assert.equal(resumeSetFromReport('').size, 0);
    assert.throws(() => resumeSetFromReport('name,age\nx,1\n'), /not a bulk-add report/);
    // A broken file is explained without quoting it (JSON.parse's and csv-parse's own messages do).
    assert.throws(() => resumeSetFromReport('{"rows": [{"email": "tok_SECRET_in_file"'), (e: unknown) => e instanceof Error && /not valid JSON/.test(e.message) && !e.message.includes('SECRET'));
    assert.throws(() => resumeSetFromReport('email,outcome\na@example.com,SECRET"x\n'), (e: unknown) => e instanceof Error && /not valid CSV/.test(e.message) && !e.message.includes('SECRET'));
  });

  describe('bulk removal', () => {
    it('removes members, reports each one, and skips a member listed twice', async () => {
      await fault({ method: 'DELETE', path: `/api/w/${DEMO_WORKSPACE}/users/delete/erin`, mode: 'status', status: 500, body: 'Internal: nope' });
      const report = await runBulkRemove(client, [
        { username: 'alice', email: DEVELOPER.email },
        { username: 'olivia', email: OPERATOR.email },
        { username: 'erin', email: 'erin@example.com' },
        { username: 'ghost', email: 'ghost@example.com' },
        { username: 'alice', email: DEVELOPER.email },
      ], { workspace: DEMO_WORKSPACE, concurrency: 2 });
      assert.deepEqual(report.rows.map((r) => [r.username, r.outcome]), [
        ['alice', 'removed'], ['olivia', 'removed'], ['erin', 'failed'], ['ghost', 'failed'], ['alice', 'skipped'],
      ]);
      assert.match(report.rows[2].message ?? '', /Internal: nope/);
      assert.match(report.rows[3].message ?? '', /Not found/);
      assert.deepEqual(report.counts, { total: 5, removed: 2, skipped: 1, failed: 2, cancelled: 0 });
      const s = await state();
      const members = new Set(s.workspaces[DEMO_WORKSPACE].members.map((m) => m.username));
      assert.ok(!members.has('alice') && !members.has('olivia') && members.has('erin'));
      // Only the membership goes: the instance users stay.
      assert.ok(s.users.some((u) => u.email === DEVELOPER.email));
    });

    it('cancels the members not started and stops on a 403', async () => {
      const controller = new AbortController();
      const slow: BulkRemoveClient = { removeMember: () => sleep(5) };
      const members = Array.from({ length: 20 }, (_, i) => ({ username: `u${i}`, email: `u${i}@x.example` }));
      const report = await runBulkRemove(slow, members, {
        workspace: 'w', concurrency: 2, signal: controller.signal, onProgress: (p) => { if (p.done === 4) controller.abort(); },
      });
      assert.equal(report.stopped?.reason, 'cancelled');
      assert.ok(report.counts.removed >= 4 && report.counts.removed <= 6);
      assert.equal(report.counts.removed + report.counts.cancelled, 20);

      const forbidden: BulkRemoveClient = {
        removeMember: () => Promise.reject(new WindmillHttpError({ method: 'DELETE', path: '/w/w/users/delete/x', host: 'h', status: 403, serverMessage: 'Require Admin privileges for bob' })),
      };
      const denied = await runBulkRemove(forbidden, members, { workspace: 'w', concurrency: 1 });
      assert.equal(denied.stopped?.reason, 'unauthorized');
      assert.deepEqual([denied.counts.failed, denied.counts.cancelled], [1, 19]);
    });
  });
});

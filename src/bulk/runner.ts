// Bulk onboarding and offboarding: runs the parsed CSV rows (or the selected members) against
// Windmill with bounded concurrency. VS Code-free: the command wraps it in a cancellable progress
// notification and turns the CancellationToken into the AbortSignal.
//
// Keep-alive: the runner uses whatever client it is given. Callers should pass a WindmillClient
// whose dispatcher is a shared undici `new Agent({ connections: concurrency })` (keep-alive is
// undici's default), so the pool reuses `concurrency` sockets instead of opening one per request:
//
//   const agent = new Agent({ connections: concurrency });
//   const client = new WindmillClient({ remote, token, dispatcher: agent });
//   try { report = await runBulkAdd(client, rows, { ... concurrency }); } finally { await agent.close(); }
//
// Safety rules:
// - a POST is never retried (a retried create could create a person twice);
// - cancelling stops STARTING rows: a row in flight finishes both of its steps (create, then add),
//   so no row is left created-but-not-added by the cancel itself; rows not started are 'cancelled';
// - generated passwords live only in `report.secrets`, never in `report.rows` or any message.
import { parse } from 'csv-parse/sync';
import { isWindmillError, WindmillHttpError } from '../windmill/errors';
import { roleFlags } from '../windmill/types';
import { csvSyntaxError, unescapeFormula, type BulkRow, type Role } from './csv';

/** The part of WindmillClient the bulk runner needs (a fake in tests). */
export interface BulkClient {
  createUser(
    body: { email: string; password: string; super_admin: boolean; name?: string; company?: string },
    o?: { signal?: AbortSignal },
  ): Promise<unknown>;
  addUserToWorkspace(ws: string, body: { email: string; is_admin: boolean; operator: boolean }, o?: { signal?: AbortSignal }): Promise<unknown>;
}

export interface BulkRemoveClient {
  removeMember(ws: string, username: string, o?: { signal?: AbortSignal }): Promise<unknown>;
}

export type BulkOutcome = 'created' | 'created+added' | 'added' | 'skipped' | 'failed' | 'cancelled';
export type BulkStep = 'create' | 'add';

/** One row of the report: display data only, never a password. */
export interface BulkRowResult {
  email: string;
  /** The row's line in the source CSV (0 when the rows did not come from a file). */
  line: number;
  role: Role;
  outcome: BulkOutcome;
  /** For 'failed': the step that failed. */
  step?: BulkStep;
  /** Why it failed (the server's message, via describe()), or why it was skipped/cancelled. */
  message?: string;
  /** True when the instance user was created in this run (also when the add step then failed). */
  createdUser: boolean;
}

export interface BulkSecret {
  email: string;
  password: string;
}

export interface BulkCounts {
  total: number;
  /** 'created', 'created+added' and 'added' rows. */
  succeeded: number;
  /** Instance users created in this run (including rows whose add step failed). */
  createdUsers: number;
  skipped: number;
  failed: number;
  cancelled: number;
}

export interface BulkReport {
  workspace: string;
  startedAt: string;
  finishedAt: string;
  /** In input order. */
  rows: BulkRowResult[];
  counts: BulkCounts;
  /** Set when the run stopped early: 'cancelled' (the signal) or 'unauthorized' (a 401/403). */
  stopped?: { reason: 'cancelled' | 'unauthorized'; message: string };
  /**
   * The passwords this run generated, for users that now exist (in line order). Never shown on
   * screen, never logged: only saved to a file the person chooses (see secretsToCsv).
   * Passwords given in the CSV are not repeated here.
   */
  secrets: BulkSecret[];
}

export interface BulkProgress {
  done: number;
  total: number;
  /** Rows that succeeded so far ('created', 'created+added', 'added'). */
  created: number;
  failed: number;
  skipped: number;
}

export interface BulkAddOptions {
  workspace: string;
  /** At most this many requests in flight. Default 8, clamped to 1..64. */
  concurrency?: number;
  /** Used for rows without a password (when instance users are created). */
  generatePassword: () => string;
  /** Stops starting new rows; rows in flight finish. */
  signal?: AbortSignal;
  /** Lower-case emails that are already members of the workspace: skipped. */
  existingEmails?: Set<string>;
  /** Lower-case emails that already exist on the instance: not created again, only added. */
  existingInstanceEmails?: Set<string>;
  /** Lower-case emails created by an earlier run (resumeSetFromReport): never created twice. */
  alreadyDone?: Set<string>;
  onProgress?: (p: BulkProgress) => void;
  /** False on Community Edition or for a non-superadmin: only add_user to the workspace. */
  createInstanceUsers: boolean;
  /** Default true. False: only create instance users (outcome 'created'). */
  addToWorkspace?: boolean;
}

export const DEFAULT_BULK_CONCURRENCY = 8;
export const MAX_BULK_CONCURRENCY = 64;

export function clampConcurrency(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_BULK_CONCURRENCY;
  return Math.min(MAX_BULK_CONCURRENCY, Math.max(1, Math.floor(n)));
}

/** A sentence for a person: the server's message through describe(); never a password. */
function describeFailure(e: unknown): string {
  if (isWindmillError(e)) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A 401/403: every further request would fail the same way, so the run stops. */
function isFatal(e: unknown): boolean {
  return e instanceof WindmillHttpError && (e.kind === 'unauthorized' || e.kind === 'forbidden');
}

/**
 * Runs `worker` over `count` items with at most `concurrency` running at once. Stops taking new
 * items once `shouldStop()` is true; the items never started are left to the caller.
 */
async function pool(count: number, concurrency: number, shouldStop: () => boolean, worker: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count && !shouldStop()) {
      const i = next++;
      await worker(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/**
 * Creates (when `createInstanceUsers`) and adds to the workspace every row, with bounded
 * concurrency. Never throws for a row: each row gets an outcome. Within the file, the first row of
 * an email is run and later ones are skipped.
 */
export async function runBulkAdd(client: BulkClient, rows: readonly BulkRow[], opts: BulkAddOptions): Promise<BulkReport> {
  const startedAt = new Date().toISOString();
  const concurrency = clampConcurrency(opts.concurrency);
  const addToWorkspace = opts.addToWorkspace ?? true;
  const existing = lowerSet(opts.existingEmails);
  const existingInstance = lowerSet(opts.existingInstanceEmails);
  const done = lowerSet(opts.alreadyDone);
  const total = rows.length;
  const results: (BulkRowResult | undefined)[] = new Array(total).fill(undefined);
  const secrets: { line: number; index: number; secret: BulkSecret }[] = [];
  const progress: BulkProgress = { done: 0, total, created: 0, failed: 0, skipped: 0 };
  let stopped: BulkReport['stopped'];

  const finish = (i: number, r: BulkRowResult) => {
    results[i] = r;
    progress.done++;
    if (r.outcome === 'failed') progress.failed++;
    else if (r.outcome === 'skipped') progress.skipped++;
    else if (r.outcome !== 'cancelled') progress.created++;
    opts.onProgress?.({ ...progress });
  };

  // Duplicates within the input: the first row of an email wins.
  const firstLine = new Map<string, number>();
  const duplicateOf: (number | undefined)[] = rows.map((r) => {
    const key = r.email.trim().toLowerCase();
    const first = firstLine.get(key);
    if (first === undefined) firstLine.set(key, r.line);
    return first;
  });

  const shouldStop = () => stopped !== undefined || (opts.signal?.aborted ?? false);
  opts.onProgress?.({ ...progress });

  await pool(total, concurrency, shouldStop, async (i) => {
    const row = rows[i];
    const email = row.email.trim();
    const key = email.toLowerCase();
    const base = { email, line: row.line, role: row.role, createdUser: false };
    const dup = duplicateOf[i];
    if (dup !== undefined) {
      finish(i, { ...base, outcome: 'skipped', message: `Duplicate of line ${dup} in the file.` });
      return;
    }
    if (existing.has(key)) {
      finish(i, { ...base, outcome: 'skipped', message: done.has(key) ? 'Already done in an earlier run.' : 'Already a member of the workspace.' });
      return;
    }
    const needCreate = opts.createInstanceUsers && !done.has(key) && !existingInstance.has(key);
    if (!needCreate && !addToWorkspace) {
      finish(i, { ...base, outcome: 'skipped', message: done.has(key) ? 'Already created in an earlier run.' : 'Already exists on the instance.' });
      return;
    }

    let createdUser = false;
    if (needCreate) {
      const generated = row.password === undefined || row.password === '';
      const password = generated ? opts.generatePassword() : (row.password as string);
      const body: { email: string; password: string; super_admin: boolean; name?: string; company?: string } = {
        email, password, super_admin: row.superadmin,
      };
      if (row.name !== undefined) body.name = row.name;
      if (row.company !== undefined) body.company = row.company;
      try {
        // No signal: once sent, a create is seen through (see the header comment).
        await client.createUser(body);
      } catch (e) {
        if (isFatal(e)) stopped ??= { reason: 'unauthorized', message: describeFailure(e) };
        finish(i, { ...base, outcome: 'failed', step: 'create', message: describeFailure(e) });
        return;
      }
      createdUser = true;
      if (generated) secrets.push({ line: row.line, index: i, secret: { email, password } });
    }

    if (!addToWorkspace) {
      finish(i, { ...base, createdUser, outcome: 'created' });
      return;
    }
    try {
      await client.addUserToWorkspace(opts.workspace, { email, ...roleFlags(row.role) });
    } catch (e) {
      if (isFatal(e)) stopped ??= { reason: 'unauthorized', message: describeFailure(e) };
      const message = createdUser
        ? `Created on the instance, but not added to the workspace: ${describeFailure(e)}`
        : describeFailure(e);
      finish(i, { ...base, createdUser, outcome: 'failed', step: 'add', message });
      return;
    }
    finish(i, { ...base, createdUser, outcome: createdUser ? 'created+added' : 'added' });
  });

  if (stopped === undefined && opts.signal?.aborted) stopped = { reason: 'cancelled', message: 'Cancelled.' };
  const cancelMessage = stopped?.reason === 'unauthorized' ? `Not attempted: ${stopped.message}` : 'Not started: the run was cancelled.';
  rows.forEach((row, i) => {
    if (results[i] === undefined) {
      finish(i, { email: row.email.trim(), line: row.line, role: row.role, createdUser: false, outcome: 'cancelled', message: cancelMessage });
    }
  });

  const final = results as BulkRowResult[];
  const report: BulkReport = {
    workspace: opts.workspace,
    startedAt,
    finishedAt: new Date().toISOString(),
    rows: final,
    counts: countOutcomes(final),
    secrets: secrets.sort((a, b) => a.line - b.line || a.index - b.index).map((s) => s.secret),
  };
  if (stopped) report.stopped = stopped;
  return report;
}

export function countOutcomes(rows: readonly BulkRowResult[]): BulkCounts {
  const c: BulkCounts = { total: rows.length, succeeded: 0, createdUsers: 0, skipped: 0, failed: 0, cancelled: 0 };
  for (const r of rows) {
    if (r.createdUser) c.createdUsers++;
    if (r.outcome === 'skipped') c.skipped++;
    else if (r.outcome === 'failed') c.failed++;
    else if (r.outcome === 'cancelled') c.cancelled++;
    else c.succeeded++;
  }
  return c;
}

function lowerSet(s: Set<string> | undefined): Set<string> {
  const out = new Set<string>();
  if (s) for (const e of s) out.add(e.trim().toLowerCase());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resume

const CREATED_OUTCOMES = new Set<string>(['created', 'created+added']);

/**
 * The lower-case emails an earlier run created on the instance, from its report: a BulkReport, its
 * JSON (reportToJson) or its CSV (reportToCsv). Pass the result as `alreadyDone` (and a fresh
 * member list as `existingEmails`) so that a resumed run never creates anyone twice and only adds
 * the users whose add step did not happen.
 */
export function resumeSetFromReport(report: string | Pick<BulkReport, 'rows'> | readonly Partial<BulkRowResult>[]): Set<string> {
  const out = new Set<string>();
  for (const r of reportRows(report)) {
    const email = typeof r.email === 'string' ? r.email.trim().toLowerCase() : '';
    if (email === '') continue;
    const outcome = String(r.outcome ?? '');
    if (CREATED_OUTCOMES.has(outcome) || r.createdUser === true || (outcome === 'failed' && r.step === 'add' && r.createdUser !== false)) {
      out.add(email);
    }
  }
  return out;
}

function reportRows(report: string | Pick<BulkReport, 'rows'> | readonly Partial<BulkRowResult>[]): Partial<BulkRowResult>[] {
  if (typeof report !== 'string') return Array.isArray(report) ? [...report] : [...(report as Pick<BulkReport, 'rows'>).rows];
  const text = report.replace(/^\ufeff/, '').trim();
  if (text === '') return [];
  if (text.startsWith('{') || text.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the text: never pass it on.
      throw new Error('This file is not valid JSON.');
    }
    const rows = Array.isArray(v) ? v : (v as { rows?: unknown }).rows;
    if (!Array.isArray(rows)) throw new Error('This JSON is not a bulk-add report (no "rows").');
    return rows.filter((r): r is Partial<BulkRowResult> => typeof r === 'object' && r !== null);
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), relax_column_count: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (e) {
    throw csvSyntaxError(e);
  }
  if (records.length > 0 && !('outcome' in records[0] && 'email' in records[0])) {
    throw new Error('This CSV is not a bulk-add report (it needs the columns email and outcome).');
  }
  return records.map((r) => {
    const row: Partial<BulkRowResult> = { email: unescapeFormula((r.email ?? '').trim()), outcome: (r.outcome ?? '').trim() as BulkOutcome };
    const step = (r.step ?? '').trim();
    if (step === 'create' || step === 'add') row.step = step;
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Bulk removal

export type RemoveOutcome = 'removed' | 'skipped' | 'failed' | 'cancelled';

export interface BulkRemoveResult {
  username: string;
  email: string;
  outcome: RemoveOutcome;
  message?: string;
}

export interface BulkRemoveReport {
  workspace: string;
  rows: BulkRemoveResult[];
  counts: { total: number; removed: number; skipped: number; failed: number; cancelled: number };
  stopped?: { reason: 'cancelled' | 'unauthorized'; message: string };
}

export interface BulkRemoveOptions {
  workspace: string;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; removed: number; failed: number; skipped: number }) => void;
}

/**
 * Removes members from the workspace (DELETE /w/{ws}/users/delete/{username}; the instance users
 * stay), with bounded concurrency. A member listed twice is removed once.
 */
export async function runBulkRemove(
  client: BulkRemoveClient,
  members: readonly { username: string; email: string }[],
  opts: BulkRemoveOptions,
): Promise<BulkRemoveReport> {
  const concurrency = clampConcurrency(opts.concurrency);
  const total = members.length;
  const results: (BulkRemoveResult | undefined)[] = new Array(total).fill(undefined);
  const progress = { done: 0, total, removed: 0, failed: 0, skipped: 0 };
  let stopped: BulkRemoveReport['stopped'];
  const seen = new Set<string>();

  const finish = (i: number, r: BulkRemoveResult) => {
    results[i] = r;
    progress.done++;
    if (r.outcome === 'removed') progress.removed++;
    else if (r.outcome === 'failed') progress.failed++;
    else if (r.outcome === 'skipped') progress.skipped++;
    opts.onProgress?.({ ...progress });
  };

  const shouldStop = () => stopped !== undefined || (opts.signal?.aborted ?? false);
  await pool(total, concurrency, shouldStop, async (i) => {
    const { username, email } = members[i];
    if (seen.has(username)) {
      finish(i, { username, email, outcome: 'skipped', message: 'Listed twice.' });
      return;
    }
    seen.add(username);
    try {
      await client.removeMember(opts.workspace, username);
      finish(i, { username, email, outcome: 'removed' });
    } catch (e) {
      if (isFatal(e)) stopped ??= { reason: 'unauthorized', message: describeFailure(e) };
      finish(i, { username, email, outcome: 'failed', message: describeFailure(e) });
    }
  });

  if (stopped === undefined && opts.signal?.aborted) stopped = { reason: 'cancelled', message: 'Cancelled.' };
  const cancelMessage = stopped?.reason === 'unauthorized' ? `Not attempted: ${stopped.message}` : 'Not started: the run was cancelled.';
  members.forEach((m, i) => {
    if (results[i] === undefined) finish(i, { username: m.username, email: m.email, outcome: 'cancelled', message: cancelMessage });
  });
  const rows = results as BulkRemoveResult[];
  const counts = { total, removed: 0, skipped: 0, failed: 0, cancelled: 0 };
  for (const r of rows) counts[r.outcome]++;
  const report: BulkRemoveReport = { workspace: opts.workspace, rows, counts };
  if (stopped) report.stopped = stopped;
  return report;
}

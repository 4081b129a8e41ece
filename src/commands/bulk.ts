// Bulk flows: Add Users from CSV, Remove (several selected) Members, Export Users. The work itself
// is in src/bulk (VS Code-free); this module asks (through the Prompter), previews, shows progress,
// writes files (vscode.workspace.fs) and reports.
//
// Secrets: generated passwords exist only in the run's report.secrets until the person saves them
// through a save dialog; they are never shown, logged, or put in a report document.
import * as vscode from 'vscode';
import { chmod } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { trackRun } from './bulkRuns';
import { BulkCsvError, parseBulkCsv, type BulkCsvResult, type BulkRow } from '../bulk/csv';
import {
  clampConcurrency, resumeSetFromReport, runBulkAdd, runBulkRemove,
  type BulkOutcome, type BulkReport, type BulkRemoveReport, type BulkSecret,
} from '../bulk/runner';
import { exportUsers as exportUsersText, reportToCsv, secretsToCsv } from '../bulk/export';
import { generatePassword } from '../password';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { roleLabel, type MemberNode, type UsersNode } from '../tree/nodes';
import { CONFIG_SECTION, Settings } from '../ui/constants';
import { Cancelled, choose, runSteps } from '../ui/steps';
import type { PickItem } from '../ui/prompter';
import { describeError } from '../ui/errors';
import { confirm, notify, resolveConnection, withCancellableProgress, withMutationProgress, type Services } from './services';

/** How many names a confirmation or summary lists before "…and N more". */
const LIST_LIMIT = 15;

// ---------------------------------------------------------------------------------------------
// Progress and cancellation

type Report = (message: string, fraction?: number) => void;

/**
 * A cancellable notification (withCancellableProgress) with a counts message and a bar; the run
 * is tracked so the test API can cancel it too.
 */
function withBulkProgress<T>(title: string, work: (signal: AbortSignal, report: Report) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return withCancellableProgress(title, async (signal, progress) => {
    const untrack = trackRun(controller);
    let shown = 0;
    let last = 0;
    const report: Report = (message, fraction) => {
      const now = Date.now();
      const pct = fraction === undefined ? shown : Math.floor(fraction * 100);
      if (fraction !== undefined && fraction < 1 && now - last < 100) return; // at most ~10 updates a second
      last = now;
      progress.report({ message, increment: Math.max(0, pct - shown) });
      shown = Math.max(shown, pct);
    };
    signal.addEventListener('abort', () => report(vscode.l10n.t('Cancelling: the requests in flight finish…')));
    try {
      return await work(signal, report);
    } finally {
      untrack();
    }
  }, controller);
}

function concurrencySetting(): number {
  return clampConcurrency(vscode.workspace.getConfiguration(CONFIG_SECTION).get<number>(Settings.bulkConcurrency));
}

/**
 * Runs `work` with its own undici Agent of `concurrency` keep-alive connections (undici loads now,
 * not at activation), closed afterwards. It trusts the same extra CAs as every other client.
 */
async function withAgent<T>(s: Services, concurrency: number, work: (dispatcher: Dispatcher) => Promise<T>): Promise<T> {
  const agent = await s.clients.createPool({ connections: concurrency });
  try {
    return await work(agent);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Files

const csvFilters = (): Record<string, string[]> => ({ [vscode.l10n.t('CSV files')]: ['csv'], [vscode.l10n.t('All files')]: ['*'] });

function defaultFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

function suggested(name: string): vscode.Uri | undefined {
  const folder = defaultFolder();
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

function fileLabel(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The text of a file: the open document's (unsaved edits included) or the file's bytes. */
async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** Makes a local file readable by its owner only; says so when that fails (the file holds passwords). */
async function makePrivate(s: Services, uri: vscode.Uri): Promise<void> {
  if (uri.scheme !== 'file' || process.platform === 'win32') return;
  try {
    await chmod(uri.fsPath, 0o600);
  } catch (e) {
    s.log.error(`Could not make ${fileLabel(uri)} private (chmod 600)`, e);
    void s.prompter.message('warning', vscode.l10n.t('{0} could not be made readable by you only: restrict its permissions yourself.', fileLabel(uri)));
  }
}

function stamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

/** "a, b, c …and 4 more" */
function listSome(items: readonly string[], limit = LIST_LIMIT): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? vscode.l10n.t('{0} …and {1} more', shown, items.length - limit) : shown;
}

/** Lines, at most `limit`, then "…and N more". */
function linesSome(items: readonly string[], limit = LIST_LIMIT): string[] {
  const out = items.slice(0, limit);
  if (items.length > limit) out.push(vscode.l10n.t('…and {0} more', items.length - limit));
  return out;
}

/** A Markdown table cell: one line, pipes and markup neutralised. */
function cell(v: string | number | undefined): string {
  return String(v ?? '').replace(/\r?\n|\r/g, ' ').replace(/([\\|`*_[\]<>#])/g, '\\$1');
}

// ---------------------------------------------------------------------------------------------
// Add Users from CSV

interface CsvSource { uri: vscode.Uri; name: string; text: string }

function activeCsvDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme === 'output') return undefined;
  return doc.languageId === 'csv' || /\.csv$/i.test(doc.uri.path) ? doc : undefined;
}

/** The CSV to read: the active editor's or a file (asks which when both are possible). */
async function pickCsv(s: Services, title: string): Promise<CsvSource> {
  const active = activeCsvDocument();
  if (active) {
    const name = baseName(active.uri);
    const useActive = await choose(s.prompter, [
      { label: vscode.l10n.t('Use the Active Editor: {0}', name), description: vscode.l10n.t('{0} lines', active.lineCount), value: true },
      { label: vscode.l10n.t('Choose a CSV File…'), value: false },
    ], { title, placeholder: vscode.l10n.t('Which CSV holds the users?') });
    if (useActive) return { uri: active.uri, name, text: active.getText() };
  }
  const uri = await s.prompter.openFile({ title, label: vscode.l10n.t('Preview Users'), filters: csvFilters(), defaultUri: defaultFolder() });
  if (!uri) throw new Cancelled();
  return { uri, name: baseName(uri), text: await readText(uri) };
}

interface AddContext {
  c: ConnectionInfo;
  /** Lower-case emails of the workspace's members (fetched once). */
  members: Set<string>;
  /** Lower-case emails of the instance's users (only when accounts are created). */
  instance: Set<string>;
  createInstanceUsers: boolean;
  /** Why accounts are not created (not a superadmin, Community Edition). */
  noCreateReason?: string;
}

interface Plan {
  create: BulkRow[];
  add: BulkRow[];
  /** Rows whose account the earlier run created (resume): added only, or skipped if members. */
  resumed: number;
  alreadyMembers: string[];
  duplicateRows: number;
  generated: number;
}

function plan(parsed: BulkCsvResult, ctx: AddContext, done: Set<string>): Plan {
  const p: Plan = { create: [], add: [], resumed: 0, alreadyMembers: [], duplicateRows: 0, generated: 0 };
  const seen = new Set<string>();
  for (const row of parsed.rows) {
    const key = row.email.toLowerCase();
    if (seen.has(key)) { p.duplicateRows++; continue; }
    seen.add(key);
    if (done.has(key)) p.resumed++;
    if (ctx.members.has(key)) { p.alreadyMembers.push(row.email); continue; }
    if (ctx.createInstanceUsers && !done.has(key) && !ctx.instance.has(key)) {
      p.create.push(row);
      if (!row.password) p.generated++;
    } else {
      p.add.push(row);
    }
  }
  return p;
}

function previewDetail(source: CsvSource, parsed: BulkCsvResult, ctx: AddContext, p: Plan, resumeFrom?: string): string {
  const { c } = ctx;
  const out: string[] = [];
  const total = parsed.rows.length + parsed.invalid.length;
  out.push(vscode.l10n.t('{0}: {1} rows, {2} valid, {3} invalid.', source.name, total, parsed.rows.length, parsed.invalid.length));
  if (resumeFrom) out.push(vscode.l10n.t('Resuming from {0}: {1} users created by the earlier run are not created again.', resumeFrom, p.resumed));
  out.push('');
  if (ctx.createInstanceUsers) {
    out.push(vscode.l10n.t('• {0} new accounts created on {1} and added to {2}.', p.create.length, hostOf(c), c.workspace));
    out.push(vscode.l10n.t('• {0} existing users added to {1}.', p.add.length, c.workspace));
  } else {
    out.push(vscode.l10n.t('• {0} users added to {1} (each needs an existing account on {2}).', p.add.length, c.workspace, hostOf(c)));
    if (ctx.noCreateReason) out.push(`  ${ctx.noCreateReason}`);
  }
  if (p.alreadyMembers.length) {
    out.push(vscode.l10n.t('• {0} already members of {1}, skipped: {2}', p.alreadyMembers.length, c.workspace, listSome(p.alreadyMembers)));
  }
  if (parsed.duplicates.length) {
    out.push(vscode.l10n.t('• {0} emails appear more than once (only the first valid row is used):', parsed.duplicates.length));
    for (const l of linesSome(parsed.duplicates.map((d) => vscode.l10n.t('{0} on lines {1}', d.email, d.lines.join(', '))))) out.push(`    ${l}`);
  }
  if (parsed.invalid.length) {
    out.push(vscode.l10n.t('• {0} invalid rows, never sent:', parsed.invalid.length));
    for (const l of linesSome(parsed.invalid.map((r) => vscode.l10n.t('line {0}{1}: {2}', r.line, r.email ? ` (${r.email})` : '', r.reasons.join(' '))))) out.push(`    ${l}`);
  }
  for (const w of parsed.warnings) out.push(`• ${w}`);
  if (p.generated) {
    out.push('');
    out.push(vscode.l10n.t('{0} rows have no password: one is generated for each, and saved only to a file you choose at the end.', p.generated));
  }
  return out.join('\n');
}

/** Who is asking decides whether accounts are created; members (and instance users) fetched once. */
async function addContext(s: Services, c: ConnectionInfo): Promise<AddContext> {
  const client = await s.clients.forConnection(c);
  return withMutationProgress(vscode.l10n.t('Reading the members of {0}…', c.workspace), async (signal) => {
    const [me, memberList] = await Promise.all([client.whoami({ signal }), client.listMembers(c.workspace, { signal })]);
    let edition = c.edition;
    if (me.super_admin && (edition === undefined || edition === 'unknown')) edition = (await client.version({ signal }).catch(() => undefined))?.edition;
    const ctx: AddContext = { c, members: new Set(memberList.map((m) => m.email.toLowerCase())), instance: new Set(), createInstanceUsers: false };
    if (!me.super_admin) {
      ctx.noCreateReason = vscode.l10n.t('{0} is not an instance superadmin, so no accounts are created and passwords in the file are ignored.', me.email);
    } else if (edition === 'CE') {
      ctx.noCreateReason = vscode.l10n.t('The Community Edition cannot create users with a password, so no accounts are created.');
    } else {
      ctx.createInstanceUsers = true;
      const users = await client.listAllInstanceUsers({ signal });
      ctx.instance = new Set(users.map((u) => u.email.toLowerCase()));
    }
    return ctx;
  });
}

async function readResumeSet(s: Services, title: string): Promise<{ done: Set<string>; name: string }> {
  const uri = await s.prompter.openFile({
    title: vscode.l10n.t('{0}: the Report of the Earlier Run', title),
    label: vscode.l10n.t('Resume from Report'),
    filters: { [vscode.l10n.t('Bulk reports')]: ['csv', 'json'], [vscode.l10n.t('All files')]: ['*'] },
    defaultUri: defaultFolder(),
  });
  if (!uri) throw new Cancelled();
  let done: Set<string>;
  try {
    done = resumeSetFromReport(await readText(uri));
  } catch (e) {
    s.errors.show(vscode.l10n.t('Could not read the report {0}: {1}', baseName(uri), e instanceof Error ? e.message : String(e)));
    throw new Cancelled();
  }
  return { done, name: baseName(uri) };
}

export async function addUsersFromCsv(s: Services, node?: UsersNode): Promise<void> {
  const title = vscode.l10n.t('Add Users from CSV');
  const c = await resolveConnection(s, node, title);
  const source = await pickCsv(s, title);
  let parsed: BulkCsvResult;
  try {
    parsed = parseBulkCsv(source.text);
  } catch (e) {
    if (e instanceof BulkCsvError) {
      s.errors.show(vscode.l10n.t('Could not read {0}: {1}', source.name, e.message));
      return;
    }
    throw e;
  }
  for (const r of parsed.rows) if (r.password) s.log.addSecret(r.password);

  const ctx = await addContext(s, c);
  let done = new Set<string>();
  let resumeFrom: string | undefined;
  const addButton = vscode.l10n.t('Add Users');
  const resumeButton = vscode.l10n.t('Resume from Report…');
  for (;;) {
    const p = plan(parsed, ctx, done);
    const detail = previewDetail(source, parsed, ctx, p, resumeFrom);
    const count = p.create.length + p.add.length;
    if (count === 0) {
      const buttons = resumeFrom ? [] : [resumeButton];
      const choice = await s.prompter.message('info', vscode.l10n.t('Nothing to add to {0} from {1}.', c.workspace, source.name), { modal: true, detail }, ...buttons);
      if (choice !== resumeButton) return;
    } else {
      const buttons = resumeFrom ? [addButton] : [addButton, resumeButton];
      const choice = await s.prompter.message('info', vscode.l10n.t('Add {0} users from {1} to {2}?', count, source.name, c.workspace), { modal: true, detail }, ...buttons);
      if (choice === addButton) break;
      if (choice !== resumeButton) return;
    }
    const resume = await readResumeSet(s, title);
    done = resume.done;
    resumeFrom = resume.name;
  }

  // Every valid row goes to the runner: it skips duplicates and members itself, so the report
  // has a line for each of them too.
  const rows = parsed.rows;
  const concurrency = concurrencySetting();
  s.log.info(`Bulk add from ${source.name} to ${c.workspace} (${c.remote}): ${rows.length} rows, concurrency ${concurrency}${resumeFrom ? `, resuming from ${resumeFrom}` : ''}`);
  let report: BulkReport;
  try {
    report = await withAgent(s, concurrency, async (dispatcher) => {
      const client = await s.clients.forConnection(c, { dispatcher });
      return withBulkProgress(vscode.l10n.t('Adding users to {0}', c.workspace), (signal, show) => runBulkAdd(client, rows, {
        workspace: c.workspace,
        concurrency,
        signal,
        createInstanceUsers: ctx.createInstanceUsers,
        existingEmails: ctx.members,
        existingInstanceEmails: ctx.instance,
        alreadyDone: done,
        generatePassword: () => {
          const pw = generatePassword();
          s.log.addSecret(pw);
          return pw;
        },
        onProgress: (pr) => show(
          vscode.l10n.t('{0}/{1} · {2} added · {3} failed · {4} skipped', pr.done, pr.total, pr.created, pr.failed, pr.skipped),
          pr.total ? pr.done / pr.total : 1,
        ),
      }));
    });
  } finally {
    s.tree.refresh(c.id);
  }

  const k = report.counts;
  s.log.info(`Bulk add to ${c.workspace}: ${k.succeeded} succeeded (${k.createdUsers} accounts created), ${k.skipped} skipped, ${k.failed} failed, ${k.cancelled} not started${report.stopped ? ` (stopped: ${report.stopped.message})` : ''}`);
  for (const r of report.rows) if (r.outcome === 'failed') s.log.warn(`Bulk add: line ${r.line} ${r.email}: ${r.message ?? ''}`);

  // Passwords first, before anything else can fail or distract.
  if (report.secrets.length) await savePasswords(s, c, report.secrets);
  report.secrets.splice(0);

  const markdown = addReportMarkdown(c, source, parsed, report, resumeFrom);
  await s.reports.show(`bulk-add-${c.workspace}-${stamp()}.md`, markdown);

  const summary = addSummary(c, report);
  const saveReport = vscode.l10n.t('Save Report…');
  const severity = report.stopped?.reason === 'unauthorized' ? 'error' : k.failed || k.cancelled ? 'warning' : 'info';
  void s.prompter.message(severity, summary, {}, saveReport).then(async (choice) => {
    if (choice === saveReport) await saveReportCsv(s, c, report);
  }).catch((e: unknown) => s.errors.report(vscode.l10n.t('Could not save the report'), e));
}

function addSummary(c: ConnectionInfo, report: BulkReport): string {
  const k = report.counts;
  const parts = [vscode.l10n.t('{0} added to {1} ({2} new accounts)', k.succeeded, c.workspace, k.createdUsers)];
  if (k.skipped) parts.push(vscode.l10n.t('{0} skipped', k.skipped));
  if (k.failed) parts.push(vscode.l10n.t('{0} failed', k.failed));
  if (k.cancelled) parts.push(vscode.l10n.t('{0} not started', k.cancelled));
  let text = parts.join(', ') + '.';
  if (report.stopped?.reason === 'cancelled') text = vscode.l10n.t('Cancelled: {0}', text);
  if (report.stopped?.reason === 'unauthorized') text = vscode.l10n.t('Stopped ({0}): {1}', report.stopped.message, text);
  if (k.failed || k.cancelled) text += ' ' + vscode.l10n.t('Save the report to resume later without creating anyone twice.');
  return text;
}

/** Asks until the passwords are saved or the person explicitly lets them go. */
async function savePasswords(s: Services, c: ConnectionInfo, secrets: readonly BulkSecret[]): Promise<void> {
  const save = vscode.l10n.t('Save Passwords…');
  const discard = vscode.l10n.t('Discard Passwords');
  for (;;) {
    const choice = await s.prompter.message('warning',
      vscode.l10n.t('{0} passwords were generated. Save them to a file now: they are not kept anywhere else.', secrets.length),
      { modal: true, detail: vscode.l10n.t('The file holds one email,password line per new user. Keep it private and delete it once the passwords are handed over. The passwords are never shown on screen or logged.') },
      save);
    if (choice === save) {
      const uri = await s.prompter.saveFile({
        title: vscode.l10n.t('Save the Generated Passwords'),
        label: vscode.l10n.t('Save Passwords'),
        filters: csvFilters(),
        defaultUri: suggested(`${c.workspace}-passwords-${stamp()}.csv`),
      });
      if (uri) {
        try {
          await writeText(uri, secretsToCsv(secrets));
          await makePrivate(s, uri);
          s.log.info(`Saved ${secrets.length} generated passwords to ${fileLabel(uri)}`);
          notify(s, vscode.l10n.t('Saved {0} passwords to {1}.', secrets.length, fileLabel(uri)));
          return;
        } catch (e) {
          s.errors.report(vscode.l10n.t('Could not save the passwords to {0}', fileLabel(uri)), e);
          continue;
        }
      }
    }
    const again = await s.prompter.message('warning',
      vscode.l10n.t('Discard the {0} generated passwords?', secrets.length),
      { modal: true, detail: vscode.l10n.t('Those users cannot sign in with a password until an admin sets a new one.') },
      save, discard);
    if (again !== save) {
      s.log.info(`Discarded ${secrets.length} generated passwords (not saved)`);
      return;
    }
  }
}

async function saveReportCsv(s: Services, c: ConnectionInfo, report: BulkReport): Promise<void> {
  const uri = await s.prompter.saveFile({
    title: vscode.l10n.t('Save the Bulk Add Report'),
    label: vscode.l10n.t('Save Report'),
    filters: csvFilters(),
    defaultUri: suggested(`${c.workspace}-bulk-report-${stamp(new Date(report.finishedAt))}.csv`),
  });
  if (!uri) return;
  await writeText(uri, reportToCsv(report));
  s.log.info(`Saved the bulk add report to ${fileLabel(uri)}`);
  notify(s, vscode.l10n.t('Saved the report to {0}. To resume, run Add Users from CSV with the same file and choose "Resume from Report…".', fileLabel(uri)));
}

function outcomeLabel(o: BulkOutcome): string {
  switch (o) {
    case 'created': return vscode.l10n.t('account created (not added)');
    case 'created+added': return vscode.l10n.t('created and added');
    case 'added': return vscode.l10n.t('added');
    case 'skipped': return vscode.l10n.t('skipped');
    case 'failed': return vscode.l10n.t('failed');
    default: return vscode.l10n.t('not started');
  }
}

function addReportMarkdown(c: ConnectionInfo, source: CsvSource, parsed: BulkCsvResult, report: BulkReport, resumeFrom?: string): string {
  const k = report.counts;
  const out: string[] = [];
  out.push(`# ${cell(vscode.l10n.t('Add Users from CSV: {0} on {1}', c.workspace, hostOf(c)))}`, '');
  out.push(`- ${cell(vscode.l10n.t('File: {0}', fileLabel(source.uri)))}`);
  if (resumeFrom) out.push(`- ${cell(vscode.l10n.t('Resumed from the report {0}', resumeFrom))}`);
  out.push(`- ${cell(vscode.l10n.t('Started {0}, finished {1}', report.startedAt, report.finishedAt))}`);
  out.push(`- ${cell(vscode.l10n.t('{0} succeeded ({1} new accounts), {2} skipped, {3} failed, {4} not started, {5} invalid rows not sent',
    k.succeeded, k.createdUsers, k.skipped, k.failed, k.cancelled, parsed.invalid.length))}`);
  if (report.stopped) out.push(`- **${cell(report.stopped.message)}**`);
  out.push(`- ${cell(vscode.l10n.t('Generated passwords are not in this report: only in the file saved for them.'))}`, '');
  out.push(`| ${[vscode.l10n.t('Line'), vscode.l10n.t('Email'), vscode.l10n.t('Role'), vscode.l10n.t('Outcome'), vscode.l10n.t('Message')].join(' | ')} |`);
  out.push('|---:|---|---|---|---|');
  for (const r of report.rows) {
    const outcome = r.outcome === 'failed' && r.step ? `${outcomeLabel(r.outcome)} (${r.step})` : outcomeLabel(r.outcome);
    out.push(`| ${r.line} | ${cell(r.email)} | ${cell(roleLabel(r.role))} | ${cell(outcome)} | ${cell(r.message)} |`);
  }
  const notSent = parsed.invalid.map((r) => ({ line: r.line, email: r.email ?? '', message: r.reasons.join(' ') })).sort((a, b) => a.line - b.line);
  if (notSent.length) {
    out.push('', `## ${cell(vscode.l10n.t('Invalid rows (never sent)'))}`, '');
    out.push(`| ${[vscode.l10n.t('Line'), vscode.l10n.t('Email'), vscode.l10n.t('Reasons')].join(' | ')} |`, '|---:|---|---|');
    for (const r of notSent) out.push(`| ${r.line} | ${cell(r.email)} | ${cell(r.message)} |`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Remove several selected members

export async function removeMembers(s: Services, nodes: readonly MemberNode[]): Promise<void> {
  const groups = new Map<string, { c: ConnectionInfo; members: { username: string; email: string }[] }>();
  for (const n of nodes) {
    const c = s.store.get(n.connection.id) ?? n.connection;
    const g = groups.get(c.id) ?? { c, members: [] };
    g.members.push({ username: n.member.username, email: n.member.email });
    groups.set(c.id, g);
  }
  const all = [...groups.values()];
  const total = nodes.length;
  const single = all.length === 1 ? all[0].c : undefined;
  const lines = all.flatMap(({ c, members }) => members.map((m) => single
    ? `${m.email} (${m.username})`
    : vscode.l10n.t('{0} ({1}) from {2} on {3}', m.email, m.username, c.workspace, hostOf(c))));
  const self = all.some(({ c, members }) => members.some((m) => m.email === c.email));
  const detail = [
    ...linesSome(lines, 25),
    '',
    single
      ? vscode.l10n.t('They lose access to {0}. Their accounts on {1} and their other workspaces stay.', single.workspace, hostOf(single))
      : vscode.l10n.t('They lose access to those workspaces. Their accounts and their other workspaces stay.'),
    ...(self ? ['', vscode.l10n.t('This includes the account of the connection: you will lose access.')] : []),
  ].join('\n');
  const question = single
    ? vscode.l10n.t('Remove {0} members from the workspace {1}?', total, single.workspace)
    : vscode.l10n.t('Remove {0} members from {1} workspaces?', total, all.length);
  const button = vscode.l10n.t('Remove {0} Members', total);
  if (!await confirm(s, question, detail, button)) return;

  const concurrency = concurrencySetting();
  const reports: { c: ConnectionInfo; report: BulkRemoveReport }[] = [];
  await withBulkProgress(vscode.l10n.t('Removing {0} members', total), async (signal, show) => {
    let before = 0;
    for (const { c, members } of all) {
      try {
        const report = await withAgent(s, concurrency, async (dispatcher) => {
          const client = await s.clients.forConnection(c, { dispatcher });
          return runBulkRemove(client, members, {
            workspace: c.workspace, concurrency, signal,
            onProgress: (pr) => show(vscode.l10n.t('{0}/{1} · {2} removed · {3} failed', before + pr.done, total, pr.removed, pr.failed), (before + pr.done) / total),
          });
        });
        reports.push({ c, report });
      } catch (e) {
        // No client (e.g. the token is gone): every member of this connection failed the same way.
        const message = describeError(e);
        reports.push({ c, report: {
          workspace: c.workspace,
          rows: members.map((m) => ({ ...m, outcome: 'failed', message })),
          counts: { total: members.length, removed: 0, skipped: 0, failed: members.length, cancelled: 0 },
        } });
      } finally {
        before += members.length;
        s.tree.refresh(c.id);
      }
    }
  });

  const rows = reports.flatMap(({ c, report }) => report.rows.map((r) => ({ c, r })));
  for (const { c, r } of rows) {
    if (r.outcome === 'removed') s.log.info(`Removed ${r.email} from ${c.workspace}`);
    else s.log.warn(`Did not remove ${r.email} from ${c.workspace}: ${r.outcome}${r.message ? ` (${r.message})` : ''}`);
  }
  const removed = rows.filter(({ r }) => r.outcome === 'removed');
  const failed = rows.filter(({ r }) => r.outcome === 'failed');
  const notStarted = rows.filter(({ r }) => r.outcome === 'cancelled');
  const where = single ? single.workspace : vscode.l10n.t('{0} workspaces', all.length);
  if (failed.length === 0 && notStarted.length === 0) {
    notify(s, vscode.l10n.t('Removed {0} members from {1}: {2}.', removed.length, where, listSome(removed.map(({ r }) => r.email))));
    return;
  }
  const parts = [vscode.l10n.t('Removed {0} of {1} members from {2}.', removed.length, total, where)];
  if (failed.length) parts.push(vscode.l10n.t('Not removed: {0}.', listSome(failed.map(({ r }) => `${r.email} (${r.message ?? ''})`), 5)));
  if (notStarted.length) parts.push(vscode.l10n.t('{0} not started (cancelled).', notStarted.length));
  const showReport = vscode.l10n.t('Show Report');
  void s.prompter.message(failed.length ? 'warning' : 'info', parts.join(' '), {}, showReport).then(async (choice) => {
    if (choice !== showReport) return;
    const md = [
      `# ${cell(vscode.l10n.t('Remove Members: {0}', where))}`, '',
      `| ${[vscode.l10n.t('Workspace'), vscode.l10n.t('Email'), vscode.l10n.t('Username'), vscode.l10n.t('Outcome'), vscode.l10n.t('Message')].join(' | ')} |`,
      '|---|---|---|---|---|',
      ...rows.map(({ c, r }) => `| ${cell(c.workspace)} | ${cell(r.email)} | ${cell(r.username)} | ${cell(r.outcome)} | ${cell(r.message)} |`),
    ].join('\n');
    await s.reports.show(`remove-members-${stamp()}.md`, `${md}\n`);
  }).catch((e: unknown) => s.errors.report(vscode.l10n.t('Could not show the report'), e));
}

// ---------------------------------------------------------------------------------------------
// Export Users

type ExportFormat = 'csv' | 'json';

export async function exportUsers(s: Services, node?: UsersNode): Promise<void> {
  const title = vscode.l10n.t('Export Users');
  const c = await resolveConnection(s, node, title);
  const client = await s.clients.forConnection(c);
  const me = await client.whoami();
  const state = { format: 'csv' as ExportFormat, instance: false };
  await runSteps(() => [
    async (ctx) => {
      state.format = await choose<ExportFormat>(s.prompter, [
        { label: vscode.l10n.t('CSV'), description: vscode.l10n.t('email, name, company, role, superadmin: opens in Add Users from CSV'), value: 'csv' },
        { label: vscode.l10n.t('JSON'), description: vscode.l10n.t('every field, including username and disabled'), value: 'json' },
      ], { title, ...ctx, placeholder: vscode.l10n.t('Export the users of {0} as', c.workspace) });
    },
    ...(me.super_admin ? [async (ctx: { step: number; totalSteps: number; canGoBack: boolean }) => {
      state.instance = await choose<boolean>(s.prompter, [
        { label: vscode.l10n.t('Members of {0}', c.workspace), value: false },
        { label: vscode.l10n.t('Members and All Instance Users'), description: vscode.l10n.t('every user of {0}; those outside the workspace have no role', hostOf(c)), value: true },
      ] satisfies PickItem<boolean>[], { title, ...ctx, placeholder: vscode.l10n.t('Which users?') });
    }] : []),
  ]);
  const ext = state.format;
  const uri = await s.prompter.saveFile({
    title: vscode.l10n.t('Export the Users of {0}', c.workspace),
    label: vscode.l10n.t('Export'),
    filters: ext === 'csv' ? csvFilters() : { [vscode.l10n.t('JSON files')]: ['json'] },
    defaultUri: suggested(`${c.workspace}-users.${ext}`),
  });
  if (!uri) return;
  const { text, count } = await withMutationProgress(vscode.l10n.t('Exporting the users of {0}…', c.workspace), async (signal) => {
    // A superadmin's export also carries each member's company and superadmin flag (from the
    // instance users); the instance users outside the workspace only when asked for.
    const [members, allUsers] = await Promise.all([
      client.listMembers(c.workspace, { signal }),
      me.super_admin ? client.listAllInstanceUsers({ signal }) : Promise.resolve(undefined),
    ]);
    const memberEmails = new Set(members.map((m) => m.email.toLowerCase()));
    const instanceUsers = state.instance ? allUsers : allUsers?.filter((u) => memberEmails.has(u.email.toLowerCase()));
    const extra = instanceUsers?.filter((u) => !memberEmails.has(u.email.toLowerCase())).length ?? 0;
    return { text: exportUsersText(members, { format: state.format, ...(instanceUsers ? { instanceUsers } : {}) }), count: members.length + extra };
  });
  await writeText(uri, text);
  s.log.info(`Exported ${count} users of ${c.workspace} (${c.remote}) to ${fileLabel(uri)}`);
  const open = vscode.l10n.t('Open File');
  void s.prompter.message('info', vscode.l10n.t('Exported {0} users to {1}.', count, fileLabel(uri)), {}, open).then(async (choice) => {
    if (choice === open) await vscode.window.showTextDocument(uri);
  }).catch((e: unknown) => s.errors.report(vscode.l10n.t('Could not open the file'), e));
}

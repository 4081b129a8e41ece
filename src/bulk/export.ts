// Exports with csv-stringify: users (the bulk-add columns, so an export is a valid bulk-add file),
// bulk reports and, separately, the generated passwords. VS Code-free; the command picks the file.
import { stringify } from 'csv-stringify/sync';
import type { GlobalUserInfo, Member, Role } from '../windmill/types';
import { escapeFormula } from './csv';
import type { BulkReport, BulkRowResult, BulkSecret } from './runner';

/** One exported user. `role` is absent for an instance user who is not a member of the workspace. */
export interface ExportRow {
  email: string;
  name?: string;
  company?: string;
  role?: Role;
  superadmin: boolean;
  /** JSON only. */
  username?: string;
  /** JSON only. */
  disabled?: boolean;
  /** JSON only: false for instance users who are not members of the workspace. */
  member: boolean;
}

export const EXPORT_CSV_COLUMNS = ['email', 'name', 'company', 'role', 'superadmin'] as const;

/**
 * The workspace's members, joined with the instance users when given (company, superadmin), then
 * (when `instanceUsers` is given) the instance users who are not members, sorted by email.
 */
export function buildExportRows(members: readonly Member[], instanceUsers?: readonly GlobalUserInfo[]): ExportRow[] {
  const byEmail = new Map<string, GlobalUserInfo>();
  for (const u of instanceUsers ?? []) byEmail.set(u.email.toLowerCase(), u);
  const memberEmails = new Set<string>();
  const rows: ExportRow[] = [];
  for (const m of members) {
    const key = m.email.toLowerCase();
    memberEmails.add(key);
    const inst = byEmail.get(key);
    const row: ExportRow = { email: m.email, role: m.role, superadmin: inst?.super_admin ?? false, username: m.username, disabled: m.disabled, member: true };
    const name = m.name ?? inst?.name;
    if (name) row.name = name;
    if (inst?.company) row.company = inst.company;
    rows.push(row);
  }
  const others: ExportRow[] = [];
  for (const u of instanceUsers ?? []) {
    if (memberEmails.has(u.email.toLowerCase())) continue;
    const row: ExportRow = { email: u.email, superadmin: u.super_admin, disabled: u.disabled, member: false };
    if (u.name) row.name = u.name;
    if (u.company) row.company = u.company;
    if (u.username) row.username = u.username;
    others.push(row);
  }
  const byEmailOrder = (a: ExportRow, b: ExportRow) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);
  return [...rows.sort(byEmailOrder), ...others.sort(byEmailOrder)];
}

/**
 * Users -> CSV with the bulk-add columns (no password column): parseBulkCsv reads it back to the
 * same rows. Cells a spreadsheet would run as a formula (= + - @) are prefixed with "'" (and the
 * parser removes that prefix).
 */
export function usersToCsv(rows: readonly Pick<ExportRow, 'email' | 'name' | 'company' | 'role' | 'superadmin'>[]): string {
  return stringify(
    rows.map((r) => [escapeFormula(r.email), escapeFormula(r.name ?? ''), escapeFormula(r.company ?? ''), r.role ?? '', r.superadmin ? 'true' : 'false']),
    { header: true, columns: [...EXPORT_CSV_COLUMNS], record_delimiter: 'unix', quoted_match: /\r/ },
  );
}

/** Users -> pretty JSON (an array of ExportRow; empty fields left out). */
export function usersToJson(rows: readonly ExportRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Members (and, for superadmins, instance users) -> CSV or JSON text. */
export function exportUsers(members: readonly Member[], opts: { format: 'csv' | 'json'; instanceUsers?: readonly GlobalUserInfo[] }): string {
  const rows = buildExportRows(members, opts.instanceUsers);
  return opts.format === 'csv' ? usersToCsv(rows) : usersToJson(rows);
}

export const REPORT_CSV_COLUMNS = ['email', 'line', 'outcome', 'step', 'message'] as const;

/** The report's rows -> CSV `email,line,outcome,step,message` (no passwords: they are not in rows). */
export function reportToCsv(report: Pick<BulkReport, 'rows'> | readonly BulkRowResult[]): string {
  const rows = Array.isArray(report) ? (report as readonly BulkRowResult[]) : (report as Pick<BulkReport, 'rows'>).rows;
  return stringify(
    rows.map((r) => [escapeFormula(r.email), String(r.line), r.outcome, r.step ?? '', escapeFormula(r.message ?? '')]),
    { header: true, columns: [...REPORT_CSV_COLUMNS], record_delimiter: 'unix', quoted_match: /\r/ },
  );
}

/** The report as JSON, WITHOUT its secrets (resumeSetFromReport reads it back). */
export function reportToJson(report: BulkReport): string {
  const { secrets: _secrets, ...shown } = report;
  return `${JSON.stringify(shown, null, 2)}\n`;
}

/**
 * The generated passwords -> CSV `email,password`: for a file the person saves through a save
 * dialog, never for the screen or a log. Cells are written as they are (no formula escaping: a
 * password must stay exact), so password generators should not start a password with = + - @.
 */
export function secretsToCsv(secrets: readonly BulkSecret[]): string {
  return stringify(
    secrets.map((s) => [s.email, s.password]),
    { header: true, columns: ['email', 'password'], record_delimiter: 'unix', quoted_match: /\r/ },
  );
}

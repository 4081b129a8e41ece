// Parsing of the bulk-add CSV (columns email, name, company, role, superadmin, password) with
// csv-parse. VS Code-free: the command shows the preview, this module only reads and validates.
// No reason or warning text ever quotes a row's password.
import { parse } from 'csv-parse/sync';
import type { Role } from '../windmill/types';
import { validateEmail, validatePassword } from '../validation';

export type { Role };

/** A valid row of the file. `line` is the 1-based line where the record starts. */
export interface BulkRow {
  line: number;
  /** Trimmed, as written in the file (compare case-insensitively). */
  email: string;
  name?: string;
  company?: string;
  role: Role;
  superadmin: boolean;
  /** Only when the file gives one; otherwise the runner generates one. */
  password?: string;
}

export interface InvalidRow {
  line: number;
  email?: string;
  reasons: string[];
}

export interface DuplicateEmail {
  /** Lower-case. */
  email: string;
  /** Every line that has this email, ascending (valid and invalid rows). */
  lines: number[];
}

export interface BulkCsvResult {
  rows: BulkRow[];
  invalid: InvalidRow[];
  duplicates: DuplicateEmail[];
  warnings: string[];
}

/** The file cannot be read as a bulk-add CSV at all (no header, no email column, broken quoting). */
export class BulkCsvError extends Error {
  /** 1-based line of the problem, when known. */
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'BulkCsvError';
    if (line !== undefined) this.line = line;
  }
}

export const BULK_COLUMNS = ['email', 'name', 'company', 'role', 'superadmin', 'password'] as const;
export type BulkColumn = (typeof BULK_COLUMNS)[number];

/** Header spellings accepted besides the canonical names (compared lower-case, trimmed). */
const HEADER_ALIASES: Record<string, BulkColumn> = {
  super_admin: 'superadmin',
  'super admin': 'superadmin',
  'super-admin': 'superadmin',
};

const ROLES: readonly Role[] = ['admin', 'developer', 'operator'];
const TRUE_VALUES = new Set(['true', 'yes', '1']);
const FALSE_VALUES = new Set(['false', 'no', '0']);

// Spreadsheet formula injection: a cell starting with = + - @ (or a tab / CR) is run as a formula
// by Excel and friends. The export prefixes such cells with "'"; the parser removes that prefix
// again. Both rules use the same pattern, so export -> parse is the identity.
const FORMULA_ESCAPED = /^'+[=+\-@\t\r]/;
const FORMULA_NEEDS_ESCAPE = /^'*[=+\-@\t\r]/;

/** "=cmd" -> "'=cmd" (for CSV cells a person may open in a spreadsheet). */
export function escapeFormula(value: string): string {
  return FORMULA_NEEDS_ESCAPE.test(value) ? `'${value}` : value;
}

/** The inverse of escapeFormula. */
export function unescapeFormula(value: string): string {
  return FORMULA_ESCAPED.test(value) ? value.slice(1) : value;
}

/** Counts line breaks (CRLF, LF or a lone CR) in a byte buffer, resuming from a previous position. */
class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly buf: Buffer) {}

  /** The 1-based line of byte offset `offset` (offsets must not decrease between calls). */
  lineAt(offset: number): number {
    const end = Math.min(offset, this.buf.length);
    for (; this.pos < end; this.pos++) {
      const c = this.buf[this.pos];
      if (c === 0x0a) this.line++;
      else if (c === 0x0d && this.buf[this.pos + 1] !== 0x0a) this.line++;
    }
    return this.line;
  }
}

interface RawRecord {
  record: string[];
  info: { bytes: number };
}

/**
 * A csv-parse failure as a BulkCsvError that never quotes the file: csv-parse's own messages can
 * (INVALID_OPENING_QUOTE ends with `value is "<the cell>"`, and a cell may be a password).
 */
export function csvSyntaxError(e: unknown): BulkCsvError {
  const err = e as { code?: unknown; lines?: unknown };
  const line = typeof err?.lines === 'number' ? err.lines : undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return new BulkCsvError(`A quoted field is never closed${line ? ` (the file ends inside quotes opened near line ${line})` : ''}.`, line);
  }
  const why = code === 'INVALID_OPENING_QUOTE' ? 'a quote (") stands inside a field that does not start with one'
    : code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' ? 'a closing quote (") is followed by more text in the same field'
      : `the structure cannot be read${code ? ` (${code})` : ''}`;
  return new BulkCsvError(`The file is not valid CSV${line ? ` (line ${line})` : ''}: ${why}.`, line);
}

function readRecords(text: string): { records: { fields: string[]; line: number }[] } {
  let raw: RawRecord[];
  try {
    raw = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: false }) as unknown as RawRecord[];
  } catch (e) {
    throw csvSyntaxError(e);
  }
  // info.bytes is the offset just after a record (its line break included), so a record starts
  // where the previous one ended. csv-parse's own `lines` miscounts CRLF inside quotes.
  const counter = new LineCounter(Buffer.from(text, 'utf8'));
  let start = 0;
  const records = raw.map((r) => {
    const line = counter.lineAt(start);
    start = r.info.bytes;
    return { fields: r.record, line };
  });
  return { records };
}

const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

function mapHeader(fields: string[], warnings: string[]): Map<BulkColumn, number> {
  const columns = new Map<BulkColumn, number>();
  fields.forEach((f, i) => {
    const key = f.trim().toLowerCase();
    const col = (BULK_COLUMNS as readonly string[]).includes(key) ? (key as BulkColumn) : HEADER_ALIASES[key];
    if (!col) {
      warnings.push(key === '' ? `Column ${i + 1} has no name and is ignored.` : `Unknown column "${f.trim()}" is ignored.`);
      return;
    }
    if (columns.has(col)) {
      warnings.push(`Column "${col}" appears more than once; only the first one is used.`);
      return;
    }
    columns.set(col, i);
  });
  return columns;
}

/** A value that is safe to quote in a reason: short, and not (part of) the row's password. */
function quotable(value: string, password: string, maxLength = 30): string | undefined {
  if (password !== '' && (value.includes(password) || password.includes(value))) return undefined;
  return value.length > maxLength ? undefined : value;
}

/**
 * Parses and validates a bulk-add CSV. A header row is required and must have an `email` column;
 * header names are case-insensitive and trimmed; a UTF-8 BOM is fine. Blank lines are ignored.
 * Throws BulkCsvError when the file cannot be used at all (empty, no email column, broken quotes).
 */
export function parseBulkCsv(text: string): BulkCsvResult {
  const { records } = readRecords(text ?? '');
  const firstIdx = records.findIndex((r) => !isBlank(r.fields));
  if (firstIdx < 0) {
    throw new BulkCsvError(`The file is empty. It needs a header row: ${BULK_COLUMNS.join(',')}.`);
  }
  const header = records[firstIdx];
  const warnings: string[] = [];
  const columns = mapHeader(header.fields, warnings);
  if (!columns.has('email')) {
    throw new BulkCsvError(
      `Line ${header.line} is not a header with an "email" column. The first row must name the columns: ${BULK_COLUMNS.join(',')}.`,
      header.line,
    );
  }
  const headerWidth = header.fields.length;

  const rows: BulkRow[] = [];
  const invalid: InvalidRow[] = [];
  const linesByEmail = new Map<string, number[]>();

  for (const { fields, line } of records.slice(firstIdx + 1)) {
    if (isBlank(fields)) continue;
    const cell = (c: BulkColumn): string => {
      const i = columns.get(c);
      return i === undefined ? '' : (fields[i] ?? '');
    };
    // A blank password cell means "generate one".
    const password = cell('password').trim() === '' ? '' : cell('password');
    const email = unescapeFormula(cell('email').trim());
    const name = unescapeFormula(cell('name').trim());
    const company = unescapeFormula(cell('company').trim());
    const roleRaw = cell('role').trim();
    const superRaw = cell('superadmin').trim();
    const reasons: string[] = [];

    if (fields.length > headerWidth && fields.slice(headerWidth).some((f) => f.trim() !== '')) {
      reasons.push(`The row has ${fields.length} fields but the header has ${headerWidth} (an unquoted comma?).`);
    }
    const emailProblem = validateEmail(email);
    if (emailProblem) reasons.push(emailProblem);

    let role: Role = 'developer';
    if (roleRaw !== '') {
      const r = roleRaw.toLowerCase();
      if ((ROLES as readonly string[]).includes(r)) {
        role = r as Role;
      } else {
        const q = quotable(roleRaw, password);
        reasons.push(`Unknown role${q !== undefined ? ` "${q}"` : ''}: use admin, developer or operator.`);
      }
    }

    let superadmin = false;
    if (superRaw !== '') {
      const s = superRaw.toLowerCase();
      if (TRUE_VALUES.has(s)) superadmin = true;
      else if (!FALSE_VALUES.has(s)) {
        const q = quotable(superRaw, password);
        reasons.push(`Invalid superadmin value${q !== undefined ? ` "${q}"` : ''}: use true/false, yes/no or 1/0.`);
      }
    }

    if (password !== '') {
      const p = validatePassword(password);
      if (p) reasons.push(`Password: ${p}`);
    }

    if (!emailProblem) {
      const key = email.toLowerCase();
      const seen = linesByEmail.get(key);
      if (seen) seen.push(line);
      else linesByEmail.set(key, [line]);
    }

    if (reasons.length > 0) {
      const shown = email !== '' && quotable(email, password, 320) !== undefined ? email : undefined;
      invalid.push(shown !== undefined ? { line, email: shown, reasons } : { line, reasons });
      continue;
    }
    const row: BulkRow = { line, email, role, superadmin };
    if (name !== '') row.name = name;
    if (company !== '') row.company = company;
    if (password !== '') row.password = password;
    rows.push(row);
  }

  const duplicates: DuplicateEmail[] = [];
  for (const [email, lines] of linesByEmail) if (lines.length > 1) duplicates.push({ email, lines });
  if (rows.length === 0 && invalid.length === 0) warnings.push('The file has a header but no rows.');
  return { rows, invalid, duplicates, warnings };
}

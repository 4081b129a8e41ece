// Reading the wmill CLI's profiles: `<config>/windmill/remotes.ndjson` (one JSON object a line,
// `{"name","remote","workspaceId","token"}`, plain text) and `<config>/windmill/activeWorkspace`
// (the active profile's name). Read-only: nothing here ever writes to the CLI's files.
// Every problem is reported in a sentence that never contains a token; the good lines still count.
// VS Code-free.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** One set of Windmill credentials found outside the extension, ready to be verified and stored. */
export interface CliProfile {
  name: string;
  /** The instance URL as written in the source (usually with a trailing slash). */
  remote: string;
  workspaceId: string;
  token: string;
}

/** Something that kept (part of) the import from working. `line` is 1-based when a file line is at fault. */
export interface ImportProblem {
  line?: number;
  message: string;
}

export interface CliProfilesResult {
  profiles: CliProfile[];
  /** The name in `activeWorkspace`, when it names one of `profiles`. */
  active?: string;
  problems: ImportProblem[];
}

export const REMOTES_FILE = 'remotes.ndjson';
export const ACTIVE_FILE = 'activeWorkspace';
/** A profiles file is a few hundred bytes a profile; anything this big is not one. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const FIELDS = ['name', 'remote', 'workspaceId', 'token'] as const;
type Field = (typeof FIELDS)[number];

function env(e: NodeJS.ProcessEnv, key: string): string | undefined {
  const v = e[key];
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/**
 * The CLI's config folder (the one holding remotes.ndjson): `$WMILL_CONFIG_DIR/windmill`, else the
 * OS's config folder + `/windmill`: `$XDG_CONFIG_HOME` or `~/.config` on Linux (and other Unixes),
 * `~/Library/Preferences` on macOS, `%APPDATA%` on Windows.
 */
export function cliConfigDir(e: NodeJS.ProcessEnv, platform: NodeJS.Platform, homedir: string): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env(e, 'WMILL_CONFIG_DIR');
  if (override) return p.join(override, 'windmill');
  switch (platform) {
    case 'darwin':
      return p.join(homedir, 'Library', 'Preferences', 'windmill');
    case 'win32':
      return p.join(env(e, 'APPDATA') ?? p.join(homedir, 'AppData', 'Roaming'), 'windmill');
    default:
      return p.join(env(e, 'XDG_CONFIG_HOME') ?? p.join(homedir, '.config'), 'windmill');
  }
}

/** True for an absolute http(s) URL. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The strings held in a `token` field, whatever its shape (a string, or strings nested in an array or
 * object by mistake), so that they can be redacted wherever else they appear.
 */
export function tokenStrings(v: unknown, depth = 0): string[] {
  if (typeof v === 'string') return v.trim() === v ? [v] : [v, v.trim()];
  if (depth >= 4 || typeof v !== 'object' || v === null) return [];
  return Object.values(v).flatMap((x) => tokenStrings(x, depth + 1));
}

/** The secrets worth redacting, longest first (a 1-3 character "token" would mangle every sentence). */
function secretsOf(tokens: Iterable<string>): string[] {
  return [...new Set(tokens)].filter((t) => t.length >= 4).sort((a, b) => b.length - a.length);
}

/** `s` with every occurrence of a known token replaced by "[token]". */
export function redactText(s: string, tokens: Iterable<string>): string {
  let out = s;
  for (const t of secretsOf(tokens)) out = out.split(t).join('[token]');
  return out;
}

/**
 * A name or other short value made safe to quote in a message: known tokens redacted (before
 * truncating, so no prefix of a token survives), one line, bounded length.
 */
export function quote(s: string, tokens: Iterable<string> = []): string {
  // eslint-disable-next-line no-control-regex
  const clean = redactText(s, tokens).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return `"${clean.length > 60 ? `${clean.slice(0, 57)}...` : clean}"`;
}

/**
 * Replaces every occurrence of a known token in the problems' text. Belt and braces: messages only
 * quote names (already redacted), and a name could (by mistake or malice) be someone's token.
 */
export function redactProblems(problems: ImportProblem[], tokens: Iterable<string>): ImportProblem[] {
  const secrets = secretsOf(tokens);
  if (secrets.length === 0) return problems;
  return problems.map((p) => ({ ...p, message: redactText(p.message, secrets) }));
}

export type FieldCheck = { ok: true; profile: CliProfile } | { ok: false; reason: string };

/**
 * Checks one candidate object for the four string fields. `defaults` fills a missing field (the
 * official extension's settings have defaults; the CLI's file does not). Unknown fields are ignored.
 */
export function checkProfileFields(obj: Record<string, unknown>, defaults: Partial<Record<Field, string>> = {}): FieldCheck {
  const values: Partial<Record<Field, string>> = {};
  const missing: string[] = [];
  const wrongType: string[] = [];
  for (const f of FIELDS) {
    const v = Object.prototype.hasOwnProperty.call(obj, f) ? obj[f] : undefined;
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (defaults[f] !== undefined) values[f] = defaults[f];
      else missing.push(`"${f}"`);
    } else if (typeof v !== 'string') {
      wrongType.push(`"${f}"`);
    } else {
      values[f] = v.trim();
    }
  }
  if (missing.length > 0 || wrongType.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`is missing ${list(missing)}`);
    if (wrongType.length > 0) parts.push(`has ${list(wrongType)} that ${wrongType.length === 1 ? 'is' : 'are'} not text`);
    return { ok: false, reason: parts.join(' and ') };
  }
  const profile = values as CliProfile;
  if (!isHttpUrl(profile.remote)) return { ok: false, reason: 'has a "remote" that is not an http(s) URL' };
  if (/\s/.test(profile.token)) return { ok: false, reason: 'has a "token" containing spaces' };
  return { ok: true, profile: { name: profile.name, remote: profile.remote, workspaceId: profile.workspaceId, token: profile.token } };
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

type ReadOutcome = { ok: true; text: string } | { ok: false; code: string };

async function readText(file: string): Promise<ReadOutcome> {
  try {
    const buf = await readFile(file);
    if (buf.byteLength > MAX_FILE_BYTES) return { ok: false, code: 'TOO_BIG' };
    return { ok: true, text: buf.toString('utf8').replace(/^\uFEFF/, '') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, code: typeof code === 'string' ? code : 'EIO' };
  }
}

function unreadable(file: string, code: string): string {
  switch (code) {
    case 'ENOENT':
      return `${file} does not exist.`;
    case 'ENOTDIR':
      return `${file} does not exist (a part of its path is not a folder).`;
    case 'EISDIR':
      return `${file} is a folder, not a file.`;
    case 'EACCES':
    case 'EPERM':
      return `${file} cannot be read (permission denied).`;
    case 'TOO_BIG':
      return `${file} is too large to be a profiles file (over ${MAX_FILE_BYTES / 1024 / 1024} MB).`;
    default:
      return `${file} cannot be read (${code}).`;
  }
}

/**
 * Parses the text of a remotes.ndjson file. Exported for tests; readCliProfiles is the entry point.
 * Blank lines are skipped; a bad line is one problem and skipped; the first of two profiles with the
 * same name wins (the CLI looks profiles up by name and takes the first).
 */
export function parseRemotesNdjson(text: string): { profiles: CliProfile[]; problems: ImportProblem[] } {
  const { profiles, problems, tokens } = parseLines(text);
  return { profiles, problems: redactProblems(problems, tokens) };
}

/** Token-looking values in a line that is not valid JSON, so they can be redacted elsewhere. */
const LOOSE_TOKEN_RE = /"token"\s*:\s*"([^"\\]*)/g;

/** The profiles, the problems (NOT yet redacted: the caller redacts once, with `tokens`) and every token seen. */
function parseLines(text: string): { profiles: CliProfile[]; problems: ImportProblem[]; tokens: string[] } {
  type Parsed = { line: number; value: unknown; json: boolean };
  const parsed: Parsed[] = [];
  const tokens: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      const value: unknown = JSON.parse(raw);
      parsed.push({ line: i + 1, value, json: true });
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        tokens.push(...tokenStrings((value as Record<string, unknown>).token));
      }
    } catch {
      parsed.push({ line: i + 1, value: undefined, json: false });
      for (const m of raw.matchAll(LOOSE_TOKEN_RE)) tokens.push(m[1], m[1].trim());
    }
  });

  const profiles: CliProfile[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, value, json } of parsed) {
    if (!json) {
      // JSON.parse's own message quotes the input, which may hold a token: never pass it on.
      problems.push({ line, message: `Line ${line} is not valid JSON; skipped.` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ line, message: `Line ${line} is not a JSON object; skipped.` });
      continue;
    }
    const obj = value as Record<string, unknown>;
    const named = typeof obj.name === 'string' && obj.name.trim() !== '' ? ` (profile ${quote(obj.name, tokens)})` : '';
    const check = checkProfileFields(obj);
    if (!check.ok) {
      problems.push({ line, message: `Line ${line}${named} ${check.reason}; skipped.` });
      continue;
    }
    const first = seen.get(check.profile.name);
    if (first !== undefined) {
      problems.push({ line, message: `Line ${line}: a profile named ${quote(check.profile.name, tokens)} already appears on line ${first}; this one is skipped.` });
      continue;
    }
    seen.set(check.profile.name, line);
    profiles.push(check.profile);
  }
  return { profiles, problems, tokens };
}

/**
 * Reads the CLI's profiles from `dir` (see cliConfigDir). Never throws for file trouble: a missing or
 * unreadable file is a problem, and whatever could be read is still returned.
 */
export async function readCliProfiles(dir: string): Promise<CliProfilesResult> {
  const remotesFile = path.join(dir, REMOTES_FILE);
  const remotes = await readText(remotesFile);
  if (!remotes.ok) {
    const message =
      remotes.code === 'ENOENT' || remotes.code === 'ENOTDIR'
        ? `No wmill CLI profiles found: ${unreadable(remotesFile, remotes.code)}`
        : unreadable(remotesFile, remotes.code);
    return { profiles: [], problems: [{ message }] };
  }
  const { profiles, problems, tokens } = parseLines(remotes.text);
  if (profiles.length === 0 && problems.length === 0) {
    problems.push({ message: `${remotesFile} holds no profiles.` });
  }

  const activeFile = path.join(dir, ACTIVE_FILE);
  const activeText = await readText(activeFile);
  let active: string | undefined;
  if (!activeText.ok) {
    problems.push({ message: `${unreadable(activeFile, activeText.code)} No profile is marked active.` });
  } else {
    const name = activeText.text.trim();
    if (name === '') {
      problems.push({ message: `${activeFile} is empty; no profile is marked active.` });
    } else if (profiles.some((p) => p.name === name)) {
      active = name;
    } else {
      problems.push({ message: `${activeFile} names the profile ${quote(name, tokens)}, which is not among the profiles read.` });
    }
  }
  const result: CliProfilesResult = { profiles, problems: redactProblems(problems, tokens) };
  if (active !== undefined) result.active = active;
  return result;
}

// Lenient parsing of Windmill's JSON answers. Rows that lack fields the spec marks as required are
// fine (defaults fill them); a row without its key (username, email, token prefix) is dropped; a
// wrong top-level shape is a WindmillProtocolError.
import { WindmillProtocolError, type RequestContext } from './errors';
import { deriveRole, type GlobalUserInfo, type Invite, type Member, type Role, type TokenInfo, type VersionInfo } from './types';

type Row = Record<string, unknown>;

function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function nonEmptyStr(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function bool(v: unknown): boolean {
  return v === true;
}

function optBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** Copies the defined optional fields only, so results compare cleanly and JSON stays small. */
function withOptional<T extends object>(base: T, extra: Partial<T>): T {
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  }
  return base;
}

function fail(ctx: RequestContext, detail: string): never {
  throw new WindmillProtocolError({ ...ctx, detail });
}

function expectArray(data: unknown, ctx: RequestContext, what: string): unknown[] {
  if (!Array.isArray(data)) fail(ctx, `expected a list of ${what}, got ${describeJson(data)}`);
  return data;
}

function expectRow(data: unknown, ctx: RequestContext, what: string): Row {
  if (!isRow(data)) fail(ctx, `expected ${what}, got ${describeJson(data)}`);
  return data;
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const ROLES: readonly Role[] = ['admin', 'developer', 'operator'];

/** One member row, or undefined when it has no username (the key every member action needs). */
export function memberFromRow(row: unknown, workspace?: string): Member | undefined {
  if (!isRow(row)) return undefined;
  const username = nonEmptyStr(row.username);
  if (username === undefined) return undefined;
  const is_admin = bool(row.is_admin);
  const operator = bool(row.operator);
  const givenRole = typeof row.role === 'string' ? row.role.toLowerCase() : undefined;
  const role = ROLES.find((r) => r === givenRole) ?? deriveRole(is_admin, operator);
  return withOptional<Member>(
    {
      workspace_id: str(row.workspace_id) ?? workspace ?? '',
      email: str(row.email) ?? '',
      username,
      is_admin,
      operator,
      disabled: bool(row.disabled),
      role,
    },
    {
      created_at: str(row.created_at),
      added_via: row.added_via ?? undefined,
      is_service_account: optBool(row.is_service_account),
      name: str(row.name),
    },
  );
}

export function parseMembers(data: unknown, ctx: RequestContext, workspace?: string): Member[] {
  return expectArray(data, ctx, 'members')
    .map((r) => memberFromRow(r, workspace))
    .filter((m): m is Member => m !== undefined);
}

export function parseMember(data: unknown, ctx: RequestContext, workspace?: string): Member {
  const m = memberFromRow(expectRow(data, ctx, 'a member'), workspace);
  if (!m) fail(ctx, 'the member has no username');
  return m;
}

export function inviteFromRow(row: unknown): Invite | undefined {
  if (!isRow(row)) return undefined;
  const email = nonEmptyStr(row.email);
  if (email === undefined) return undefined;
  return withOptional<Invite>(
    { email, is_admin: bool(row.is_admin), operator: bool(row.operator) },
    { workspace_id: str(row.workspace_id) },
  );
}

export function parseInvites(data: unknown, ctx: RequestContext): Invite[] {
  return expectArray(data, ctx, 'invites')
    .map(inviteFromRow)
    .filter((i): i is Invite => i !== undefined);
}

export function globalUserFromRow(row: unknown): GlobalUserInfo | undefined {
  if (!isRow(row)) return undefined;
  const email = nonEmptyStr(row.email);
  if (email === undefined) return undefined;
  return withOptional<GlobalUserInfo>(
    {
      email,
      login_type: str(row.login_type) ?? 'password',
      super_admin: bool(row.super_admin),
      verified: bool(row.verified),
      first_time_user: bool(row.first_time_user),
      role_source: str(row.role_source) ?? 'manual',
      disabled: bool(row.disabled),
    },
    {
      devops: optBool(row.devops),
      name: str(row.name),
      company: str(row.company),
      username: str(row.username),
      operator_only: optBool(row.operator_only),
      is_workspace_admin: optBool(row.is_workspace_admin),
      workspace_id: str(row.workspace_id),
    },
  );
}

export function parseGlobalUsers(data: unknown, ctx: RequestContext): GlobalUserInfo[] {
  return expectArray(data, ctx, 'users')
    .map(globalUserFromRow)
    .filter((u): u is GlobalUserInfo => u !== undefined);
}

export function parseGlobalUser(data: unknown, ctx: RequestContext): GlobalUserInfo {
  const u = globalUserFromRow(expectRow(data, ctx, 'a user'));
  if (!u) fail(ctx, 'the user has no email');
  return u;
}

export function tokenFromRow(row: unknown): TokenInfo | undefined {
  if (!isRow(row)) return undefined;
  const token_prefix = nonEmptyStr(row.token_prefix);
  if (token_prefix === undefined) return undefined;
  const scopes = Array.isArray(row.scopes) ? row.scopes.filter((s): s is string => typeof s === 'string') : undefined;
  return withOptional<TokenInfo>(
    { token_prefix },
    {
      label: str(row.label),
      created_at: str(row.created_at),
      last_used_at: str(row.last_used_at),
      expiration: str(row.expiration),
      scopes,
      workspace_id: str(row.workspace_id),
      read_only: optBool(row.read_only),
    },
  );
}

export function parseTokens(data: unknown, ctx: RequestContext): TokenInfo[] {
  return expectArray(data, ctx, 'tokens')
    .map(tokenFromRow)
    .filter((t): t is TokenInfo => t !== undefined);
}

export function parseBoolean(data: unknown, ctx: RequestContext): boolean {
  if (typeof data !== 'boolean') fail(ctx, `expected true or false, got ${describeJson(data)}`);
  return data;
}

/** GET /version: "CE v1.743.0", "EE v1.743.0-12-gabc"; a bare "v1.2.3" gives edition 'unknown'. */
export function parseVersion(text: string, ctx: RequestContext): VersionInfo {
  const raw = text.trim();
  const m = /^(?:(CE|EE)\s+)?v?(\d+\.\d+[0-9A-Za-z.+-]*)$/.exec(raw);
  if (!m) fail(ctx, looksLikeHtml(raw) ? 'an HTML page instead of a version' : 'not a version text');
  return { edition: m[1] === 'CE' || m[1] === 'EE' ? m[1] : 'unknown', version: m[2], raw };
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype\s+html|html|head|body|\?xml)\b/i.test(text);
}

// A small in-memory Windmill server for tests, the `npm start` demo and benchmarks: it answers the
// user-management subset of Windmill's API (see /work/shared/windmill/API-NOTES.md) with the real
// status codes and error texts, plus `/_emulator/*` control endpoints (reset, state, request log,
// fault injection). Test fixture only: nothing here is bundled into the extension.
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  DEMO_WORKSPACE, OTHER_WORKSPACE, SEED_ACCOUNTS, SEED_EXTRA_MEMBERS, SEED_INVITE, SEED_TOKENS,
  SEED_VERSION, SUPERADMIN, WORKSPACE_ADMIN, DEVELOPER, OPERATOR,
} from './seed';
import { serveCliSignIn } from './browserSignIn';

export type Edition = 'EE' | 'CE';
export type Role = 'admin' | 'developer' | 'operator';

export interface EmulatorOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default EE. */
  edition?: Edition;
  /** Extra generated developer members of `demo` (user0001@scale.example ...). Default 0. */
  members?: number;
  /** One line per request: method, path, status (never a token). */
  log?: (line: string) => void;
}

export interface InstanceUser {
  email: string;
  username: string;
  name?: string;
  company?: string;
  /** Plain text: this is a fake server. Never exposed by any endpoint. */
  password?: string;
  super_admin: boolean;
  devops: boolean;
  disabled: boolean;
  created_at: string;
}

export interface MemberRecord {
  email: string;
  username: string;
  name?: string;
  is_admin: boolean;
  operator: boolean;
  disabled: boolean;
  created_at: string;
  added_via: { source: 'domain' | 'instance_group' | 'manual'; domain?: string } | null;
}

export interface InviteRecord {
  workspace_id: string;
  email: string;
  is_admin: boolean;
  operator: boolean;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  owner: string;
  /** Keyed by lower-case email, in insertion order. */
  members: Map<string, MemberRecord>;
  invites: InviteRecord[];
}

export interface TokenRecord {
  token: string;
  owner: string;
  label?: string;
  created_at: string;
  last_used_at: string;
  expiration?: string;
  scopes?: string[];
  workspace_id?: string;
  read_only: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. /api/users/whoami. */
  path: string;
  query: Record<string, string>;
  /** 0 when a fault refused or hung the request. */
  status: number;
}

export type FaultMode = 'status' | 'refuse' | 'hang' | 'slow';

export interface FaultSpec {
  method?: string;
  /** Exact path under /api (e.g. /api/users/create) or a prefix ending in '*'. */
  path: string;
  mode: FaultMode;
  status?: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Default 1; 0 = until reset. */
  times?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number; // Infinity when times = 0
}

export interface EmulatorState {
  edition: Edition;
  /** Keyed by lower-case email. */
  users: Map<string, InstanceUser>;
  workspaces: Map<string, WorkspaceRecord>;
  /** Keyed by the full token. */
  tokens: Map<string, TokenRecord>;
  requests: RequestLogEntry[];
  faults: ActiveFault[];
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:PORT (no trailing slash); the API is at url + '/api'. */
  url: string;
  port: number;
  close(): Promise<void>;
  reset(opts?: { edition?: Edition; members?: number }): void;
  /** Live state (always the current one, also after reset). */
  readonly state: EmulatorState;
}

// ---------------------------------------------------------------------------------------------
// Seeding

const SEED_TIME = '2025-01-15T09:00:00.000Z';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new random 32-character alphanumeric token. */
export function newToken(): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) out += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
  return out;
}

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

function roleFlags(role: Role): { is_admin: boolean; operator: boolean } {
  return { is_admin: role === 'admin', operator: role === 'operator' };
}

export function seedState(edition: Edition = 'EE', extraMembers = 0): EmulatorState {
  const users = new Map<string, InstanceUser>();
  const demo: WorkspaceRecord = { id: DEMO_WORKSPACE, name: 'Demo', owner: SUPERADMIN.email, members: new Map(), invites: [] };
  const other: WorkspaceRecord = { id: OTHER_WORKSPACE, name: 'Other', owner: SUPERADMIN.email, members: new Map(), invites: [] };
  const roles = new Map<string, Role>([
    [SUPERADMIN.email, 'admin'], [WORKSPACE_ADMIN.email, 'admin'], [DEVELOPER.email, 'developer'], [OPERATOR.email, 'operator'],
  ]);
  for (const a of SEED_ACCOUNTS) {
    users.set(a.email, {
      email: a.email, username: a.username, name: a.name, password: a.password, super_admin: a.superAdmin,
      devops: false, disabled: false, created_at: SEED_TIME,
    });
    demo.members.set(a.email, {
      email: a.email, username: a.username, name: a.name, ...roleFlags(roles.get(a.email) ?? 'developer'),
      disabled: false, created_at: SEED_TIME, added_via: { source: 'manual' },
    });
  }
  for (const m of SEED_EXTRA_MEMBERS) {
    users.set(m.email, {
      email: m.email, username: m.username, name: m.name, password: undefined, super_admin: false,
      devops: false, disabled: false, created_at: SEED_TIME,
    });
    demo.members.set(m.email, {
      email: m.email, username: m.username, name: m.name, ...roleFlags(m.role), disabled: m.disabled,
      created_at: SEED_TIME, added_via: { source: 'manual' },
    });
  }
  for (let i = 1; i <= extraMembers; i++) {
    const n = String(i).padStart(4, '0');
    const email = `user${n}@scale.example`;
    const username = `user${n}`;
    const name = `User ${n}`;
    users.set(email, { email, username, name, super_admin: false, devops: false, disabled: false, created_at: SEED_TIME });
    demo.members.set(email, {
      email, username, name, is_admin: false, operator: false, disabled: false, created_at: SEED_TIME, added_via: null,
    });
  }
  demo.invites.push({ workspace_id: DEMO_WORKSPACE, ...SEED_INVITE });
  other.members.set(SUPERADMIN.email, {
    email: SUPERADMIN.email, username: SUPERADMIN.username, name: SUPERADMIN.name, is_admin: true, operator: false,
    disabled: false, created_at: SEED_TIME, added_via: { source: 'manual' },
  });

  const tokens = new Map<string, TokenRecord>();
  for (const a of SEED_ACCOUNTS) {
    tokens.set(a.token, { token: a.token, owner: a.email, label: 'seed', created_at: SEED_TIME, last_used_at: SEED_TIME, read_only: false });
  }
  SEED_TOKENS.forEach((t, i) => {
    const token = newToken();
    const at = new Date(Date.parse(SEED_TIME) + (i + 1) * 3_600_000).toISOString();
    tokens.set(token, {
      token, owner: t.owner, label: t.label, created_at: at, last_used_at: at,
      expiration: t.expiresInDays === undefined ? undefined : daysFromNow(t.expiresInDays),
      scopes: t.scopes, workspace_id: t.workspace_id, read_only: t.read_only ?? false,
    });
  });
  return {
    edition, users, workspaces: new Map([[demo.id, demo], [other.id, other]]), tokens, requests: [], faults: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Serialisation

function roleOf(m: { is_admin: boolean; operator: boolean }): Role {
  return m.is_admin ? 'admin' : m.operator ? 'operator' : 'developer';
}

function memberRow(ws: string, m: MemberRecord): Record<string, unknown> {
  return {
    workspace_id: ws, email: m.email, username: m.username, is_admin: m.is_admin, created_at: m.created_at,
    operator: m.operator, disabled: m.disabled, role: roleOf(m), added_via: m.added_via, is_service_account: false,
    name: m.name ?? null,
  };
}

function globalUserInfo(u: InstanceUser): Record<string, unknown> {
  const info: Record<string, unknown> = {
    email: u.email, login_type: 'password', super_admin: u.super_admin, devops: u.devops, verified: true,
    name: u.name ?? null, username: u.username, operator_only: false, first_time_user: false,
    role_source: 'manual', disabled: u.disabled,
  };
  if (u.company !== undefined) info.company = u.company;
  return info;
}

function truncatedToken(t: TokenRecord): Record<string, unknown> {
  return {
    token_prefix: t.token.slice(0, 10), label: t.label ?? null, created_at: t.created_at, last_used_at: t.last_used_at,
    expiration: t.expiration ?? null, scopes: t.scopes ?? null, workspace_id: t.workspace_id ?? null, read_only: t.read_only,
  };
}

/** The JSON of GET /_emulator/state: no passwords, no full tokens. */
export function stateSnapshot(s: EmulatorState): Record<string, unknown> {
  const workspaces: Record<string, unknown> = {};
  for (const w of s.workspaces.values()) {
    workspaces[w.id] = { name: w.name, members: [...w.members.values()].map((m) => memberRow(w.id, m)), invites: w.invites.map((i) => ({ ...i })) };
  }
  return {
    edition: s.edition,
    users: [...s.users.values()].map((u) => ({ ...globalUserInfo(u), company: u.company ?? null, hasPassword: u.password !== undefined, created_at: u.created_at })),
    workspaces,
    tokens: [...s.tokens.values()].map((t) => ({
      prefix: t.token.slice(0, 10), owner: t.owner, label: t.label ?? null, workspace_id: t.workspace_id ?? null,
      expiration: t.expiration ?? null, scopes: t.scopes ?? null, read_only: t.read_only, created_at: t.created_at, last_used_at: t.last_used_at,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

class HttpError extends Error {
  constructor(readonly status: number, readonly text: string) { super(text); }
}

const badRequest = (msg: string) => new HttpError(400, `Bad request: ${msg}`);
const notFound = (msg: string) => new HttpError(404, `Not found: ${msg}`);
const NOT_AUTHORIZED = () => new HttpError(401, 'Not authorized: Unauthorized');
const NOT_SUPERADMIN = () => new HttpError(401, 'Not authorized: This endpoint requires the caller to be a super admin');

interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

const text = (body: string, status = 200): Reply => ({ status, body, contentType: 'text/plain; charset=utf-8' });
const json = (value: unknown, status = 200): Reply => ({ status, body: JSON.stringify(value), contentType: 'application/json' });

type FieldType = 'string' | 'boolean' | 'number' | 'string[]';
type BodySpec = Record<string, `${FieldType}` | `${FieldType}?`>;

/** Parses a JSON object body and checks field types like serde would (extra fields are ignored). */
function parseBody(raw: string, spec: BodySpec): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw badRequest(`Failed to parse the request body as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Failed to deserialize the JSON body into the target type: expected a JSON object');
  }
  const obj = value as Record<string, unknown>;
  for (const [field, t] of Object.entries(spec)) {
    const optional = t.endsWith('?');
    const type = (optional ? t.slice(0, -1) : t) as FieldType;
    const v = obj[field];
    if (v === undefined || (v === null && optional)) {
      if (!optional) throw badRequest(`Failed to deserialize the JSON body into the target type: missing field \`${field}\``);
      delete obj[field];
      continue;
    }
    const ok = type === 'string[]' ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === type;
    if (!ok) throw badRequest(`Failed to deserialize the JSON body into the target type: ${field}: invalid type, expected ${type}`);
  }
  return obj;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`invalid path segment ${s}`);
  }
}

function tokenFrom(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === 'token' && v.length) return decodeURIComponent(v.join('='));
    }
  }
  return undefined;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Ctx {
  state: EmulatorState;
  method: string;
  segments: string[]; // path under /api split on '/', still encoded
  query: URLSearchParams;
  body: string;
  req: http.IncomingMessage;
}

interface Caller {
  user: InstanceUser;
  token: TokenRecord;
}

function authenticate(ctx: Ctx): Caller {
  const token = tokenFrom(ctx.req);
  if (!token) throw new HttpError(401, 'Unauthorized');
  const rec = ctx.state.tokens.get(token);
  if (!rec) throw NOT_AUTHORIZED();
  if (rec.expiration && Date.parse(rec.expiration) <= Date.now()) throw NOT_AUTHORIZED();
  const user = ctx.state.users.get(rec.owner);
  if (!user || user.disabled) throw NOT_AUTHORIZED();
  if (rec.read_only && MUTATING.has(ctx.method) && ctx.segments.join('/') !== 'workspaces/exists') {
    throw new HttpError(403, 'Permission denied: This token is read-only');
  }
  rec.last_used_at = new Date().toISOString();
  return { user, token: rec };
}

function requireSuperAdmin(c: Caller): void {
  if (!c.user.super_admin) throw NOT_SUPERADMIN();
}

function pageParams(q: URLSearchParams, defPerPage: number, maxPerPage: number): { offset: number; limit: number } {
  const pageRaw = Number.parseInt(q.get('page') ?? '1', 10);
  const perRaw = Number.parseInt(q.get('per_page') ?? String(defPerPage), 10);
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const perPage = Number.isFinite(perRaw) && perRaw > 0 ? Math.min(perRaw, maxPerPage) : defPerPage;
  return { offset: (page - 1) * perPage, limit: perPage };
}

function findUser(state: EmulatorState, email: string): InstanceUser {
  const u = state.users.get(email.toLowerCase());
  if (!u) throw notFound(`user ${email} not found`);
  return u;
}

function usernameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const cleaned = local.toLowerCase().replace(/[^a-z0-9_]/g, '');
  return cleaned || 'user';
}

function uniqueUsername(base: string, taken: (u: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
}

function usernameTakenInstance(state: EmulatorState, username: string, exceptEmail?: string): boolean {
  for (const u of state.users.values()) if (u.username === username && u.email !== exceptEmail) return true;
  return false;
}

function memberByUsername(ws: WorkspaceRecord, username: string): MemberRecord | undefined {
  for (const m of ws.members.values()) if (m.username === username) return m;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Routes

function route(ctx: Ctx): Reply {
  const { method, segments: seg, state } = ctx;
  const p = seg.join('/');
  const is = (m: string, path: string) => method === m && p === path;

  if (is('GET', 'version')) return text(`${state.edition} v${SEED_VERSION}`);

  if (is('POST', 'auth/login')) {
    const b = parseBody(ctx.body, { email: 'string', password: 'string' });
    const u = state.users.get(String(b.email).toLowerCase());
    if (!u || u.password === undefined || u.password !== b.password || u.disabled) throw badRequest('Invalid login');
    const token = newToken();
    const now = new Date().toISOString();
    state.tokens.set(token, { token, owner: u.email, label: 'session', created_at: now, last_used_at: now, expiration: daysFromNow(3), read_only: false });
    return text(token);
  }

  if (is('POST', 'auth/logout')) {
    const t = tokenFrom(ctx.req);
    if (t) state.tokens.delete(t);
    return text('logged out');
  }

  if (seg[0] === 'w' && seg.length >= 3) return workspaceRoute(ctx, decodeSegment(seg[1]), seg.slice(2));

  // Everything below needs a valid token.
  if (!knownGlobal(method, seg)) return unknownRoute(seg, globalRoutePaths);
  const caller = authenticate(ctx);

  if (is('GET', 'users/whoami')) return json(globalUserInfo(caller.user));

  if (is('POST', 'workspaces/exists')) {
    const b = parseBody(ctx.body, { id: 'string' });
    return json(state.workspaces.has(String(b.id)));
  }

  if (is('GET', 'workspaces/list')) {
    const list = [...state.workspaces.values()]
      .filter((w) => w.members.has(caller.user.email))
      .map((w) => ({ id: w.id, name: w.name, owner: w.owner }));
    return json(list);
  }

  if (is('GET', 'users/list_as_super_admin')) {
    requireSuperAdmin(caller);
    const { offset, limit } = pageParams(ctx.query, 10000, 10000);
    const activeOnly = ctx.query.get('active_only') === 'true';
    let users = [...state.users.values()];
    if (activeOnly) users = users.filter((u) => !u.disabled);
    users.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    return json(users.slice(offset, offset + limit).map(globalUserInfo));
  }

  if (is('POST', 'users/create')) {
    const b = parseBody(ctx.body, { email: 'string', password: 'string', super_admin: 'boolean?', name: 'string?', company: 'string?', skip_email: 'boolean?' });
    requireSuperAdmin(caller);
    if (state.edition === 'CE') throw new HttpError(500, 'Internal: User creation is not implemented in the open-source version.');
    const email = String(b.email).trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest(`invalid email ${b.email}`);
    if (state.users.has(email)) throw badRequest(`user with email ${email} already exists`);
    const username = uniqueUsername(usernameFromEmail(email), (u) => usernameTakenInstance(state, u));
    state.users.set(email, {
      email, username, name: b.name as string | undefined, company: b.company as string | undefined,
      password: String(b.password), super_admin: b.super_admin === true, devops: false, disabled: false,
      created_at: new Date().toISOString(),
    });
    return text(email, 201);
  }

  if (method === 'POST' && seg[0] === 'users' && seg[1] === 'update' && seg.length === 3) {
    const b = parseBody(ctx.body, { is_super_admin: 'boolean?', is_devops: 'boolean?', name: 'string?', disabled: 'boolean?' });
    requireSuperAdmin(caller);
    const u = findUser(state, decodeSegment(seg[2]));
    if (b.is_super_admin !== undefined) u.super_admin = b.is_super_admin as boolean;
    if (b.is_devops !== undefined) u.devops = b.is_devops as boolean;
    if (b.name !== undefined) u.name = b.name as string;
    if (b.disabled !== undefined) u.disabled = b.disabled as boolean;
    return text(`user ${u.email} updated`);
  }

  if (method === 'DELETE' && seg[0] === 'users' && seg[1] === 'delete' && seg.length === 3) {
    requireSuperAdmin(caller);
    const u = findUser(state, decodeSegment(seg[2]));
    state.users.delete(u.email);
    for (const w of state.workspaces.values()) w.members.delete(u.email);
    for (const [k, t] of state.tokens) if (t.owner === u.email) state.tokens.delete(k);
    return text(`email ${u.email} deleted`);
  }

  if (method === 'POST' && seg[0] === 'users' && seg[1] === 'set_password_of' && seg.length === 3) {
    const b = parseBody(ctx.body, { password: 'string' });
    requireSuperAdmin(caller);
    if (state.edition === 'CE') throw new HttpError(500, 'Internal: Setting the password of another user is an Enterprise Edition feature');
    const u = findUser(state, decodeSegment(seg[2]));
    u.password = String(b.password);
    return text(`password of ${u.email} updated`);
  }

  if (method === 'POST' && seg[0] === 'users' && seg[1] === 'rename' && seg.length === 3) {
    const b = parseBody(ctx.body, { new_username: 'string' });
    requireSuperAdmin(caller);
    const u = findUser(state, decodeSegment(seg[2]));
    const nu = String(b.new_username).trim();
    if (!/^[A-Za-z0-9_]+$/.test(nu)) throw badRequest(`invalid username ${nu}: only letters, digits and _ are allowed`);
    if (usernameTakenInstance(state, nu, u.email)) throw badRequest(`username ${nu} is already taken`);
    for (const w of state.workspaces.values()) {
      const other = memberByUsername(w, nu);
      if (other && other.email !== u.email) throw badRequest(`username ${nu} is already taken in workspace ${w.id}`);
    }
    u.username = nu;
    for (const w of state.workspaces.values()) {
      const m = w.members.get(u.email);
      if (m) m.username = nu;
    }
    return text(`user ${u.email} renamed to ${nu}`);
  }

  if (is('POST', 'users/tokens/create')) {
    const b = parseBody(ctx.body, { label: 'string?', expiration: 'string?', scopes: 'string[]?', workspace_id: 'string?', read_only: 'boolean?' });
    if (b.expiration !== undefined && Number.isNaN(Date.parse(String(b.expiration)))) {
      throw badRequest(`Failed to deserialize the JSON body into the target type: expiration: invalid date-time ${b.expiration}`);
    }
    if (b.workspace_id !== undefined && !state.workspaces.has(String(b.workspace_id))) {
      throw notFound(`workspace ${b.workspace_id} not found`);
    }
    let token = newToken();
    while (state.tokens.has(token)) token = newToken();
    const now = new Date().toISOString();
    state.tokens.set(token, {
      token, owner: caller.user.email, label: b.label as string | undefined, created_at: now, last_used_at: now,
      expiration: b.expiration === undefined ? undefined : new Date(String(b.expiration)).toISOString(),
      scopes: b.scopes as string[] | undefined, workspace_id: b.workspace_id as string | undefined, read_only: b.read_only === true,
    });
    return text(token, 201);
  }

  if (is('GET', 'users/tokens/list')) {
    const excludeEphemeral = ctx.query.get('exclude_ephemeral') === 'true';
    const { offset, limit } = pageParams(ctx.query, 1000, 10000);
    const mine = [...state.tokens.values()]
      .filter((t) => t.owner === caller.user.email && !(excludeEphemeral && t.label === 'ephemeral-script'))
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    return json(mine.slice(offset, offset + limit).map(truncatedToken));
  }

  if (method === 'DELETE' && seg[0] === 'users' && seg[1] === 'tokens' && seg[2] === 'delete' && seg.length === 4) {
    const prefix = decodeSegment(seg[3]);
    let deleted = 0;
    for (const [k, t] of state.tokens) {
      if (t.owner === caller.user.email && k.startsWith(prefix) && prefix.length > 0) {
        state.tokens.delete(k);
        deleted++;
      }
    }
    if (deleted === 0) throw notFound(`token with prefix ${prefix} not found`);
    return text(`deleted token ${prefix}`);
  }

  return unknownRoute(seg, globalRoutePaths);
}

const globalRoutePaths: Array<[string, string]> = [
  ['GET', 'users/whoami'], ['POST', 'workspaces/exists'], ['GET', 'workspaces/list'], ['GET', 'users/list_as_super_admin'],
  ['POST', 'users/create'], ['POST', 'users/update/*'], ['DELETE', 'users/delete/*'], ['POST', 'users/set_password_of/*'],
  ['POST', 'users/rename/*'], ['POST', 'users/tokens/create'], ['GET', 'users/tokens/list'], ['DELETE', 'users/tokens/delete/*'],
];

const workspaceRoutePaths: Array<[string, string]> = [
  ['GET', 'users/whoami'], ['GET', 'users/list'], ['GET', 'users/list_usernames'], ['GET', 'users/get/*'],
  ['POST', 'users/update/*'], ['DELETE', 'users/delete/*'], ['POST', 'workspaces/add_user'], ['POST', 'workspaces/invite_user'],
  ['GET', 'workspaces/list_pending_invites'], ['POST', 'workspaces/delete_invite'],
];

function matchesPattern(seg: string[], pattern: string): boolean {
  const ps = pattern.split('/');
  return ps.length === seg.length && ps.every((x, i) => x === '*' || x === seg[i]);
}

function known(routes: Array<[string, string]>, method: string, seg: string[]): boolean {
  return routes.some(([m, p]) => m === method && matchesPattern(seg, p));
}

function knownGlobal(method: string, seg: string[]): boolean {
  return known(globalRoutePaths, method, seg);
}

/** 405 when the path exists with another method (like axum), else 404 `Not found`. */
function unknownRoute(seg: string[], routes: Array<[string, string]>): Reply {
  if (routes.some(([, p]) => matchesPattern(seg, p))) return text('Method Not Allowed', 405);
  return text('Not found', 404);
}

function workspaceRoute(ctx: Ctx, wsId: string, seg: string[]): Reply {
  const { method, state } = ctx;
  if (!known(workspaceRoutePaths, method, seg)) return unknownRoute(seg, workspaceRoutePaths);
  const caller = authenticate(ctx);
  const ws = state.workspaces.get(wsId);
  if (!ws) throw notFound(`workspace ${wsId} not found`);
  const own = ws.members.get(caller.user.email);
  if (!own && !caller.user.super_admin) throw new HttpError(401, `Not authorized: you are not a member of ${wsId}`);
  if (own?.disabled && !caller.user.super_admin) throw new HttpError(403, `Permission denied: user ${own.username} is disabled in workspace ${wsId}`);
  if (caller.token.workspace_id && caller.token.workspace_id !== wsId) {
    throw new HttpError(403, `Permission denied: this token is restricted to workspace ${caller.token.workspace_id}`);
  }
  const username = own?.username ?? caller.user.username;
  const isAdmin = (own?.is_admin ?? false) || caller.user.super_admin;
  const requireAdmin = () => { if (!isAdmin) throw new HttpError(403, `Require Admin privileges for ${username}`); };
  const p = seg.join('/');
  const is = (m: string, path: string) => method === m && p === path;

  if (is('GET', 'users/whoami')) {
    if (own) return json(memberRow(wsId, own));
    return json({
      ...memberRow(wsId, {
        email: caller.user.email, username, name: caller.user.name, is_admin: true, operator: false, disabled: false,
        created_at: caller.user.created_at, added_via: null,
      }),
      non_member: true,
    });
  }
  if (is('GET', 'users/list')) return json([...ws.members.values()].map((m) => memberRow(wsId, m)));
  if (is('GET', 'users/list_usernames')) return json([...ws.members.values()].map((m) => m.username));
  if (method === 'GET' && seg[0] === 'users' && seg[1] === 'get') {
    const u = decodeSegment(seg[2]);
    const m = memberByUsername(ws, u);
    if (!m) throw notFound(`user ${u} not found`);
    return json(memberRow(wsId, m));
  }
  if (method === 'POST' && seg[0] === 'users' && seg[1] === 'update') {
    const b = parseBody(ctx.body, { is_admin: 'boolean?', operator: 'boolean?', disabled: 'boolean?' });
    requireAdmin();
    const u = decodeSegment(seg[2]);
    const m = memberByUsername(ws, u);
    if (!m) throw notFound(`user ${u} not found`);
    if (b.is_admin !== undefined) m.is_admin = b.is_admin as boolean;
    if (b.operator !== undefined) m.operator = b.operator as boolean;
    if (b.disabled !== undefined) m.disabled = b.disabled as boolean;
    return text(`user ${u} updated`);
  }
  if (method === 'DELETE' && seg[0] === 'users' && seg[1] === 'delete') {
    requireAdmin();
    const u = decodeSegment(seg[2]);
    const m = memberByUsername(ws, u);
    if (!m) throw notFound(`user ${u} not found`);
    ws.members.delete(m.email);
    return text(`username ${u} deleted`);
  }
  if (is('POST', 'workspaces/add_user')) {
    const b = parseBody(ctx.body, { email: 'string', is_admin: 'boolean', operator: 'boolean', username: 'string?' });
    requireAdmin();
    const email = String(b.email).trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest(`invalid email ${b.email}`);
    if (ws.members.has(email)) throw badRequest(`user ${email} is already a member of workspace ${wsId}`);
    const inst = state.users.get(email);
    let uname: string;
    if (b.username !== undefined) {
      uname = String(b.username).trim();
      if (!/^[A-Za-z0-9_]+$/.test(uname)) throw badRequest(`invalid username ${uname}: only letters, digits and _ are allowed`);
      if (memberByUsername(ws, uname)) throw badRequest(`username ${uname} is already taken in workspace ${wsId}`);
    } else if (inst && !memberByUsername(ws, inst.username)) {
      uname = inst.username;
    } else {
      uname = uniqueUsername(usernameFromEmail(email), (x) => memberByUsername(ws, x) !== undefined);
    }
    ws.members.set(email, {
      email, username: uname, name: inst?.name, is_admin: b.is_admin as boolean, operator: b.operator as boolean,
      disabled: false, created_at: new Date().toISOString(), added_via: { source: 'manual' },
    });
    ws.invites = ws.invites.filter((i) => i.email !== email);
    return text(`user ${email} added to workspace ${wsId}`, 201);
  }
  if (is('POST', 'workspaces/invite_user')) {
    const b = parseBody(ctx.body, { email: 'string', is_admin: 'boolean', operator: 'boolean' });
    requireAdmin();
    const email = String(b.email).trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest(`invalid email ${b.email}`);
    if (ws.members.has(email)) throw badRequest(`user ${email} is already a member of workspace ${wsId}`);
    const existing = ws.invites.find((i) => i.email === email);
    if (existing) {
      existing.is_admin = b.is_admin as boolean;
      existing.operator = b.operator as boolean;
    } else {
      ws.invites.push({ workspace_id: wsId, email, is_admin: b.is_admin as boolean, operator: b.operator as boolean });
    }
    return text(`user ${email} invited to workspace ${wsId}`, 201);
  }
  if (is('GET', 'workspaces/list_pending_invites')) {
    requireAdmin();
    return json(ws.invites.map((i) => ({ ...i })));
  }
  if (is('POST', 'workspaces/delete_invite')) {
    const b = parseBody(ctx.body, { email: 'string', is_admin: 'boolean', operator: 'boolean' });
    requireAdmin();
    const email = String(b.email).trim().toLowerCase();
    // Like the real server (a DELETE ... WHERE email AND is_admin AND operator), a mismatch deletes
    // nothing and still answers 201: clients must send the invite's exact flags and re-list.
    ws.invites = ws.invites.filter((i) => !(i.email === email && i.is_admin === b.is_admin && i.operator === b.operator));
    return text(`invite for ${email} deleted`, 201);
  }
  return unknownRoute(seg, workspaceRoutePaths);
}

// ---------------------------------------------------------------------------------------------
// Control endpoints (/_emulator/*): not part of Windmill

function parseControlBody(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let v: unknown;
  try { v = JSON.parse(raw); } catch { throw new HttpError(400, 'invalid JSON'); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'expected a JSON object');
  return v as Record<string, unknown>;
}

function checkEdition(v: unknown): Edition | undefined {
  if (v === undefined) return undefined;
  if (v !== 'EE' && v !== 'CE') throw new HttpError(400, 'edition must be "EE" or "CE"');
  return v;
}

function checkMembers(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) throw new HttpError(400, 'members must be an integer 0..1000000');
  return v;
}

function parseFault(b: Record<string, unknown>): ActiveFault {
  const modes: FaultMode[] = ['status', 'refuse', 'hang', 'slow'];
  if (typeof b.path !== 'string' || !b.path.startsWith('/')) throw new HttpError(400, 'path must be a string starting with /');
  if (!modes.includes(b.mode as FaultMode)) throw new HttpError(400, `mode must be one of ${modes.join(', ')}`);
  if (b.method !== undefined && typeof b.method !== 'string') throw new HttpError(400, 'method must be a string');
  if (b.status !== undefined && (typeof b.status !== 'number' || b.status < 100 || b.status > 599)) throw new HttpError(400, 'status must be 100..599');
  if (b.body !== undefined && typeof b.body !== 'string') throw new HttpError(400, 'body must be a string');
  if (b.contentType !== undefined && typeof b.contentType !== 'string') throw new HttpError(400, 'contentType must be a string');
  if (b.delayMs !== undefined && (typeof b.delayMs !== 'number' || b.delayMs < 0)) throw new HttpError(400, 'delayMs must be a number >= 0');
  if (b.times !== undefined && (typeof b.times !== 'number' || !Number.isInteger(b.times) || b.times < 0)) throw new HttpError(400, 'times must be an integer >= 0');
  if (b.headers !== undefined && (typeof b.headers !== 'object' || b.headers === null || Object.values(b.headers).some((x) => typeof x !== 'string'))) {
    throw new HttpError(400, 'headers must be an object of strings');
  }
  const times = (b.times as number | undefined) ?? 1;
  return {
    method: (b.method as string | undefined)?.toUpperCase(), path: b.path, mode: b.mode as FaultMode,
    status: b.status as number | undefined, body: b.body as string | undefined, contentType: b.contentType as string | undefined,
    headers: b.headers as Record<string, string> | undefined, delayMs: b.delayMs as number | undefined,
    times, remaining: times === 0 ? Infinity : times,
  };
}

function faultMatches(f: ActiveFault, method: string, path: string): boolean {
  if (f.method && f.method !== method) return false;
  return f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path;
}

// ---------------------------------------------------------------------------------------------
// Server

export function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  let state = seedState(opts.edition ?? 'EE', opts.members ?? 0);
  const sockets = new Set<Socket>();
  const held = new Set<http.ServerResponse>(); // hung or delayed requests
  const timers = new Set<NodeJS.Timeout>();
  const log = opts.log;

  const reset = (r: { edition?: Edition; members?: number } = {}) => {
    state = seedState(r.edition ?? opts.edition ?? 'EE', r.members ?? opts.members ?? 0);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const res of held) res.socket?.destroy();
    held.clear();
  };

  const send = (res: http.ServerResponse, r: Reply) => {
    if (res.writableEnded || res.destroyed) return;
    const headers: Record<string, string | number> = { 'Content-Type': r.contentType, 'Content-Length': Buffer.byteLength(r.body), ...(r.headers ?? {}) };
    res.writeHead(r.status, headers);
    res.end(r.body);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;

    if (path.startsWith('/_emulator/')) {
      let reply: Reply;
      try {
        reply = control(method, path.slice('/_emulator/'.length), body);
      } catch (e) {
        reply = e instanceof HttpError ? json({ ok: false, error: e.text }, e.status) : json({ ok: false, error: String(e) }, 500);
      }
      send(res, reply);
      return;
    }

    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const entry: RequestLogEntry = { method, path, query, status: 0 };
    const reqState = state;
    reqState.requests.push(entry);
    const finish = (r: Reply | null) => {
      entry.status = r?.status ?? 0;
      log?.(`${method} ${path} ${r ? r.status : '(no answer)'}`);
      if (r) send(res, r);
    };

    const fault = state.faults.find((f) => f.remaining > 0 && faultMatches(f, method, path));
    if (fault) {
      fault.remaining--;
      if (fault.mode === 'refuse') {
        finish(null);
        req.socket.destroy();
        return;
      }
      if (fault.mode === 'hang') {
        finish(null);
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      if (fault.mode === 'status') {
        finish({ status: fault.status ?? 500, body: fault.body ?? '', contentType: fault.contentType ?? 'text/plain; charset=utf-8', headers: fault.headers });
        return;
      }
      // slow: the normal answer, later (a reset or close in between drops the connection).
      held.add(res);
      res.on('close', () => held.delete(res));
      const t = setTimeout(() => {
        timers.delete(t);
        held.delete(res);
        if (state !== reqState) { res.socket?.destroy(); return; }
        finish(api(method, path, url.searchParams, body, req));
      }, fault.delayMs ?? 1000);
      timers.add(t);
      return;
    }
    // The browser sign-in page (outside /api): see browserSignIn.ts.
    if (serveCliSignIn(method, url, res, state, newToken)) {
      entry.status = res.statusCode;
      log?.(`${method} ${path} ${res.statusCode}`);
      return;
    }
    finish(api(method, path, url.searchParams, body, req));
  };

  const api = (method: string, path: string, query: URLSearchParams, body: string, req: http.IncomingMessage): Reply => {
    if (path !== '/api' && !path.startsWith('/api/')) return text('Not found', 404);
    const segments = path.slice('/api/'.length).split('/');
    try {
      return route({ state, method, segments, query, body, req });
    } catch (e) {
      if (e instanceof HttpError) return text(e.text, e.status);
      return text(`Internal: ${e instanceof Error ? e.message : String(e)}`, 500);
    }
  };

  const control = (method: string, what: string, body: string): Reply => {
    if (method === 'POST' && what === 'reset') {
      const b = parseControlBody(body);
      reset({ edition: checkEdition(b.edition), members: checkMembers(b.members) });
      return json({ ok: true });
    }
    if (method === 'GET' && what === 'state') return json(stateSnapshot(state));
    if (method === 'GET' && what === 'requests') return json(state.requests);
    if (method === 'POST' && what === 'fault') {
      state.faults.push(parseFault(parseControlBody(body)));
      return json({ ok: true });
    }
    if (method === 'POST' && what === 'edition') {
      const e = checkEdition(parseControlBody(body).edition);
      if (!e) throw new HttpError(400, 'edition must be "EE" or "CE"');
      state.edition = e;
      return json({ ok: true, edition: e });
    }
    throw new HttpError(404, `unknown control endpoint ${method} /_emulator/${what}`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        send(res, text(`Internal: ${e instanceof Error ? e.message : String(e)}`, 500));
      }
    });
    req.on('error', () => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const host = opts.host ?? '127.0.0.1';
      const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        get state() { return state; },
        reset,
        close() {
          closing ??= new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            for (const s of sockets) s.destroy();
            sockets.clear();
          });
          return closing;
        },
      });
    });
  });
}

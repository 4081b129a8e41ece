// The shapes the client returns. They follow windmill-client's generated types (types.gen.d.ts,
// used with `import type` only) but are lenient: the real server omits fields the spec marks as
// required, and uses login types the spec does not list.
import type { GlobalUserInfo as SpecGlobalUserInfo } from 'windmill-client';

export type Role = 'admin' | 'developer' | 'operator';

/** A workspace member (a row of GET /w/{ws}/users/list, or /users/get, /users/whoami). */
export interface Member {
  workspace_id: string;
  email: string;
  username: string;
  is_admin: boolean;
  operator: boolean;
  disabled: boolean;
  role: Role;
  created_at?: string;
  added_via?: unknown;
  is_service_account?: boolean;
  name?: string;
}

/** A pending workspace invite. */
export interface Invite {
  workspace_id?: string;
  email: string;
  is_admin: boolean;
  operator: boolean;
}

/** A token of the caller's account, as listed (the secret itself is never listed). */
export interface TokenInfo {
  token_prefix: string;
  label?: string;
  created_at?: string;
  last_used_at?: string;
  expiration?: string;
  scopes?: string[];
  workspace_id?: string;
  read_only?: boolean;
}

/**
 * An instance user (GET /users/whoami, GET /users/list_as_super_admin). Every windmill-client
 * `GlobalUserInfo` is assignable to this type; `login_type` and `role_source` are plain strings
 * because real servers send values the spec does not list (e.g. OAuth provider names).
 */
export interface GlobalUserInfo {
  email: string;
  login_type: SpecGlobalUserInfo['login_type'] | (string & {});
  super_admin: boolean;
  devops?: boolean;
  verified: boolean;
  name?: string;
  company?: string;
  username?: string;
  operator_only?: boolean;
  is_workspace_admin?: boolean;
  first_time_user: boolean;
  role_source: SpecGlobalUserInfo['role_source'] | (string & {});
  disabled: boolean;
  workspace_id?: string;
}

export type Edition = 'CE' | 'EE' | 'unknown';

export interface VersionInfo {
  edition: Edition;
  /** Without the leading "v": "1.743.0" or "1.743.0-12-gabc". */
  version: string;
  /** The body as received, trimmed. */
  raw: string;
}

export function deriveRole(is_admin: boolean, operator: boolean): Role {
  if (is_admin) return 'admin';
  if (operator) return 'operator';
  return 'developer';
}

/** The inverse of deriveRole: the flags Windmill's add_user / invite_user / update take. */
export function roleFlags(role: Role): { is_admin: boolean; operator: boolean } {
  return { is_admin: role === 'admin', operator: role === 'operator' };
}

/** How many leading characters of a token Windmill lists as its `token_prefix`. */
export const TOKEN_PREFIX_LENGTH = 10;

/** The `token_prefix` under which a token appears in GET /users/tokens/list. */
export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}

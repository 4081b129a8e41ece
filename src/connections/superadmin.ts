// "Bad token" or "not a superadmin"? Windmill answers 401 to both (the superadmin endpoints say
// "Not authorized: This endpoint requires the caller to be a super admin"). After a 401 from a
// superadmin endpoint, GET /users/whoami decides: it works and says super_admin=false -> "not a
// superadmin" (and the stored flag is corrected, so the Instance Users section hides); it fails
// too -> the token was rejected.
import * as vscode from 'vscode';
import { WindmillHttpError } from '../windmill/errors';
import { describeError } from '../ui/errors';
import type { EditionDeps } from './edition';
import { hostOf, type ConnectionInfo } from './store';

export type SuperadminVerdict =
  | { kind: 'notSuperadmin'; email: string; message: string }
  | { kind: 'tokenRejected'; message: string }
  | { kind: 'other'; message: string };

export function isUnauthorized(e: unknown): e is WindmillHttpError {
  return e instanceof WindmillHttpError && e.kind === 'unauthorized';
}

/**
 * Explains a 401 from a superadmin endpoint (see the top of this file). `updateStore`: correct the
 * stored superadmin flag (default true); the store's change event redraws the tree.
 */
export async function explainSuperadmin401(d: EditionDeps, c: ConnectionInfo, opts: { signal?: AbortSignal; updateStore?: boolean } = {}): Promise<SuperadminVerdict> {
  const host = hostOf(c);
  let me;
  try {
    const client = await d.clients.forConnection(c);
    me = await client.whoami({ signal: opts.signal });
  } catch (e) {
    return isUnauthorized(e)
      ? { kind: 'tokenRejected', message: vscode.l10n.t('{0} rejected the token of this connection (expired, revoked or wrong). Replace it: create or paste a new token.', host) }
      : { kind: 'other', message: describeError(e) };
  }
  if (me.super_admin) {
    return { kind: 'other', message: vscode.l10n.t('{0} refused the request although {1} is an instance superadmin (HTTP 401).', host, me.email) };
  }
  if (opts.updateStore !== false) await markNotSuperadmin(d, c, me.email);
  return {
    kind: 'notSuperadmin', email: me.email,
    message: vscode.l10n.t('{0} is not an instance superadmin on {1}: instance users are managed by superadmins only. The token itself works.', me.email, host),
  };
}

/** Stores that `email` (the caller of `c`) is not a superadmin; the store's change event redraws the tree. */
export async function markNotSuperadmin(d: EditionDeps, c: ConnectionInfo, email: string): Promise<void> {
  const fresh = d.store.get(c.id);
  if (!fresh || (!fresh.superAdmin && fresh.email === email)) return;
  await d.store.update({ ...fresh, superAdmin: false, email });
  d.log.info(`Connection ${c.id}: ${email} is not a superadmin on ${c.remote}; flag updated`);
}

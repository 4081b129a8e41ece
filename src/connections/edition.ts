// Edition awareness (Community vs Enterprise). `GET /api/version` answers "CE v1.743.0" or
// "EE v1.743.0"; the edition and version are kept in the connection's non-secret metadata (read on
// connect, on refresh, and again whenever a server's answer proves the stored guess wrong).
import * as vscode from 'vscode';
import { WindmillHttpError } from '../windmill/errors';
import { describeError } from '../ui/errors';
import type { Edition } from '../windmill/types';
import type { Log } from '../log';
import type { ClientFactory } from './clients';
import { hostOf, type ConnectionInfo, type ConnectionStore } from './store';

export interface EditionDeps {
  readonly store: ConnectionStore;
  readonly clients: ClientFactory;
  readonly log: Log;
}

/** "Community Edition 1.743.0", "Enterprise Edition 1.743.0", or undefined when nothing is known. */
export function editionText(c: Pick<ConnectionInfo, 'edition' | 'version'>): string | undefined {
  const name = editionName(c.edition);
  const parts = [name, c.version].filter((x): x is string => !!x);
  return parts.length ? parts.join(' ') : undefined;
}

function editionName(edition: Edition | undefined): string | undefined {
  switch (edition) {
    case 'CE': return vscode.l10n.t('Community Edition');
    case 'EE': return vscode.l10n.t('Enterprise Edition');
    default: return undefined;
  }
}

/** Short form for a description: "CE 1.743.0". */
export function editionShort(c: Pick<ConnectionInfo, 'edition' | 'version'>): string | undefined {
  const edition = c.edition === 'CE' || c.edition === 'EE' ? c.edition : undefined;
  const parts = [edition, c.version].filter((x): x is string => !!x);
  return parts.length ? parts.join(' ') : undefined;
}

/**
 * Reads GET /version and, when edition or version changed, stores them (the store's change event
 * redraws the tree). Returns the connection as now stored. Throws what the request throws.
 */
async function readEdition(d: EditionDeps, c: ConnectionInfo, signal?: AbortSignal): Promise<ConnectionInfo> {
  const client = await d.clients.forConnection(c);
  const v = await client.version({ signal });
  const fresh = d.store.get(c.id) ?? c;
  if (fresh.edition === v.edition && fresh.version === v.version) return fresh;
  const updated: ConnectionInfo = { ...fresh, edition: v.edition, version: v.version };
  await d.store.update(updated);
  d.log.info(`Connection ${c.id}: ${c.remote} runs ${v.edition} ${v.version}${fresh.edition ? ` (was ${fresh.edition} ${fresh.version ?? ''})` : ''}`);
  return updated;
}

/** Like readEdition, but never throws (a failure is logged and the stored metadata kept). */
export async function tryReadEdition(d: EditionDeps, c: ConnectionInfo, signal?: AbortSignal): Promise<ConnectionInfo> {
  try {
    return await readEdition(d, c, signal);
  } catch (e) {
    d.log.warn(`Could not read the version of ${c.remote}: ${describeError(e)}`);
    return d.store.get(c.id) ?? c;
  }
}

/** Windmill's texts for "this is an Enterprise feature" on a Community Edition server. */
const CE_REFUSAL = /open[\s-]?source version|enterprise edition|enterprise feature|\bEE\b only|only available (in|on|with) (the )?(EE|enterprise)/i;

/** True when an error is a server's refusal of an Enterprise-only feature (CE's 500 "not implemented in the open-source version"). */
export function isEnterpriseRefusal(e: unknown): e is WindmillHttpError {
  return e instanceof WindmillHttpError && (e.kind === 'server' || e.kind === 'forbidden' || e.kind === 'badRequest') && CE_REFUSAL.test(e.serverMessage);
}

/**
 * The message for an Enterprise-only action refused by the server: quotes the server's text, and
 * re-reads /version so the stored edition is corrected (the tree then hides what CE cannot do).
 */
export async function explainEnterpriseRefusal(d: EditionDeps, c: ConnectionInfo, e: WindmillHttpError, action: string): Promise<string> {
  const believed = d.store.get(c.id)?.edition ?? c.edition;
  const now = await tryReadEdition(d, c);
  const host = hostOf(c);
  const quoted = vscode.l10n.t('{0}: {1} answered "{2}" (HTTP {3}).', action, host, e.serverMessage, e.status);
  if (now.edition === 'CE') {
    return believed === 'CE'
      ? vscode.l10n.t('{0} It runs the Community Edition, where this needs the Enterprise Edition.', quoted)
      : vscode.l10n.t('{0} It runs the Community Edition (the extension believed otherwise and has updated the connection): this needs the Enterprise Edition.', quoted);
  }
  return vscode.l10n.t('{0} The server refuses this as an Enterprise Edition feature, although /api/version says "{1}".', quoted, editionText(now) ?? vscode.l10n.t('unknown'));
}

/**
 * On refresh: re-reads GET /version (edition, version) and GET /users/whoami (superadmin flag) of a
 * connection, and stores what changed in one update (the tree redraws once). Failures are logged
 * only: the tree's own loads show what is wrong.
 */
export async function refreshMetadata(d: EditionDeps, c: ConnectionInfo, signal?: AbortSignal): Promise<ConnectionInfo> {
  let client;
  try {
    client = await d.clients.forConnection(c);
  } catch {
    return c;
  }
  const [version, me] = await Promise.allSettled([client.version({ signal }), client.whoami({ signal })]);
  const fresh = d.store.get(c.id);
  if (!fresh) return c;
  const next: ConnectionInfo = { ...fresh };
  if (version.status === 'fulfilled') {
    next.edition = version.value.edition;
    next.version = version.value.version;
  } else {
    d.log.warn(`Could not read the version of ${c.remote}: ${describeError(version.reason)}`);
  }
  if (me.status === 'fulfilled') {
    next.superAdmin = me.value.super_admin;
    next.email = me.value.email;
  }
  if (next.edition === fresh.edition && next.version === fresh.version && next.superAdmin === fresh.superAdmin && next.email === fresh.email) return fresh;
  await d.store.update(next);
  d.log.info(`Connection ${c.id}: ${c.remote} runs ${next.edition ?? '?'} ${next.version ?? '?'}; ${next.email}${next.superAdmin ? ' (superadmin)' : ''}`);
  return next;
}

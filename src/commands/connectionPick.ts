// The one place where a palette command chooses its connection when there are several (used by
// resolveConnection in ./services.ts, so by every command that needs a connection): a quick pick of
// the connections (label, host, workspace, email; signed-out ones marked) with the last choice first
// (the active item, so Enter takes it). The choice is remembered in globalState (no secret).
import * as vscode from 'vscode';
import { hostOf, type ConnectionInfo, type ConnectionStore } from '../connections/store';
import type { Prompter } from '../ui/prompter';
import { choose } from '../ui/steps';

export interface PickConnectionOptions {
  /** Listed before the others (e.g. the signed-out ones for Sign In Again); the last choice leads within. */
  prefer?: (c: ConnectionInfo) => boolean;
  placeholder?: string;
}

/** The connections in the order the pick shows them: preferred, then the last choice, then by label. */
function orderForPick(all: readonly ConnectionInfo[], lastId: string | undefined, prefer?: (c: ConnectionInfo) => boolean): ConnectionInfo[] {
  const rank = (c: ConnectionInfo): number => (prefer && !prefer(c) ? 2 : 0) + (c.id === lastId ? 0 : 1);
  return [...all].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label) || a.remote.localeCompare(b.remote) || a.email.localeCompare(b.email));
}

/**
 * Asks which connection to use (several saved) and remembers the answer; with one connection,
 * returns it without a question. Throws Cancelled on Escape. The caller handles "no connection".
 */
export async function pickConnection(d: { store: ConnectionStore; prompter: Prompter }, title: string, opts: PickConnectionOptions = {}): Promise<ConnectionInfo> {
  const all = d.store.list();
  if (all.length === 1) return all[0];
  const last = d.store.lastChosen();
  const ordered = orderForPick(all, last?.id, opts.prefer);
  const chosen = await choose(d.prompter, ordered.map((c, i) => ({
    label: c.signedOut ? `$(debug-disconnect) ${c.label}` : c.label,
    description: `${hostOf(c)} · ${c.workspace}${c.id === last?.id ? ` · ${vscode.l10n.t('last used')}` : ''}`,
    detail: c.signedOut ? vscode.l10n.t('{0} · signed out: the token was rejected', c.email) : c.email,
    picked: i === 0,
    value: c,
  })), { title, placeholder: opts.placeholder ?? vscode.l10n.t('Choose a connection'), matchOnDescription: true, matchOnDetail: true });
  await d.store.setLastChosen(chosen.id);
  return chosen;
}

// Filter Users… / Clear Filter: a text filter on email, username and name (case-insensitive) over
// what the tree has loaded. No request: the tree rebuilds its model from the cached members.
import * as vscode from 'vscode';
import type { Services } from './services';

export async function filterUsers(s: Services): Promise<void> {
  const text = await s.prompter.input({
    title: vscode.l10n.t('Filter Users'),
    prompt: vscode.l10n.t('Show the members and invites whose email, username or name contains this text (empty: show all)'),
    placeholder: vscode.l10n.t('e.g. alice or @example.com'),
    value: s.tree.filter || undefined,
  });
  if (text === undefined) return;
  s.tree.setFilter(text);
}

export function clearFilter(s: Services): void {
  s.tree.setFilter('');
}

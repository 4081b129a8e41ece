// The node shown under a signed-out connection instead of its members (src/connections/health.ts):
// what happened, and the "Sign In Again" inline action (package.json, viewItem == windmillUsers.signedOut).
import * as vscode from 'vscode';
import { hostOf, type ConnectionInfo } from '../connections/store';

export class SignedOutNode {
  readonly kind = 'signedOut';
  constructor(readonly connection: ConnectionInfo) {}
  get id(): string { return `connection/${this.connection.id}/signedOut`; }
}

/** Why a connection is signed out, for a person. */
export function signedOutExplanation(c: ConnectionInfo): string {
  return vscode.l10n.t('{0} rejected the token of {1} (expired, revoked or wrong). Sign in again to replace it: the connection keeps its name.', hostOf(c), c.email);
}

export function signedOutItem(node: SignedOutNode): vscode.TreeItem {
  const c = node.connection;
  const item = new vscode.TreeItem(vscode.l10n.t('Signed out'), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = vscode.l10n.t('The token was rejected (expired, revoked or wrong): Sign In Again.');
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.contextValue = 'windmillUsers.signedOut';
  const md = new vscode.MarkdownString();
  md.appendText(signedOutExplanation(c));
  md.appendMarkdown('\n\n');
  md.appendText(vscode.l10n.t('Use Sign In Again (the icon on this item) to paste a new token or sign in with the browser.'));
  item.tooltip = md;
  item.accessibilityInformation = { label: vscode.l10n.t('Connection {0} is signed out: {1}', c.label, signedOutExplanation(c)) };
  return item;
}

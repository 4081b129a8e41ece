// Shared parts of the per-connection sections ("Instance Users", "Tokens"): the section kinds,
// the error node of a section (its own load state: a failed load is one node, never a popup), and
// small tooltip helpers. The nodes of each section live in instanceNodes.ts and tokenNodes.ts.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../connections/store';

export type SectionKind = 'instanceUsers' | 'tokens';

/** A section that failed to load: the server's message, and Retry (inline) loads that section again. */
export class SectionErrorNode {
  readonly kind = 'sectionError';
  constructor(readonly connection: ConnectionInfo, readonly section: SectionKind, readonly message: string) {}
  get id(): string { return `connection/${this.connection.id}/${this.section}/error`; }
}

export function sectionErrorItem(node: SectionErrorNode): vscode.TreeItem {
  const title = node.section === 'instanceUsers' ? vscode.l10n.t('Could not load instance users') : vscode.l10n.t('Could not load tokens');
  return loadErrorItem(node, title, `windmillUsers.sectionError:${node.section}`, `${title}: ${node.message}`);
}

/** The one node of a failed load (members or a section): the message, and Retry (inline) loads again. */
export function loadErrorItem(node: { id: string; message: string }, title: string, contextValue: string, a11yLabel: string): vscode.TreeItem {
  const item = new vscode.TreeItem(title, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = node.message;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.contextValue = contextValue;
  const md = new vscode.MarkdownString();
  md.appendText(node.message);
  md.appendMarkdown('\n\n');
  md.appendText(vscode.l10n.t('Use Retry (the refresh icon on this item) to load again.'));
  item.tooltip = md;
  item.accessibilityInformation = { label: a11yLabel };
  return item;
}

/** A "**Label:** value" line; the value is server text, so it is escaped. */
export function row(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`**${label}:** `);
  md.appendText(value);
  md.appendMarkdown('  \n');
}

export function yesNo(v: boolean | undefined): string {
  return v ? vscode.l10n.t('yes') : vscode.l10n.t('no');
}

export function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

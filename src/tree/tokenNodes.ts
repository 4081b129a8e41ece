// The "Tokens" section of a connection: the tokens of the connection's own account
// (GET /users/tokens/list?exclude_ephemeral=true). The secret itself is never listed, only its
// first 10 characters (the prefix).
// contextValue: `windmillUsers.token` + flags `:expired` `:current` (the token this connection uses).
import * as vscode from 'vscode';
import type { TokenInfo } from '../windmill/types';
import type { ConnectionInfo } from '../connections/store';
import { formatDate, row, yesNo } from './sectionNodes';

export class TokensSectionNode {
  readonly kind = 'tokensSection';
  readonly section = 'tokens';
  constructor(readonly connection: ConnectionInfo, readonly count?: number) {}
  get id(): string { return `connection/${this.connection.id}/tokens`; }
}

export class TokenNode {
  readonly kind = 'token';
  /** `current`: this is the token the connection itself uses. */
  constructor(readonly connection: ConnectionInfo, readonly token: TokenInfo, readonly current: boolean) {}
  get id(): string { return `connection/${this.connection.id}/tokens/${this.token.token_prefix}`; }
}

function isExpired(t: TokenInfo, now = Date.now()): boolean {
  if (!t.expiration) return false;
  const at = Date.parse(t.expiration);
  return !Number.isNaN(at) && at <= now;
}

/** "12 days", "3 hours", "5 minutes". */
function inWords(ms: number): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return vscode.l10n.t('{0} min', min);
  const h = Math.round(min / 60);
  if (h < 48) return vscode.l10n.t('{0} h', h);
  return vscode.l10n.t('{0} days', Math.round(h / 24));
}

export function expiryText(t: TokenInfo, now = Date.now()): string {
  if (!t.expiration) return vscode.l10n.t('never expires');
  const at = Date.parse(t.expiration);
  if (Number.isNaN(at)) return t.expiration;
  return at <= now ? vscode.l10n.t('expired') : vscode.l10n.t('expires in {0}', inWords(at - now));
}

export function tokensSectionItem(node: TokensSectionNode): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Tokens'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  if (node.count !== undefined) item.description = String(node.count);
  item.iconPath = new vscode.ThemeIcon('key');
  item.contextValue = 'windmillUsers.section:tokens';
  item.tooltip = vscode.l10n.t('API tokens of {0} (this connection\'s account)', node.connection.email);
  item.accessibilityInformation = { label: node.count !== undefined ? vscode.l10n.t('Tokens, {0} tokens', node.count) : vscode.l10n.t('Tokens') };
  return item;
}

function tokenContextValue(node: TokenNode): string {
  return ['windmillUsers.token', isExpired(node.token) ? 'expired' : '', node.current ? 'current' : ''].filter(Boolean).join(':');
}

export function tokenItem(node: TokenNode): vscode.TreeItem {
  const t = node.token;
  const expired = isExpired(t);
  const item = new vscode.TreeItem(t.label || `${t.token_prefix}…`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = [
    t.label ? `${t.token_prefix}…` : undefined,
    expiryText(t),
    t.workspace_id ? vscode.l10n.t('only {0}', t.workspace_id) : undefined,
    node.current ? vscode.l10n.t('this connection') : undefined,
  ].filter(Boolean).join(' · ');
  item.iconPath = expired
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : new vscode.ThemeIcon(node.current ? 'plug' : 'key');
  item.contextValue = tokenContextValue(node);
  const md = new vscode.MarkdownString();
  if (t.label) row(md, vscode.l10n.t('Label'), t.label);
  row(md, vscode.l10n.t('Prefix'), `${t.token_prefix}…`);
  const created = formatDate(t.created_at);
  if (created) row(md, vscode.l10n.t('Created'), created);
  const used = formatDate(t.last_used_at);
  if (used) row(md, vscode.l10n.t('Last used'), used);
  row(md, vscode.l10n.t('Expiration'), t.expiration ? `${formatDate(t.expiration) ?? t.expiration} (${expiryText(t)})` : expiryText(t));
  row(md, vscode.l10n.t('Scopes'), t.scopes?.length ? t.scopes.join(', ') : vscode.l10n.t('all'));
  row(md, vscode.l10n.t('Workspace'), t.workspace_id ?? vscode.l10n.t('all workspaces'));
  if (t.read_only !== undefined) row(md, vscode.l10n.t('Read-only'), yesNo(t.read_only));
  if (node.current) row(md, vscode.l10n.t('Used by'), vscode.l10n.t('this connection'));
  item.tooltip = md;
  item.accessibilityInformation = { label: [t.label, t.token_prefix, expiryText(t), node.current ? vscode.l10n.t('this connection') : undefined].filter(Boolean).join(', ') };
  return item;
}

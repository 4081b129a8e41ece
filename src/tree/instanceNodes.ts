// The "Instance Users" section of a connection (shown only when the connection's caller is an
// instance superadmin) and its users (GET /users/list_as_super_admin).
// contextValue: `windmillUsers.instanceUser` + flags `:superadmin` `:devops` `:disabled` `:self`
// `:ce` (the server runs the Community Edition: "Set Password" is hidden there).
import * as vscode from 'vscode';
import type { GlobalUserInfo } from '../windmill/types';
import type { ConnectionInfo } from '../connections/store';
import { row, yesNo } from './sectionNodes';

export class InstanceUsersSectionNode {
  readonly kind = 'instanceUsersSection';
  readonly section = 'instanceUsers';
  /** How many users, once loaded. */
  constructor(readonly connection: ConnectionInfo, readonly count?: number) {}
  get id(): string { return `connection/${this.connection.id}/instanceUsers`; }
}

export class InstanceUserNode {
  readonly kind = 'instanceUser';
  constructor(readonly connection: ConnectionInfo, readonly user: GlobalUserInfo) {}
  get id(): string { return `connection/${this.connection.id}/instanceUsers/${this.user.email}`; }
}

export function instanceSectionItem(node: InstanceUsersSectionNode): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Instance Users'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  if (node.count !== undefined) item.description = String(node.count);
  item.iconPath = new vscode.ThemeIcon('organization');
  item.contextValue = 'windmillUsers.section:instanceUsers';
  item.tooltip = vscode.l10n.t('Every user of the instance (you are an instance superadmin)');
  item.accessibilityInformation = { label: node.count !== undefined ? vscode.l10n.t('Instance Users, {0} users', node.count) : vscode.l10n.t('Instance Users') };
  return item;
}

/** The states shown in the description: "superadmin", "devops", "disabled", "unverified". */
export function instanceUserStates(u: GlobalUserInfo): string[] {
  return [
    u.super_admin ? vscode.l10n.t('superadmin') : undefined,
    u.devops ? vscode.l10n.t('devops') : undefined,
    u.disabled ? vscode.l10n.t('disabled') : undefined,
    u.verified ? undefined : vscode.l10n.t('unverified'),
  ].filter((x): x is string => !!x);
}

function instanceUserContextValue(c: ConnectionInfo, u: GlobalUserInfo): string {
  return [
    'windmillUsers.instanceUser',
    u.super_admin ? 'superadmin' : '',
    u.devops ? 'devops' : '',
    u.disabled ? 'disabled' : '',
    u.email === c.email ? 'self' : '',
    c.edition === 'CE' ? 'ce' : '',
  ].filter(Boolean).join(':');
}

export function instanceUserItem(node: InstanceUserNode): vscode.TreeItem {
  const u = node.user;
  const item = new vscode.TreeItem(u.email, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = [u.username, u.login_type, ...instanceUserStates(u)].filter(Boolean).join(' · ');
  item.iconPath = u.disabled
    ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
    : u.super_admin ? new vscode.ThemeIcon('star-full')
      : u.devops ? new vscode.ThemeIcon('tools')
        : new vscode.ThemeIcon(u.verified ? 'person' : 'unverified');
  item.contextValue = instanceUserContextValue(node.connection, u);
  const md = new vscode.MarkdownString();
  row(md, vscode.l10n.t('Email'), u.email);
  if (u.username) row(md, vscode.l10n.t('Username'), u.username);
  if (u.name) row(md, vscode.l10n.t('Name'), u.name);
  if (u.company) row(md, vscode.l10n.t('Company'), u.company);
  row(md, vscode.l10n.t('Login type'), u.login_type);
  row(md, vscode.l10n.t('Verified'), yesNo(u.verified));
  row(md, vscode.l10n.t('Superadmin'), yesNo(u.super_admin));
  row(md, vscode.l10n.t('Devops'), yesNo(u.devops));
  row(md, vscode.l10n.t('Disabled'), yesNo(u.disabled));
  item.tooltip = md;
  item.accessibilityInformation = { label: [u.email, u.username, u.login_type, ...instanceUserStates(u)].filter(Boolean).join(', ') };
  return item;
}

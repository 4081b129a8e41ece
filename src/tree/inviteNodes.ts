// Nodes of the members' part of a connection that are not members: the "Pending Invites" group,
// one invite, and a notice (e.g. "no member matches the filter"). Ids are stable like the others'.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../connections/store';
import { deriveRole, type Invite } from '../windmill/types';
import type { Access } from './model';
import { roleLabel } from './nodes';

export class InvitesNode {
  readonly kind = 'invites';
  /** `total`: invites without the filter. */
  constructor(readonly connection: ConnectionInfo, readonly invites: readonly Invite[], readonly total: number, readonly access?: Access) {}
  get id(): string { return `connection/${this.connection.id}/invites`; }
}

export class InviteNode {
  readonly kind = 'invite';
  constructor(readonly connection: ConnectionInfo, readonly invite: Invite, readonly access?: Access) {}
  get id(): string { return `connection/${this.connection.id}/invite/${this.invite.email}`; }
}

export class NoticeNode {
  readonly kind = 'notice';
  constructor(readonly connection: ConnectionInfo, readonly message: string) {}
  get id(): string { return `connection/${this.connection.id}/notice`; }
}

export function invitesItem(node: InvitesNode): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Pending Invites'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  const shown = node.invites.length;
  item.description = shown === node.total ? String(shown) : vscode.l10n.t('{0} of {1}', shown, node.total);
  item.iconPath = new vscode.ThemeIcon('mail');
  item.contextValue = `windmillUsers.invites${node.access === 'member' ? ':readonly' : ''}`;
  item.tooltip = vscode.l10n.t('Invited to {0}, not joined yet: {1}', node.connection.workspace, node.total);
  item.accessibilityInformation = { label: vscode.l10n.t('Pending invites, {0}', item.description) };
  return item;
}

export function inviteItem(node: InviteNode): vscode.TreeItem {
  const i = node.invite;
  const role = deriveRole(i.is_admin, i.operator);
  const item = new vscode.TreeItem(i.email, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = vscode.l10n.t('invited as {0}', roleLabel(role));
  item.iconPath = new vscode.ThemeIcon('mail');
  item.contextValue = ['windmillUsers.invite', role, node.access === 'member' ? 'readonly' : ''].filter(Boolean).join(':');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${vscode.l10n.t('Invited')}:** `);
  md.appendText(i.email);
  md.appendMarkdown(`  \n**${vscode.l10n.t('Role')}:** `);
  md.appendText(roleLabel(role));
  md.appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('They join {0} when they sign in with this email.', node.connection.workspace));
  item.tooltip = md;
  item.accessibilityInformation = { label: vscode.l10n.t('Invite of {0} as {1}', i.email, roleLabel(role)) };
  return item;
}

export function noticeItem(node: NoticeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('info');
  item.contextValue = 'windmillUsers.notice';
  return item;
}

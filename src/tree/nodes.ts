// The Users tree's nodes: a connection (root), its role groups, the members, and an error node.
// Ids are stable (connection id + group / username), so VS Code keeps expansion and selection.
import * as vscode from 'vscode';
import type { Member, Role } from '../windmill/types';
import { hostOf, type ConnectionInfo } from '../connections/store';
import type { Access, GroupKind } from './model';
import { InviteNode, InvitesNode, NoticeNode, inviteItem, invitesItem, noticeItem } from './inviteNodes';
import { isSectionTreeNode, sectionTreeItem, type SectionTreeNode } from './sections';
import { editionShort, editionText } from '../connections/edition';
import { SignedOutNode, signedOutExplanation, signedOutItem } from './healthNodes';
import { formatDate, loadErrorItem, row, yesNo } from './sectionNodes';

export class ConnectionNode {
  readonly kind = 'connection';
  /** `access`: the caller's rights in the workspace, once known (the first load asks). */
  constructor(readonly connection: ConnectionInfo, readonly access?: Access) {}
  get id(): string { return `connection/${this.connection.id}`; }
}

export class GroupNode {
  readonly kind = 'group';
  /** `members`: those shown (matching the filter); `total`: the group's size without the filter. */
  constructor(readonly connection: ConnectionInfo, readonly group: GroupKind, readonly members: readonly Member[], readonly total = members.length) {}
  get id(): string { return `connection/${this.connection.id}/group/${this.group}`; }
}

export class MemberNode {
  readonly kind = 'member';
  constructor(readonly connection: ConnectionInfo, readonly member: Member, readonly access?: Access) {}
  get id(): string { return `connection/${this.connection.id}/user/${this.member.username}`; }
}

export class ErrorNode {
  readonly kind = 'error';
  constructor(readonly connection: ConnectionInfo, readonly message: string) {}
  get id(): string { return `connection/${this.connection.id}/error`; }
}

export type UsersNode = ConnectionNode | GroupNode | MemberNode | ErrorNode | InvitesNode | InviteNode | NoticeNode | SectionTreeNode | SignedOutNode;
export { InviteNode, InvitesNode, NoticeNode, SignedOutNode };

function groupLabel(group: GroupKind): string {
  switch (group) {
    case 'admins': return vscode.l10n.t('Admins');
    case 'developers': return vscode.l10n.t('Developers');
    case 'operators': return vscode.l10n.t('Operators');
    default: return vscode.l10n.t('Disabled');
  }
}

export function roleLabel(role: Role): string {
  switch (role) {
    case 'admin': return vscode.l10n.t('admin');
    case 'operator': return vscode.l10n.t('operator');
    default: return vscode.l10n.t('developer');
  }
}

const ROLE_ICON: Record<Role, string> = { admin: 'shield', developer: 'person', operator: 'play-circle' };
const GROUP_ICON: Record<GroupKind, string> = { admins: 'shield', developers: 'person', operators: 'play-circle', disabled: 'circle-slash' };

export function toTreeItem(node: UsersNode): vscode.TreeItem {
  if (isSectionTreeNode(node)) return sectionTreeItem(node);
  switch (node.kind) {
    case 'connection': return connectionItem(node);
    case 'group': return groupItem(node);
    case 'member': return memberItem(node);
    case 'invites': return invitesItem(node);
    case 'invite': return inviteItem(node);
    case 'notice': return noticeItem(node);
    case 'signedOut': return signedOutItem(node);
    default: return errorItem(node);
  }
}

function connectionItem(node: ConnectionNode): vscode.TreeItem {
  const c = node.connection;
  const item = new vscode.TreeItem(c.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  item.description = [c.signedOut ? vscode.l10n.t('signed out') : '', hostOf(c), c.email, editionShort(c)].filter(Boolean).join(' · ');
  item.iconPath = c.signedOut ? new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('server');
  item.contextValue = `windmillUsers.connection${c.superAdmin ? ':superadmin' : ''}${node.access ? `:${node.access}` : ''}${c.edition === 'CE' ? ':ce' : ''}${c.signedOut ? ':signedOut' : ''}`;
  const md = new vscode.MarkdownString();
  row(md, vscode.l10n.t('Workspace'), c.workspace);
  row(md, vscode.l10n.t('Instance'), c.remote);
  row(md, vscode.l10n.t('Signed in as'), c.email);
  row(md, vscode.l10n.t('Superadmin'), yesNo(c.superAdmin));
  if (c.edition || c.version) row(md, vscode.l10n.t('Windmill'), editionText(c) ?? [c.edition, c.version].filter(Boolean).join(' '));
  if (c.signedOut) row(md, vscode.l10n.t('Signed out'), signedOutExplanation(c));
  item.tooltip = md;
  item.accessibilityInformation = {
    label: c.signedOut
      ? vscode.l10n.t('Connection {0} on {1} as {2}, signed out', c.label, hostOf(c), c.email)
      : vscode.l10n.t('Connection {0} on {1} as {2}', c.label, hostOf(c), c.email),
  };
  return item;
}

function groupItem(node: GroupNode): vscode.TreeItem {
  const state = node.group === 'disabled' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
  const item = new vscode.TreeItem(groupLabel(node.group), state);
  item.id = node.id;
  const filtered = node.members.length !== node.total;
  item.description = filtered ? vscode.l10n.t('{0} of {1}', node.members.length, node.total) : String(node.total);
  item.iconPath = new vscode.ThemeIcon(GROUP_ICON[node.group]);
  item.contextValue = `windmillUsers.group:${node.group}`;
  item.tooltip = filtered
    ? vscode.l10n.t('{0}: {1} of {2} match the filter', groupLabel(node.group), node.members.length, node.total)
    : vscode.l10n.t('{0}: {1}', groupLabel(node.group), node.total);
  item.accessibilityInformation = {
    label: filtered
      ? vscode.l10n.t('{0}, {1} of {2} members', groupLabel(node.group), node.members.length, node.total)
      : vscode.l10n.t('{0}, {1} members', groupLabel(node.group), node.total),
  };
  return item;
}

function memberItem(node: MemberNode): vscode.TreeItem {
  const m = node.member;
  const item = new vscode.TreeItem(m.email, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = [m.username, roleLabel(m.role)].join(' · ');
  item.iconPath = m.disabled
    ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
    : new vscode.ThemeIcon(m.is_service_account ? 'robot' : ROLE_ICON[m.role]);
  const self = m.email === node.connection.email;
  item.contextValue = ['windmillUsers.user', m.role, m.disabled ? 'disabled' : '', self ? 'self' : '', node.access === 'member' ? 'readonly' : ''].filter(Boolean).join(':');
  const md = new vscode.MarkdownString();
  row(md, vscode.l10n.t('Email'), m.email);
  row(md, vscode.l10n.t('Username'), m.username);
  if (m.name) row(md, vscode.l10n.t('Name'), m.name);
  row(md, vscode.l10n.t('Role'), roleLabel(m.role));
  const created = formatDate(m.created_at);
  if (created) row(md, vscode.l10n.t('Created'), created);
  const via = addedVia(m.added_via);
  if (via) row(md, vscode.l10n.t('Added via'), via);
  if (m.is_service_account) row(md, vscode.l10n.t('Service account'), yesNo(true));
  row(md, vscode.l10n.t('Disabled'), yesNo(m.disabled));
  item.tooltip = md;
  item.accessibilityInformation = {
    label: [m.email, m.username, roleLabel(m.role), m.disabled ? vscode.l10n.t('disabled') : ''].filter(Boolean).join(', '),
  };
  return item;
}

function errorItem(node: ErrorNode): vscode.TreeItem {
  return loadErrorItem(node, vscode.l10n.t('Could not load users'), 'windmillUsers.error', vscode.l10n.t('Could not load users: {0}', node.message));
}

function addedVia(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const source = typeof o.source === 'string' ? o.source : undefined;
    const domain = typeof o.domain === 'string' ? o.domain : undefined;
    const group = typeof o.group === 'string' ? o.group : undefined;
    const parts = [source, domain, group].filter((x): x is string => !!x);
    if (parts.length) return parts.join(' · ');
  }
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

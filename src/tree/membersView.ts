// The members' part of one connection in the Users tree, built once per response (and again only
// when the filter, the grouping or a cached member changes): the model (src/tree/model.ts), the
// group nodes with their member arrays, and the member nodes, created when a group is first
// expanded and kept. Also the load itself: members, pending invites and (once) the caller's role.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../connections/store';
import type { WindmillClient } from '../windmill/client';
import type { Invite, Member } from '../windmill/types';
import type { Log } from '../log';
import { buildTreeModel, normalizeFilter, type Access, type Grouping, type TreeModel } from './model';
import { ConnectionNode, GroupNode, InviteNode, InvitesNode, MemberNode, NoticeNode, type UsersNode } from './nodes';

export interface MembersData {
  members: Member[];
  /** Undefined when not listed (the caller is not an admin, or listing failed). */
  invites?: Invite[];
  access?: Access;
}

/**
 * One load of a connection: members (1 request), the caller's workspace role (1 request, only
 * when not known yet) and, for admins, the pending invites (1 request). A failed role or invites
 * request does not fail the load; a failed member list does.
 */
export async function loadMembersData(client: WindmillClient, c: ConnectionInfo, known: Access | undefined, signal: AbortSignal, log: Log): Promise<MembersData> {
  const access: Promise<Access | undefined> = known
    ? Promise.resolve(known)
    : client.workspaceWhoami(c.workspace, { signal }).then(
      (me) => (me.is_admin || c.superAdmin ? 'admin' : 'member'),
      (e: unknown) => {
        if (!signal.aborted) log.warn(`Could not read the role of ${c.email} in ${c.workspace}: ${e instanceof Error ? e.message : String(e)}`);
        return c.superAdmin ? 'admin' : undefined;
      });
  const invites = access.then((a) => a === 'admin'
    ? client.listPendingInvites(c.workspace, { signal }).catch((e: unknown) => {
      if (!signal.aborted) log.warn(`Could not list the pending invites of ${c.workspace}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    })
    : undefined);
  const [members, a, i] = await Promise.all([client.listMembers(c.workspace, { signal }), access, invites]);
  // The caller's own row is the freshest answer about their role (a superadmin stays an admin).
  const self = members.find((m) => m.email === c.email);
  const derived: Access | undefined = self && !c.superAdmin ? (self.is_admin && !self.disabled ? 'admin' : 'member') : a;
  return { members, invites: i, access: derived };
}

function inviteMatches(invite: Invite, needle: string): boolean {
  return needle === '' || invite.email.toLowerCase().includes(needle);
}

export class MembersView {
  readonly model: TreeModel;
  /** The connection node's children: groups (or members, flat), then Pending Invites, or a notice. Not to be changed. */
  readonly children: UsersNode[];
  private readonly memberNodes = new Map<GroupNode, MemberNode[]>();
  private readonly groupOfMember = new Map<string, GroupNode>();
  private invitesNode?: InvitesNode;
  private inviteNodes?: InviteNode[];

  constructor(
    readonly connection: ConnectionInfo,
    readonly data: MembersData,
    filter: string,
    grouping: Grouping,
  ) {
    this.model = buildTreeModel(data.members, filter, grouping);
    const access = data.access;
    const children: UsersNode[] = grouping === 'flat'
      ? this.model.members.map((m) => new MemberNode(connection, m, access))
      : this.model.groups.map((g) => new GroupNode(connection, g.kind, g.members, g.total));
    const needle = normalizeFilter(filter);
    if (data.invites && data.invites.length > 0) {
      const shown = needle === '' ? data.invites : data.invites.filter((i) => inviteMatches(i, needle));
      if (shown.length > 0) {
        this.invitesNode = new InvitesNode(connection, [...shown].sort((a, b) => a.email.localeCompare(b.email)), data.invites.length, access);
        children.push(this.invitesNode);
      }
    }
    if (children.length === 0 && needle !== '') children.push(new NoticeNode(connection, vscode.l10n.t('No member matches "{0}"', needle)));
    this.children = children;
  }

  /** The member nodes of a group of this view: created on first expansion, then reused. */
  membersOf(group: GroupNode): MemberNode[] {
    let nodes = this.memberNodes.get(group);
    if (!nodes) {
      nodes = group.members.map((m) => new MemberNode(this.connection, m, this.data.access));
      this.memberNodes.set(group, nodes);
    }
    return nodes;
  }

  invitesOf(node: InvitesNode): InviteNode[] {
    if (node !== this.invitesNode) return node.invites.map((i) => new InviteNode(this.connection, i, this.data.access));
    this.inviteNodes ??= node.invites.map((i) => new InviteNode(this.connection, i, this.data.access));
    return this.inviteNodes;
  }

  /** The node under which a member or invite of this view is shown. */
  parentOf(node: MemberNode | InviteNode): UsersNode {
    if (node.kind === 'invite') return this.invitesNode ?? new ConnectionNode(this.connection, this.data.access);
    if (this.model.grouping === 'flat') return new ConnectionNode(this.connection, this.data.access);
    if (this.groupOfMember.size === 0) {
      for (const g of this.children) if (g.kind === 'group') for (const m of g.members) this.groupOfMember.set(m.username, g);
    }
    return this.groupOfMember.get(node.member.username) ?? new ConnectionNode(this.connection, this.data.access);
  }
}

// Workspace members: change role (admin / developer / operator), disable / enable, copy email or
// username, open the workspace's Users page in Windmill. Each works on a tree node or, from the
// palette, on a member picked from a searchable list. After a change the server accepted, the
// cached member is updated and moves to its new group: no reload.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../connections/store';
import type { WindmillClient } from '../windmill/client';
import { WindmillHttpError, isOutcomeUnknown } from '../windmill/errors';
import { roleFlags, type Member, type Role } from '../windmill/types';
import { roleLabel, type UsersNode } from '../tree/nodes';
import type { PickItem } from '../ui/prompter';
import { Cancelled, choose } from '../ui/steps';
import { confirm, notify, resolveConnection, withMutationProgress, type Services } from './services';

interface Target {
  c: ConnectionInfo;
  member: Member;
}

/** The members of a connection: as the tree last loaded them, else listed (one request). */
async function membersFor(s: Services, c: ConnectionInfo): Promise<readonly Member[]> {
  const cached = s.tree.membersOf(c.id);
  if (cached) return cached;
  const client = await s.clients.forConnection(c);
  return client.listMembers(c.workspace);
}

/** The members as quick pick items, by email (email, username, then name · role · disabled). */
export function memberItems(members: readonly Member[]): PickItem<Member>[] {
  return [...members].sort((a, b) => a.email.localeCompare(b.email)).map((m) => ({
    label: m.email,
    description: m.username,
    detail: [m.name, roleLabel(m.role), m.disabled ? vscode.l10n.t('disabled') : undefined].filter(Boolean).join(' · '),
    value: m,
  }));
}

/** The workspace roles as quick pick items, in `order`. */
export function roleItems(order: readonly Role[]): PickItem<Role>[] {
  const item: Record<Role, () => PickItem<Role>> = {
    admin: () => ({ label: vscode.l10n.t('Admin'), description: vscode.l10n.t('manages the workspace and its members'), value: 'admin' }),
    developer: () => ({ label: vscode.l10n.t('Developer'), description: vscode.l10n.t('writes and runs scripts and flows'), value: 'developer' }),
    operator: () => ({ label: vscode.l10n.t('Operator'), description: vscode.l10n.t('runs scripts and flows, cannot edit them'), value: 'operator' }),
  };
  return order.map((r) => item[r]());
}

/**
 * The member a command works on: the tree node's, else picked (from the palette) among the
 * members for which the command makes sense (`eligible`).
 */
async function targetMember(s: Services, node: UsersNode | undefined, title: string, eligible: (m: Member) => boolean = () => true): Promise<Target> {
  if (node?.kind === 'member') return { c: s.store.get(node.connection.id) ?? node.connection, member: node.member };
  const c = await resolveConnection(s, node, title);
  const members = (await membersFor(s, c)).filter(eligible);
  if (members.length === 0) {
    notify(s, vscode.l10n.t('No member of {0} can be chosen for this.', c.workspace));
    throw new Cancelled();
  }
  const member = await choose(s.prompter, memberItems(members), {
    title,
    placeholder: vscode.l10n.t('Search by email, username or name'),
    matchOnDescription: true, matchOnDetail: true,
  });
  return { c, member };
}

/** Sends one member update; on success the tree's cached member follows (or, if not cached, one reload). */
async function updateMember(
  s: Services, t: Target, patch: { is_admin?: boolean; operator?: boolean; disabled?: boolean },
  texts: { progress: string; failure: string; done: string; log: string },
): Promise<boolean> {
  let client: WindmillClient;
  try {
    client = await s.clients.forConnection(t.c);
    await withMutationProgress(texts.progress, (signal) => client.updateMember(t.c.workspace, t.member.username, patch, { signal }));
  } catch (e) {
    s.errors.report(texts.failure, e);
    // Gone meanwhile, or maybe changed although no answer came: the tree catches up.
    if (isOutcomeUnknown(e) || (e instanceof WindmillHttpError && e.kind === 'notFound')) s.tree.refresh(t.c.id);
    return false;
  }
  s.log.info(texts.log);
  if (!s.tree.patchMember(t.c.id, t.member.username, patch)) s.tree.refresh(t.c.id);
  notify(s, texts.done);
  return true;
}

/** Asks before a change that takes the connection's own account out of the workspace admins. */
async function confirmSelfDemotion(s: Services, t: Target, what: string): Promise<boolean> {
  if (t.member.email !== t.c.email || t.c.superAdmin || !t.member.is_admin) return true;
  return confirm(s, vscode.l10n.t('{0} is the account of this connection.', t.member.email),
    vscode.l10n.t('{0}: you will no longer be an admin of {1}, and cannot undo this yourself.', what, t.c.workspace), vscode.l10n.t('Continue'));
}

export async function setRole(s: Services, node: UsersNode | undefined, role: Role): Promise<void> {
  const t = await targetMember(s, node, vscode.l10n.t('Make a Member {0}', roleLabel(role)), (m) => m.role !== role);
  await applyRole(s, t, role);
}

async function applyRole(s: Services, t: Target, role: Role): Promise<void> {
  const { member, c } = t;
  if (member.role === role) {
    notify(s, vscode.l10n.t('{0} is already {1} in {2}.', member.email, roleLabel(role), c.workspace));
    return;
  }
  if (!await confirmSelfDemotion(s, t, vscode.l10n.t('Make yourself {0}', roleLabel(role)))) return;
  await updateMember(s, t, roleFlags(role), {
    progress: vscode.l10n.t('Making {0} {1}…', member.email, roleLabel(role)),
    failure: vscode.l10n.t('Could not make {0} {1}', member.email, roleLabel(role)),
    done: vscode.l10n.t('{0} is now {1} in {2}.', member.email, roleLabel(role), c.workspace),
    log: `Changed the role of ${member.email} in ${c.workspace} from ${member.role} to ${role}`,
  });
}

export async function changeRole(s: Services, node?: UsersNode): Promise<void> {
  const t = await targetMember(s, node, vscode.l10n.t('Change the Role of a Member'));
  const role = await choose(s.prompter, roleItems(['admin', 'developer', 'operator']).filter((r) => r.value !== t.member.role), {
    title: vscode.l10n.t('Change the Role of {0}', t.member.email),
    placeholder: vscode.l10n.t('New role of {0} in {1} (now {2})', t.member.email, t.c.workspace, roleLabel(t.member.role)),
  });
  await applyRole(s, t, role);
}

export async function disableMember(s: Services, node?: UsersNode): Promise<void> {
  const t = await targetMember(s, node, vscode.l10n.t('Disable a Member'), (m) => !m.disabled);
  const { member, c } = t;
  if (member.disabled) {
    notify(s, vscode.l10n.t('{0} is already disabled in {1}.', member.email, c.workspace));
    return;
  }
  const self = member.email === c.email && !c.superAdmin;
  const button = vscode.l10n.t('Disable');
  if (!await confirm(s, vscode.l10n.t('Disable {0} ({1}) in the workspace {2}?', member.email, member.username, c.workspace),
    vscode.l10n.t('They keep their account and role but cannot use {0} until a workspace admin enables them again.', c.workspace)
      + (self ? `\n\n${vscode.l10n.t('This is the account of this connection: you will lose access.')}` : ''), button)) return;
  await updateMember(s, t, { disabled: true }, {
    progress: vscode.l10n.t('Disabling {0}…', member.email),
    failure: vscode.l10n.t('Could not disable {0}', member.email),
    done: vscode.l10n.t('Disabled {0} in {1}.', member.email, c.workspace),
    log: `Disabled ${member.email} in ${c.workspace}`,
  });
}

export async function enableMember(s: Services, node?: UsersNode): Promise<void> {
  const t = await targetMember(s, node, vscode.l10n.t('Enable a Member'), (m) => m.disabled);
  const { member, c } = t;
  if (!member.disabled) {
    notify(s, vscode.l10n.t('{0} is not disabled in {1}.', member.email, c.workspace));
    return;
  }
  await updateMember(s, t, { disabled: false }, {
    progress: vscode.l10n.t('Enabling {0}…', member.email),
    failure: vscode.l10n.t('Could not enable {0}', member.email),
    done: vscode.l10n.t('Enabled {0} in {1} as {2}.', member.email, c.workspace, roleLabel(member.role)),
    log: `Enabled ${member.email} in ${c.workspace}`,
  });
}

/** Copies the email of a member (or of a pending invite). */
export async function copyEmail(s: Services, node?: UsersNode): Promise<void> {
  const email = node?.kind === 'invite' ? node.invite.email : (await targetMember(s, node, vscode.l10n.t('Copy the Email of a Member'))).member.email;
  await vscode.env.clipboard.writeText(email);
  notify(s, vscode.l10n.t('Copied {0} to the clipboard.', email));
}

export async function copyUsername(s: Services, node?: UsersNode): Promise<void> {
  const { member } = await targetMember(s, node, vscode.l10n.t('Copy the Username of a Member'));
  await vscode.env.clipboard.writeText(member.username);
  notify(s, vscode.l10n.t('Copied {0} to the clipboard.', member.username));
}

/** The workspace's Users page in Windmill's web UI (Workspace settings > Users). */
function workspaceUsersUrl(c: Pick<ConnectionInfo, 'remote' | 'workspace'>): vscode.Uri {
  const base = c.remote.replace(/\/+$/, '');
  return vscode.Uri.parse(`${base}/workspace_settings?tab=users&workspace=${encodeURIComponent(c.workspace)}`, true);
}

export async function openInWindmill(s: Services, node?: UsersNode): Promise<void> {
  const c = await resolveConnection(s, node, vscode.l10n.t('Open in Windmill'));
  const uri = workspaceUsersUrl(c);
  s.log.info(`Opening ${uri.toString(true)}`);
  await s.browser.openExternal(uri);
}

// Pending workspace invites: invite by email with a role, and revoke an invite. The server's
// delete_invite answers 201 even when nothing matched (it deletes only when email AND both flags
// match), so a revoke sends the invite's own flags and then lists the invites again to confirm.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../connections/store';
import { deriveRole, type Invite } from '../windmill/types';
import { roleLabel, type UsersNode } from '../tree/nodes';
import { Cancelled, choose } from '../ui/steps';
import { inviteToWorkspace } from './users';
import { confirm, notify, resolveConnection, withMutationProgress, type Services } from './services';

export async function inviteUser(s: Services, node?: UsersNode): Promise<void> {
  const c = await resolveConnection(s, node, vscode.l10n.t('Invite to a Workspace'));
  await inviteToWorkspace(s, c, await s.clients.forConnection(c));
}

async function targetInvite(s: Services, node: UsersNode | undefined): Promise<{ c: ConnectionInfo; invite: Invite }> {
  if (node?.kind === 'invite') return { c: s.store.get(node.connection.id) ?? node.connection, invite: node.invite };
  const c = await resolveConnection(s, node, vscode.l10n.t('Revoke an Invite'));
  const invites = s.tree.invitesOf(c.id) ?? await (await s.clients.forConnection(c)).listPendingInvites(c.workspace);
  if (invites.length === 0) {
    notify(s, vscode.l10n.t('There is no pending invite in {0}.', c.workspace));
    throw new Cancelled();
  }
  const invite = await choose(s.prompter, [...invites].sort((a, b) => a.email.localeCompare(b.email)).map((i) => ({
    label: i.email,
    description: vscode.l10n.t('invited as {0}', roleLabel(deriveRole(i.is_admin, i.operator))),
    value: i,
  })), { title: vscode.l10n.t('Revoke an Invite to {0}', c.workspace), placeholder: vscode.l10n.t('Choose the invite to revoke') });
  return { c, invite };
}

export async function cancelInvite(s: Services, node?: UsersNode): Promise<void> {
  const { c, invite } = await targetInvite(s, node);
  const button = vscode.l10n.t('Revoke Invite');
  if (!await confirm(s, vscode.l10n.t('Revoke the invite of {0} to {1}?', invite.email, c.workspace),
    vscode.l10n.t('They can no longer join {0} with this invite. You can invite them again later.', c.workspace), button)) return;

  const action = vscode.l10n.t('Could not revoke the invite of {0}', invite.email);
  const client = await s.clients.forConnection(c);
  let remaining: Invite[];
  try {
    remaining = await withMutationProgress(vscode.l10n.t('Revoking the invite of {0}…', invite.email), async (signal) => {
      // The invite's own email and flags: the server deletes only on an exact match.
      await client.deleteInvite(c.workspace, { email: invite.email, is_admin: invite.is_admin, operator: invite.operator }, { signal });
      return client.listPendingInvites(c.workspace, { signal });
    });
  } catch (e) {
    s.errors.report(action, e);
    s.tree.refresh(c.id);
    return;
  }
  s.tree.setInvites(c.id, remaining);
  if (remaining.some((i) => i.email.toLowerCase() === invite.email.toLowerCase())) {
    s.log.warn(`The invite of ${invite.email} to ${c.workspace} is still pending after delete_invite (its role may have changed meanwhile)`);
    s.errors.show(vscode.l10n.t('{0}: the server still lists it (its role may have changed meanwhile). The list is up to date now: try again.', action));
    return;
  }
  s.log.info(`Revoked the invite of ${invite.email} to ${c.workspace}`);
  notify(s, vscode.l10n.t('Revoked the invite of {0} to {1}.', invite.email, c.workspace));
}

// Instance users (superadmin): toggle superadmin / devops, disable / enable, rename, set password
// (Enterprise Edition only), delete from the whole instance. Each works on a tree item of the
// "Instance Users" section, or from the palette (a quick pick of the instance users).
// A 401 is told apart ("not a superadmin" vs "token rejected", see connections/superadmin.ts); an
// Enterprise-only refusal quotes the server and re-reads the edition (connections/edition.ts).
import * as vscode from 'vscode';
import { validatePassword, validateUsername } from '../validation';
import { generatePassword } from '../password';
import type { WindmillClient } from '../windmill/client';
import type { GlobalUserInfo } from '../windmill/types';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { editionText, explainEnterpriseRefusal, isEnterpriseRefusal, tryReadEdition } from '../connections/edition';
import { explainSuperadmin401, isUnauthorized } from '../connections/superadmin';
import type { UsersNode } from '../tree/nodes';
import { instanceUserStates } from '../tree/instanceNodes';
import { Cancelled, ask, choose } from '../ui/steps';
import { passwordSetLook, writeChecked } from './outcome';
import { confirm, notify, resolveConnection, withMutationProgress, type Services } from './services';
import { showPasswordOnce } from './users';

interface Target { c: ConnectionInfo; user: GlobalUserInfo; client: WindmillClient }

/**
 * The instance user a command works on: the tree item's, else picked from the connection's
 * instance users (listed fresh; `filter` narrows the choice, e.g. only disabled users for Enable).
 */
async function resolveInstanceUser(
  s: Services, node: UsersNode | undefined, title: string, filter?: (u: GlobalUserInfo) => boolean, connection?: ConnectionInfo,
): Promise<Target> {
  if (node?.kind === 'instanceUser') {
    const c = s.store.get(node.connection.id) ?? node.connection;
    return { c, user: node.user, client: await s.clients.forConnection(c) };
  }
  const c = connection ?? await resolveConnection(s, node, title);
  const client = await s.clients.forConnection(c);
  let users: GlobalUserInfo[];
  try {
    users = await client.listAllInstanceUsers();
  } catch (e) {
    await reportFailure(s, c, vscode.l10n.t('Could not list the instance users of {0}', hostOf(c)), e);
    throw new Cancelled();
  }
  const shown = users.filter(filter ?? (() => true)).sort((a, b) => a.email.localeCompare(b.email));
  if (shown.length === 0) {
    notify(s, vscode.l10n.t('No instance user of {0} fits this action.', hostOf(c)));
    throw new Cancelled();
  }
  const user = await choose(s.prompter, shown.map((u) => ({
    label: u.email,
    description: [u.username, u.login_type].filter(Boolean).join(' · '),
    detail: [u.name, ...instanceUserStates(u)].filter(Boolean).join(' · ') || undefined,
    value: u,
  })), { title, placeholder: vscode.l10n.t('Choose an instance user of {0}', hostOf(c)), matchOnDescription: true, matchOnDetail: true });
  return { c, user, client };
}

/** One message for a failed instance-user action: 401 told apart, Enterprise refusals explained. */
async function reportFailure(s: Services, c: ConnectionInfo, action: string, e: unknown): Promise<void> {
  if (isUnauthorized(e)) {
    const verdict = await explainSuperadmin401(s, c);
    s.log.error(action, e);
    s.errors.show(vscode.l10n.t('{0}: {1}', action, verdict.message));
    return;
  }
  if (isEnterpriseRefusal(e)) {
    s.log.error(action, e);
    s.errors.show(await explainEnterpriseRefusal(s, c, e, action));
    return;
  }
  s.errors.report(action, e);
}

/**
 * Sends one change; on success the section reloads (one refetch, when shown) and, when
 * `members` is set, the workspace members too. Returns false when it failed (already reported).
 */
async function mutate(s: Services, t: Target, progress: string, action: string, work: (signal: AbortSignal) => Promise<void>, opts: { members?: boolean } = {}): Promise<boolean> {
  try {
    await withMutationProgress(progress, work);
  } catch (e) {
    await reportFailure(s, t.c, action, e);
    s.tree.sections.reload(t.c.id, 'instanceUsers');
    return false;
  }
  if (opts.members) s.tree.refresh(t.c.id); // also reloads the sections
  else s.tree.sections.reload(t.c.id, 'instanceUsers');
  return true;
}

export async function toggleSuperadmin(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Toggle Instance Superadmin'));
  const { c, user } = t;
  const next = !user.super_admin;
  const self = user.email === c.email;
  if (next) {
    const button = vscode.l10n.t('Make Superadmin');
    if (!await confirm(s, vscode.l10n.t('Make {0} an instance superadmin of {1}?', user.email, hostOf(c)),
      vscode.l10n.t('A superadmin can manage every user and every workspace of the instance.'), button)) return;
  } else if (self) {
    const button = vscode.l10n.t('Remove My Superadmin Rights');
    if (!await confirm(s, vscode.l10n.t('Remove your own superadmin rights on {0}?', hostOf(c)),
      vscode.l10n.t('{0} is the account of this connection: you can no longer manage instance users from here, and another superadmin must give the rights back.', user.email), button)) return;
  }
  const ok = await mutate(s, t, next ? vscode.l10n.t('Making {0} a superadmin…', user.email) : vscode.l10n.t('Removing superadmin from {0}…', user.email),
    vscode.l10n.t('Could not change the superadmin status of {0}', user.email),
    (signal) => t.client.updateInstanceUser(user.email, { is_super_admin: next }, { signal }));
  if (!ok) return;
  s.log.info(`${next ? 'Granted' : 'Removed'} superadmin ${next ? 'to' : 'from'} ${user.email} on ${c.remote}`);
  if (self && !next) {
    const fresh = s.store.get(c.id);
    if (fresh) await s.store.update({ ...fresh, superAdmin: false }); // the section hides
  }
  notify(s, next
    ? vscode.l10n.t('{0} is now an instance superadmin of {1}.', user.email, hostOf(c))
    : vscode.l10n.t('{0} is no longer an instance superadmin of {1}.', user.email, hostOf(c)));
}

export async function toggleDevops(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Toggle Devops Role'));
  const { c, user } = t;
  const next = !user.devops;
  const ok = await mutate(s, t, next ? vscode.l10n.t('Giving {0} the devops role…', user.email) : vscode.l10n.t('Removing the devops role from {0}…', user.email),
    vscode.l10n.t('Could not change the devops role of {0}', user.email),
    (signal) => t.client.updateInstanceUser(user.email, { is_devops: next }, { signal }));
  if (!ok) return;
  s.log.info(`${next ? 'Granted' : 'Removed'} devops ${next ? 'to' : 'from'} ${user.email} on ${c.remote}`);
  notify(s, next
    ? vscode.l10n.t('{0} now has the devops role on {1}.', user.email, hostOf(c))
    : vscode.l10n.t('{0} no longer has the devops role on {1}.', user.email, hostOf(c)));
}

export async function disableInstanceUser(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Disable Instance User'), (u) => !u.disabled);
  const { c, user } = t;
  if (user.disabled) {
    notify(s, vscode.l10n.t('{0} is already disabled on {1}.', user.email, hostOf(c)));
    return;
  }
  const self = user.email === c.email;
  const button = vscode.l10n.t('Disable');
  const detail = vscode.l10n.t('They can no longer sign in to {0} nor use their tokens, in any workspace, until enabled again.', hostOf(c))
    + (self ? `\n\n${vscode.l10n.t('This is the account of this connection: it stops working.')}` : '');
  if (!await confirm(s, vscode.l10n.t('Disable {0} on the whole instance {1}?', user.email, hostOf(c)), detail, button)) return;
  const ok = await mutate(s, t, vscode.l10n.t('Disabling {0}…', user.email), vscode.l10n.t('Could not disable {0}', user.email),
    (signal) => t.client.updateInstanceUser(user.email, { disabled: true }, { signal }));
  if (!ok) return;
  s.log.info(`Disabled ${user.email} on ${c.remote}`);
  notify(s, vscode.l10n.t('Disabled {0} on {1}.', user.email, hostOf(c)));
}

export async function enableInstanceUser(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Enable Instance User'), (u) => u.disabled);
  const { c, user } = t;
  if (!user.disabled) {
    notify(s, vscode.l10n.t('{0} is already enabled on {1}.', user.email, hostOf(c)));
    return;
  }
  const ok = await mutate(s, t, vscode.l10n.t('Enabling {0}…', user.email), vscode.l10n.t('Could not enable {0}', user.email),
    (signal) => t.client.updateInstanceUser(user.email, { disabled: false }, { signal }));
  if (!ok) return;
  s.log.info(`Enabled ${user.email} on ${c.remote}`);
  notify(s, vscode.l10n.t('Enabled {0} on {1}.', user.email, hostOf(c)));
}

export async function renameInstanceUser(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Rename Instance User'));
  const { c, user } = t;
  const current = user.username ?? '';
  const validate = (v: string): string | undefined => validateUsername(v.trim())
    ?? (v.trim() === current ? vscode.l10n.t('Enter a username different from the current one.') : undefined);
  const typed = await ask(s.prompter, {
    title: vscode.l10n.t('Rename {0}', user.email),
    prompt: vscode.l10n.t('New username of {0} (in every workspace of {1})', user.email, hostOf(c)),
    placeholder: vscode.l10n.t('Letters, digits, "_" and "-"'),
    value: current || undefined,
    validateInput: validate,
  });
  const username = typed.trim();
  const action = vscode.l10n.t('Could not rename {0}', user.email);
  const invalid = validate(username);
  if (invalid) {
    s.errors.show(vscode.l10n.t('{0}: {1}', action, invalid));
    return;
  }
  // Usernames show in the workspace members too: they reload with the section.
  const ok = await mutate(s, t, vscode.l10n.t('Renaming {0} to {1}…', user.email, username), action,
    (signal) => t.client.renameUser(user.email, username, { signal }), { members: true });
  if (!ok) return;
  s.log.info(`Renamed ${user.email} from ${current || '(none)'} to ${username} on ${c.remote}`);
  if (user.email === c.email) {
    const fresh = s.store.get(c.id);
    if (fresh) await s.store.update({ ...fresh, username });
  }
  notify(s, vscode.l10n.t('Renamed {0} to {1}.', user.email, username));
}

/** Set Password needs the Enterprise Edition: on CE it is hidden in the tree, and explained here. */
function explainSetPasswordOnCe(s: Services, c: ConnectionInfo): void {
  void s.prompter.message('info',
    vscode.l10n.t('Setting a user\'s password needs the Enterprise Edition of Windmill: {0} runs the {1}.', hostOf(c), editionText(c) ?? vscode.l10n.t('Community Edition')),
    { detail: vscode.l10n.t('On the Community Edition people sign in with SSO or OAuth; there are no passwords to set.') });
}

export async function setPassword(s: Services, node?: UsersNode): Promise<void> {
  // Known to be CE: say so before anything else (no request, no pick).
  let known = node ? (s.store.get(node.connection.id) ?? node.connection) : undefined;
  if (known?.edition === 'CE') return explainSetPasswordOnCe(s, known);
  if (!node) {
    const c = await resolveConnection(s, node, vscode.l10n.t('Set Password'));
    known = c.edition ? c : await tryReadEdition(s, c);
    if (known.edition === 'CE') return explainSetPasswordOnCe(s, known);
  }
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Set Password'), undefined, node ? undefined : known);
  const { c, user } = t;
  const title = vscode.l10n.t('Set the Password of {0}', user.email);
  const generated = await choose(s.prompter, [
    { label: vscode.l10n.t('Generate a Strong Password'), description: vscode.l10n.t('shown once, then forgotten'), value: true },
    { label: vscode.l10n.t('Type a Password…'), value: false },
  ], { title, placeholder: vscode.l10n.t('How to set the new password?') });
  let password: string;
  if (generated) {
    password = generatePassword();
  } else {
    password = await ask(s.prompter, {
      title, password: true, ignoreFocusOut: true,
      prompt: vscode.l10n.t('New password of {0}', user.email),
      placeholder: vscode.l10n.t('At least 8 characters'),
      validateInput: (v) => validatePassword(v),
    });
    const invalid = validatePassword(password);
    if (invalid) {
      s.errors.show(vscode.l10n.t('Could not set the password of {0}: {1}', user.email, invalid));
      return;
    }
  }
  s.log.addSecret(password);
  const button = vscode.l10n.t('Set Password');
  if (!await confirm(s, vscode.l10n.t('Set a new password for {0} on {1}?', user.email, hostOf(c)),
    vscode.l10n.t('Their current password stops working.'), button)) return;
  // Sent once, never retried. With no answer the password may be set now: a generated one is shown
  // anyway (the account may have it), never lost.
  const action = vscode.l10n.t('Could not set the password of {0}', user.email);
  const result = await writeChecked(s, {
    action,
    progress: vscode.l10n.t('Setting the password of {0}…', user.email),
    write: (signal) => t.client.setPassword(user.email, password, { signal }),
    report: (e) => reportFailure(s, c, action, e),
    look: passwordSetLook(),
  });
  s.tree.sections.reload(c.id, 'instanceUsers');
  if (result === 'failed') return;
  if (result === 'unchecked') {
    if (generated) {
      await showPasswordOnce(s, vscode.l10n.t('The password of {0} may have been set. The generated password it was sent with:', user.email), password,
        vscode.l10n.t('The server did not answer, so if the password was changed, the account has this one now. It is shown only this once and is not stored or logged anywhere.'));
    }
    return;
  }
  s.log.info(`Set the password of ${user.email} on ${c.remote}${generated ? ' (generated)' : ''}`);
  if (generated) {
    await showPasswordOnce(s, vscode.l10n.t('New password of {0}:', user.email), password);
  } else {
    notify(s, vscode.l10n.t('Set the password of {0}.', user.email));
  }
}

export async function deleteInstanceUser(s: Services, node?: UsersNode): Promise<void> {
  const t = await resolveInstanceUser(s, node, vscode.l10n.t('Delete Instance User'));
  const { c, user } = t;
  const self = user.email === c.email;
  const button = vscode.l10n.t('Delete from Instance');
  const detail = vscode.l10n.t('This removes the user {0} from the whole instance {1} and from every workspace they belong to, and their tokens stop working. It cannot be undone.', user.email, hostOf(c))
    + (self ? `\n\n${vscode.l10n.t('This is the account of this connection: you will lose access.')}` : '');
  if (!await confirm(s, vscode.l10n.t('Delete {0} from the whole instance {1}?', user.email, hostOf(c)), detail, button)) return;
  const ok = await mutate(s, t, vscode.l10n.t('Deleting {0}…', user.email), vscode.l10n.t('Could not delete the user {0}', user.email),
    (signal) => t.client.deleteUser(user.email, { signal }), { members: true });
  if (!ok) return;
  s.log.info(`Deleted user ${user.email} from ${c.remote}`);
  notify(s, vscode.l10n.t('Deleted the user {0} from {1} and all its workspaces.', user.email, hostOf(c)));
}

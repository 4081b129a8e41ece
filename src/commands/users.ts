// Add User (parity with `wmill user add`) and Remove User (parity with `wmill user remove`).
import * as vscode from 'vscode';
import { validateEmail, validatePassword } from '../validation';
import { generatePassword } from '../password';
import type { WindmillClient } from '../windmill/client';
import { roleFlags, type GlobalUserInfo, type Member, type Role } from '../windmill/types';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { explainEnterpriseRefusal, isEnterpriseRefusal, tryReadEdition } from '../connections/edition';
import type { UsersNode } from '../tree/nodes';
import { roleLabel } from '../tree/nodes';
import type { PickItem } from '../ui/prompter';
import { Cancelled, ask, choose, runSteps } from '../ui/steps';
import { confirm, notify, resolveConnection, withMutationProgress, type Services } from './services';
import { memberItems, roleItems } from './members';
import { memberAddedLook, memberRemovedLook, userCreatedLook, userDeletedLook, writeChecked } from './outcome';

/** Add User and Invite offer Developer first (the usual role). */
const ADD_ROLE_ORDER: readonly Role[] = ['developer', 'admin', 'operator'];

/** Refreshes the stored superadmin flag/email when whoami says otherwise. */
async function syncAccount(s: Services, c: ConnectionInfo, me: GlobalUserInfo): Promise<ConnectionInfo> {
  if (me.super_admin === c.superAdmin && me.email === c.email) return c;
  const updated = { ...c, superAdmin: me.super_admin, email: me.email };
  await s.store.update(updated);
  return updated;
}

function emailStep(s: Services, title: string, state: { email: string }): (ctx: { step: number; totalSteps: number; canGoBack: boolean }) => Promise<void> {
  return async (ctx) => {
    state.email = (await ask(s.prompter, {
      title, ...ctx, value: state.email || undefined,
      prompt: vscode.l10n.t('Email of the user'),
      placeholder: vscode.l10n.t('name@example.com'),
      validateInput: (v) => validateEmail(v.trim()),
    })).trim();
  };
}

/**
 * Shows a generated password once, with "Copy Password" (the only place it is ever shown).
 * `detail` defaults to "shown only this once… give it to the user through a safe channel".
 */
export async function showPasswordOnce(s: Services, message: string, password: string, detail?: string): Promise<void> {
  await s.prompter.showSecretOnce({
    message,
    secret: password,
    copyLabel: vscode.l10n.t('Copy Password'),
    detail: detail ?? vscode.l10n.t('It is shown only this once and is not stored or logged anywhere. Give it to the user through a safe channel.'),
  });
}

/** Re-checks an answer before any request: a bad value gets its message and nothing is sent. */
function rejectInvalid(s: Services, action: string, message: string | undefined): void {
  if (!message) return;
  s.errors.show(vscode.l10n.t('{0}: {1}', action, message));
  throw new Cancelled();
}

export async function addUser(s: Services, node?: UsersNode): Promise<void> {
  let c = await resolveConnection(s, node, vscode.l10n.t('Add Windmill User'));
  const client = await s.clients.forConnection(c);
  // Who is asking decides what is possible: checked BEFORE any input.
  const me = await client.whoami();
  c = await syncAccount(s, c, me);
  if (!me.super_admin) {
    const invite = vscode.l10n.t('Invite to Workspace…');
    const choice = await s.prompter.message('info',
      vscode.l10n.t('Creating an instance user needs an instance superadmin, and {0} is not one on {1}.', me.email, hostOf(c)),
      { modal: true, detail: vscode.l10n.t('You can invite someone to the workspace {0} instead: they join when they sign in with the invited email.', c.workspace) },
      invite);
    if (choice === invite) await inviteToWorkspace(s, c, client);
    return;
  }
  // The edition decides too (read fresh, kept in the connection's metadata): CE cannot create
  // password users, so it is said BEFORE any input, and no /users/create is ever sent to CE.
  c = await tryReadEdition(s, c);
  if (c.edition === 'CE') {
    const add = vscode.l10n.t('Add to Workspace by Email…');
    const invite = vscode.l10n.t('Invite to Workspace…');
    const choice = await s.prompter.message('info',
      vscode.l10n.t('Password accounts need the Enterprise Edition: {0} runs the Community Edition of Windmill{1}.', hostOf(c), c.version ? ` (${c.version})` : ''),
      { modal: true, detail: vscode.l10n.t('On the Community Edition people join by signing in with SSO or OAuth. You can add their email to the workspace {0} with a role (they get access when they first sign in), or invite them to it.', c.workspace) },
      add, invite);
    if (choice === add) await addExistingToWorkspace(s, c, client);
    else if (choice === invite) await inviteToWorkspace(s, c, client);
    return;
  }

  const title = vscode.l10n.t('Add User to {0}', hostOf(c));
  const state = { email: '', password: '', superAdmin: false, company: '', name: '' };
  await runSteps([
    emailStep(s, title, state),
    async (ctx) => {
      state.password = await ask(s.prompter, {
        title, ...ctx, password: true,
        prompt: vscode.l10n.t('Password (leave empty to generate a strong one, shown once)'),
        placeholder: vscode.l10n.t('Leave empty to generate a password'),
        validateInput: (v) => validatePassword(v),
      });
      s.log.addSecret(state.password);
    },
    async (ctx) => {
      state.superAdmin = await choose(s.prompter, [
        { label: vscode.l10n.t('Regular User'), description: vscode.l10n.t('not an instance superadmin'), value: false },
        { label: vscode.l10n.t('Instance Superadmin'), description: vscode.l10n.t('can manage every user and workspace of {0}', hostOf(c)), value: true },
      ], { title, ...ctx, placeholder: vscode.l10n.t('Make the user an instance superadmin?') });
    },
    async (ctx) => {
      state.company = (await ask(s.prompter, {
        title, ...ctx, value: state.company || undefined,
        prompt: vscode.l10n.t('Company (optional)'), placeholder: vscode.l10n.t('Leave empty to skip'),
      })).trim();
    },
    async (ctx) => {
      state.name = (await ask(s.prompter, {
        title, ...ctx, value: state.name || undefined,
        prompt: vscode.l10n.t('Full name (optional)'), placeholder: vscode.l10n.t('Leave empty to skip'),
      })).trim();
    },
  ]);
  const action = vscode.l10n.t('Could not create the user {0}', state.email);
  rejectInvalid(s, action, validateEmail(state.email) ?? validatePassword(state.password));

  const generated = state.password === '';
  const password = generated ? generatePassword() : state.password;
  s.log.addSecret(password);
  // Sent once; with no answer, the flow looks whether the user exists before offering "Try Again".
  const created = await writeChecked(s, {
    action,
    progress: vscode.l10n.t('Creating the user {0}…', state.email),
    write: (signal) => client.createUser({
      email: state.email, password, super_admin: state.superAdmin,
      ...(state.company ? { company: state.company } : {}),
      ...(state.name ? { name: state.name } : {}),
    }, { signal }),
    // The server refused an Enterprise feature: quote it, and re-read the edition.
    report: async (e) => {
      if (isEnterpriseRefusal(e)) s.errors.show(await explainEnterpriseRefusal(s, c, e, action));
      else s.errors.report(action, e);
    },
    look: userCreatedLook(c, client, state.email),
  });
  if (created === 'failed') return;
  s.tree.refresh(c.id);
  if (created === 'unchecked') {
    // The account may exist now, with this password: it is shown anyway, never lost.
    if (generated) {
      await showPasswordOnce(s, vscode.l10n.t('The user {0} may have been created. The generated password it was sent with:', state.email), password,
        vscode.l10n.t('The server did not answer, so if the account exists now, it has this password. It is shown only this once and is not stored or logged anywhere.'));
    }
    return;
  }
  s.log.info(`Created user ${state.email}${state.superAdmin ? ' (superadmin)' : ''} on ${c.remote}`);
  // The password is shown before anything else can fail.
  if (generated) {
    await showPasswordOnce(s, created === 'seen'
      ? vscode.l10n.t('User {0} was created (although the server did not answer). The generated password it was created with:', state.email)
      : vscode.l10n.t('User {0} was created. Their generated password:', state.email), password);
  }

  const role = await s.prompter.pick<Role | 'none'>([
    ...roleItems(ADD_ROLE_ORDER),
    { label: vscode.l10n.t('Don\'t Add to the Workspace'), description: vscode.l10n.t('the user exists on the instance only'), value: 'none' },
  ], { title: vscode.l10n.t('Add {0} to the Workspace {1}?', state.email, c.workspace), placeholder: vscode.l10n.t('Role in the workspace {0}', c.workspace) });
  if (!role || role === 'none') {
    notify(s, vscode.l10n.t('Created the user {0} on {1}.', state.email, hostOf(c)));
    return;
  }
  const added = await writeChecked(s, {
    action: vscode.l10n.t('The user {0} was created, but could not be added to the workspace {1}', state.email, c.workspace),
    progress: vscode.l10n.t('Adding {0} to {1}…', state.email, c.workspace),
    write: (signal) => client.addUserToWorkspace(c.workspace, { email: state.email, ...roleFlags(role) }, { signal }),
    look: memberAddedLook(c, client, state.email),
  });
  s.tree.refresh(c.id);
  if (added !== 'ok') return; // 'seen' was already said
  s.log.info(`Added ${state.email} to ${c.workspace} as ${role}`);
  notify(s, vscode.l10n.t('Created the user {0} and added them to {1} as {2}.', state.email, c.workspace, roleLabel(role)));
}

async function askEmailAndRole(s: Services, title: string): Promise<{ email: string; role: Role }> {
  const state = { email: '', role: 'developer' as Role };
  await runSteps([
    emailStep(s, title, state),
    async (ctx) => {
      state.role = await choose(s.prompter, roleItems(ADD_ROLE_ORDER), { title, ...ctx, placeholder: vscode.l10n.t('Role in the workspace') });
    },
  ]);
  return state;
}

export async function inviteToWorkspace(s: Services, c: ConnectionInfo, client: WindmillClient): Promise<void> {
  const { email, role } = await askEmailAndRole(s, vscode.l10n.t('Invite to the Workspace {0}', c.workspace));
  const action = vscode.l10n.t('Could not invite {0} to {1}', email, c.workspace);
  rejectInvalid(s, action, validateEmail(email));
  try {
    await withMutationProgress(vscode.l10n.t('Inviting {0}…', email),
      (signal) => client.inviteUser(c.workspace, { email, ...roleFlags(role) }, { signal }));
  } catch (e) {
    s.errors.report(action, e);
    return;
  }
  s.log.info(`Invited ${email} to ${c.workspace} as ${role}`);
  s.tree.refresh(c.id);
  notify(s, vscode.l10n.t('Invited {0} to {1} as {2}. They join when they sign in with this email.', email, c.workspace, roleLabel(role)));
}

async function addExistingToWorkspace(s: Services, c: ConnectionInfo, client: WindmillClient): Promise<void> {
  const { email, role } = await askEmailAndRole(s, vscode.l10n.t('Add to the Workspace {0}', c.workspace));
  const action = vscode.l10n.t('Could not add {0} to {1}', email, c.workspace);
  rejectInvalid(s, action, validateEmail(email));
  const added = await writeChecked(s, {
    action,
    progress: vscode.l10n.t('Adding {0} to {1}…', email, c.workspace),
    write: (signal) => client.addUserToWorkspace(c.workspace, { email, ...roleFlags(role) }, { signal }),
    look: memberAddedLook(c, client, email),
  });
  s.tree.refresh(c.id);
  if (added !== 'ok') return; // 'seen' was already said
  s.log.info(`Added ${email} to ${c.workspace} as ${role}`);
  notify(s, vscode.l10n.t('Added {0} to {1} as {2}.', email, c.workspace, roleLabel(role)));
}

type RemoveScope = 'workspace' | 'instance';

/** The member to remove: the tree node's, else picked from the connection's members. */
async function pickMember(s: Services, node?: UsersNode): Promise<{ c: ConnectionInfo; member: Member; client: WindmillClient }> {
  if (node?.kind === 'member') {
    const c = s.store.get(node.connection.id) ?? node.connection;
    return { c, member: node.member, client: await s.clients.forConnection(c) };
  }
  const c = await resolveConnection(s, node, vscode.l10n.t('Remove Windmill User'));
  const client = await s.clients.forConnection(c);
  const members = await client.listMembers(c.workspace);
  const member = await choose(s.prompter, memberItems(members), {
    title: vscode.l10n.t('Remove a User of {0}', c.workspace),
    placeholder: vscode.l10n.t('Search by email, username or name'),
    matchOnDescription: true, matchOnDetail: true,
  });
  return { c, member, client };
}

export async function removeUser(s: Services, node?: UsersNode): Promise<void> {
  const picked = await pickMember(s, node);
  const { member, client } = picked;
  let c = picked.c;

  const me = await client.whoami();
  c = await syncAccount(s, c, me);
  const items: PickItem<RemoveScope>[] = [{
    label: vscode.l10n.t('Remove from the Workspace {0}', c.workspace),
    detail: vscode.l10n.t('{0} loses access to {1}; their account on {2} stays.', member.email, c.workspace, hostOf(c)),
    value: 'workspace',
  }];
  if (me.super_admin) {
    items.push({
      label: vscode.l10n.t('Delete from the Whole Instance'),
      detail: vscode.l10n.t('Deletes the account {0} on {1} and its membership in every workspace.', member.email, hostOf(c)),
      value: 'instance',
    });
  }
  const scope = items.length === 1 ? 'workspace' : await choose(s.prompter, items, {
    title: vscode.l10n.t('Remove {0}', member.email),
    placeholder: vscode.l10n.t('Remove {0} from the workspace only, or delete the account?', member.email),
  });

  const self = member.email === me.email;
  const selfNote = self ? `\n\n${vscode.l10n.t('This is the account of this connection: you will lose access.')}` : '';
  const button = scope === 'workspace' ? vscode.l10n.t('Remove from Workspace') : vscode.l10n.t('Delete User');
  const question = scope === 'workspace'
    ? vscode.l10n.t('Remove {0} ({1}) from the workspace {2}?', member.email, member.username, c.workspace)
    : vscode.l10n.t('Delete {0} from the whole instance {1}?', member.email, hostOf(c));
  const detail = scope === 'workspace'
    ? vscode.l10n.t('They lose access to {0}. Their account on {1} and their other workspaces stay.', c.workspace, hostOf(c))
    : vscode.l10n.t('This deletes the account {0} and removes it from every workspace of {1}. It cannot be undone.', member.email, hostOf(c));
  if (!await confirm(s, question, detail + selfNote, button)) return;

  const action = scope === 'workspace'
    ? vscode.l10n.t('Could not remove {0} from {1}', member.email, c.workspace)
    : vscode.l10n.t('Could not delete the user {0}', member.email);
  const removed = await writeChecked(s, {
    action,
    progress: scope === 'workspace' ? vscode.l10n.t('Removing {0} from {1}…', member.email, c.workspace) : vscode.l10n.t('Deleting {0}…', member.email),
    write: (signal) => scope === 'workspace'
      ? client.removeMember(c.workspace, member.username, { signal })
      : client.deleteUser(member.email, { signal }),
    look: scope === 'workspace' ? memberRemovedLook(c, client, member) : userDeletedLook(c, client, member.email),
  });
  s.tree.refresh(c.id);
  if (removed !== 'ok') return; // 'seen' was already said
  s.log.info(scope === 'workspace' ? `Removed ${member.email} from ${c.workspace}` : `Deleted user ${member.email} from ${c.remote}`);
  notify(s, scope === 'workspace'
    ? vscode.l10n.t('Removed {0} from {1}.', member.email, c.workspace)
    : vscode.l10n.t('Deleted the user {0} from {1}.', member.email, hostOf(c)));
}

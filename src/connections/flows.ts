// Add Connection / Remove Connection. Adding asks URL, workspace and token, then checks the token
// (GET /users/whoami) and the workspace (GET /w/{ws}/users/whoami) BEFORE anything is saved; a
// failure explains what is wrong and saves nothing.
import * as vscode from 'vscode';
import { isLoopbackHost, normalizeInstanceUrl, validateInstanceUrl, validateToken, validateWorkspaceId } from '../validation';
import { WindmillHttpError, WindmillNetworkError, WindmillProtocolError, isWindmillError } from '../windmill/errors';
import type { WindmillClient } from '../windmill/client';
import type { GlobalUserInfo, Member, VersionInfo } from '../windmill/types';
import { Cancelled, ask, runSteps } from '../ui/steps';
import type { StepOptions } from '../ui/prompter';
import { resolveConnection, withMutationProgress, notify, type Services } from '../commands/services';
import type { UsersNode } from '../tree/nodes';
import { hostOf, newConnectionId, type ConnectionInfo } from './store';

/** A check failed: the message says what is wrong, for a person. */
export class ConnectionCheckError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'ConnectionCheckError';
  }
}

export interface CheckedAccount {
  me: GlobalUserInfo;
  member: Member;
  version?: VersionInfo;
}

/**
 * Checks a token against an instance and a workspace. Throws ConnectionCheckError with a clear
 * message (bad token, unknown workspace, not a member, unreachable, not a Windmill server).
 */
export async function checkAccount(client: WindmillClient, remote: string, workspace: string, signal?: AbortSignal): Promise<CheckedAccount> {
  const host = hostOf({ remote });
  let me: GlobalUserInfo;
  try {
    me = await client.whoami({ signal });
  } catch (e) {
    throw new ConnectionCheckError(explainWhoami(e, host), e);
  }
  let member: Member;
  try {
    member = await client.workspaceWhoami(workspace, { signal });
  } catch (e) {
    if (e instanceof WindmillHttpError && (e.kind === 'notFound' || e.kind === 'unauthorized' || e.kind === 'forbidden')) {
      let exists: boolean | undefined;
      try {
        exists = await client.workspaceExists(workspace, { signal });
      } catch {
        exists = undefined;
      }
      if (exists === false) {
        throw new ConnectionCheckError(vscode.l10n.t('The workspace "{0}" does not exist on {1}. Check the workspace id.', workspace, host), e);
      }
      throw new ConnectionCheckError(vscode.l10n.t('{0} is not a member of the workspace "{1}" on {2} (or the token may not be used there): {3}', me.email, workspace, host, e.describe()), e);
    }
    throw new ConnectionCheckError(explainOther(e), e);
  }
  let version: VersionInfo | undefined;
  try {
    version = await client.version({ signal });
  } catch {
    version = undefined; // optional: only tells the edition
  }
  return { me, member, version };
}

function explainWhoami(e: unknown, host: string): string {
  if (e instanceof WindmillHttpError) {
    if (e.kind === 'unauthorized' || e.kind === 'forbidden') {
      return vscode.l10n.t('{0} rejected the token (HTTP {1}). Check that it is a valid, unexpired Windmill token for this instance.', host, e.status);
    }
    if (e.kind === 'notFound') {
      return vscode.l10n.t('{0} has no Windmill API at this URL (HTTP 404 for {1}). Check the instance URL: it is not a Windmill server, or not its root.', host, e.path);
    }
  }
  if (e instanceof WindmillProtocolError) {
    return vscode.l10n.t('This is not a Windmill server: {0}', e.describe());
  }
  return explainOther(e);
}

function explainOther(e: unknown): string {
  // An untrusted certificate: the server is reachable; describe() names the CA setting.
  if (e instanceof WindmillNetworkError && e.kind === 'tls') return e.describe();
  if (e instanceof WindmillNetworkError && e.kind !== 'aborted') {
    return vscode.l10n.t('The server is unreachable: {0} Check the URL and that the server is running.', e.describe());
  }
  if (isWindmillError(e)) return e.describe();
  return e instanceof Error ? e.message : String(e);
}

const TITLE = (): string => vscode.l10n.t('Add Windmill Connection');

/**
 * Asks the instance URL (validated; http:// to a non-loopback host needs a modal "Continue with
 * http://", else the URL is asked again). Returns it normalized. Shared by Add Connection and
 * Sign In with Browser. Throws Cancelled on Escape, GoBack on Back.
 */
export async function askInstanceUrl(s: Services, options: StepOptions & { value?: string }): Promise<string> {
  let value = options.value;
  for (;;) {
    const raw = await ask(s.prompter, {
      ...options, value: value || undefined,
      prompt: vscode.l10n.t('Windmill instance URL'),
      placeholder: vscode.l10n.t('https://windmill.example.com'),
      ignoreFocusOut: true,
      validateInput: (v) => validateInstanceUrl(v.trim()),
    });
    const invalid = validateInstanceUrl(raw.trim());
    if (invalid) {
      void s.prompter.message('error', invalid);
      throw new Cancelled();
    }
    const remote = normalizeInstanceUrl(raw.trim());
    const url = new URL(remote);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      const go = vscode.l10n.t('Continue with http://');
      const choice = await s.prompter.message('warning',
        vscode.l10n.t('{0} uses http://: the token would travel in clear text.', url.host),
        { modal: true, detail: vscode.l10n.t('Anyone on the network path could read it. Use https:// unless this is a network you fully trust.') },
        go);
      if (choice !== go) {
        value = raw.trim();
        continue; // ask the URL again
      }
    }
    return remote;
  }
}

/**
 * The one verification-and-save path for every token (typed, signed in with the browser, imported):
 * checks it (whoami + workspace whoami, see checkAccount) and only then saves the connection (token
 * in SecretStorage) and refreshes the tree. An existing connection to the same instance and
 * workspace is updated in place. Throws ConnectionCheckError (nothing saved) when a check fails.
 * `c.id`: the connection to update in place (Sign In Again), when it is still saved for that
 * instance and workspace. Saving clears the connection's "signed out" flag.
 */
export async function saveCheckedConnection(
  s: Services, c: { remote: string; workspace: string; token: string; id?: string }, signal?: AbortSignal,
): Promise<{ info: ConnectionInfo; updated: boolean }> {
  const remote = normalizeInstanceUrl(c.remote);
  s.log.addSecret(c.token);
  const client = s.clients.create(remote, c.token);
  const checked = await checkAccount(client, remote, c.workspace, signal);
  const byId = c.id !== undefined ? s.store.get(c.id) : undefined;
  const existing = byId && byId.remote === remote && byId.workspace === c.workspace ? byId : s.store.find(remote, c.workspace);
  const info: ConnectionInfo = {
    id: existing?.id ?? newConnectionId(),
    label: existing?.label ?? c.workspace,
    remote,
    workspace: c.workspace,
    email: checked.me.email,
    username: checked.member.username,
    superAdmin: checked.me.super_admin,
  };
  if (checked.version) {
    info.edition = checked.version.edition;
    info.version = checked.version.version;
  }
  await s.store.save(info, c.token);
  s.tree.refresh(info.id);
  s.log.info(`Saved connection ${info.id}: ${info.remote} workspace ${info.workspace} as ${info.email}${info.superAdmin ? ' (superadmin)' : ''}`);
  return { info, updated: existing !== undefined };
}

/** Add Connection. `prefill.remote` fills the URL box (e.g. when a browser sign-in cannot work here). */
export async function addConnection(s: Services, prefill: { remote?: string } = {}): Promise<void> {
  const state = { remote: prefill.remote ?? '', workspace: '', token: '' };
  await runSteps([
    async (ctx) => {
      state.remote = await askInstanceUrl(s, { title: TITLE(), ...ctx, value: state.remote });
    },
    async (ctx) => {
      state.workspace = (await ask(s.prompter, {
        title: TITLE(), ...ctx, value: state.workspace || undefined,
        prompt: vscode.l10n.t('Workspace id'),
        placeholder: vscode.l10n.t('e.g. demo (the id in the workspace URL, not its display name)'),
        ignoreFocusOut: true,
        validateInput: (v) => validateWorkspaceId(v.trim()),
      })).trim();
    },
    async (ctx) => {
      state.token = (await ask(s.prompter, {
        title: TITLE(), ...ctx,
        prompt: vscode.l10n.t('Windmill token (kept in VS Code\'s SecretStorage only)'),
        placeholder: vscode.l10n.t('Paste a token created in Windmill: Account settings > Tokens'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => validateToken(v.trim()),
      })).trim();
      s.log.addSecret(state.token);
    },
  ]);
  // A value typed past the validator (or from a script) is re-checked before any request.
  const invalid = validateInstanceUrl(state.remote) ?? validateWorkspaceId(state.workspace) ?? validateToken(state.token);
  if (invalid) {
    s.errors.show(vscode.l10n.t('Could not add the connection: {0}', invalid));
    return;
  }

  const host = hostOf({ remote: state.remote });
  let saved: { info: ConnectionInfo; updated: boolean };
  try {
    saved = await withMutationProgress(vscode.l10n.t('Checking the connection to {0}…', host),
      (signal) => saveCheckedConnection(s, state, signal));
  } catch (e) {
    if (e instanceof ConnectionCheckError) {
      s.log.error(`Add connection to ${state.remote} workspace ${state.workspace} failed`, e.cause ?? e);
      s.errors.show(vscode.l10n.t('Could not add the connection: {0} Nothing was saved.', e.message));
      return;
    }
    throw e;
  }
  const { info } = saved;
  notify(s, saved.updated
    ? vscode.l10n.t('Updated the connection to {0} on {1} (signed in as {2}).', info.workspace, host, info.email)
    : vscode.l10n.t('Connected to {0} on {1} as {2}.', info.workspace, host, info.email));
}

export async function removeConnection(s: Services, node?: UsersNode): Promise<void> {
  const c = await resolveConnection(s, node, vscode.l10n.t('Remove Windmill Connection'));
  const remove = vscode.l10n.t('Remove');
  const choice = await s.prompter.message('warning',
    vscode.l10n.t('Remove the connection to {0} on {1} ({2})?', c.workspace, hostOf(c), c.email),
    { modal: true, detail: vscode.l10n.t('Its token is deleted from VS Code\'s SecretStorage. Nothing changes on the Windmill server: the token itself stays valid there until it expires or is deleted.') },
    remove);
  if (choice !== remove) return;
  await s.store.remove(c.id);
  s.tree.refresh(c.id);
  s.log.info(`Removed connection ${c.id} (${c.remote} workspace ${c.workspace})`);
  notify(s, vscode.l10n.t('Removed the connection to {0} on {1}.', c.workspace, hostOf(c)));
}

// Connection health commands: Sign In Again (replace a rejected token in place), Rename Connection,
// and Select Default Connection (the connection palette commands offer first). How a connection
// becomes "signed out": src/connections/health.ts.
import * as vscode from 'vscode';
import { ConnectionCheckError, saveCheckedConnection } from '../connections/flows';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { isSignInError } from '../signin/callbackServer';
import type { UsersNode } from '../tree/nodes';
import { hasInvisible, validateToken } from '../validation';
import { ask, choose, Cancelled } from '../ui/steps';
import { notify, resolveConnection, withMutationProgress, type Services } from './services';
import { pickConnection } from './connectionPick';
import { reachablePort, signInTimeoutSeconds, waitForBrowser } from './signIn';

/** The longest connection name accepted (it is a tree label). */
const MAX_LABEL_LENGTH = 60;

/** undefined when `value` is an acceptable connection name, else why not. */
function validateConnectionLabel(value: string): string | undefined {
  const v = value.trim();
  if (v.length === 0) return vscode.l10n.t('Enter a name for the connection.');
  if ([...v].length > MAX_LABEL_LENGTH) return vscode.l10n.t('A connection name has at most {0} characters.', MAX_LABEL_LENGTH);
  if (hasInvisible(v)) return vscode.l10n.t('A connection name cannot contain control or invisible characters.');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sign In Again

type Method = 'paste' | 'browser';

/**
 * Whether a browser sign-in can send its token back here. A desktop VS Code (local or remote:
 * VS Code forwards the port) can; in a web host, the loopback URI must map to a plain loopback
 * port for the browser (as waitForBrowser checks again when it runs).
 */
async function browserSignInAvailable(s: Services): Promise<boolean> {
  if (vscode.env.uiKind === vscode.UIKind.Desktop) return true;
  try {
    return reachablePort(await s.browser.asExternalUri(vscode.Uri.parse('http://127.0.0.1:1/'))) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Replaces the token of a connection in place: asks a new token (or signs in with the browser),
 * checks it for the SAME instance and workspace through saveCheckedConnection, which keeps the
 * connection's id and name and clears its "signed out" flag. A token that fails the check changes
 * nothing (the connection stays as it was) and the reason is shown.
 */
export async function signInAgain(s: Services, node?: UsersNode): Promise<void> {
  const title = vscode.l10n.t('Sign In Again');
  const c = await resolveConnection(s, node, title, { prefer: (x) => x.signedOut === true });
  const host = hostOf(c);
  const stepTitle = vscode.l10n.t('Sign In Again to {0} ({1})', c.label, host);

  let method: Method = 'paste';
  if (await browserSignInAvailable(s)) {
    method = await choose<Method>(s.prompter, [
      { label: vscode.l10n.t('Paste a New Token'), detail: vscode.l10n.t('Create one in Windmill: Account settings > Tokens'), value: 'paste' },
      { label: vscode.l10n.t('Sign In with Browser'), detail: vscode.l10n.t('Authorize VS Code on the Windmill page of {0}', host), value: 'browser' },
    ], { title: stepTitle, placeholder: vscode.l10n.t('How do you want to sign in again as {0}?', c.email) });
  }

  const token = method === 'browser' ? await tokenFromBrowser(s, c) : undefined;
  const newToken = token ?? await askToken(s, c, stepTitle);

  if (!s.store.get(c.id)) {
    s.errors.show(vscode.l10n.t('The connection {0} was removed meanwhile. Nothing was saved.', c.label));
    return;
  }
  try {
    const { info } = await withMutationProgress(vscode.l10n.t('Checking the new token for {0}…', host),
      (signal) => saveCheckedConnection(s, { remote: c.remote, workspace: c.workspace, token: newToken, id: c.id }, signal));
    s.log.info(`Connection ${info.id}: signed in again as ${info.email}`);
    notify(s, info.email === c.email
      ? vscode.l10n.t('Signed in again to {0} on {1} as {2}.', info.label, host, info.email)
      : vscode.l10n.t('Signed in again to {0} on {1}, now as {2} (was {3}).', info.label, host, info.email, c.email));
  } catch (e) {
    if (!(e instanceof ConnectionCheckError)) throw e;
    s.log.error(`Sign in again to ${c.id} (${c.remote} workspace ${c.workspace}): the new token failed its check`, e.cause ?? e);
    const fresh = s.store.get(c.id);
    s.errors.show(fresh?.signedOut
      ? vscode.l10n.t('Could not sign in again to {0}: {1} The connection stays signed out.', c.label, e.message)
      : vscode.l10n.t('Could not sign in again to {0}: {1} Nothing was changed.', c.label, e.message));
  }
}

async function askToken(s: Services, c: ConnectionInfo, title: string): Promise<string> {
  const token = (await ask(s.prompter, {
    title,
    prompt: vscode.l10n.t('New Windmill token for {0} in workspace {1} (kept in VS Code\'s SecretStorage only)', c.email, c.workspace),
    placeholder: vscode.l10n.t('Paste a token created in Windmill: Account settings > Tokens'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => validateToken(v.trim()),
  })).trim();
  s.log.addSecret(token);
  const invalid = validateToken(token);
  if (invalid) {
    s.errors.show(vscode.l10n.t('Could not sign in again to {0}: {1}', c.label, invalid));
    throw new Cancelled();
  }
  return token;
}

/**
 * The token of a browser sign-in to the connection's instance; undefined when the browser cannot
 * reach this VS Code (then the person pastes a token instead). Throws Cancelled on cancel/timeout.
 */
async function tokenFromBrowser(s: Services, c: ConnectionInfo): Promise<string | undefined> {
  const seconds = signInTimeoutSeconds();
  try {
    const waited = await waitForBrowser(s, c.remote, seconds);
    if (waited.kind === 'callback') {
      s.log.addSecret(waited.callback.token);
      return waited.callback.token;
    }
    s.log.warn(`Sign in again to ${c.remote}: 127.0.0.1:${waited.port} maps to ${waited.mapped} for the browser; asking for a token`);
    void s.prompter.message('warning', vscode.l10n.t('The browser cannot send the sign-in back to this VS Code: paste a token instead.'));
    return undefined;
  } catch (e) {
    if (!isSignInError(e)) throw e;
    if (e.kind === 'cancelled') {
      s.log.info(`Sign in again to ${c.remote} with the browser: cancelled`);
      throw new Cancelled();
    }
    if (e.kind === 'timeout') {
      s.errors.show(vscode.l10n.t('No sign-in arrived from the browser within {0} seconds. Nothing was changed.', seconds));
      throw new Cancelled();
    }
    s.log.error(`Sign in again to ${c.remote}: the browser sign-in cannot start`, e);
    void s.prompter.message('warning', vscode.l10n.t('The browser sign-in cannot start: {0} Paste a token instead.', e.message));
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Rename, Select Default

export async function renameConnection(s: Services, node?: UsersNode): Promise<void> {
  const c = await resolveConnection(s, node, vscode.l10n.t('Rename Connection'));
  const label = (await ask(s.prompter, {
    title: vscode.l10n.t('Rename Connection'),
    prompt: vscode.l10n.t('New name for the connection to {0} on {1} ({2})', c.workspace, hostOf(c), c.email),
    placeholder: vscode.l10n.t('e.g. Production'),
    value: c.label,
    validateInput: validateConnectionLabel,
  })).trim();
  const invalid = validateConnectionLabel(label);
  if (invalid) {
    s.errors.show(vscode.l10n.t('Could not rename the connection: {0}', invalid));
    return;
  }
  const fresh = s.store.get(c.id);
  if (!fresh) {
    s.errors.show(vscode.l10n.t('The connection {0} was removed meanwhile.', c.label));
    return;
  }
  if (fresh.label === label) return;
  await s.store.update({ ...fresh, label }); // the store's change event redraws the tree
  s.log.info(`Connection ${c.id} renamed`);
}

/** Sets the connection palette commands offer first (from a tree item: that one, no question). */
export async function selectConnection(s: Services, node?: UsersNode): Promise<void> {
  const all = s.store.list();
  const fromNode = node ? s.store.get(node.connection.id) : undefined;
  let c: ConnectionInfo;
  if (fromNode) {
    c = fromNode;
    await s.store.setLastChosen(c.id);
  } else if (all.length <= 1) {
    c = await resolveConnection(s, undefined, vscode.l10n.t('Select Default Connection'));
    await s.store.setLastChosen(c.id);
  } else {
    c = await pickConnection(s, vscode.l10n.t('Select Default Connection'), {
      placeholder: vscode.l10n.t('The connection palette commands offer first'),
    });
  }
  notify(s, vscode.l10n.t('Palette commands now offer {0} ({1}, {2}) first.', c.label, hostOf(c), c.workspace));
}

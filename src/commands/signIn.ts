// Sign In with Browser: the wmill CLI's browser login, done safely. Asks the instance URL, listens
// on 127.0.0.1 only (src/signin/callbackServer.ts), opens `{remote}user/cli?port=P` in the browser,
// waits (cancellable notification, `windmillUsers.signIn.timeoutSeconds`) for exactly one callback,
// then verifies and saves the token through the one connection path (saveCheckedConnection).
// Where the browser cannot reach a loopback port of the extension host (remote and web hosts, as
// vscode.env.asExternalUri tells), it says so and falls back to pasting a token (Add Connection).
import * as vscode from 'vscode';
import { buildSignInUrl, isSignInError, startCallbackServer, type SignInCallback } from '../signin/callbackServer';
import { addConnection, askInstanceUrl, ConnectionCheckError, saveCheckedConnection } from '../connections/flows';
import { hostOf } from '../connections/store';
import { isLoopbackHost, validateWorkspaceId } from '../validation';
import { CONFIG_SECTION, Settings } from '../ui/constants';
import { ask } from '../ui/steps';
import { notify, withCancellableProgress, withMutationProgress, type Services } from './services';

const TITLE = (): string => vscode.l10n.t('Sign In to Windmill with the Browser');
const DEFAULT_TIMEOUT_SECONDS = 300;

/** The setting, bounded to 1 s .. 1 h; anything unusable means the default. */
export function signInTimeoutSeconds(): number {
  const v = vscode.workspace.getConfiguration(CONFIG_SECTION).get<unknown>(Settings.signInTimeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(Math.max(1, Math.round(v)), 3600) : DEFAULT_TIMEOUT_SECONDS;
}

/**
 * The port to put in the sign-in URL, when the browser can reach the callback at all: the mapped URI
 * must be plain http to a loopback host, at the root (a port forward may change the port, as in
 * VS Code Remote). A proxy path, another host or https means the browser's `localhost:P` is not us.
 */
export function reachablePort(mapped: vscode.Uri): number | undefined {
  let url: URL;
  try {
    url = new URL(mapped.toString(true));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return undefined;
  if (url.pathname !== '/' && url.pathname !== '') return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  const port = Number(url.port || '80');
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export type Waited =
  | { kind: 'callback'; callback: SignInCallback }
  | { kind: 'unreachable'; mapped: string; port: number };

export async function signInWithBrowser(s: Services): Promise<void> {
  const remote = await askInstanceUrl(s, { title: TITLE() });
  const host = hostOf({ remote });
  const seconds = signInTimeoutSeconds();

  let waited: Waited;
  try {
    waited = await waitForBrowser(s, remote, seconds);
  } catch (e) {
    if (!isSignInError(e)) throw e;
    switch (e.kind) {
      case 'cancelled':
        s.log.info(`Browser sign-in to ${remote} cancelled`);
        return;
      case 'timeout':
        s.log.warn(`Browser sign-in to ${remote}: no callback within ${seconds} s`);
        s.errors.show(vscode.l10n.t('No sign-in arrived from the browser within {0} seconds. Nothing was saved. Run "Sign In with Browser" again, or add the connection with a token.', seconds));
        return;
      default:
        s.log.error(`Browser sign-in to ${remote}: cannot listen`, e);
        await offerPaste(s, remote, vscode.l10n.t('The browser sign-in cannot start: {0}', e.message));
        return;
    }
  }

  if (waited.kind === 'unreachable') {
    s.log.warn(`Browser sign-in to ${remote}: 127.0.0.1:${waited.port} maps to ${waited.mapped} for the browser; falling back to a pasted token`);
    await offerPaste(s, remote,
      vscode.l10n.t('The browser cannot send the sign-in back to this VS Code.'),
      vscode.l10n.t('This VS Code runs remotely or in a browser: its port {0} is reached at {1}, but Windmill\'s sign-in page can only send the token to http://localhost:<port> on the computer running the browser. Paste a token instead (Windmill: Account settings > Tokens).', waited.port, waited.mapped));
    return;
  }

  const { callback } = waited;
  s.log.addSecret(callback.token);
  let workspace = callback.workspace;
  if (workspace === undefined || validateWorkspaceId(workspace) !== undefined) {
    workspace = (await ask(s.prompter, {
      title: TITLE(),
      prompt: vscode.l10n.t('Workspace id (the sign-in did not say which workspace)'),
      placeholder: vscode.l10n.t('e.g. demo (the id in the workspace URL, not its display name)'),
      ignoreFocusOut: true,
      validateInput: (v) => validateWorkspaceId(v.trim()),
    })).trim();
    // A value typed past the validator (or from a script) is re-checked before any request.
    const invalid = validateWorkspaceId(workspace);
    if (invalid) {
      s.errors.show(vscode.l10n.t('The browser sign-in was not saved: {0}', invalid));
      return;
    }
  }
  const ws = workspace;

  try {
    const { info, updated } = await withMutationProgress(vscode.l10n.t('Checking the connection to {0}…', host),
      (signal) => saveCheckedConnection(s, { remote, workspace: ws, token: callback.token }, signal));
    notify(s, updated
      ? vscode.l10n.t('Signed in again to {0} on {1} as {2}.', info.workspace, host, info.email)
      : vscode.l10n.t('Signed in to {0} on {1} as {2}.', info.workspace, host, info.email));
  } catch (e) {
    if (e instanceof ConnectionCheckError) {
      s.log.error(`Browser sign-in to ${remote} workspace ${ws}: the token failed its check`, e.cause ?? e);
      s.errors.show(vscode.l10n.t('The browser sign-in returned a token that cannot be used: {0} Nothing was saved.', e.message));
      return;
    }
    throw e;
  }
}

/** Listens, opens the browser and waits for the one callback, in a cancellable notification. */
export function waitForBrowser(s: Services, remote: string, seconds: number): Promise<Waited> {
  const host = hostOf({ remote });
  return withCancellableProgress(vscode.l10n.t('Signing in to {0} with the browser', host), async (signal, progress): Promise<Waited> => {
    const server = await startCallbackServer({ timeoutMs: seconds * 1000, signal });
    try {
      const local = vscode.Uri.parse(`http://127.0.0.1:${server.port}/`);
      const mapped = await s.browser.asExternalUri(local);
      const port = reachablePort(mapped);
      if (port === undefined) return { kind: 'unreachable', mapped: mapped.toString(true), port: server.port };
      if (port !== server.port) s.log.info(`Browser sign-in: callback port ${server.port} is forwarded to ${port}`);
      const url = buildSignInUrl(`${remote}/`, port);
      progress.report({ message: vscode.l10n.t('Authorize VS Code on the Windmill page that opened in your browser (waiting up to {0} seconds)…', seconds) });
      s.log.info(`Browser sign-in: opening ${url}; listening on 127.0.0.1:${server.port} for ${seconds} s`);
      const opened = await s.browser.openExternal(vscode.Uri.parse(url));
      if (!opened) {
        s.log.info('Browser sign-in: the browser was not opened; still waiting (the link may have been copied)');
        progress.report({ message: vscode.l10n.t('The browser was not opened. Open {0} yourself; waiting up to {1} seconds…', url, seconds) });
      }
      const callback = await server.result;
      s.log.info('Browser sign-in: callback received');
      return { kind: 'callback', callback };
    } finally {
      await server.close();
    }
  });
}

/** Explains why the browser sign-in cannot work here and offers Add Connection with the URL filled in. */
async function offerPaste(s: Services, remote: string, text: string, detail?: string): Promise<void> {
  const paste = vscode.l10n.t('Paste a Token');
  const choice = await s.prompter.message('warning', text, { modal: true, detail }, paste);
  if (choice === paste) await addConnection(s, { remote });
}

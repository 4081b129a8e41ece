// Composition root: builds each service once, registers the view and the commands, and pushes
// every disposable to context.subscriptions. Nothing heavy runs here (no request, and undici is
// loaded only by the first request).
//
// Test API: when the extension runs in test mode (ExtensionMode.Test), activate() returns a
// `WindmillUsersTestApi`, used by test/integration:
//   setPrompter(p)  replaces the Prompter every flow uses (the tests pass a scripted one);
//   setBrowser(b)   replaces the Browser seam (openExternal / asExternalUri; undefined = the real one);
//   setSettings(s)  replaces the settings seam of the imports (undefined = vscode.workspace.getConfiguration());
//   tree            the Users tree's data provider (getChildren / getTreeItem / load / setFilter);
//   view            the Users TreeView (its description shows the filter);
//   connections     the connection store (list / get / getToken / save / remove);
//   globalState     the extension's globalState (tests prove no token is in it);
//   workspaceState  the extension's workspaceState (unused by the extension; the leak test scans it too);
//   logUri          the folder of the extension's log file (tests prove no secret is in it);
//   log             the extension's Log (the leak test logs secrets on purpose and checks they are masked);
//   globalStorageUri the extension's global storage folder (the tests find the user settings file from it);
//   cancelBulk()    cancels the bulk runs in progress, as their notification's Cancel button does.
// In every other mode activate() returns undefined.
import * as vscode from 'vscode';
import { Log } from './log';
import { ConnectionStore } from './connections/store';
import { ClientFactory } from './connections/clients';
import { ConnectionHealth } from './connections/health';
import { UsersTreeProvider } from './tree/provider';
import { TreeFilterController } from './tree/filter';
import type { UsersNode } from './tree/nodes';
import { ErrorReporter } from './ui/errors';
import { VsCodePrompter, type Prompter } from './ui/prompter';
import { VsCodeBrowser, VsCodeSettings, type Browser, type SettingsAccess } from './ui/browser';
import { ReportDocuments } from './ui/reportDocuments';
import { VIEW_ID } from './ui/constants';
import { registerCommands } from './commands';
import { addDevConnection } from './connections/devConnection';
import type { Services } from './commands/services';
import { cancelRunningBulk } from './commands/bulkRuns';

export interface WindmillUsersTestApi {
  setPrompter(prompter: Prompter): void;
  setBrowser(browser: Browser | undefined): void;
  setSettings(settings: SettingsAccess | undefined): void;
  readonly tree: UsersTreeProvider;
  /** The Users view (its description shows the filter). */
  readonly view: vscode.TreeView<UsersNode>;
  readonly connections: ConnectionStore;
  readonly globalState: vscode.Memento;
  readonly workspaceState: vscode.Memento;
  readonly logUri: vscode.Uri;
  readonly log: Log;
  readonly globalStorageUri: vscode.Uri;
  /** Cancels the bulk runs in progress; how many there were. */
  cancelBulk(): number;
  /** How long activate() itself took, in ms (read by `npm run bench`). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): WindmillUsersTestApi | undefined {
  const started = performance.now();
  const log = new Log();
  const store = new ConnectionStore(context.globalState, context.secrets, log);
  // A problem with the CA files of windmillUsers.tls.caCertificates is shown once, through the prompter.
  const clients = new ClientFactory(store, log, (text, ...buttons) => services.prompter.message('warning', text, {}, ...buttons));
  // A rejected token (HTTP 401, not "superadmin required") on any call marks its connection signed out.
  const health = new ConnectionHealth(store, log);
  const tree = new UsersTreeProvider(store, clients, log);
  const reports = new ReportDocuments();
  const services: Services = {
    store, clients, tree, log, reports,
    prompter: new VsCodePrompter(),
    browser: new VsCodeBrowser(),
    settings: new VsCodeSettings(),
    errors: new ErrorReporter(() => services.prompter, log),
  };
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(clients.onConnectionError((c, token, e) => health.onClientError(c, token, e)));
  context.subscriptions.push(log, store, clients, tree, reports, view, new TreeFilterController(tree, view), ...registerCommands(services));
  const activationMs = performance.now() - started;
  log.info(`Windmill Users activated in ${activationMs.toFixed(1)} ms (${vscode.ExtensionMode[context.extensionMode]} mode)`);
  void addDevConnection(services, context.extensionMode);

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    setPrompter: (prompter) => { services.prompter = prompter; },
    setBrowser: (browser) => { services.browser = browser ?? new VsCodeBrowser(); },
    setSettings: (settings) => { services.settings = settings ?? new VsCodeSettings(); },
    tree,
    view,
    connections: store,
    globalState: context.globalState,
    workspaceState: context.workspaceState,
    logUri: context.logUri,
    log,
    globalStorageUri: context.globalStorageUri,
    cancelBulk: cancelRunningBulk,
    activationMs,
  };
}

export function deactivate(): void {}

// Composition root: builds each service once, registers the view and the commands, and pushes
// every disposable to context.subscriptions. Nothing heavy runs here (no request, and undici is
// loaded only by the first request).
//
// Test API: when the extension runs in test mode (ExtensionMode.Test), activate() returns a
// `WindmillUsersTestApi`, used by test/integration:
//   setPrompter(p)  replaces the Prompter every flow uses (the tests pass a scripted one);
//   tree            the Users tree's data provider (getChildren / getTreeItem / load);
//   connections     the connection store (list / get / getToken / save / remove);
//   globalState     the extension's globalState (tests prove no token is in it).
// In every other mode activate() returns undefined.
import * as vscode from 'vscode';
import { Log } from './log';
import { ConnectionStore } from './connections/store';
import { ClientFactory } from './connections/clients';
import { UsersTreeProvider } from './tree/provider';
import { ErrorReporter } from './ui/errors';
import { VsCodePrompter, type Prompter } from './ui/prompter';
import { VIEW_ID } from './ui/constants';
import { registerCommands } from './commands';
import type { Services } from './commands/services';

export interface WindmillUsersTestApi {
  setPrompter(prompter: Prompter): void;
  readonly tree: UsersTreeProvider;
  readonly connections: ConnectionStore;
  readonly globalState: vscode.Memento;
}

export function activate(context: vscode.ExtensionContext): WindmillUsersTestApi | undefined {
  const log = new Log();
  const store = new ConnectionStore(context.globalState, context.secrets, log);
  const clients = new ClientFactory(store, log);
  const tree = new UsersTreeProvider(store, clients, log);
  const services: Services = {
    store, clients, tree, log,
    prompter: new VsCodePrompter(),
    errors: new ErrorReporter(() => services.prompter, log),
  };
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(log, store, tree, view, ...registerCommands(services));
  log.info(`Windmill Users activated (${vscode.ExtensionMode[context.extensionMode]} mode)`);

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    setPrompter: (prompter) => { services.prompter = prompter; },
    tree,
    connections: store,
    globalState: context.globalState,
  };
}

export function deactivate(): void {}

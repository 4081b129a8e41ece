// Keeps the Users view in step with the tree's filter and grouping: the view's description shows
// the filter ("filter: ali"), a context key shows Clear Filter in the view title, and the setting
// `windmillUsers.tree.grouping` applies as soon as it changes.
import * as vscode from 'vscode';
import { CONFIG_SECTION, ContextKeys, Settings } from '../ui/constants';
import { GROUPINGS, type Grouping } from './model';
import type { UsersNode } from './nodes';
import type { UsersTreeProvider } from './provider';

function configuredGrouping(): Grouping {
  const value = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(Settings.treeGrouping);
  return GROUPINGS.find((g) => g === value) ?? 'role';
}

export class TreeFilterController implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly tree: UsersTreeProvider, private readonly view: vscode.TreeView<UsersNode>) {
    tree.setGrouping(configuredGrouping());
    this.subscriptions.push(
      tree.onDidChangeFilter(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.${Settings.treeGrouping}`)) tree.setGrouping(configuredGrouping());
      }),
    );
    this.update();
  }

  private update(): void {
    const filter = this.tree.filter;
    this.view.description = filter ? vscode.l10n.t('filter: {0}', filter) : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, filter !== '');
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

// The Users tree's data provider (view `windmillUsers.users`). Roots are the saved connections;
// under each, role groups with counts, then members. Members are loaded per connection with
// progress shown in the view; a newer refresh aborts an older load (AbortSignal down to undici).
// A failed load becomes one error node (no popup).
import * as vscode from 'vscode';
import type { Member } from '../windmill/types';
import type { ConnectionInfo, ConnectionStore } from '../connections/store';
import type { ClientFactory } from '../connections/clients';
import type { Log } from '../log';
import { describeError } from '../ui/errors';
import { ContextKeys, VIEW_ID } from '../ui/constants';
import { ConnectionNode, ErrorNode, GROUP_ORDER, GroupNode, MemberNode, groupOf, toTreeItem, type UsersNode } from './nodes';

type LoadState =
  | { status: 'loading'; promise: Promise<void>; controller: AbortController }
  | { status: 'loaded'; members: Member[] }
  | { status: 'error'; message: string };

export class UsersTreeProvider implements vscode.TreeDataProvider<UsersNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UsersNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly cache = new Map<string, LoadState>();
  private readonly subscriptions: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly store: ConnectionStore,
    private readonly clients: ClientFactory,
    private readonly log: Log,
  ) {
    // The context key follows the store even while the view is hidden (welcome view, menus).
    this.subscriptions.push(store.onDidChange(() => { this.refresh(); void this.updateContextKeys(); }));
    void this.updateContextKeys();
  }

  getTreeItem(node: UsersNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: UsersNode): Promise<UsersNode[]> {
    if (!node) {
      const connections = this.store.list().sort((a, b) => a.label.localeCompare(b.label) || a.remote.localeCompare(b.remote));
      void this.updateContextKeys(connections.length);
      return connections.map((c) => new ConnectionNode(c));
    }
    switch (node.kind) {
      case 'connection': return this.connectionChildren(node.connection);
      case 'group': return node.members.map((m) => new MemberNode(node.connection, m));
      default: return [];
    }
  }

  getParent(node: UsersNode): UsersNode | undefined {
    switch (node.kind) {
      case 'connection': return undefined;
      case 'member': return new GroupNode(node.connection, groupOf(node.member), this.membersOf(node.connection.id) ?? []);
      default: return new ConnectionNode(node.connection);
    }
  }

  /** The members of a connection as last loaded, if loaded. */
  membersOf(connectionId: string): Member[] | undefined {
    const state = this.cache.get(connectionId);
    return state?.status === 'loaded' ? state.members : undefined;
  }

  /**
   * Forgets what was loaded (for one connection, or all) and redraws; the view then reloads what
   * it shows. An in-flight load of that connection is aborted.
   */
  refresh(connectionId?: string): void {
    const ids = connectionId ? [connectionId] : [...this.cache.keys()];
    for (const id of ids) {
      const state = this.cache.get(id);
      if (state?.status === 'loading') state.controller.abort();
      this.cache.delete(id);
    }
    this.emitter.fire();
  }

  /** Loads (or reuses) the members of a connection; resolves when done (never rejects). */
  async load(connection: ConnectionInfo): Promise<LoadState> {
    for (;;) {
      let state = this.cache.get(connection.id);
      if (!state) {
        const controller = new AbortController();
        state = { status: 'loading', promise: this.fetch(connection, controller), controller };
        this.cache.set(connection.id, state);
      }
      if (state.status !== 'loading') return state;
      await state.promise;
      // Loaded, failed, or refreshed meanwhile (then the loop follows the newer load).
      if (this.cache.get(connection.id) === state) return { status: 'error', message: vscode.l10n.t('Not loaded.') };
    }
  }

  private async connectionChildren(connection: ConnectionInfo): Promise<UsersNode[]> {
    const state = await this.load(connection);
    if (state.status === 'error') return [new ErrorNode(connection, state.message)];
    if (state.status !== 'loaded') return [];
    const byGroup = new Map<string, Member[]>();
    for (const m of state.members) {
      const g = groupOf(m);
      byGroup.set(g, [...(byGroup.get(g) ?? []), m]);
    }
    return GROUP_ORDER
      .filter((g) => (byGroup.get(g)?.length ?? 0) > 0)
      .map((g) => new GroupNode(connection, g, (byGroup.get(g) ?? []).sort((a, b) => a.email.localeCompare(b.email))));
  }

  private fetch(connection: ConnectionInfo, controller: AbortController): Promise<void> {
    const task = async (): Promise<void> => {
      let next: LoadState;
      try {
        const client = await this.clients.forConnection(connection);
        const members = await client.listMembers(connection.workspace, { signal: controller.signal });
        next = { status: 'loaded', members };
        this.log.info(`Loaded ${members.length} members of ${connection.workspace} (${connection.remote})`);
      } catch (e) {
        if (controller.signal.aborted) return; // superseded by a refresh: the new load decides
        const message = describeError(e);
        this.log.error(`Could not load the members of ${connection.workspace} (${connection.remote})`, e);
        next = { status: 'error', message: this.log.redact(message) };
      }
      const current = this.cache.get(connection.id);
      if (current?.status === 'loading' && current.controller === controller) this.cache.set(connection.id, next);
    };
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, task));
  }

  private async updateContextKeys(count = this.store.list().length): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, count > 0);
  }

  dispose(): void {
    for (const state of this.cache.values()) if (state.status === 'loading') state.controller.abort();
    this.cache.clear();
    for (const d of this.subscriptions) d.dispose();
  }
}

// The Users tree's data provider (view `windmillUsers.users`). Roots are the saved connections;
// under each, role groups with counts, then members. Members are loaded per connection with
// progress shown in the view; a newer refresh aborts an older load (AbortSignal down to undici).
// A failed load becomes one error node (no popup).
import * as vscode from 'vscode';
import { deriveRole, type Invite, type Member } from '../windmill/types';
import type { ConnectionInfo, ConnectionStore } from '../connections/store';
import type { ClientFactory } from '../connections/clients';
import type { Log } from '../log';
import { describeError } from '../ui/errors';
import { ContextKeys, VIEW_ID } from '../ui/constants';
import { ConnectionNode, ErrorNode, SignedOutNode, toTreeItem, type UsersNode } from './nodes';
import type { Access, Grouping } from './model';
import { MembersView, loadMembersData, type MembersData } from './membersView';
import { SectionsModel, isSectionTreeNode } from './sections';

type LoadState =
  | { status: 'loading'; promise: Promise<void>; controller: AbortController }
  | { status: 'loaded'; data: MembersData; view?: MembersView }
  | { status: 'error'; message: string };

export class UsersTreeProvider implements vscode.TreeDataProvider<UsersNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UsersNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly cache = new Map<string, LoadState>();
  /** The caller's role per connection id: asked with the first load, kept across refreshes. */
  private readonly access = new Map<string, Access>();
  private filterText = '';
  private groupingMode: Grouping = 'role';
  private readonly filterEmitter = new vscode.EventEmitter<void>();
  /** Fires when the filter or the grouping changes (the view's description follows it). */
  readonly onDidChangeFilter = this.filterEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [this.emitter, this.filterEmitter];

  constructor(
    private readonly store: ConnectionStore,
    private readonly clients: ClientFactory,
    private readonly log: Log,
  ) {
    // The context key follows the store even while the view is hidden (welcome view, menus).
    this.subscriptions.push(store.onDidChange(() => { this.forgetRemovedConnections(); this.refresh(); void this.updateContextKeys(); }));
    void this.updateContextKeys();
    // The "Instance Users" and "Tokens" sections under each connection (src/tree/sections.ts).
    this.sections = new SectionsModel(store, clients, log);
    this.subscriptions.push(this.sections, this.sections.onDidChange(() => this.emitter.fire()));
  }

  /** The per-connection sections "Instance Users" and "Tokens" (their own load states). */
  readonly sections: SectionsModel;

  getTreeItem(node: UsersNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: UsersNode): Promise<UsersNode[]> {
    if (!node) {
      const connections = this.store.list().sort((a, b) => a.label.localeCompare(b.label) || a.remote.localeCompare(b.remote));
      void this.updateContextKeys(connections.length);
      return connections.map((c) => new ConnectionNode(c, this.access.get(c.id)));
    }
    if (isSectionTreeNode(node)) return this.sections.getChildren(node);
    switch (node.kind) {
      case 'connection': {
        // Signed out (the server rejected its token): one node saying so, no request (src/connections/health.ts).
        const signedOut = (): boolean => this.store.get(node.connection.id)?.signedOut === true;
        if (signedOut()) return [new SignedOutNode(node.connection)];
        const children = await this.connectionChildren(node.connection);
        return signedOut() ? [new SignedOutNode(node.connection)] : [...children, ...this.sections.roots(node.connection)];
      }
      case 'group': return this.viewOf(node.connection.id)?.membersOf(node) ?? [];
      case 'invites': return this.viewOf(node.connection.id)?.invitesOf(node) ?? [];
      default: return [];
    }
  }

  getParent(node: UsersNode): UsersNode | undefined {
    if (isSectionTreeNode(node)) return this.sections.getParent(node) ?? new ConnectionNode(node.connection, this.access.get(node.connection.id));
    switch (node.kind) {
      case 'connection': return undefined;
      case 'member':
      case 'invite': return this.viewOf(node.connection.id)?.parentOf(node) ?? new ConnectionNode(node.connection, this.access.get(node.connection.id));
      default: return new ConnectionNode(node.connection, this.access.get(node.connection.id));
    }
  }

  /** The text filter on email / username / name ('' = none). */
  get filter(): string {
    return this.filterText;
  }

  get grouping(): Grouping {
    return this.groupingMode;
  }

  /** Filters what is loaded (no request); the views are rebuilt from the cached members. */
  setFilter(text: string): void {
    const next = text.trim();
    if (next === this.filterText) return;
    this.filterText = next;
    this.invalidateViews();
    this.filterEmitter.fire();
  }

  setGrouping(grouping: Grouping): void {
    if (grouping === this.groupingMode) return;
    this.groupingMode = grouping;
    this.invalidateViews();
    this.filterEmitter.fire();
  }

  /** The pending invites of a connection as last loaded (undefined: not loaded, or not listed). */
  invitesOf(connectionId: string): Invite[] | undefined {
    const state = this.cache.get(connectionId);
    return state?.status === 'loaded' ? state.data.invites : undefined;
  }

  /**
   * Applies a change the server accepted to the cached member (no request): the member moves to
   * its new group. Returns false when the connection is not loaded or the member is not in it
   * (then the caller refreshes).
   */
  patchMember(connectionId: string, username: string, patch: { is_admin?: boolean; operator?: boolean; disabled?: boolean }): boolean {
    const state = this.cache.get(connectionId);
    if (state?.status !== 'loaded') return false;
    const members = state.data.members;
    const i = members.findIndex((m) => m.username === username);
    if (i < 0) return false;
    const old = members[i];
    const is_admin = patch.is_admin ?? old.is_admin;
    const operator = patch.operator ?? old.operator;
    const updated: Member = { ...old, is_admin, operator, disabled: patch.disabled ?? old.disabled, role: deriveRole(is_admin, operator) };
    members[i] = updated;
    const connection = this.store.get(connectionId);
    if (connection && updated.email === connection.email && !connection.superAdmin) {
      // The caller changed their own role: what they may do changes with it.
      const access: Access = updated.is_admin && !updated.disabled ? 'admin' : 'member';
      state.data.access = access;
      this.access.set(connectionId, access);
    }
    state.view = undefined;
    this.emitter.fire();
    return true;
  }

  /** Replaces the cached pending invites of a connection (after a re-list); no request. */
  setInvites(connectionId: string, invites: Invite[]): void {
    const state = this.cache.get(connectionId);
    if (state?.status !== 'loaded') return;
    state.data.invites = invites;
    state.view = undefined;
    this.emitter.fire();
  }

  private viewOf(connectionId: string): MembersView | undefined {
    const state = this.cache.get(connectionId);
    if (state?.status !== 'loaded') return undefined;
    const connection = this.store.get(connectionId);
    if (!connection) return undefined;
    state.view ??= new MembersView(connection, state.data, this.filterText, this.groupingMode);
    return state.view;
  }

  private invalidateViews(): void {
    for (const state of this.cache.values()) if (state.status === 'loaded') state.view = undefined;
    this.emitter.fire();
  }

  private forgetRemovedConnections(): void {
    const ids = new Set(this.store.list().map((c) => c.id));
    for (const id of [...this.access.keys()]) if (!ids.has(id)) this.access.delete(id);
  }

  /** The members of a connection as last loaded, if loaded. */
  membersOf(connectionId: string): Member[] | undefined {
    const state = this.cache.get(connectionId);
    return state?.status === 'loaded' ? state.data.members : undefined;
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
    this.sections.forget(connectionId);
    this.emitter.fire();
  }

  /** Loads (or reuses) the members of a connection; resolves when done (never rejects). */
  async load(connection: ConnectionInfo): Promise<LoadState> {
    for (;;) {
      // Signed out meanwhile (its token was rejected): no new request until it is signed in again.
      if (this.store.get(connection.id)?.signedOut) return { status: 'error', message: vscode.l10n.t('Signed out: the token was rejected.') };
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
    return this.viewOf(connection.id)?.children ?? [];
  }

  private fetch(connection: ConnectionInfo, controller: AbortController): Promise<void> {
    const task = async (): Promise<void> => {
      let next: LoadState;
      try {
        const client = await this.clients.forConnection(connection);
        const known = this.access.get(connection.id);
        const data = await loadMembersData(client, connection, known, controller.signal, this.log);
        next = { status: 'loaded', data };
        if (data.access && data.access !== known && !controller.signal.aborted) {
          this.access.set(connection.id, data.access);
          // The connection node's contextValue carries the role: redraw it once the role is known.
          queueMicrotask(() => this.emitter.fire());
        }
        this.log.info(`Loaded ${data.members.length} members${data.invites ? ` and ${data.invites.length} pending invites` : ''} of ${connection.workspace} (${connection.remote})`);
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

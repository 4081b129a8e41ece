// The per-connection sections under each connection node: "Instance Users" (only when the
// connection's caller is an instance superadmin) and "Tokens" (the connection's own account).
// Each section loads lazily when expanded, with progress in the view, and keeps its own load state:
// a failed load is one SectionErrorNode with the server's message (Retry reloads that section only).
// The Users tree provider (provider.ts) owns one SectionsModel and delegates these nodes to it.
import * as vscode from 'vscode';
import { tokenPrefix, type GlobalUserInfo, type TokenInfo } from '../windmill/types';
import type { ConnectionInfo, ConnectionStore } from '../connections/store';
import type { ClientFactory } from '../connections/clients';
import { explainSuperadmin401, isUnauthorized, markNotSuperadmin } from '../connections/superadmin';
import type { EditionDeps } from '../connections/edition';
import type { Log } from '../log';
import { describeError } from '../ui/errors';
import { VIEW_ID } from '../ui/constants';
import { InstanceUserNode, InstanceUsersSectionNode, instanceSectionItem, instanceUserItem } from './instanceNodes';
import { TokenNode, TokensSectionNode, tokenItem, tokensSectionItem } from './tokenNodes';
import { SectionErrorNode, sectionErrorItem, type SectionKind } from './sectionNodes';

export type SectionTreeNode = InstanceUsersSectionNode | InstanceUserNode | TokensSectionNode | TokenNode | SectionErrorNode;

export function isSectionTreeNode(v: unknown): v is SectionTreeNode {
  return v instanceof InstanceUsersSectionNode || v instanceof InstanceUserNode || v instanceof TokensSectionNode
    || v instanceof TokenNode || v instanceof SectionErrorNode;
}

export function sectionTreeItem(node: SectionTreeNode): vscode.TreeItem {
  switch (node.kind) {
    case 'instanceUsersSection': return instanceSectionItem(node);
    case 'instanceUser': return instanceUserItem(node);
    case 'tokensSection': return tokensSectionItem(node);
    case 'token': return tokenItem(node);
    default: return sectionErrorItem(node);
  }
}

export interface OwnToken { token: TokenInfo; current: boolean }

type State<T> =
  | { status: 'loading'; promise: Promise<void>; controller: AbortController }
  | { status: 'loaded'; items: T[] }
  | { status: 'error'; message: string };

export class SectionsModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a section finished loading (its count changed) or was reloaded. */
  readonly onDidChange = this.emitter.event;
  private readonly users = new Map<string, State<GlobalUserInfo>>();
  private readonly tokens = new Map<string, State<OwnToken>>();

  private readonly deps: EditionDeps;

  constructor(private readonly store: ConnectionStore, private readonly clients: ClientFactory, private readonly log: Log) {
    this.deps = { store, clients, log };
  }

  /** The section nodes under a connection node. */
  roots(c: ConnectionInfo): SectionTreeNode[] {
    const count = <T>(s: State<T> | undefined) => (s?.status === 'loaded' ? s.items.length : undefined);
    return [
      ...(c.superAdmin ? [new InstanceUsersSectionNode(c, count(this.users.get(c.id)))] : []),
      new TokensSectionNode(c, count(this.tokens.get(c.id))),
    ];
  }

  async getChildren(node: SectionTreeNode): Promise<SectionTreeNode[]> {
    const c = node.connection;
    if (node.kind === 'instanceUsersSection') {
      const state = await this.loadInstanceUsers(c);
      if (state.status === 'error') return [new SectionErrorNode(c, 'instanceUsers', state.message)];
      return state.status === 'loaded' ? state.items.map((u) => new InstanceUserNode(c, u)) : [];
    }
    if (node.kind === 'tokensSection') {
      const state = await this.loadTokens(c);
      if (state.status === 'error') return [new SectionErrorNode(c, 'tokens', state.message)];
      return state.status === 'loaded' ? state.items.map((t) => new TokenNode(c, t.token, t.current)) : [];
    }
    return [];
  }

  getParent(node: SectionTreeNode): SectionTreeNode | undefined {
    switch (node.kind) {
      case 'instanceUser': return new InstanceUsersSectionNode(node.connection);
      case 'token': return new TokensSectionNode(node.connection);
      case 'sectionError': return node.section === 'instanceUsers' ? new InstanceUsersSectionNode(node.connection) : new TokensSectionNode(node.connection);
      default: return undefined; // a section's parent is the connection node (the provider's)
    }
  }

  /** Forgets what was loaded (one connection, or all); in-flight loads are aborted. Does not fire. */
  forget(connectionId?: string): void {
    for (const map of [this.users, this.tokens] as Map<string, State<unknown>>[]) {
      for (const id of connectionId ? [connectionId] : [...map.keys()]) {
        const s = map.get(id);
        if (s?.status === 'loading') s.controller.abort();
        map.delete(id);
      }
    }
  }

  /** Forgets one section of one connection and redraws: the view loads it again (once) if it shows it. */
  reload(connectionId: string, section: SectionKind): void {
    const map: Map<string, State<unknown>> = section === 'instanceUsers' ? this.users : this.tokens;
    const s = map.get(connectionId);
    if (s?.status === 'loading') s.controller.abort();
    map.delete(connectionId);
    this.emitter.fire();
  }

  loadInstanceUsers(c: ConnectionInfo): Promise<State<GlobalUserInfo>> {
    return this.load(this.users, c, async (signal) => {
      const client = await this.clients.forConnection(c);
      try {
        const users = await client.listAllInstanceUsers({ signal });
        this.log.info(`Loaded ${users.length} instance users of ${c.remote}`);
        return users.sort((a, b) => a.email.localeCompare(b.email));
      } catch (e) {
        if (!isUnauthorized(e) || signal.aborted) throw e;
        // 401: bad token, or not a superadmin? whoami decides (the stored flag is fixed after the
        // error state is set, so the error node shows before the section hides).
        const verdict = await explainSuperadmin401(this.deps, c, { signal, updateStore: false });
        throw new SectionLoadError(verdict.message, e, verdict.kind === 'notSuperadmin' ? verdict.email : undefined);
      }
    }, (e) => {
      if (e instanceof SectionLoadError && e.notSuperadminEmail !== undefined) void markNotSuperadmin(this.deps, c, e.notSuperadminEmail);
    }, 'instance users');
  }

  loadTokens(c: ConnectionInfo): Promise<State<OwnToken>> {
    return this.load(this.tokens, c, async (signal) => {
      const secret = await this.store.getToken(c.id);
      const client = await this.clients.forConnection(c);
      const list = await client.listAllTokens({ signal });
      const currentPrefix = secret ? tokenPrefix(secret) : undefined;
      this.log.info(`Loaded ${list.length} tokens of ${c.email} on ${c.remote}`);
      return list.map((t) => ({ token: t, current: currentPrefix !== undefined && t.token_prefix === currentPrefix }));
    }, undefined, 'tokens');
  }

  private async load<T>(
    map: Map<string, State<T>>, c: ConnectionInfo, fetch: (signal: AbortSignal) => Promise<T[]>,
    afterError: ((e: unknown) => void) | undefined, what: string,
  ): Promise<State<T>> {
    for (;;) {
      let state = map.get(c.id);
      // A signed-out connection (its token was rejected, src/connections/health.ts) sends nothing.
      if (!state && this.store.get(c.id)?.signedOut) return { status: 'error', message: vscode.l10n.t('Signed out: the token was rejected.') };
      if (!state) {
        const controller = new AbortController();
        const task = async (): Promise<void> => {
          let next: State<T>;
          let failure: unknown;
          try {
            next = { status: 'loaded', items: await fetch(controller.signal) };
          } catch (e) {
            if (controller.signal.aborted) return;
            failure = e;
            this.log.error(`Could not load the ${what} of ${c.label} (${c.remote})`, e);
            next = { status: 'error', message: this.log.redact(e instanceof SectionLoadError ? e.message : describeError(e)) };
          }
          const current = map.get(c.id);
          if (current?.status === 'loading' && current.controller === controller) {
            map.set(c.id, next);
            this.emitter.fire();
          }
          if (failure !== undefined) afterError?.(failure);
        };
        state = { status: 'loading', controller, promise: Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, task)) };
        map.set(c.id, state);
      }
      if (state.status !== 'loading') return state;
      await state.promise;
      if (map.get(c.id) === state) return { status: 'error', message: vscode.l10n.t('Not loaded.') };
    }
  }

  dispose(): void {
    this.forget();
    this.emitter.dispose();
  }
}

/** A load failure already explained for a person (e.g. the 401 disambiguation). */
class SectionLoadError extends Error {
  constructor(message: string, readonly cause: unknown, readonly notSuperadminEmail?: string) {
    super(message);
    this.name = 'SectionLoadError';
  }
}

// Saved connections. Non-secret metadata lives in globalState; the token lives ONLY in
// SecretStorage, one key per connection. `secrets.onDidChange` (fired by other windows too) and
// our own writes raise `onDidChange`, so every window's tree stays in step.
import * as vscode from 'vscode';
import type { Edition } from '../windmill/types';
import { StorageKeys } from '../ui/constants';
import type { Log } from '../log';

export interface ConnectionInfo {
  id: string;
  /** Shown as the tree root's label (the workspace id by default). */
  label: string;
  /** Normalized instance URL, e.g. "https://wm.example.com". */
  remote: string;
  workspace: string;
  /** The token owner's email, from GET /users/whoami. */
  email: string;
  username?: string;
  superAdmin: boolean;
  edition?: Edition;
  version?: string;
  /**
   * Set when the server rejected the token (HTTP 401 that is not "superadmin required"): the tree
   * shows the connection as signed out until Sign In Again stores a checked token (src/connections/health.ts).
   */
  signedOut?: boolean;
}

export class ConnectionStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a connection is added, removed or changed (here or in another window). */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    this.subscriptions.push(
      secrets.onDidChange((e) => {
        if (e.key.startsWith(StorageKeys.tokenPrefix)) this.emitter.fire();
      }),
    );
  }

  list(): ConnectionInfo[] {
    const raw = this.state.get<unknown>(StorageKeys.connections);
    return Array.isArray(raw) ? raw.filter(isConnectionInfo) : [];
  }

  get(id: string): ConnectionInfo | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** The connection with the same instance and workspace, if one is saved. */
  find(remote: string, workspace: string): ConnectionInfo | undefined {
    return this.list().find((c) => c.remote === remote && c.workspace === workspace);
  }

  /** Saves (or replaces, by id) a connection and its token. */
  async save(info: ConnectionInfo, token: string): Promise<void> {
    this.log.addSecret(token);
    const others = this.list().filter((c) => c.id !== info.id);
    await this.state.update(StorageKeys.connections, [...others, stripSecrets(info)]);
    await this.secrets.store(secretKey(info.id), token);
    this.emitter.fire();
  }

  /** Updates metadata only. */
  async update(info: ConnectionInfo): Promise<void> {
    const list = this.list();
    const i = list.findIndex((c) => c.id === info.id);
    if (i < 0) return;
    list[i] = stripSecrets(info);
    await this.state.update(StorageKeys.connections, list);
    this.emitter.fire();
  }

  async setToken(id: string, token: string): Promise<void> {
    this.log.addSecret(token);
    await this.secrets.store(secretKey(id), token);
    this.emitter.fire();
  }

  async getToken(id: string): Promise<string | undefined> {
    const token = await this.secrets.get(secretKey(id));
    this.log.addSecret(token);
    return token;
  }

  /** The connection last chosen in a palette pick (or set with Select Default Connection), if still saved. */
  lastChosen(): ConnectionInfo | undefined {
    const id = this.state.get<unknown>(StorageKeys.lastConnection);
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  async setLastChosen(id: string): Promise<void> {
    await this.state.update(StorageKeys.lastConnection, id);
  }

  async remove(id: string): Promise<void> {
    await this.state.update(StorageKeys.connections, this.list().filter((c) => c.id !== id));
    if (this.state.get<unknown>(StorageKeys.lastConnection) === id) await this.state.update(StorageKeys.lastConnection, undefined);
    await this.secrets.delete(secretKey(id));
    this.emitter.fire();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

function secretKey(id: string): string {
  return `${StorageKeys.tokenPrefix}${id}`;
}

export function newConnectionId(): string {
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Host (and port) of a connection, for descriptions and messages. */
export function hostOf(info: Pick<ConnectionInfo, 'remote'>): string {
  try {
    return new URL(info.remote).host;
  } catch {
    return info.remote;
  }
}

/** Keeps only the known, non-secret fields (nothing else can slip into globalState). */
function stripSecrets(info: ConnectionInfo): ConnectionInfo {
  const out: ConnectionInfo = {
    id: info.id, label: info.label, remote: info.remote, workspace: info.workspace,
    email: info.email, superAdmin: info.superAdmin,
  };
  if (info.username !== undefined) out.username = info.username;
  if (info.edition !== undefined) out.edition = info.edition;
  if (info.version !== undefined) out.version = info.version;
  if (info.signedOut === true) out.signedOut = true;
  return out;
}

function isConnectionInfo(v: unknown): v is ConnectionInfo {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.remote === 'string' && typeof o.workspace === 'string'
    && typeof o.label === 'string' && typeof o.email === 'string' && typeof o.superAdmin === 'boolean';
}

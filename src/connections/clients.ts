// Builds Windmill clients for saved connections (token read from SecretStorage on demand) and for
// not-yet-saved credentials. Constructing a client is cheap: undici loads on the first request.
// TLS: the extra CA certificate files of `windmillUsers.tls.caCertificates` (user/machine setting
// only) are read once, on the first request, into one undici Agent shared by every client; a change
// of the setting drops it (the next request builds a new one). Without the setting, requests go
// through undici's global dispatcher (the system's CAs).
import * as vscode from 'vscode';
import type { Dispatcher } from 'undici';
import { WindmillClient } from '../windmill/client';
import { CA_CERTIFICATES_SETTING } from '../windmill/errors';
import { createDispatcher, loadCaFiles } from '../windmill/dispatcher';
import type { Log } from '../log';
import { CONFIG_SECTION, Settings } from '../ui/constants';
import type { ConnectionInfo, ConnectionStore } from './store';
import { watchClientErrors } from './health';

/** Sees every failure of a saved connection's client (connection health, src/connections/health.ts). */
export type ConnectionErrorHook = (connection: ConnectionInfo, token: string, e: unknown) => Promise<void>;

/** Thrown when a saved connection has no token in SecretStorage (e.g. removed in another window). */
export class MissingTokenError extends Error {
  constructor(readonly connection: ConnectionInfo) {
    super(`No token is stored for connection ${connection.label}.`);
    this.name = 'MissingTokenError';
  }
}

export interface ClientExtras {
  /** An undici dispatcher of the caller's own (e.g. a bulk run's keep-alive Agent). */
  dispatcher?: Dispatcher;
}

/** Shows a warning with buttons; resolves with the button chosen (the Prompter's `message`). */
export type WarnFn = (text: string, ...buttons: string[]) => Thenable<string | undefined>;

interface TrustState {
  /** The setting's value it was built from. */
  key: string;
  /** The extra CA certificates (PEM), read once. */
  pems: Promise<string[]>;
  /** The shared Agent trusting them; undefined = no extra CA (undici's global dispatcher). */
  dispatcher?: Promise<Dispatcher | undefined>;
}

export class ClientFactory implements vscode.Disposable {
  private trust?: TrustState;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly errorHooks = new Set<ConnectionErrorHook>();

  /** `warn`: how a problem with the CA files is shown (once per value of the setting). */
  constructor(private readonly store: ConnectionStore, private readonly log: Log, private readonly warn?: WarnFn) {
    this.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CA_CERTIFICATES_SETTING)) this.resetTrust();
    }));
  }

  /** The CA files named in user (or remote machine) settings; a workspace value is never used. */
  private caPaths(): string[] {
    const i = vscode.workspace.getConfiguration(CONFIG_SECTION).inspect<unknown>(Settings.tlsCaCertificates);
    const value = i?.globalValue ?? i?.defaultValue;
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
  }

  private trustState(): TrustState {
    const paths = this.caPaths();
    const key = JSON.stringify(paths);
    if (this.trust?.key !== key) {
      this.resetTrust();
      this.trust = { key, pems: this.loadCas(paths) };
    }
    return this.trust;
  }

  private async loadCas(paths: string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    const { pems, problems } = await loadCaFiles(paths);
    this.log.info(`TLS: ${pems.length} extra CA certificate(s) from ${paths.length} file(s) of ${CA_CERTIFICATES_SETTING}`);
    if (problems.length > 0) {
      for (const p of problems) this.log.warn(`TLS: ${p}`);
      const open = vscode.l10n.t('Open Settings');
      const text = vscode.l10n.t('Some CA certificate files of the setting {0} cannot be used: {1}', CA_CERTIFICATES_SETTING, problems.join(' '));
      void this.warn?.(text, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', CA_CERTIFICATES_SETTING);
      }, (e: unknown) => this.log.error('Could not show the CA certificate warning', e));
    }
    return pems;
  }

  /** The extra CA certificates (PEM texts) of the setting, read once per value of the setting. */
  caCertificates(): Promise<string[]> {
    return this.trustState().pems;
  }

  /** The dispatcher every client shares: undefined without extra CAs (undici's global one). */
  private dispatcher(): Promise<Dispatcher | undefined> {
    const t = this.trustState();
    t.dispatcher ??= t.pems.then((pems) => (pems.length > 0 ? createDispatcher({ caCertificates: pems }) : undefined));
    return t.dispatcher;
  }

  /**
   * A dispatcher of the caller's own (a bulk run's pool of `connections` keep-alive connections)
   * that trusts the same extra CAs; the caller closes it.
   */
  async createPool(opts: { connections: number }): Promise<Dispatcher> {
    const caCertificates = await this.caCertificates();
    return createDispatcher({ connections: opts.connections, ...(caCertificates.length > 0 ? { caCertificates } : {}) });
  }

  /** Forgets the CA certificates read; the old Agent closes once its requests are done. */
  private resetTrust(): void {
    const old = this.trust;
    this.trust = undefined;
    void old?.dispatcher?.then((d) => d?.close()).catch(() => undefined);
  }

  dispose(): void {
    this.resetTrust();
    for (const d of this.subscriptions) d.dispose();
  }

  /**
   * A client for a saved connection. `opts.dispatcher`: send through this undici dispatcher (the
   * bulk runs pass their own keep-alive Agent; the caller closes it).
   */
  async forConnection(info: ConnectionInfo, opts: ClientExtras = {}): Promise<WindmillClient> {
    const token = await this.store.getToken(info.id);
    if (!token) throw new MissingTokenError(info);
    const client = this.create(info.remote, token, opts);
    // Every failure of this client goes through the hooks (e.g. a rejected token signs the connection out).
    return watchClientErrors(client, async (e) => {
      for (const hook of [...this.errorHooks]) await hook(info, token, e);
    });
  }

  /** Registers a hook that sees every failure of a saved connection's client (not of `create`'s). */
  onConnectionError(hook: ConnectionErrorHook): vscode.Disposable {
    this.errorHooks.add(hook);
    return new vscode.Disposable(() => this.errorHooks.delete(hook));
  }

  /** A client for an instance URL and token that are not saved (yet). */
  create(remote: string, token: string, opts: ClientExtras = {}): WindmillClient {
    this.log.addSecret(token);
    const seconds = vscode.workspace.getConfiguration(CONFIG_SECTION).get<number>(Settings.requestTimeoutSeconds, 30);
    return new WindmillClient({
      remote,
      token,
      timeoutMs: Math.max(1, seconds) * 1000,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : { getDispatcher: () => this.dispatcher() }),
      onRequest: (info) => {
        const status = info.status !== undefined ? ` ${info.status}` : '';
        const error = info.error !== undefined ? ` (${info.error})` : '';
        const line = `${info.method} ${info.path}${status} ${Math.round(info.ms)} ms${error}`;
        if (info.error !== undefined || (info.status !== undefined && info.status >= 400)) this.log.warn(line);
        else this.log.debug(line);
      },
    });
  }
}

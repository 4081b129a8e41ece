// Builds Windmill clients for saved connections (token read from SecretStorage on demand) and for
// not-yet-saved credentials. Constructing a client is cheap: undici loads on the first request.
import * as vscode from 'vscode';
import type { Dispatcher } from 'undici';
import { WindmillClient } from '../windmill/client';
import type { Log } from '../log';
import { CONFIG_SECTION } from '../ui/constants';
import type { ConnectionInfo, ConnectionStore } from './store';

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

export class ClientFactory {
  constructor(private readonly store: ConnectionStore, private readonly log: Log) {}

  /**
   * A client for a saved connection. `opts.dispatcher`: send through this undici dispatcher (the
   * bulk runs pass their own keep-alive Agent; the caller closes it).
   */
  async forConnection(info: ConnectionInfo, opts: ClientExtras = {}): Promise<WindmillClient> {
    const token = await this.store.getToken(info.id);
    if (!token) throw new MissingTokenError(info);
    return this.create(info.remote, token, opts);
  }

  /** A client for an instance URL and token that are not saved (yet). */
  create(remote: string, token: string, opts: ClientExtras = {}): WindmillClient {
    this.log.addSecret(token);
    const seconds = vscode.workspace.getConfiguration(CONFIG_SECTION).get<number>('requestTimeoutSeconds', 30);
    return new WindmillClient({
      remote,
      token,
      timeoutMs: Math.max(1, seconds) * 1000,
      clientName: 'vscode-windmill-users',
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      onRequest: (info) => {
        const status = info.status !== undefined ? ` ${info.status}` : '';
        const error = info.error !== undefined ? ` (${String(info.error)})` : '';
        const line = `${info.method} ${info.path}${status} ${Math.round(info.ms)} ms${error}`;
        if (info.error !== undefined || (info.status !== undefined && info.status >= 400)) this.log.warn(line);
        else this.log.debug(line);
      },
    });
  }
}

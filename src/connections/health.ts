// Connection health: a token the server rejects marks its connection "signed out".
//
// One place sees every failure of a saved connection's client: ClientFactory.forConnection wraps
// each client it builds (watchClientErrors) and hands every failure to ConnectionHealth. An HTTP 401
// "token rejected" sets the non-secret `signedOut` flag in the connection's metadata (globalState, so
// it survives a restart and the tree shows it without a request); the store's change event redraws
// the tree, which then shows one "signed out" node under that connection instead of its members.
// Other connections are untouched. Sign In Again (src/commands/connections.ts) stores a checked
// token through saveCheckedConnection, which saves fresh metadata without the flag.
//
// Not a rejected token: Windmill's 401 "This endpoint requires the caller to be a super admin"
// (WindmillHttpError.superadminRequired): the token works, the caller is just not a superadmin
// (src/connections/superadmin.ts asks whoami to tell the two apart; a 401 of that whoami lands here).
import { isWindmillError, type WindmillHttpError } from '../windmill/errors';
import type { Log } from '../log';
import type { ConnectionInfo, ConnectionStore } from './store';

/** True for a 401 that says the token itself was rejected (expired, revoked, wrong). */
export function isTokenRejected(e: unknown): e is WindmillHttpError {
  if (!isWindmillError(e)) return false;
  const h = e as Partial<WindmillHttpError>;
  return h.status === 401 && h.kind === 'unauthorized' && h.superadminRequired !== true;
}

/**
 * Wraps a client so that `onError` sees every failure of its methods (awaited before the caller
 * sees the error, so the connection is already marked when a command reports the failure). The
 * methods run on the real client: its own internal calls are not seen twice.
 */
export function watchClientErrors<T extends object>(client: T, onError: (e: unknown) => Promise<void>): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch(async (e: unknown) => {
          try {
            await onError(e);
          } catch {
            // a failing hook must not change the caller's error
          }
          throw e;
        });
      };
    },
  });
}

export class ConnectionHealth {
  /** Connections being marked right now (many requests may fail at once: they all wait for the one marking). */
  private readonly marking = new Map<string, Promise<void>>();

  constructor(private readonly store: ConnectionStore, private readonly log: Log) {}

  /**
   * Sees a failure of a request made with `token` for `connection`. Marks the connection signed out
   * when the server rejected that token and it is still the stored one (a request in flight with
   * the old token must not sign out a connection that was just signed in again). Never throws.
   */
  onClientError(connection: ConnectionInfo, token: string, e: unknown): Promise<void> {
    if (!isTokenRejected(e)) return Promise.resolve();
    const pending = this.marking.get(connection.id);
    if (pending) return pending;
    const marking = this.mark(connection, token, e).finally(() => this.marking.delete(connection.id));
    this.marking.set(connection.id, marking);
    return marking;
  }

  private async mark(connection: ConnectionInfo, token: string, e: WindmillHttpError): Promise<void> {
    try {
      if (this.store.get(connection.id)?.signedOut) return;
      if (await this.store.getToken(connection.id) !== token) return;
      const fresh = this.store.get(connection.id);
      if (!fresh || fresh.signedOut) return;
      await this.store.update({ ...fresh, signedOut: true });
      this.log.warn(`Connection ${fresh.id} (${fresh.remote} workspace ${fresh.workspace}) is signed out: ${e.method} ${e.path} answered HTTP 401 (token rejected)`);
    } catch (err) {
      this.log.error(`Could not mark the connection ${connection.id} as signed out`, err);
    }
  }
}


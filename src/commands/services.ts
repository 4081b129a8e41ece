// What every flow receives from the composition root (src/extension.ts). `prompter` is the one
// mutable member: the integration tests swap it for a scripted one.
import * as vscode from 'vscode';
import type { ConnectionStore, ConnectionInfo } from '../connections/store';
import type { ClientFactory } from '../connections/clients';
import type { UsersTreeProvider } from '../tree/provider';
import type { UsersNode } from '../tree/nodes';
import type { Log } from '../log';
import type { ErrorReporter } from '../ui/errors';
import type { Prompter } from '../ui/prompter';
import type { ReportDocuments } from '../ui/reportDocuments';
import type { Browser, SettingsAccess } from '../ui/browser';
import { Cancelled } from '../ui/steps';
import { pickConnection, type PickConnectionOptions } from './connectionPick';
import { Commands } from '../ui/constants';

export interface Services {
  readonly store: ConnectionStore;
  readonly clients: ClientFactory;
  readonly tree: UsersTreeProvider;
  readonly log: Log;
  readonly errors: ErrorReporter;
  /** Read-only report documents (bulk results). */
  readonly reports: ReportDocuments;
  prompter: Prompter;
  /** Opens URLs outside VS Code (browser sign-in); the integration tests swap it too. */
  browser: Browser;
  /** Settings of other extensions (imports); the integration tests swap it too. */
  settings: SettingsAccess;
}

/**
 * The connection a command works on: the node's, else the only one, else the person picks (the
 * one quick pick of ./connectionPick.ts: last choice first, remembered). With no connection at
 * all, says so (offering Add Connection) and throws Cancelled.
 */
export async function resolveConnection(s: Services, node: UsersNode | undefined, title: string, opts: PickConnectionOptions = {}): Promise<ConnectionInfo> {
  if (node) {
    const fresh = s.store.get(node.connection.id);
    if (fresh) return fresh;
  }
  const all = s.store.list();
  if (all.length === 0) {
    const add = vscode.l10n.t('Add Connection');
    void s.prompter.message('info', vscode.l10n.t('There is no Windmill connection yet. Add one first.'), {}, add).then((choice) => {
      if (choice === add) void vscode.commands.executeCommand(Commands.addConnection);
    });
    throw new Cancelled();
  }
  return pickConnection(s, title, opts);
}

/**
 * A cancellable notification; its Cancel button aborts `signal` (the CancellationToken as an
 * AbortSignal). Pass `controller` to abort the work from elsewhere too.
 */
export function withCancellableProgress<T>(
  title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>,
  controller = new AbortController(),
): Promise<T> {
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await work(controller.signal, progress);
      } finally {
        sub.dispose();
      }
    },
  ));
}

/**
 * Runs a mutation with a cancellable notification; cancelling aborts the request (AbortSignal).
 */
export function withMutationProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withCancellableProgress(title, (signal) => work(signal));
}

/** A modal warning with one explicit button (e.g. "Remove"); true when the person chose it. */
export async function confirm(s: Services, text: string, detail: string, button: string): Promise<boolean> {
  return (await s.prompter.message('warning', text, { modal: true, detail }, button)) === button;
}

/** A non-modal notification that needs no answer (not awaited). */
export function notify(s: Services, text: string): void {
  void s.prompter.message('info', text);
}

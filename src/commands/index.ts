// The one command table: id -> handler. Every handler takes an optional tree node: from a tree
// item it works on that node; from the palette it asks (quick pick). Failures end in one place
// (ErrorReporter): a message with "Show Log", nothing thrown at VS Code.
import * as vscode from 'vscode';
import { addConnection, removeConnection } from '../connections/flows';
import { ConnectionNode, ErrorNode, GroupNode, MemberNode, type UsersNode } from '../tree/nodes';
import { Commands, type CommandId } from '../ui/constants';
import type { Services } from './services';
import { addUser, removeUser } from './users';
import { createToken } from './tokens';

interface CommandSpec {
  run: (s: Services, node?: UsersNode) => Promise<void> | void;
  /** Prefix of the error message when the command fails: "<failure>: <reason>". */
  failure: () => string;
}

export const COMMAND_TABLE: Record<CommandId, CommandSpec> = {
  [Commands.addConnection]: { run: (s) => addConnection(s), failure: () => vscode.l10n.t('Could not add the connection') },
  [Commands.removeConnection]: { run: removeConnection, failure: () => vscode.l10n.t('Could not remove the connection') },
  [Commands.refresh]: { run: (s, node) => s.tree.refresh(node?.connection.id), failure: () => vscode.l10n.t('Could not refresh') },
  [Commands.retry]: { run: (s, node) => s.tree.refresh(node?.connection.id), failure: () => vscode.l10n.t('Could not load users') },
  [Commands.addUser]: { run: addUser, failure: () => vscode.l10n.t('Could not add a user') },
  [Commands.removeUser]: { run: removeUser, failure: () => vscode.l10n.t('Could not remove the user') },
  [Commands.createToken]: { run: createToken, failure: () => vscode.l10n.t('Could not create a token') },
  [Commands.showLog]: { run: (s) => s.log.show(), failure: () => vscode.l10n.t('Could not show the log') },
};

function asNode(arg: unknown): UsersNode | undefined {
  return arg instanceof ConnectionNode || arg instanceof GroupNode || arg instanceof MemberNode || arg instanceof ErrorNode ? arg : undefined;
}

export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMAND_TABLE).map(([id, spec]) => vscode.commands.registerCommand(id, async (arg?: unknown) => {
    try {
      await spec.run(s, asNode(arg));
    } catch (e) {
      s.errors.report(spec.failure(), e);
    }
  }));
}

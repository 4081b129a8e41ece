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
import { signInWithBrowser } from './signIn';
import { importCliProfiles, importExtensionSettings } from './imports';
import { selectedMembers } from './bulkRuns';

/** The bulk flows (and csv-parse / csv-stringify) load on first use, not at activation. */
const bulk = () => import('./bulk');

interface CommandSpec {
  /** `nodes`: the tree's selection when the command runs on several selected items. */
  run: (s: Services, node?: UsersNode, nodes?: readonly UsersNode[]) => Promise<void> | void;
  /** Prefix of the error message when the command fails: "<failure>: <reason>". */
  failure: () => string;
}

export const COMMAND_TABLE: Record<CommandId, CommandSpec> = {
  [Commands.addConnection]: { run: (s) => addConnection(s), failure: () => vscode.l10n.t('Could not add the connection') },
  [Commands.removeConnection]: { run: removeConnection, failure: () => vscode.l10n.t('Could not remove the connection') },
  [Commands.refresh]: { run: (s, node) => s.tree.refresh(node?.connection.id), failure: () => vscode.l10n.t('Could not refresh') },
  [Commands.retry]: { run: (s, node) => s.tree.refresh(node?.connection.id), failure: () => vscode.l10n.t('Could not load users') },
  [Commands.addUser]: { run: addUser, failure: () => vscode.l10n.t('Could not add a user') },
  [Commands.removeUser]: {
    run: async (s, node, nodes) => {
      const many = selectedMembers(node, nodes);
      return many ? (await bulk()).removeMembers(s, many) : removeUser(s, node);
    },
    failure: () => vscode.l10n.t('Could not remove the user'),
  },
  [Commands.createToken]: { run: createToken, failure: () => vscode.l10n.t('Could not create a token') },
  [Commands.showLog]: { run: (s) => s.log.show(), failure: () => vscode.l10n.t('Could not show the log') },
  [Commands.signInWithBrowser]: { run: signInWithBrowser, failure: () => vscode.l10n.t('Could not sign in with the browser') },
  [Commands.importCliProfiles]: { run: importCliProfiles, failure: () => vscode.l10n.t('Could not import the wmill CLI profiles') },
  [Commands.importExtensionSettings]: { run: importExtensionSettings, failure: () => vscode.l10n.t('Could not import from the Windmill extension settings') },
  [Commands.addUsersFromCsv]: { run: async (s, node) => (await bulk()).addUsersFromCsv(s, node), failure: () => vscode.l10n.t('Could not add users from the CSV') },
  [Commands.exportUsers]: { run: async (s, node) => (await bulk()).exportUsers(s, node), failure: () => vscode.l10n.t('Could not export the users') },
};

function asNode(arg: unknown): UsersNode | undefined {
  return arg instanceof ConnectionNode || arg instanceof GroupNode || arg instanceof MemberNode || arg instanceof ErrorNode ? arg : undefined;
}

/** A tree view's multi-selection (the second argument of a command run from a selected item). */
function asNodes(arg: unknown): UsersNode[] | undefined {
  return Array.isArray(arg) ? arg.map(asNode).filter((n): n is UsersNode => n !== undefined) : undefined;
}

export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMAND_TABLE).map(([id, spec]) => vscode.commands.registerCommand(id, async (arg?: unknown, selection?: unknown) => {
    try {
      await spec.run(s, asNode(arg), asNodes(selection));
    } catch (e) {
      s.errors.report(spec.failure(), e);
    }
  }));
}

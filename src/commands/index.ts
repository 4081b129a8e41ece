// The one command table: id -> handler. Every handler takes an optional tree node: from a tree
// item it works on that node; from the palette it asks (quick pick). Failures end in one place
// (ErrorReporter): a message with "Show Log", nothing thrown at VS Code.
import * as vscode from 'vscode';
import { addConnection, removeConnection } from '../connections/flows';
import { ConnectionNode, ErrorNode, GroupNode, InviteNode, InvitesNode, MemberNode, NoticeNode, SignedOutNode, type UsersNode } from '../tree/nodes';
import { Commands, type CommandId } from '../ui/constants';
import type { Services } from './services';
import { addUser, removeUser } from './users';
import { createToken } from './tokens';
import { signInWithBrowser } from './signIn';
import { importCliProfiles, importExtensionSettings } from './imports';
import { selectedMembers } from './bulkRuns';
import { changeRole, copyEmail, copyUsername, disableMember, enableMember, openInWindmill, setRole } from './members';
import { cancelInvite, inviteUser } from './invites';
import { clearFilter, filterUsers } from './filter';
import { deleteInstanceUser, disableInstanceUser, enableInstanceUser, renameInstanceUser, setPassword, toggleDevops, toggleSuperadmin } from './instanceUsers';
import { revokeToken } from './myTokens';
import { refreshTree, retry } from './sections';
import { isSectionTreeNode } from '../tree/sections';
import { renameConnection, selectConnection, signInAgain } from './connections';

/** The bulk flows (and csv-parse / csv-stringify) load on first use, not at activation. */
const bulk = () => import('./bulk');

interface CommandSpec {
  /** `nodes`: the tree's selection when the command runs on several selected items. */
  run: (s: Services, node?: UsersNode, nodes?: readonly UsersNode[]) => Promise<void> | void;
  /** Prefix of the error message when the command fails: "<failure>: <reason>". */
  failure: () => string;
}

const COMMAND_TABLE: Record<CommandId, CommandSpec> = {
  [Commands.addConnection]: { run: (s) => addConnection(s), failure: () => vscode.l10n.t('Could not add the connection') },
  [Commands.removeConnection]: { run: removeConnection, failure: () => vscode.l10n.t('Could not remove the connection') },
  [Commands.refresh]: { run: refreshTree, failure: () => vscode.l10n.t('Could not refresh') },
  [Commands.retry]: { run: retry, failure: () => vscode.l10n.t('Could not load users') },
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
  [Commands.changeRole]: { run: changeRole, failure: () => vscode.l10n.t('Could not change the role') },
  [Commands.makeAdmin]: { run: (s, node) => setRole(s, node, 'admin'), failure: () => vscode.l10n.t('Could not change the role') },
  [Commands.makeDeveloper]: { run: (s, node) => setRole(s, node, 'developer'), failure: () => vscode.l10n.t('Could not change the role') },
  [Commands.makeOperator]: { run: (s, node) => setRole(s, node, 'operator'), failure: () => vscode.l10n.t('Could not change the role') },
  [Commands.disableMember]: { run: disableMember, failure: () => vscode.l10n.t('Could not disable the member') },
  [Commands.enableMember]: { run: enableMember, failure: () => vscode.l10n.t('Could not enable the member') },
  [Commands.inviteUser]: { run: inviteUser, failure: () => vscode.l10n.t('Could not invite the user') },
  [Commands.cancelInvite]: { run: cancelInvite, failure: () => vscode.l10n.t('Could not revoke the invite') },
  [Commands.copyEmail]: { run: copyEmail, failure: () => vscode.l10n.t('Could not copy the email') },
  [Commands.copyUsername]: { run: copyUsername, failure: () => vscode.l10n.t('Could not copy the username') },
  [Commands.openInWindmill]: { run: openInWindmill, failure: () => vscode.l10n.t('Could not open Windmill') },
  [Commands.filterUsers]: { run: filterUsers, failure: () => vscode.l10n.t('Could not filter the users') },
  [Commands.clearFilter]: { run: clearFilter, failure: () => vscode.l10n.t('Could not clear the filter') },
  [Commands.toggleSuperadmin]: { run: toggleSuperadmin, failure: () => vscode.l10n.t('Could not change the superadmin status') },
  [Commands.toggleDevops]: { run: toggleDevops, failure: () => vscode.l10n.t('Could not change the devops role') },
  [Commands.disableInstanceUser]: { run: disableInstanceUser, failure: () => vscode.l10n.t('Could not disable the instance user') },
  [Commands.enableInstanceUser]: { run: enableInstanceUser, failure: () => vscode.l10n.t('Could not enable the instance user') },
  [Commands.renameInstanceUser]: { run: renameInstanceUser, failure: () => vscode.l10n.t('Could not rename the instance user') },
  [Commands.setPassword]: { run: setPassword, failure: () => vscode.l10n.t('Could not set the password') },
  [Commands.deleteInstanceUser]: { run: deleteInstanceUser, failure: () => vscode.l10n.t('Could not delete the instance user') },
  [Commands.revokeToken]: { run: revokeToken, failure: () => vscode.l10n.t('Could not revoke the token') },
  [Commands.signInAgain]: { run: signInAgain, failure: () => vscode.l10n.t('Could not sign in again') },
  [Commands.renameConnection]: { run: renameConnection, failure: () => vscode.l10n.t('Could not rename the connection') },
  [Commands.selectConnection]: { run: selectConnection, failure: () => vscode.l10n.t('Could not select the default connection') },
};

function asNode(arg: unknown): UsersNode | undefined {
  return arg instanceof ConnectionNode || arg instanceof GroupNode || arg instanceof MemberNode || arg instanceof ErrorNode
    || arg instanceof InvitesNode || arg instanceof InviteNode || arg instanceof NoticeNode || arg instanceof SignedOutNode || isSectionTreeNode(arg) ? arg : undefined;
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

// Revoke Token: deletes one of the connection account's own tokens (parity with
// `wmill token delete <prefix>`), from a tree item of the "Tokens" section or from the palette.
// Revoking the very token the connection uses warns first, and afterwards asks for a new one,
// through Sign In Again (src/commands/connections.ts: the one replace-the-token path).
import * as vscode from 'vscode';
import type { WindmillClient } from '../windmill/client';
import { tokenPrefix, type TokenInfo } from '../windmill/types';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { ConnectionNode, type UsersNode } from '../tree/nodes';
import { signInAgain } from './connections';
import { expiryText } from '../tree/tokenNodes';
import { Cancelled, choose } from '../ui/steps';
import { confirm, notify, resolveConnection, withMutationProgress, type Services } from './services';

/** The prefix of the token this connection uses (read from SecretStorage, never logged). */
async function currentPrefix(s: Services, c: ConnectionInfo): Promise<string | undefined> {
  const secret = await s.store.getToken(c.id);
  return secret ? tokenPrefix(secret) : undefined;
}

function tokenName(t: TokenInfo): string {
  return t.label ? `"${t.label}" (${t.token_prefix}…)` : `${t.token_prefix}…`;
}

async function resolveToken(s: Services, node: UsersNode | undefined): Promise<{ c: ConnectionInfo; token: TokenInfo; client: WindmillClient }> {
  if (node?.kind === 'token') {
    const c = s.store.get(node.connection.id) ?? node.connection;
    return { c, token: node.token, client: await s.clients.forConnection(c) };
  }
  const c = await resolveConnection(s, node, vscode.l10n.t('Revoke Windmill Token'));
  const client = await s.clients.forConnection(c);
  let tokens: TokenInfo[];
  try {
    tokens = await client.listAllTokens();
  } catch (e) {
    s.errors.report(vscode.l10n.t('Could not list the tokens of {0}', c.email), e);
    throw new Cancelled();
  }
  if (tokens.length === 0) {
    notify(s, vscode.l10n.t('{0} has no token to revoke on {1}.', c.email, hostOf(c)));
    throw new Cancelled();
  }
  const current = await currentPrefix(s, c);
  const token = await choose(s.prompter, tokens.map((t) => ({
    label: t.label || `${t.token_prefix}…`,
    description: [t.label ? `${t.token_prefix}…` : undefined, expiryText(t), t.token_prefix === current ? vscode.l10n.t('this connection') : undefined].filter(Boolean).join(' · '),
    detail: [t.workspace_id ? vscode.l10n.t('only {0}', t.workspace_id) : undefined, t.scopes?.length ? t.scopes.join(', ') : undefined].filter(Boolean).join(' · ') || undefined,
    value: t,
  })), {
    title: vscode.l10n.t('Revoke a Token of {0}', c.email),
    placeholder: vscode.l10n.t('Search by label or prefix'),
    matchOnDescription: true, matchOnDetail: true,
  });
  return { c, token, client };
}

export async function revokeToken(s: Services, node?: UsersNode): Promise<void> {
  const { c, token, client } = await resolveToken(s, node);
  const current = await currentPrefix(s, c) === token.token_prefix;
  const button = vscode.l10n.t('Revoke Token');
  const question = current
    ? vscode.l10n.t('Revoke {0}? This connection uses it.', tokenName(token))
    : vscode.l10n.t('Revoke the token {0} of {1} on {2}?', tokenName(token), c.email, hostOf(c));
  const detail = current
    ? vscode.l10n.t('The connection to {0} on {1} stops working as soon as the token is revoked. You will then be asked for a new token.', c.workspace, hostOf(c))
    : vscode.l10n.t('Anything that uses this token (scripts, CI, other tools) stops working. It cannot be undone.');
  if (!await confirm(s, question, detail, button)) return;

  try {
    await withMutationProgress(vscode.l10n.t('Revoking the token {0}…', tokenName(token)), (signal) => client.deleteToken(token.token_prefix, { signal }));
  } catch (e) {
    s.errors.report(vscode.l10n.t('Could not revoke the token {0}', tokenName(token)), e);
    s.tree.sections.reload(c.id, 'tokens');
    return;
  }
  s.log.info(`Revoked the token ${token.token_prefix}… of ${c.email} on ${c.remote}${current ? ' (the connection\'s own token)' : ''}`);
  if (!current) {
    s.tree.sections.reload(c.id, 'tokens');
    notify(s, vscode.l10n.t('Revoked the token {0}.', tokenName(token)));
    return;
  }
  await askForNewToken(s, c);
}

/**
 * After the connection's own token was revoked: asks for a new one through Sign In Again (the one
 * replace-the-token path: paste or browser, checked by saveCheckedConnection before it is stored).
 * Declined: says the connection no longer works (it shows as signed out at its next request).
 */
async function askForNewToken(s: Services, c: ConnectionInfo): Promise<void> {
  try {
    await signInAgain(s, new ConnectionNode(s.store.get(c.id) ?? c));
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    s.tree.refresh(c.id);
    void s.prompter.message('warning',
      vscode.l10n.t('Revoked the token. The connection to {0} on {1} no longer works until it gets a new token (Sign In Again).', c.workspace, hostOf(c)));
  }
}

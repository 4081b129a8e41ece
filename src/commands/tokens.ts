// Create Token: parity with `wmill token create` (label, expiration, workspace scope) and
// `wmill user create-token --email --password` (POST /auth/login). The token is shown once with
// "Copy Token"; it is stored only if the person chooses "Use as This Connection's Token".
import * as vscode from 'vscode';
import { parseExpirationDate, validateEmail, validateTokenLabel } from '../validation';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { ConnectionCheckError, checkAccount } from '../connections/flows';
import type { UsersNode } from '../tree/nodes';
import { isGoBack, type PickItem } from '../ui/prompter';
import { Cancelled, ask, choose, runSteps, type Step } from '../ui/steps';
import { notify, resolveConnection, withMutationProgress, type Services } from './services';
import { isOutcomeUnknown } from '../windmill/errors';
import { afterUnknownTokenCreate } from './outcome';

type Method = 'create' | 'login';
type Expiry = { kind: 'never' } | { kind: 'duration'; ms: number; label: string } | { kind: 'date' };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function expiryItems(): PickItem<Expiry>[] {
  const d = (n: number): PickItem<Expiry> => ({ label: vscode.l10n.t('{0} Days', n), value: { kind: 'duration', ms: n * DAY, label: vscode.l10n.t('{0} days', n) } });
  return [
    { label: vscode.l10n.t('Never'), description: vscode.l10n.t('valid until deleted'), value: { kind: 'never' } },
    { label: vscode.l10n.t('1 Hour'), value: { kind: 'duration', ms: HOUR, label: vscode.l10n.t('1 hour') } },
    { label: vscode.l10n.t('1 Day'), value: { kind: 'duration', ms: DAY, label: vscode.l10n.t('1 day') } },
    d(7), d(30), d(90),
    { label: vscode.l10n.t('On a Date…'), description: vscode.l10n.t('YYYY-MM-DD'), value: { kind: 'date' } },
  ];
}

export async function createToken(s: Services, node?: UsersNode): Promise<void> {
  const c = await resolveConnection(s, node, vscode.l10n.t('Create Windmill Token'));
  const title = vscode.l10n.t('Create Token on {0}', hostOf(c));
  const state = {
    method: 'create' as Method,
    label: '', expiration: undefined as string | undefined, expiryText: '', scoped: false,
    email: '', password: '',
  };

  const methodStep: Step = async (ctx) => {
    state.method = await choose(s.prompter, [
      { label: vscode.l10n.t('New Token for {0}', c.email), description: vscode.l10n.t('label, expiration, workspace scope'), detail: vscode.l10n.t('A token of this connection\'s account (like wmill token create).'), value: 'create' as Method },
      { label: vscode.l10n.t('Sign In with Email and Password'), description: vscode.l10n.t('any account'), detail: vscode.l10n.t('A token for the account whose email and password you enter (like wmill user create-token --email --password).'), value: 'login' as Method },
    ], { title, ...ctx, placeholder: vscode.l10n.t('Which kind of token?') });
  };
  const labelStep: Step = async (ctx) => {
    state.label = (await ask(s.prompter, {
      title, ...ctx, value: state.label || undefined,
      prompt: vscode.l10n.t('Token label (optional)'),
      placeholder: vscode.l10n.t('e.g. ci-deploy; leave empty for none'),
      validateInput: (v) => validateTokenLabel(v.trim()),
    })).trim();
  };
  const expiryStep: Step = async (ctx) => {
    for (;;) {
      const expiry = await choose(s.prompter, expiryItems(), { title, ...ctx, placeholder: vscode.l10n.t('When does the token expire?') });
      if (expiry.kind === 'never') {
        state.expiration = undefined;
        state.expiryText = vscode.l10n.t('never expires');
        return;
      }
      if (expiry.kind === 'duration') {
        state.expiration = new Date(Date.now() + expiry.ms).toISOString();
        state.expiryText = vscode.l10n.t('expires in {0}', expiry.label);
        return;
      }
      try {
        const typed = await ask(s.prompter, {
          title, ...ctx, canGoBack: true,
          prompt: vscode.l10n.t('Expiration date (YYYY-MM-DD, end of that day UTC)'),
          placeholder: vscode.l10n.t('e.g. 2030-12-31'),
          validateInput: (v) => { const r = parseExpirationDate(v); return typeof r === 'string' ? r : undefined; },
        });
        const date = parseExpirationDate(typed);
        if (typeof date === 'string') {
          s.errors.show(vscode.l10n.t('Could not create the token: {0}', date));
          throw new Cancelled();
        }
        state.expiration = date.toISOString();
        state.expiryText = vscode.l10n.t('expires on {0}', typed.trim());
        return;
      } catch (e) {
        if (isGoBack(e)) continue; // back to the expiration choices
        throw e;
      }
    }
  };
  const scopeStep: Step = async (ctx) => {
    state.scoped = await choose(s.prompter, [
      { label: vscode.l10n.t('All Workspaces'), description: vscode.l10n.t('not limited to one workspace'), value: false },
      { label: vscode.l10n.t('Only the Workspace {0}', c.workspace), description: vscode.l10n.t('the token works in {0} only', c.workspace), value: true },
    ], { title, ...ctx, placeholder: vscode.l10n.t('Limit the token to one workspace?') });
  };
  const emailStep: Step = async (ctx) => {
    state.email = (await ask(s.prompter, {
      title, ...ctx, value: state.email || undefined,
      prompt: vscode.l10n.t('Email of the account'), placeholder: vscode.l10n.t('name@example.com'),
      validateInput: (v) => validateEmail(v.trim()),
    })).trim();
  };
  const passwordStep: Step = async (ctx) => {
    state.password = await ask(s.prompter, {
      title, ...ctx, password: true, ignoreFocusOut: true,
      prompt: vscode.l10n.t('Password of {0}', state.email), placeholder: vscode.l10n.t('Password'),
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the password.')),
    });
    s.log.addSecret(state.password);
  };
  await runSteps(() => state.method === 'create'
    ? [methodStep, labelStep, expiryStep, scopeStep]
    : [methodStep, emailStep, passwordStep]);

  const client = await s.clients.forConnection(c);
  let token: string;
  let owner: string;
  if (state.method === 'create') {
    const action = vscode.l10n.t('Could not create the token');
    const invalid = validateTokenLabel(state.label);
    if (invalid) {
      s.errors.show(`${action}: ${invalid}`);
      return;
    }
    // Sent once. With no answer, the tokens with this label are listed: a token created then is
    // lost for good (offered for revocation); "Try Again" only when none was created.
    for (;;) {
      const sentAt = Date.now();
      try {
        token = await withMutationProgress(vscode.l10n.t('Creating a token…'), (signal) => client.createToken({
          ...(state.label ? { label: state.label } : {}),
          ...(state.expiration ? { expiration: state.expiration } : {}),
          ...(state.scoped ? { workspace_id: c.workspace } : {}),
        }, { signal }));
        break;
      } catch (e) {
        if (!isOutcomeUnknown(e)) {
          s.errors.report(action, e);
          return;
        }
        const again = await afterUnknownTokenCreate(s, c, client, e, state.label, sentAt);
        s.tree.sections.reload(c.id, 'tokens');
        if (!again) return;
      }
    }
    owner = c.email;
  } else {
    const action = vscode.l10n.t('Could not sign in as {0}', state.email);
    const invalid = validateEmail(state.email) ?? (state.password ? undefined : vscode.l10n.t('Enter the password.'));
    if (invalid) {
      s.errors.show(`${action}: ${invalid}`);
      return;
    }
    try {
      token = await withMutationProgress(vscode.l10n.t('Signing in as {0}…', state.email), (signal) => client.login(state.email, state.password, { signal }));
    } catch (e) {
      s.errors.report(action, e);
      return;
    }
    owner = state.email;
  }
  s.log.addSecret(token);
  if (state.method === 'create') s.tree.sections.reload(c.id, 'tokens'); // the new token shows in the Tokens section
  s.log.info(state.method === 'create'
    ? `Created a token${state.label ? ` labelled "${state.label}"` : ''} for ${owner} (${state.expiryText}${state.scoped ? `, workspace ${c.workspace}` : ''})`
    : `Signed in as ${owner}: got a token`);

  const use = vscode.l10n.t('Use as This Connection\'s Token');
  const details = state.method === 'create'
    ? [state.label ? vscode.l10n.t('Label: {0}', state.label) : undefined, state.expiryText, state.scoped ? vscode.l10n.t('only in {0}', c.workspace) : undefined]
    : [vscode.l10n.t('from signing in as {0}', owner)];
  const choice = await s.prompter.showSecretOnce({
    message: vscode.l10n.t('New token for {0} on {1} ({2}):', owner, hostOf(c), details.filter(Boolean).join(', ')),
    secret: token,
    copyLabel: vscode.l10n.t('Copy Token'),
    actions: [use],
    detail: vscode.l10n.t('Windmill will never show it again, and it is not stored or logged anywhere unless you choose "{0}".', use),
  });
  if (choice === use) await useAsConnectionToken(s, c, token);
}

/** Checks the token against the connection's workspace, then stores it in SecretStorage. */
async function useAsConnectionToken(s: Services, c: ConnectionInfo, token: string): Promise<void> {
  const client = s.clients.create(c.remote, token);
  try {
    const checked = await withMutationProgress(vscode.l10n.t('Checking the new token…'), (signal) => checkAccount(client, c.remote, c.workspace, signal));
    await s.store.setToken(c.id, token);
    await s.store.update({ ...c, email: checked.me.email, superAdmin: checked.me.super_admin, username: checked.member.username, signedOut: false });
  } catch (e) {
    const reason = e instanceof ConnectionCheckError ? e.message : undefined;
    if (reason) {
      s.log.error(`The new token was not saved for ${c.id}`, e);
      s.errors.show(vscode.l10n.t('The new token was not saved as the connection\'s token: {0}', reason));
    } else {
      s.errors.report(vscode.l10n.t('The new token was not saved as the connection\'s token'), e);
    }
    return;
  }
  s.tree.refresh(c.id);
  s.log.info(`Connection ${c.id} now uses a new token`);
  notify(s, vscode.l10n.t('The connection to {0} on {1} now uses the new token.', c.workspace, hostOf(c)));
}

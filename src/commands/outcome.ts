// Writes whose outcome is unknown. The client never retries a POST or DELETE; when one was sent and
// no answer came (a timeout, a reset, a 502/504 from a proxy, a cancellation after sending), it
// throws an error with `outcomeUnknown`. The flows then never act twice blindly: they say that the
// change may have been made, LOOK (a list request) whether it was, and offer "Try Again" only when
// it was not.
import * as vscode from 'vscode';
import { OUTCOME_UNKNOWN_TEXT, isOutcomeUnknown } from '../windmill/errors';
import { describeError, isCancellation } from '../ui/errors';
import { Cancelled } from '../ui/steps';
import { hostOf, type ConnectionInfo } from '../connections/store';
import { waitOrAbort, type WindmillClient } from '../windmill/client';
import type { TokenInfo } from '../windmill/types';
import { withMutationProgress, type Services } from './services';

/**
 * Waits before each look, in ms: a server that did not answer in time may still be finishing the
 * request, so a first "not there" is looked at again (about 3 s in all).
 */
const LOOK_DELAYS_MS = [0, 1000, 2000];

/** What the looks found: the change (a value), none after every look, or the look itself failed. */
type Looked<T> = { found: T } | 'notFound' | 'failed';

/**
 * Looks whether a write whose outcome is unknown took effect, with a cancellable notification.
 * `probe` answers the evidence (e.g. the created user) or undefined when the change is not visible.
 */
async function lookForChange<T>(s: Services, title: string, probe: (signal: AbortSignal) => Promise<T | undefined>): Promise<Looked<T>> {
  try {
    return await withMutationProgress(title, async (signal) => {
      for (const delay of LOOK_DELAYS_MS) {
        if (delay > 0) await waitOrAbort(delay, signal, () => new Cancelled());
        const found = await probe(signal);
        if (found !== undefined) return { found };
      }
      return 'notFound' as const;
    });
  } catch (e) {
    if (!isCancellation(e)) s.log.error(`${title} failed`, e);
    return 'failed';
  }
}

/** The error's sentence without the generic "check before trying again" (the flow checks itself). */
function noAnswerReason(e: unknown): string {
  return describeError(e).replace(OUTCOME_UNKNOWN_TEXT, '').trim();
}

/**
 * The result of `writeChecked`: 'ok' the server answered success; 'seen' no answer, but the look
 * shows the change was made (the person was told); 'failed' it failed or was not made (the person
 * was told, or cancelled); 'unchecked' no answer and the look failed too (the person was told to
 * look before trying again).
 */
export type WriteResult = 'ok' | 'seen' | 'failed' | 'unchecked';

export interface CheckedWrite {
  /** Prefix of the error message: "Could not create the user x". */
  action: string;
  /** Title of the write's notification: "Creating the user x…". */
  progress: string;
  write: (signal: AbortSignal) => Promise<void>;
  /** Reports a failure whose outcome is known (default: the ErrorReporter with `action`). */
  report?: (e: unknown) => Promise<void> | void;
  /** The look after an unknown outcome: true when the change is visible on the server. */
  look: Look | Unlookable;
}

export interface Look {
  /** "Checking whether x was created…" */
  title: string;
  probe: (signal: AbortSignal) => Promise<boolean>;
  /** Told when the change was made although no answer came: "x exists now: it was created." */
  seen: string;
  /** Added to the error when it was not made: "x was not created (checked on host)." */
  notSeen: string;
  /** Added to the error when the look failed: "Look at the list before trying again." */
  unchecked: string;
}

/** A change no request can show (a new password): an unknown outcome is 'unchecked' at once. */
export interface Unlookable {
  /** Added to the error: what may have happened and how the person can find out. */
  unchecked: string;
}

/**
 * Runs a write once. A failure with a known outcome is reported as usual. An unknown outcome is
 * looked at (lookForChange): made -> an information message, 'seen'; not made -> the error with
 * "Try Again" (the write runs again only when the person chooses it); the look failed -> the error
 * says to look before trying again; a change nothing can look at (`Unlookable`) is 'unchecked' at
 * once. A cancellation after sending is looked at too, but offers nothing when the change was not
 * made (the person cancelled).
 */
export async function writeChecked(s: Services, w: CheckedWrite): Promise<WriteResult> {
  for (;;) {
    try {
      await withMutationProgress(w.progress, w.write);
      return 'ok';
    } catch (e) {
      if (!isOutcomeUnknown(e)) {
        if (w.report) await w.report(e);
        else s.errors.report(w.action, e);
        return 'failed';
      }
      const cancelled = isCancellation(e);
      const look = 'probe' in w.look ? w.look : undefined;
      s.log.warn(`${w.action}: no answer (${cancelled ? 'cancelled after sending' : noAnswerReason(e)}); ${look ? 'looking whether it was done' : 'whether it was done cannot be checked'}`);
      const looked = look ? await lookForChange(s, look.title, async (signal) => ((await look.probe(signal)) ? true : undefined)) : 'failed';
      if (!look || looked === 'failed') {
        s.errors.show(`${w.action}: ${noAnswerReason(e)} ${w.look.unchecked}`);
        return 'unchecked';
      }
      if (looked !== 'notFound') {
        s.log.info(`${w.action}: it was done although no answer came`);
        void s.prompter.message('info', look.seen);
        return 'seen';
      }
      if (cancelled) {
        s.log.info(`${w.action}: cancelled; it was not done`);
        return 'failed';
      }
      s.log.error(w.action, e);
      if (!await offerTryAgain(s, `${w.action}: ${noAnswerReason(e)} ${look.notSeen}`)) return 'failed';
      s.log.info(`${w.action}: trying again`);
    }
  }
}

/** An error message with "Try Again"; true when the person chose it. */
async function offerTryAgain(s: Services, text: string): Promise<boolean> {
  const again = vscode.l10n.t('Try Again');
  return await s.prompter.message('error', s.log.redact(text), {}, again) === again;
}

// ---------------------------------------------------------------------------------------------
// The looks of the user flows (src/commands/users.ts)

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** After POST /users/create: is there an instance user with this email? */
export function userCreatedLook(c: ConnectionInfo, client: WindmillClient, email: string): Look {
  return {
    title: vscode.l10n.t('Checking whether the user {0} was created…', email),
    probe: async (signal) => (await client.listAllInstanceUsers({ signal })).some((u) => sameEmail(u.email, email)),
    seen: vscode.l10n.t('The server did not answer in time, but the user {0} now exists on {1}: it was created.', email, hostOf(c)),
    notSeen: vscode.l10n.t('The user {0} was not created: there is no such user on {1} (checked).', email, hostOf(c)),
    unchecked: vscode.l10n.t('Whether the user was created could not be checked: look at the instance users of {0} before trying again.', hostOf(c)),
  };
}

/** After POST /w/{ws}/workspaces/add_user: is the email a member of the workspace? */
export function memberAddedLook(c: ConnectionInfo, client: WindmillClient, email: string): Look {
  return {
    title: vscode.l10n.t('Checking whether {0} was added to {1}…', email, c.workspace),
    probe: async (signal) => (await client.listMembers(c.workspace, { signal })).some((m) => sameEmail(m.email, email)),
    seen: vscode.l10n.t('The server did not answer in time, but {0} is now a member of {1}: they were added.', email, c.workspace),
    notSeen: vscode.l10n.t('{0} was not added: they are not a member of {1} (checked).', email, c.workspace),
    unchecked: vscode.l10n.t('Whether they were added could not be checked: refresh the members of {0} before trying again.', c.workspace),
  };
}

/** After DELETE /w/{ws}/users/delete/{username}: is the member gone? */
export function memberRemovedLook(c: ConnectionInfo, client: WindmillClient, member: { email: string; username: string }): Look {
  return {
    title: vscode.l10n.t('Checking whether {0} was removed from {1}…', member.email, c.workspace),
    probe: async (signal) => !(await client.listMembers(c.workspace, { signal })).some((m) => m.username === member.username),
    seen: vscode.l10n.t('The server did not answer in time, but {0} is no longer a member of {1}: they were removed.', member.email, c.workspace),
    notSeen: vscode.l10n.t('{0} was not removed: they are still a member of {1} (checked).', member.email, c.workspace),
    unchecked: vscode.l10n.t('Whether they were removed could not be checked: refresh the members of {0} before trying again.', c.workspace),
  };
}

/** After DELETE /users/delete/{email}: is the instance user gone? */
export function userDeletedLook(c: ConnectionInfo, client: WindmillClient, email: string): Look {
  return {
    title: vscode.l10n.t('Checking whether the user {0} was deleted…', email),
    probe: async (signal) => !(await client.listAllInstanceUsers({ signal })).some((u) => sameEmail(u.email, email)),
    seen: vscode.l10n.t('The server did not answer in time, but the user {0} no longer exists on {1}: it was deleted.', email, hostOf(c)),
    notSeen: vscode.l10n.t('The user {0} was not deleted: it still exists on {1} (checked).', email, hostOf(c)),
    unchecked: vscode.l10n.t('Whether the user was deleted could not be checked: look at the instance users of {0} before trying again.', hostOf(c)),
  };
}

// ---------------------------------------------------------------------------------------------
// Instance users (src/commands/instanceUsers.ts)

/**
 * After POST /users/set_password_of/{email}: nothing can be looked at (Windmill shows no password
 * state, and signing in would create a session), so an unknown outcome is 'unchecked' at once.
 */
export function passwordSetLook(): Unlookable {
  return {
    unchecked: vscode.l10n.t('The new password may have been set anyway, and there is no way to check it but to sign in with it: try it, or set the password again.'),
  };
}

// ---------------------------------------------------------------------------------------------
// Create Token (src/commands/tokens.ts)

/** How far apart the local clock and the server's may be when matching a token's created_at. */
const TOKEN_CLOCK_SLACK_MS = 10 * 60_000;

/** Tokens with this label (none = no label) created around `sentAt`: the ones the lost answer was about. */
function orphanCandidates(tokens: readonly TokenInfo[], label: string, sentAt: number): TokenInfo[] {
  return tokens.filter((t) => {
    if ((t.label ?? '') !== label) return false;
    const at = t.created_at ? Date.parse(t.created_at) : NaN;
    return Number.isNaN(at) || Math.abs(at - sentAt) <= TOKEN_CLOCK_SLACK_MS;
  });
}

/**
 * After POST /users/tokens/create whose answer was lost: lists the tokens with that label and says
 * what was found. The token itself can never be recovered (Windmill shows it only in that answer):
 * a token found is offered for revocation, "Revoke and Try Again" creates a new one. Resolves true
 * when the flow should create the token again.
 */
export async function afterUnknownTokenCreate(s: Services, c: ConnectionInfo, client: WindmillClient, e: unknown, label: string, sentAt: number): Promise<boolean> {
  const action = vscode.l10n.t('Could not create the token');
  const cancelled = isCancellation(e);
  s.log.warn(`${action}: no answer (${cancelled ? 'cancelled after sending' : noAnswerReason(e)}); looking for the token`);
  const named = label ? vscode.l10n.t('labelled "{0}"', label) : vscode.l10n.t('without a label');
  const looked = await lookForChange(s, vscode.l10n.t('Checking whether the token was created…'), async (signal) => {
    const found = orphanCandidates(await client.listAllTokens({ signal }), label, sentAt);
    return found.length > 0 ? found : undefined;
  });
  if (looked === 'failed') {
    s.errors.show(vscode.l10n.t('{0}: {1} Whether a token was created could not be checked: look at the Tokens of {2} before trying again.', action, noAnswerReason(e), hostOf(c)));
    return false;
  }
  if (looked === 'notFound') {
    if (cancelled) return false;
    s.log.error(action, e);
    return offerTryAgain(s, vscode.l10n.t('{0}: {1} No token {2} was created (checked on {3}).', action, noAnswerReason(e), named, hostOf(c)));
  }
  const found = looked.found;
  const list = found.map((t) => `${t.token_prefix}…${t.created_at ? ` (${t.created_at})` : ''}`).join(', ');
  s.log.warn(`The server created ${found.length} token(s) ${named} whose answer was lost: ${found.map((t) => t.token_prefix).join(', ')}`);
  const revoke = vscode.l10n.t('Revoke');
  const revokeAndRetry = vscode.l10n.t('Revoke and Try Again');
  const choice = await s.prompter.message('warning',
    vscode.l10n.t('The server did not answer in time, but it created a token {0} on {1}: {2}.', named, hostOf(c), list),
    {
      modal: true,
      detail: vscode.l10n.t('The token itself cannot be recovered: Windmill shows a token only once, in the answer that was lost. Nobody has it, but it stays valid until it expires or is revoked. Revoke it (and create a new one)?'),
    },
    revoke, revokeAndRetry);
  if (choice !== revoke && choice !== revokeAndRetry) {
    s.log.info(`Kept the orphan token(s) ${found.map((t) => t.token_prefix).join(', ')}`);
    return false;
  }
  for (const t of found) {
    const ok = await writeChecked(s, {
      action: vscode.l10n.t('Could not revoke the token {0}…', t.token_prefix),
      progress: vscode.l10n.t('Revoking the token {0}…', t.token_prefix),
      write: (signal) => client.deleteToken(t.token_prefix, { signal }),
      look: {
        title: vscode.l10n.t('Checking whether the token {0}… was revoked…', t.token_prefix),
        probe: async (signal) => !(await client.listAllTokens({ signal })).some((x) => x.token_prefix === t.token_prefix),
        seen: vscode.l10n.t('Revoked the token {0}….', t.token_prefix),
        notSeen: vscode.l10n.t('The token {0}… was not revoked (checked).', t.token_prefix),
        unchecked: vscode.l10n.t('Whether it was revoked could not be checked: look at the Tokens of {0}.', hostOf(c)),
      },
    });
    if (ok !== 'ok' && ok !== 'seen') return false;
    s.log.info(`Revoked the orphan token ${t.token_prefix}`);
  }
  if (choice === revokeAndRetry) return true;
  void s.prompter.message('info', vscode.l10n.t('Revoked the token {0} that nobody could use.', found.map((t) => `${t.token_prefix}…`).join(', ')));
  return false;
}

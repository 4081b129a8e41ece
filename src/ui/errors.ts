// The one place where failures become messages for a person: describeError() for the text,
// ErrorReporter.report() for the toast (with "Show Log") and the log line. Texts are redacted.
import * as vscode from 'vscode';
import { isWindmillError, WindmillNetworkError } from '../windmill/errors';
import { MissingTokenError } from '../connections/clients';
import { isTokenRejected } from '../connections/health';
import { Commands } from './constants';
import type { Log } from '../log';
import type { Prompter } from './prompter';
import { Cancelled } from './steps';

/** True for failures that need no message: the person cancelled. */
export function isCancellation(e: unknown): boolean {
  return e instanceof Cancelled || (e instanceof WindmillNetworkError && e.kind === 'aborted');
}

/** A clear sentence for a person. Never contains a token (the client redacts; we redact again). */
export function describeError(e: unknown): string {
  if (isWindmillError(e)) return e.describe();
  if (e instanceof MissingTokenError) {
    return vscode.l10n.t('No token is stored for the connection {0}. Remove the connection and add it again.', e.connection.label);
  }
  if (e instanceof Error) return vscode.l10n.t('Unexpected error: {0}', e.message);
  return vscode.l10n.t('Unexpected error: {0}', String(e));
}

export class ErrorReporter {
  constructor(private readonly prompter: () => Prompter, private readonly log: Log) {}

  /**
   * Logs the failure and shows one error toast "<action>: <reason>" with a "Show Log" button.
   * Returns the text shown (undefined for a cancellation, which shows nothing). Does not wait for
   * the toast to be dismissed.
   */
  report(action: string, e: unknown): string | undefined {
    if (isCancellation(e)) {
      this.log.info(`${action}: cancelled`);
      return undefined;
    }
    const text = this.log.redact(`${action}: ${describeError(e)}`);
    this.log.error(action, e);
    // A rejected token has signed its connection out (src/connections/health.ts): offer the way back.
    this.show(text, isTokenRejected(e));
    return text;
  }

  /** Shows a (redacted) error toast with "Show Log" (and "Sign In Again…"), without waiting for it. */
  show(text: string, offerSignIn = false): void {
    const showLog = vscode.l10n.t('Show Log');
    const signIn = vscode.l10n.t('Sign In Again…');
    const buttons = offerSignIn ? [signIn, showLog] : [showLog];
    void this.prompter().message('error', this.log.redact(text), {}, ...buttons).then(
      (choice) => {
        if (choice === showLog) this.log.show();
        if (choice === signIn) void vscode.commands.executeCommand(Commands.signInAgain);
      },
      (err: unknown) => this.log.error('Could not show an error message', err),
    );
  }
}

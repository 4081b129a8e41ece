// The extension's one log: a LogOutputChannel ("Windmill Users") that masks every secret.
// Every token or password the extension handles is registered with `addSecret` before it can appear
// anywhere, and any text after "Bearer " is masked too, so a secret never reaches the log even if
// it slips into an error message or a URL.
import * as vscode from 'vscode';

const MASK = '***';
const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
const TOKEN_QUERY = /([?&]token=)[^&\s"']+/gi;

/** Masks registered secrets and bearer credentials in text. Usable without VS Code (tests). */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Register a secret: from now on any text containing it is masked. Ignores very short strings. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
    return out.replace(BEARER, `$1${MASK}`).replace(TOKEN_QUERY, `$1${MASK}`);
  }
}

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly redactor = new Redactor();

  constructor(channel?: vscode.LogOutputChannel) {
    this.channel = channel ?? vscode.window.createOutputChannel(vscode.l10n.t('Windmill Users'), { log: true });
  }

  addSecret(secret: string | undefined): void {
    this.redactor.add(secret);
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  trace(message: string): void { this.channel.trace(this.redact(message)); }
  debug(message: string): void { this.channel.debug(this.redact(message)); }
  info(message: string): void { this.channel.info(this.redact(message)); }
  warn(message: string): void { this.channel.warn(this.redact(message)); }

  error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${errorText(error)}`;
    this.channel.error(this.redact(`${message}${detail}`));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

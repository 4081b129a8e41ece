// The one interface between the flows and the person. Every input box, quick pick, message and
// "show this secret once" goes through a Prompter: `VsCodePrompter` uses vscode.window; the
// integration tests swap in a scripted one (test/integration/helpers.ts).
import * as vscode from 'vscode';

/** Thrown by `input`/`pick` when the person pressed the Back button (only offered with `canGoBack`). */
export class GoBack extends Error {
  constructor() {
    super('back');
    this.name = 'GoBack';
  }
}

/** By name too: a scripted prompter in the tests may throw its own copy of the class. */
export function isGoBack(e: unknown): boolean {
  return e instanceof GoBack || (e instanceof Error && e.name === 'GoBack');
}

export interface StepOptions {
  title?: string;
  /** 1-based step number of a multi-step flow (shown as "step/totalSteps"). */
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  /** Offer a Back button; pressing it makes the call throw `GoBack`. */
  canGoBack?: boolean;
  ignoreFocusOut?: boolean;
}

export interface InputOptions extends StepOptions {
  prompt?: string;
  value?: string;
  password?: boolean;
  /** Returns a message when the value is not acceptable, undefined when it is. */
  validateInput?: (value: string) => string | undefined;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
  value: T;
}

export interface PickOptions extends StepOptions {
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export type Severity = 'info' | 'warning' | 'error';

export interface MessageOptions {
  /** A modal dialog (blocks until answered); for confirmations of destructive actions. */
  modal?: boolean;
  detail?: string;
}

export interface SecretOptions {
  /** The dialog's message, e.g. "Password of new user x@y". */
  message: string;
  /** Extra text shown under the secret. */
  detail?: string;
  /** The secret, shown once. */
  secret: string;
  /** Label of the button that copies the secret to the clipboard ("Copy Password", "Copy Token"). */
  copyLabel: string;
  /** Further buttons; the one chosen is returned. */
  actions?: string[];
}

export interface FileDialogOptions {
  title: string;
  /** The accept button's label ("Save Passwords", "Export"). */
  label?: string;
  /** e.g. { 'CSV files': ['csv'] }. */
  filters?: Record<string, string[]>;
  /** The suggested file (save) or the folder to start in (open). */
  defaultUri?: vscode.Uri;
}

export interface Prompter {
  /** The text typed, or undefined when the person cancelled. Throws `GoBack` on Back. */
  input(options: InputOptions): Promise<string | undefined>;
  /** The chosen item's value, or undefined when cancelled. Throws `GoBack` on Back. */
  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined>;
  /** The chosen items' values (may be empty), or undefined when cancelled. Throws `GoBack` on Back. */
  pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined>;
  /** Shows a message; resolves with the button chosen, or undefined (dismissed). */
  message(severity: Severity, text: string, options?: MessageOptions, ...buttons: string[]): Promise<string | undefined>;
  /**
   * Shows a secret once in a modal dialog with a copy button (copying writes the clipboard).
   * Resolves with the button chosen (the copy label or one of `actions`), or undefined.
   */
  showSecretOnce(options: SecretOptions): Promise<string | undefined>;
  /** An open dialog for one file: its Uri, or undefined when cancelled. */
  openFile(options: FileDialogOptions): Promise<vscode.Uri | undefined>;
  /** A save dialog: the chosen Uri, or undefined when cancelled. Nothing is written here. */
  saveFile(options: FileDialogOptions): Promise<vscode.Uri | undefined>;
}

/** What an input box and a quick pick share: the step options, Back and the one-time settling. */
type SteppedInput = vscode.QuickInput & {
  placeholder: string | undefined;
  buttons: readonly vscode.QuickInputButton[];
  readonly onDidTriggerButton: vscode.Event<vscode.QuickInputButton>;
};

function applyStepOptions(input: SteppedInput, options: StepOptions): void {
  input.title = options.title;
  input.step = options.step;
  input.totalSteps = options.totalSteps;
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = options.ignoreFocusOut ?? false;
  if (options.canGoBack) input.buttons = [vscode.QuickInputButtons.Back];
}

/**
 * Shows `input` and settles once: `wire` adds the input's own listeners and calls `accept(value)`;
 * Back rejects with GoBack; hiding resolves undefined. The input and every listener are then disposed.
 */
function showOnce<T>(input: SteppedInput, wire: (accept: (value: T) => void) => vscode.Disposable[]): Promise<T | undefined> {
  const disposables: vscode.Disposable[] = [input];
  return new Promise<T | undefined>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      fn();
      for (const d of disposables) d.dispose();
    };
    disposables.push(
      input.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) finish(() => reject(new GoBack()));
      }),
      ...wire((value) => finish(() => resolve(value))),
      input.onDidHide(() => finish(() => resolve(undefined))),
    );
    input.show();
  });
}

export class VsCodePrompter implements Prompter {
  input(options: InputOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    applyStepOptions(box, options);
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    const validate = (value: string): string | undefined => options.validateInput?.(value);
    return showOnce<string>(box, (accept) => [
      box.onDidChangeValue((value) => {
        box.validationMessage = value ? validate(value) : undefined;
      }),
      box.onDidAccept(() => {
        const message = validate(box.value);
        if (message) {
          box.validationMessage = message;
          return;
        }
        accept(box.value);
      }),
    ]);
  }

  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    return this.quickPick(items, options, false).then((r) => r?.[0]);
  }

  pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined> {
    return this.quickPick(items, options, true);
  }

  private quickPick<T>(items: readonly PickItem<T>[], options: PickOptions, many: boolean): Promise<T[] | undefined> {
    type Item = vscode.QuickPickItem & { value: T };
    const qp = vscode.window.createQuickPick<Item>();
    applyStepOptions(qp, options);
    qp.matchOnDescription = options.matchOnDescription ?? false;
    qp.matchOnDetail = options.matchOnDetail ?? false;
    qp.canSelectMany = many;
    const qpItems: Item[] = items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, picked: i.picked, value: i.value }));
    qp.items = qpItems;
    if (many) qp.selectedItems = qpItems.filter((i) => i.picked);
    return showOnce<T[]>(qp, (accept) => [
      qp.onDidAccept(() => {
        const chosen = many ? qp.selectedItems : qp.activeItems.slice(0, 1);
        if (!many && chosen.length === 0) return;
        accept(chosen.map((i) => i.value));
      }),
    ]);
  }

  async message(severity: Severity, text: string, options: MessageOptions = {}, ...buttons: string[]): Promise<string | undefined> {
    const opts: vscode.MessageOptions = { modal: options.modal ?? false, detail: options.detail };
    switch (severity) {
      case 'info': return vscode.window.showInformationMessage(text, opts, ...buttons);
      case 'warning': return vscode.window.showWarningMessage(text, opts, ...buttons);
      default: return vscode.window.showErrorMessage(text, opts, ...buttons);
    }
  }

  async showSecretOnce(options: SecretOptions): Promise<string | undefined> {
    const detail = [options.secret, options.detail].filter(Boolean).join('\n\n');
    const choice = await vscode.window.showInformationMessage(
      options.message, { modal: true, detail }, options.copyLabel, ...(options.actions ?? []),
    );
    if (choice === options.copyLabel) {
      await vscode.env.clipboard.writeText(options.secret);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied to the clipboard.'));
    }
    return choice;
  }

  async openFile(options: FileDialogOptions): Promise<vscode.Uri | undefined> {
    const uris = await vscode.window.showOpenDialog({
      title: options.title, openLabel: options.label, filters: options.filters, defaultUri: options.defaultUri,
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
    });
    return uris?.[0];
  }

  async saveFile(options: FileDialogOptions): Promise<vscode.Uri | undefined> {
    return vscode.window.showSaveDialog({ title: options.title, saveLabel: options.label, filters: options.filters, defaultUri: options.defaultUri });
  }
}

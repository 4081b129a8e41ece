// The seam between the flows and the person's browser: opening a URL outside VS Code and mapping a
// loopback URI for remote/web hosts. `VsCodeBrowser` uses vscode.env; the integration tests swap in
// one that follows the sign-in page's redirect with fetch instead of a real browser.
import * as vscode from 'vscode';

export interface Browser {
  /** Opens `uri` in the person's browser. Resolves false when it was not opened (declined, or only copied). */
  openExternal(uri: vscode.Uri): Thenable<boolean>;
  /** Where a loopback URI of the extension host can be reached from the browser (vscode.env.asExternalUri). */
  asExternalUri(uri: vscode.Uri): Thenable<vscode.Uri>;
}

export class VsCodeBrowser implements Browser {
  openExternal(uri: vscode.Uri): Thenable<boolean> {
    return vscode.env.openExternal(uri);
  }

  asExternalUri(uri: vscode.Uri): Thenable<vscode.Uri> {
    return vscode.env.asExternalUri(uri);
  }
}

/**
 * The settings the imports read and (with consent) clean: another extension's keys (windmill.*).
 * `VsCodeSettings` is vscode.workspace.getConfiguration(); the integration tests swap in an
 * in-memory one, because without the official Windmill extension those keys are unregistered, and
 * VS Code neither shows nor writes unregistered keys.
 */
export interface SettingsAccess {
  get(key: string): unknown;
  inspect(key: string): { globalValue?: unknown; workspaceValue?: unknown } | undefined;
  update(key: string, value: unknown, target: vscode.ConfigurationTarget): Thenable<void>;
}

export class VsCodeSettings implements SettingsAccess {
  get(key: string): unknown {
    return vscode.workspace.getConfiguration().get(key);
  }

  inspect(key: string): { globalValue?: unknown; workspaceValue?: unknown } | undefined {
    return vscode.workspace.getConfiguration().inspect(key);
  }

  update(key: string, value: unknown, target: vscode.ConfigurationTarget): Thenable<void> {
    return vscode.workspace.getConfiguration().update(key, value, target);
  }
}

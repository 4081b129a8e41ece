import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // composition root: filled in by the feature work
}

export function deactivate(): void {}

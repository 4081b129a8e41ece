// Read-only report documents (bulk add / remove results) under the `windmill-users-report:`
// scheme: a TextDocumentContentProvider serves the text, so the editor is read-only, never dirty,
// and closes without a "Save?" question. The most recent reports are kept (bounded), so a closed
// report can be reopened while the window lives. Reports never hold a password.
import * as vscode from 'vscode';

const REPORT_SCHEME = 'windmill-users-report';
const KEEP = 20;

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens `text` as a read-only document named `fileName` (its extension picks the language). */
  async show(fileName: string, text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${++this.counter}/${fileName.replace(/[\\/]/g, '-')}` });
    this.contents.set(uri.toString(), text);
    while (this.contents.size > KEEP) this.contents.delete(this.contents.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  dispose(): void {
    this.contents.clear();
    this.registration.dispose();
  }
}

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'windmill-users.windmill-users';

interface Contributions {
  commands?: { command: string }[];
  views?: Record<string, { id: string; name: string }[]>;
  viewsContainers?: { activitybar?: { id: string; title: string }[] };
}

describe('Extension in a real VS Code host', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is installed in the host');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed = ((ext.packageJSON.contributes as Contributions).commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  it('contributes the Windmill view container and the Users view', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributes = ext.packageJSON.contributes as Contributions;
    assert.equal(contributes.viewsContainers?.activitybar?.find((c) => c.id === 'windmillUsers')?.title, 'Windmill');
    assert.ok(contributes.views?.windmillUsers?.some((v) => v.id === 'windmillUsers.users'));
    // the view really exists in this host: focusing it is a registered command that succeeds
    await vscode.commands.executeCommand('windmillUsers.users.focus');
  });
});

// Dev-only: `npm start` hands the emulator's demo connection to the Extension Development Host in
// WINDMILL_USERS_DEV_CONNECTION ({remote, workspace, token}). In Development mode only, and only when
// no connection to that remote and workspace exists, it is checked and saved through the same path as
// Add Connection (token into SecretStorage). Never used in a normal installation.
import * as vscode from 'vscode';
import type { Services } from '../commands/services';
import { normalizeInstanceUrl } from '../validation';
import { saveCheckedConnection } from './flows';

const DEV_CONNECTION_ENV = 'WINDMILL_USERS_DEV_CONNECTION';

export async function addDevConnection(s: Services, mode: vscode.ExtensionMode, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const raw = env[DEV_CONNECTION_ENV];
  if (mode !== vscode.ExtensionMode.Development || !raw) return;
  let c: { remote?: unknown; workspace?: unknown; token?: unknown };
  try {
    c = JSON.parse(raw);
  } catch {
    s.log.warn(`${DEV_CONNECTION_ENV} is not JSON; no dev connection added.`); // no excerpt: it holds a token
    return;
  }
  if (typeof c.remote !== 'string' || typeof c.workspace !== 'string' || typeof c.token !== 'string') return;
  s.log.addSecret(c.token);
  try {
    if (s.store.find(normalizeInstanceUrl(c.remote), c.workspace)) return;
    await saveCheckedConnection(s, { remote: c.remote, workspace: c.workspace, token: c.token });
  } catch (e) {
    s.log.warn(`The dev connection from ${DEV_CONNECTION_ENV} was not added: ${e instanceof Error ? e.message : String(e)}`);
  }
}

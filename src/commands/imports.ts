// Import wmill CLI Profiles / Import from Windmill Extension Settings: bring credentials that
// already exist elsewhere (in plain text) into SecretStorage. Each chosen profile is verified and
// saved through the one connection path (saveCheckedConnection); one summary message tells what was
// imported, what failed and why, and what was wrong in the source. The CLI's files are only read.
// The official extension's plaintext tokens are removed from settings only with consent (modal).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cliConfigDir, readCliProfiles, REMOTES_FILE, type CliProfile, type ImportProblem } from '../import/cliProfiles';
import {
  MAIN_NAME, profilesFromExtensionSettings, SETTING_ADDITIONAL, SETTING_TOKEN,
} from '../import/extensionSettings';
import { ConnectionCheckError, saveCheckedConnection } from '../connections/flows';
import { hostOf } from '../connections/store';
import { validateInstanceUrl, validateWorkspaceId } from '../validation';
import { isCancellation } from '../ui/errors';
import type { SettingsAccess } from '../ui/browser';
import { withMutationProgress, type Services } from './services';

interface Source {
  /** Title of the quick pick, e.g. "Import wmill CLI Profiles". */
  title: string;
  /** "wmill CLI profile(s)" etc., for the summary. */
  noun: (n: number) => string;
  profiles: CliProfile[];
  active?: string;
  problems: ImportProblem[];
  /** Extra button on the summary and what it does (offered once, in the summary). */
  extra?: { label: string; run: () => Promise<void> };
}

interface ImportOutcome {
  imported: CliProfile[];
  failed: { profile: CliProfile; reason: string }[];
}

/**
 * Quick pick of the profiles (name, workspace, host: never the token; the active one pre-selected),
 * then verifies and saves each chosen one. Returns undefined when the person cancelled the pick.
 */
async function importProfiles(s: Services, src: Source): Promise<ImportOutcome | undefined> {
  for (const p of src.profiles) s.log.addSecret(p.token);
  for (const p of src.problems) s.log.warn(`${src.title}: ${p.message}`);
  if (src.profiles.length === 0) {
    const text = [vscode.l10n.t('Nothing to import.'), ...src.problems.map((p) => p.message)].join(' ');
    await s.prompter.message('warning', text);
    return { imported: [], failed: [] };
  }

  const chosen = await s.prompter.pickMany(src.profiles.map((p) => ({
    label: p.name,
    description: vscode.l10n.t('{0} on {1}', p.workspaceId, hostOf({ remote: p.remote })),
    detail: p.remote,
    picked: src.active !== undefined ? p.name === src.active : src.profiles.length === 1,
    value: p,
  })), {
    title: src.title,
    placeholder: vscode.l10n.t('Choose what to import (each token is checked, then kept in VS Code\'s SecretStorage)'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (chosen === undefined || chosen.length === 0) return undefined;

  const outcome: ImportOutcome = { imported: [], failed: [] };
  let stopped = false;
  await withMutationProgress(vscode.l10n.t('Checking {0}…', src.noun(chosen.length)), async (signal) => {
    for (const p of chosen) {
      if (signal.aborted) { stopped = true; break; }
      const invalid = validateInstanceUrl(p.remote) ?? validateWorkspaceId(p.workspaceId);
      if (invalid) {
        outcome.failed.push({ profile: p, reason: invalid });
        continue;
      }
      try {
        await saveCheckedConnection(s, { remote: p.remote, workspace: p.workspaceId, token: p.token }, signal);
        outcome.imported.push(p);
      } catch (e) {
        if (isCancellation(e)) { stopped = true; break; }
        const reason = e instanceof ConnectionCheckError ? e.message : (e instanceof Error ? e.message : String(e));
        s.log.error(`${src.title}: ${p.name} (${p.remote} workspace ${p.workspaceId}) failed`, e instanceof ConnectionCheckError ? e.cause ?? e : e);
        outcome.failed.push({ profile: p, reason: s.log.redact(reason) });
      }
    }
  });

  const parts: string[] = [];
  parts.push(outcome.imported.length > 0
    ? vscode.l10n.t('Imported {0} {1}: {2}.', outcome.imported.length, src.noun(outcome.imported.length), outcome.imported.map((p) => p.name).join(', '))
    : vscode.l10n.t('Imported no {0}.', src.noun(0)));
  if (outcome.failed.length > 0) {
    parts.push(vscode.l10n.t('{0} failed: {1}', outcome.failed.length,
      outcome.failed.map((f) => `${f.profile.name}: ${f.reason}`).join(' ')));
  }
  if (stopped) parts.push(vscode.l10n.t('Stopped: the rest was not imported.'));
  if (src.problems.length > 0) {
    parts.push(vscode.l10n.t('Problems found: {0}', src.problems.map((p) => p.message).join(' ')));
  }
  const text = s.log.redact(parts.join(' '));
  s.log.info(`${src.title}: ${text}`);
  const severity = outcome.failed.length > 0 || src.problems.length > 0 || stopped ? 'warning' : 'info';
  const buttons = src.extra ? [src.extra.label] : [];
  const choice = await s.prompter.message(severity, text, {}, ...buttons);
  if (src.extra && choice === src.extra.label) await src.extra.run();
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// wmill CLI

export async function importCliProfiles(s: Services): Promise<void> {
  const dir = cliConfigDir(process.env, process.platform, os.homedir());
  const file = path.join(dir, REMOTES_FILE);
  s.log.info(`Import wmill CLI profiles from ${dir}`);
  const read = await readCliProfiles(dir);
  const about = vscode.l10n.t('About Plaintext Tokens');
  await importProfiles(s, {
    title: vscode.l10n.t('Import wmill CLI Profiles'),
    noun: (n) => (n === 1 ? vscode.l10n.t('wmill CLI profile') : vscode.l10n.t('wmill CLI profiles')),
    profiles: read.profiles,
    active: read.active,
    problems: read.problems,
    extra: read.profiles.length === 0 ? undefined : {
      label: about,
      run: async () => {
        await s.prompter.message('info', vscode.l10n.t('The wmill CLI keeps its tokens in plain text'), {
          modal: true,
          detail: vscode.l10n.t('{0} holds every CLI profile\'s token unencrypted: any program running as you can read it. This extension copied the tokens you chose into VS Code\'s SecretStorage and did not change that file. If you no longer need a profile in the CLI, remove it with "wmill workspace remove <name>"; to make a token useless everywhere, delete it in Windmill (Account settings > Tokens).', file),
        });
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The official Windmill extension's settings

interface TokenLocation {
  target: vscode.ConfigurationTarget;
  scope: string;
  key: string;
}

interface Inspected { globalValue?: unknown; workspaceValue?: unknown }

function scopes(): { target: vscode.ConfigurationTarget; name: string; pick: (i: Inspected | undefined) => unknown }[] {
  return [
    { target: vscode.ConfigurationTarget.Global, name: vscode.l10n.t('User settings'), pick: (i) => i?.globalValue },
    { target: vscode.ConfigurationTarget.Workspace, name: vscode.l10n.t('Workspace settings'), pick: (i) => i?.workspaceValue },
  ];
}

/** Where the given token values are written in settings (user and workspace scope). */
function findTokens(config: SettingsAccess, tokens: Set<string>): TokenLocation[] {
  const out: TokenLocation[] = [];
  for (const sc of scopes()) {
    const value = sc.pick(config.inspect(SETTING_TOKEN));
    if (typeof value === 'string' && tokens.has(value.trim())) out.push({ target: sc.target, scope: sc.name, key: SETTING_TOKEN });
    const list = sc.pick(config.inspect(SETTING_ADDITIONAL));
    if (Array.isArray(list) && list.some((item) => tokenOf(item) !== undefined && tokens.has(tokenOf(item)!))) {
      out.push({ target: sc.target, scope: sc.name, key: SETTING_ADDITIONAL });
    }
  }
  return out;
}

function tokenOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const t = (item as Record<string, unknown>).token;
  return typeof t === 'string' ? t.trim() : undefined;
}

/** Removes the given token values from one place; other entries and fields stay as they were. */
async function removeTokens(config: SettingsAccess, loc: TokenLocation, tokens: Set<string>): Promise<void> {
  if (loc.key === SETTING_TOKEN) {
    await config.update(SETTING_TOKEN, undefined, loc.target);
    return;
  }
  const list = scopes().find((x) => x.target === loc.target)?.pick(config.inspect(SETTING_ADDITIONAL));
  if (!Array.isArray(list)) return;
  const cleaned = list.map((item: unknown) => {
    const t = tokenOf(item);
    if (t === undefined || !tokens.has(t)) return item;
    const copy = { ...(item as Record<string, unknown>) };
    delete copy.token;
    return copy;
  });
  await config.update(SETTING_ADDITIONAL, cleaned, loc.target);
}

export async function importExtensionSettings(s: Services): Promise<void> {
  const config = s.settings;
  // In Restricted Mode a workspace's settings must not decide where a token is sent (a workspace
  // windmill.remote next to a user-level windmill.token): only user settings are read.
  const read = profilesFromExtensionSettings((key) => (vscode.workspace.isTrusted ? config.get(key) : config.inspect(key)?.globalValue));
  if (read.profiles.length === 0 && read.problems.length === 0) {
    read.problems.push({ message: vscode.l10n.t('No Windmill extension settings were found ({0}, {1}).', SETTING_TOKEN, SETTING_ADDITIONAL) });
  }
  const outcome = await importProfiles(s, {
    title: vscode.l10n.t('Import from Windmill Extension Settings'),
    noun: (n) => (n === 1 ? vscode.l10n.t('workspace from the Windmill extension\'s settings') : vscode.l10n.t('workspaces from the Windmill extension\'s settings')),
    profiles: read.profiles.map((p) => (p.name === MAIN_NAME ? { ...p, name: vscode.l10n.t('main ({0})', p.workspaceId) } : p)),
    active: read.active === MAIN_NAME ? vscode.l10n.t('main ({0})', read.profiles.find((p) => p.name === MAIN_NAME)?.workspaceId ?? '') : read.active,
    problems: read.problems,
  });
  if (!outcome || outcome.imported.length === 0) return;

  // Only tokens now safely in SecretStorage are offered for removal: nothing can be lost.
  const imported = new Set(outcome.imported.map((p) => p.token.trim()));
  const locations = findTokens(config, imported);
  if (locations.length === 0) return;
  const remove = vscode.l10n.t('Remove from Settings');
  const where = locations.map((l) => `${l.key} (${l.scope})`).join(', ');
  const choice = await s.prompter.message('warning',
    vscode.l10n.t('Remove the imported plaintext tokens from your settings?'),
    {
      modal: true,
      detail: vscode.l10n.t('They are now in VS Code\'s SecretStorage. Still in plain text: {0}. Only the token values are removed; the official Windmill extension will then need its tokens again to work.', where),
    },
    remove);
  if (choice !== remove) {
    s.log.info('Import from Windmill extension settings: the plaintext tokens were left in settings');
    return;
  }
  const failed: string[] = [];
  for (const loc of locations) {
    try {
      await removeTokens(config, loc, imported);
      s.log.info(`Removed the imported token(s) from ${loc.key} in ${loc.scope}`);
    } catch (e) {
      s.log.error(`Could not remove the token(s) from ${loc.key} in ${loc.scope}`, e);
      failed.push(`${loc.key} (${loc.scope}): ${s.log.redact(e instanceof Error ? e.message : String(e))}`);
    }
  }
  if (failed.length > 0) {
    s.errors.show(vscode.l10n.t('Could not remove every plaintext token from settings; remove them by hand: {0}', failed.join(' ')));
  } else {
    void s.prompter.message('info', vscode.l10n.t('Removed the plaintext tokens from {0}.', where));
  }
}

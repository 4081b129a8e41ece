// Reading the official Windmill VS Code extension's settings (windmill-labs/windmill-vscode):
//   windmill.remote                 string, default "https://app.windmill.dev/"
//   windmill.workspaceId            string
//   windmill.token                  string (plain text in settings.json)
//   windmill.additionalWorkspaces   array of { name?, remote?, workspaceId, token }
//   windmill.currentWorkspace       the name in use; "main" or empty = the three settings above
// The caller passes a getter (in the extension: `vscode.workspace.getConfiguration().get`), so this
// stays VS Code-free. Problems never contain a token; the good entries still count.
import { checkProfileFields, quote, redactProblems, tokenStrings, type CliProfile, type ImportProblem } from './cliProfiles';

export const SETTING_REMOTE = 'windmill.remote';
export const SETTING_WORKSPACE_ID = 'windmill.workspaceId';
export const SETTING_TOKEN = 'windmill.token';
export const SETTING_ADDITIONAL = 'windmill.additionalWorkspaces';
export const SETTING_CURRENT = 'windmill.currentWorkspace';
/** The official extension's default for windmill.remote (and for an additional workspace's remote). */
export const DEFAULT_REMOTE = 'https://app.windmill.dev/';
/** The official extension's name for the workspace held in the three top-level settings. */
export const MAIN_NAME = 'main';

export interface ExtensionSettingsResult {
  profiles: CliProfile[];
  /** windmill.currentWorkspace when it names one of `profiles` (empty means "main"). */
  active?: string;
  problems: ImportProblem[];
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * The profiles configured in the official extension's settings: "main" from windmill.remote /
 * workspaceId / token when any of workspaceId or token is set, then each windmill.additionalWorkspaces
 * entry (named by its `name`, else its workspaceId). A bad or duplicate entry is one problem and skipped.
 */
export function profilesFromExtensionSettings(get: (key: string) => unknown): ExtensionSettingsResult {
  const profiles: CliProfile[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const token = get(SETTING_TOKEN);
  const workspaceId = get(SETTING_WORKSPACE_ID);
  const additional = get(SETTING_ADDITIONAL);

  // Every token first, so that no message (which may quote a name) can carry one.
  const tokens: string[] = [];
  const noteToken = (v: unknown) => tokens.push(...tokenStrings(v));
  noteToken(token);
  if (Array.isArray(additional)) {
    for (const item of additional as unknown[]) {
      if (typeof item === 'object' && item !== null) noteToken((item as Record<string, unknown>).token);
    }
  }

  const add = (p: CliProfile, where: string) => {
    if (seen.has(p.name)) {
      problems.push({ message: `${where}: a workspace named ${quote(p.name, tokens)} was already found; this one is skipped.` });
      return;
    }
    seen.add(p.name);
    profiles.push(p);
  };

  if (!isBlank(token) || !isBlank(workspaceId)) {
    const check = checkProfileFields({ name: MAIN_NAME, remote: get(SETTING_REMOTE), workspaceId, token }, { remote: DEFAULT_REMOTE });
    if (check.ok) add(check.profile, `The main workspace (${SETTING_REMOTE}, ${SETTING_WORKSPACE_ID}, ${SETTING_TOKEN})`);
    else problems.push({ message: `The main workspace in settings (${SETTING_REMOTE}, ${SETTING_WORKSPACE_ID}, ${SETTING_TOKEN}) ${check.reason}; skipped.` });
  }

  if (!isBlank(additional)) {
    if (!Array.isArray(additional)) {
      problems.push({ message: `${SETTING_ADDITIONAL} is not a list; ignored.` });
    } else {
      additional.forEach((item: unknown, i) => {
        const where = `${SETTING_ADDITIONAL}[${i}]`;
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          problems.push({ message: `${where} is not an object; skipped.` });
          return;
        }
        const obj = item as Record<string, unknown>;
        const fallbackName = typeof obj.workspaceId === 'string' && obj.workspaceId.trim() !== '' ? obj.workspaceId.trim() : undefined;
        const named = typeof obj.name === 'string' && obj.name.trim() !== '' ? ` (${quote(obj.name, tokens)})` : '';
        const check = checkProfileFields(obj, { remote: DEFAULT_REMOTE, name: fallbackName ?? `workspace ${i + 1}` });
        if (check.ok) add(check.profile, `${where}${named}`);
        else problems.push({ message: `${where}${named} ${check.reason}; skipped.` });
      });
    }
  }

  const result: ExtensionSettingsResult = { profiles, problems: redactProblems(problems, tokens) };
  const current = get(SETTING_CURRENT);
  const activeName = typeof current === 'string' && current.trim() !== '' ? current.trim() : MAIN_NAME;
  if (profiles.some((p) => p.name === activeName)) result.active = activeName;
  return result;
}

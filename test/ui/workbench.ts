// The UI layer's fixture: a real VS Code workbench (code-server) with the extension in development
// mode and the emulator's demo connection, opened in Chromium by playwright-core, driven like a
// person does (keyboard and mouse, never the extension API). One workbench per test file.
// Also used by scripts/screenshots.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../emulator/emulator';
import { DEMO_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { importEsm } from '../esm';

/** The project root (this file runs from out/test/ui/). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');


interface Sandbox { dir: string; env: Record<string, string>; dispose(): void }
interface CodeServerModule {
  freePort(): Promise<number>;
  makeSandbox(prefix?: string): Sandbox;
  startCodeServer(o: { port: number; sandbox: Sandbox; env?: Record<string, string>; extensionsDir?: string; onOutput?: (s: string) => void }): Promise<{ url: string; stop(): Promise<void> }>;
  workbenchUrl(base: string, o: { folder: string; extensionDevelopmentPath: string; extensionTestsPath?: string }): string;
  CHROMIUM_ARGS: string[];
}
interface HostModule { chromiumPath: string; codeServerEntry: string }

export const CONNECTION_LABEL = 'demo (emulator)';
export const VIEWPORT = { width: 1280, height: 800 };

export interface EmulatorMember { email: string; username: string; role: string; disabled: boolean }
export interface EmulatorSnapshot {
  users: { email: string; username: string; super_admin: boolean; name: string | null; company: string | null; hasPassword: boolean }[];
  workspaces: Record<string, { members: EmulatorMember[] }>;
  tokens: { prefix: string; owner: string; label: string | null; workspace_id: string | null; expiration: string | null }[];
}

export interface Workbench {
  page: Page;
  emulator: RunningEmulator;
  /** GET /_emulator/state over HTTP, like any client would see it. */
  state(): Promise<EmulatorSnapshot>;
  /** Members of the demo workspace on the emulator. */
  members(): Promise<EmulatorMember[]>;
  /** Re-seeds the emulator, closes leftovers (dialogs, quick input, menus) and reloads the tree if shown. */
  reset(): Promise<void>;
  /** Saves a screenshot of the page for a failed test (path returned). */
  capture(name: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  log?: (s: string) => void;
  /**
   * Extensions installed into this folder (e.g. from the VSIX) instead of the extension under
   * development: a plain workbench URL (no development payload) and no dev connection (a fresh
   * profile without any connection).
   */
  extensionsDir?: string;
}

/**
 * Starts the emulator, code-server with the extension under development (or the extensions of
 * `extensionsDir`), and Chromium on the workbench.
 */
export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const cs = await importEsm<CodeServerModule>(path.join(ROOT, 'scripts', 'code-server.mjs'));
  const host = await importEsm<HostModule>(path.join(ROOT, 'scripts', 'host-install.mjs'));
  if (!fs.existsSync(host.codeServerEntry)) throw new Error(`code-server is not installed (${host.codeServerEntry}): run node scripts/host-install.mjs`);
  const development = opts.extensionsDir === undefined;
  if (development && !fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build');

  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  let sandboxToRemove: Sandbox | undefined;
  const closeAll = async (): Promise<void> => {
    for (const fn of cleanup.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
    cleanup.length = 0;
    if (sandboxToRemove) {
      // code-server's last child processes (the TypeScript server) may still write to TMPDIR for a moment.
      await new Promise((r) => setTimeout(r, 1000));
      sandboxToRemove.dispose();
      sandboxToRemove = undefined;
    }
  };
  try {
    const emulator = await startEmulator({ port: 0 });
    cleanup.push(() => emulator.close());
    const sandbox = cs.makeSandbox('wmu-ui-');
    cleanup.push(() => sandbox.dispose());
    sandboxToRemove = sandbox;
    const folder = path.join(sandbox.dir, 'home', 'demo');
    fs.mkdirSync(folder, { recursive: true });
    // Settings of a calm, predictable workbench (no tips, no tour, no chat, no extension recommendations).
    const userDir = path.join(sandbox.dir, 'ud', 'User');
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.colorTheme': 'Default Dark Modern',
      'extensions.ignoreRecommendations': true,
      'chat.commandCenter.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'window.commandCenter': false,
      'update.showReleaseNotes': false,
      'telemetry.telemetryLevel': 'off',
    }, null, 2));
    const devConnection = JSON.stringify({ remote: emulator.url, workspace: DEMO_WORKSPACE, token: SUPERADMIN.token, label: CONNECTION_LABEL });
    const server = await cs.startCodeServer({
      port: await cs.freePort(), sandbox, env: development ? { WINDMILL_USERS_DEV_CONNECTION: devConnection } : {},
      extensionsDir: opts.extensionsDir,
      onOutput: opts.log ? (s) => opts.log?.(`[code-server] ${s}`) : undefined,
    });
    cleanup.push(() => server.stop());
    const browser: Browser = await chromium.launch({ executablePath: host.chromiumPath, args: cs.CHROMIUM_ARGS, env: { ...process.env, ...sandbox.env } });
    cleanup.push(() => browser.close());
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'dark' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    if (opts.log) page.on('console', (m) => opts.log?.(`[browser] ${m.text()}`));
    await page.goto(development
      ? cs.workbenchUrl(server.url, { folder, extensionDevelopmentPath: ROOT })
      : `${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: 90_000 });

    const state = async (): Promise<EmulatorSnapshot> => {
      const res = await fetch(`${emulator.url}/_emulator/state`);
      if (!res.ok) throw new Error(`GET /_emulator/state: HTTP ${res.status}`);
      return await res.json() as EmulatorSnapshot;
    };
    const wb: Workbench = {
      page, emulator, state,
      members: async () => (await state()).workspaces[DEMO_WORKSPACE].members,
      async reset() {
        const res = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST', body: '{}' });
        if (!res.ok) throw new Error(`POST /_emulator/reset: HTTP ${res.status}`);
        await dismissAll(page);
        // The tree keeps what it loaded: reload it when it is on screen (a test may open the view itself).
        if (await treeRow(page, /^Connection /).first().isVisible()) await refreshTree(page);
      },
      async capture(name) {
        const dir = path.join(ROOT, '.vscode-test', 'failures');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `ui-${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}-${Date.now()}.png`);
        return page.screenshot({ path: file }).then(() => file, () => undefined);
      },
      close: closeAll,
    };
    return wb;
  } catch (e) {
    await closeAll();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the workbench like a person

export const SETTLE_MS = 500;
export const settle = (page: Page, ms = SETTLE_MS): Promise<void> => page.waitForTimeout(ms);

/** The quick input (command palette, input boxes, quick picks). */
export const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
export const quickInputBox = (page: Page): Locator => quickInput(page).locator('.quick-input-box input');
/** The modal dialog (showInformationMessage / showWarningMessage with modal: true). */
export const dialog = (page: Page): Locator => page.locator('.monaco-dialog-box');
export const dialogButton = (page: Page, name: string): Locator => dialog(page).locator('.dialog-buttons .monaco-button', { hasText: name });
/** A tree row of the Windmill view by its accessible label (exact string, or a pattern). */
export const treeRow = (page: Page, name: string | RegExp): Locator => page.locator('.sidebar').getByRole('treeitem', { name, exact: typeof name === 'string' });
/** A member's row: its accessible label starts with the email. */
export const memberRow = (page: Page, email: string): Locator => treeRow(page, new RegExp(`^${escapeRe(email)},`));
/** A role group's row, e.g. ("Developers", 3); its accessible label is "Developers, 3 members". */
export const groupRow = (page: Page, group: string, count?: number): Locator =>
  treeRow(page, new RegExp(`^${escapeRe(group)}, ${count === undefined ? '\\d+' : count} members?$`));

/** The accessible labels of the tree's rows, top to bottom (all rows are rendered: the tree is short). */
export async function treeLabels(page: Page): Promise<string[]> {
  const rows = page.locator('.sidebar .monaco-list-row[role="treeitem"]');
  const items = await rows.evaluateAll((els) => els.map((e) => ({ top: Number.parseFloat((e as unknown as { style: { top: string } }).style.top) || 0, label: e.getAttribute('aria-label') ?? '' })));
  return items.sort((a, b) => a.top - b.top).map((i) => i.label);
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Closes whatever is open over the workbench: context menus, quick input, modal dialogs, notifications. */
export async function dismissAll(page: Page): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const open = await page.locator('.context-view .monaco-menu, .quick-input-widget:visible, .monaco-dialog-box').count();
    if (open === 0) break;
    await page.keyboard.press('Escape');
    await settle(page, 200);
  }
  const clear = page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-notifications-clear');
  for (const el of await clear.all()) await el.click({ timeout: 1000 }).catch(() => undefined);
}

/** Opens the Windmill view from the activity bar (click on its icon; a second click would close it). */
export async function openUsersView(page: Page): Promise<void> {
  if (await treeRow(page, /^Connection /).first().isVisible()) return;
  const icon = page.locator('.activitybar .action-item a.action-label[aria-label^="Windmill"]').first();
  await icon.waitFor({ state: 'visible', timeout: 30_000 });
  await icon.click();
  await page.locator('.sidebar .composite.title', { hasText: /Windmill/i }).waitFor({ state: 'visible' });
  await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 100); // no hover left on the icon
}

/** Clicks the view's "Refresh Users" title button and waits for the tree to show its groups again. */
export async function refreshTree(page: Page): Promise<void> {
  await treeRow(page, /^Connection /).first().waitFor({ state: 'visible', timeout: 30_000 });
  const button = page.locator('.sidebar .action-label[aria-label^="Refresh Users"]:visible').first();
  await button.click();
  await waitForTreeLoaded(page);
}

/** Waits until the view is not loading any more and shows at least one role group. */
export async function waitForTreeLoaded(page: Page): Promise<void> {
  await treeRow(page, /^(Admins|Developers|Operators), /).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.sidebar .pane .monaco-progress-container.active').waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
  await settle(page);
}

/**
 * Clicks an item of the open context menu. The menu closes when it runs the action; a click it let
 * pass while it was still settling after the right-click leaves it open, and is clicked again.
 */
export async function clickMenuItem(page: Page, label: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-label', { hasText: new RegExp(`^${escapeRe(label)}$`) });
  await item.waitFor();
  await settle(page, 200);
  for (let i = 0; i < 3; i++) {
    await item.click();
    if (await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false)) return;
  }
  throw new Error(`The context menu did not run "${label}"`);
}

/** F1, type the command's title, move to it with the arrow keys when it is not the first match, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = quickInputBox(page);
  await input.waitFor({ state: 'visible' });
  await input.press('ControlOrMeta+a');
  await page.keyboard.type(`>${title}`, { delay: 10 });
  await enterOn(page, new RegExp(`^${escapeRe(title)}$`));
}

/** Moves the quick input's focus with ArrowDown to the row whose label matches, then presses Enter. */
async function enterOn(page: Page, re: RegExp): Promise<void> {
  const rows = quickInput(page).locator('.quick-input-list .monaco-list-row');
  await rows.filter({ has: page.locator('.label-name', { hasText: re }) }).first().waitFor({ state: 'visible' });
  const focused = quickInput(page).locator('.quick-input-list .monaco-list-row.focused');
  for (let i = 0; i < 30; i++) {
    const name = (await focused.locator('.label-name').first().textContent({ timeout: 2000 }).catch(() => null))?.trim() ?? '';
    if (re.test(name)) break;
    await page.keyboard.press('ArrowDown');
  }
  await focused.filter({ has: page.locator('.label-name', { hasText: re }) }).waitFor({ state: 'visible', timeout: 2000 });
  await page.keyboard.press('Enter');
}

/** Waits for the quick input to show this prompt (input box) or placeholder (quick pick). */
export async function waitForPrompt(page: Page, text: string | RegExp): Promise<void> {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible' });
  const re = typeof text === 'string' ? new RegExp(escapeRe(text)) : text;
  const message = widget.locator('.quick-input-message');
  const input = quickInputBox(page);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const shown = await widget.isVisible() ? [await message.textContent().catch(() => ''), await input.getAttribute('placeholder').catch(() => '')] : [];
    if (shown.some((t) => re.test(t ?? ''))) return;
    if (Date.now() > deadline) throw new Error(`The quick input did not show ${re} (it shows: ${JSON.stringify(shown)})`);
    await settle(page, 100);
  }
}

/** Answers an input box: waits for its prompt, types (replacing any value) and presses Enter. */
export async function answer(page: Page, prompt: string | RegExp, value: string): Promise<void> {
  await waitForPrompt(page, prompt);
  const input = quickInputBox(page);
  await input.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  if (value) await page.keyboard.type(value, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** Answers a quick pick: waits for its placeholder, moves with the arrow keys to the item, Enter. */
export async function choose(page: Page, placeholder: string | RegExp, label: string | RegExp): Promise<void> {
  await waitForPrompt(page, placeholder);
  await enterOn(page, typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label);
}

/** The browser's clipboard text (the workbench writes it asynchronously: waits until it is non-empty). */
export async function readClipboard(page: Page, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.evaluate('navigator.clipboard.readText()') as string;
    if (text || Date.now() > deadline) return text;
    await settle(page, 100);
  }
}

/**
 * The mocha hooks every UI test file uses: one workbench for the file (opened in `before`, then `ready`
 * runs once), the emulator reset before each test, a screenshot of a failed test. Returns a getter of the
 * workbench for the tests.
 */
export function useWorkbench(ready?: (wb: Workbench) => Promise<void>): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    this.timeout(240_000);
    wb = await openWorkbench();
    await ready?.(wb);
  });
  after(async () => { await wb?.close(); });
  beforeEach(async () => { await wb!.reset(); });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const file = await wb?.capture(this.currentTest.fullTitle());
      if (file) console.log(`      screenshot: ${file}`);
    }
  });
  return () => wb!;
}

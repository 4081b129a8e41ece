// Shared helpers of the integration suite: the emulator's control endpoints, the extension's test
// API, a scripted Prompter, and a walk of the Users tree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { FileDialogOptions, InputOptions, MessageOptions, PickItem, PickOptions, Prompter, SecretOptions, Severity } from '../../src/ui/prompter';
import type { UsersNode } from '../../src/tree/nodes';
import type { ConnectionInfo } from '../../src/connections/store';
import { DEMO_WORKSPACE, type SeedAccount } from '../emulator/seed';

export const EXTENSION_ID = 'windmill-users.windmill-users';

// ---------------------------------------------------------------------------------------------
// Emulator

export function emulatorUrl(): string {
  const url = process.env.WINDMILL_EMULATOR_URL;
  if (!url) throw new Error('WINDMILL_EMULATOR_URL is not set: run the suite with `npm run test:integration`.');
  return url.replace(/\/+$/, '');
}

async function control<T>(method: 'GET' | 'POST', what: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulatorUrl()}/_emulator/${what}`, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${what}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export interface EmulatorMember { email: string; username: string; is_admin: boolean; operator: boolean; disabled: boolean; role: string; name?: string | null }
export interface EmulatorState {
  edition: 'EE' | 'CE';
  users: { email: string; username: string; super_admin: boolean; name: string | null; company: string | null; hasPassword: boolean }[];
  workspaces: Record<string, { members: EmulatorMember[]; invites: { email: string; is_admin: boolean; operator: boolean }[] }>;
  tokens: { prefix: string; owner: string; label: string | null; workspace_id: string | null; expiration: string | null; scopes: string[] | null }[];
}
export interface EmulatorRequest { method: string; path: string; query: Record<string, string>; status: number }
export interface Fault {
  method?: string; path: string; mode: 'status' | 'refuse' | 'hang' | 'slow';
  status?: number; body?: string; contentType?: string; delayMs?: number; times?: number;
}

export const emulator = {
  reset: (opts: { edition?: 'EE' | 'CE'; members?: number } = {}) => control<{ ok: boolean }>('POST', 'reset', opts),
  state: () => control<EmulatorState>('GET', 'state'),
  requests: () => control<EmulatorRequest[]>('GET', 'requests'),
  fault: (f: Fault) => control<{ ok: boolean }>('POST', 'fault', f),
  /** POST /api/auth/login: the token for a working email + password, or the HTTP status. */
  async login(email: string, password: string): Promise<{ status: number; token: string }> {
    const res = await fetch(`${emulatorUrl()}/api/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
    });
    return { status: res.status, token: await res.text() };
  },
  /** GET /api/users/whoami with a token: the status and body. */
  async whoami(token: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${emulatorUrl()}/api/users/whoami`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.text() };
  },
};

/** Requests that change something on the server (anything but GET). */
export async function mutatingRequests(): Promise<EmulatorRequest[]> {
  return (await emulator.requests()).filter((r) => r.method !== 'GET');
}

// ---------------------------------------------------------------------------------------------
// The extension

export async function getApi(): Promise<WindmillUsersTestApi> {
  const ext = vscode.extensions.getExtension<WindmillUsersTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed in the host');
  const api = await ext.activate();
  assert.ok(api, 'activate() returns the test API in test mode');
  return api;
}

/** Removes every saved connection (metadata and token). */
export async function clearConnections(api: WindmillUsersTestApi): Promise<void> {
  for (const c of api.connections.list()) await api.connections.remove(c.id);
  api.tree.refresh();
}

/** Saves a connection to the emulator's `demo` directly (the Add Connection flow has its own tests). */
export async function saveConnection(api: WindmillUsersTestApi, account: SeedAccount, opts: { token?: string; workspace?: string; remote?: string } = {}): Promise<ConnectionInfo> {
  const workspace = opts.workspace ?? DEMO_WORKSPACE;
  const info: ConnectionInfo = {
    id: `test-${account.username}-${workspace}${opts.remote ? '-elsewhere' : ''}`,
    label: workspace,
    remote: opts.remote ?? emulatorUrl(),
    workspace,
    email: account.email,
    username: account.username,
    superAdmin: account.superAdmin,
  };
  await api.connections.save(info, opts.token ?? account.token);
  return info;
}

/** Starts each test clean: reseeded emulator, no connection, a strict prompter (no prompt expected). */
export async function freshStart(opts: { edition?: 'EE' | 'CE' } = {}): Promise<WindmillUsersTestApi> {
  const api = await getApi();
  await clearConnections(api);
  await emulator.reset(opts);
  api.setPrompter(new ScriptedPrompter([]));
  return api;
}

export async function run(command: string, ...args: unknown[]): Promise<void> {
  await vscode.commands.executeCommand(command, ...args);
}

/** Polls `check` until it holds; fails the test after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every file under the extension's log folder, concatenated. */
export function readLogs(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/** The logs once they mention `text` (the logger writes asynchronously); fails after 10 s. */
export async function waitForLog(dir: string, text: string): Promise<string> {
  let log = '';
  await waitFor(`the log to mention "${text}"`, () => (log = readLogs(dir)).includes(text), 10_000);
  return log;
}

/** No connection is saved, and the tree is empty. */
export async function assertNothingSaved(api: WindmillUsersTestApi): Promise<void> {
  assert.deepEqual(api.connections.list(), []);
  assert.deepEqual(await snapshot(api), []);
}

// ---------------------------------------------------------------------------------------------
// Tree

export interface TreeSnapshot {
  node: UsersNode;
  label: string;
  description?: string;
  contextValue?: string;
  id?: string;
  tooltip?: string;
  children: TreeSnapshot[];
}

function text(v: string | vscode.TreeItemLabel | vscode.MarkdownString | boolean | undefined): string | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  if (typeof v === 'string') return v;
  if ('value' in v) return v.value;
  return v.label;
}

/**
 * Walks the whole Users tree through the provider, as the view would. The per-connection sections
 * ("Instance Users", "Tokens": they load lazily, when expanded) are left out unless
 * `opts.sections` is set, so the member groups stay the connection's only children here.
 */
export async function snapshot(api: WindmillUsersTestApi, node?: UsersNode, opts: { sections?: boolean } = {}): Promise<TreeSnapshot[]> {
  const children = (await api.tree.getChildren(node)).filter((c) => opts.sections || !isSectionNode(c));
  const out: TreeSnapshot[] = [];
  for (const child of children) {
    const item = api.tree.getTreeItem(child);
    out.push({
      node: child,
      label: text(item.label) ?? '',
      description: text(item.description),
      contextValue: item.contextValue,
      id: item.id,
      tooltip: text(item.tooltip as string | vscode.MarkdownString | undefined),
      children: item.collapsibleState === vscode.TreeItemCollapsibleState.None ? [] : await snapshot(api, child, opts),
    });
  }
  return out;
}

/** The tree after a first load: the load tells the caller's role or a rejected token, and the connection node redraws then. */
export async function loadedSnapshot(api: WindmillUsersTestApi): Promise<TreeSnapshot[]> {
  await snapshot(api);
  return snapshot(api);
}

function isSectionNode(node: UsersNode): boolean {
  return node.kind === 'instanceUsersSection' || node.kind === 'tokensSection';
}

/** The children of one section ("instanceUsers" or "tokens") of the first connection (or `connectionId`'s), loaded. */
export async function sectionSnapshot(api: WindmillUsersTestApi, section: 'instanceUsers' | 'tokens', connectionId?: string): Promise<{ section?: TreeSnapshot; children: TreeSnapshot[] }> {
  const roots = await snapshot(api, undefined, { sections: true });
  const root = connectionId ? roots.find((r) => r.node.connection.id === connectionId) : roots[0];
  const kind = section === 'instanceUsers' ? 'instanceUsersSection' : 'tokensSection';
  const found = root?.children.find((c) => c.node.kind === kind);
  return { section: found, children: found?.children ?? [] };
}

/** The role groups (Admins, Developers, Operators, Disabled) of a connection root; not Pending Invites or other sections. */
export function roleGroups(root: TreeSnapshot): TreeSnapshot[] {
  return root.children.filter((g) => g.node.kind === 'group');
}

/** "Admins 2" etc. for a connection root (role groups only). */
export function groupSummary(root: TreeSnapshot): string[] {
  return roleGroups(root).map((g) => `${g.label} ${g.description ?? ''}`.trim());
}

/** The member nodes under the roots (in role groups, or directly under a connection when flat). */
function memberNodes(roots: TreeSnapshot[]): TreeSnapshot[] {
  return roots.flatMap((r) => [...r.children.filter((c) => c.node.kind === 'member'), ...roleGroups(r).flatMap((g) => g.children)]);
}

export function findMember(roots: TreeSnapshot[], email: string): TreeSnapshot | undefined {
  return memberNodes(roots).find((m) => m.label === email);
}

export function allMemberEmails(roots: TreeSnapshot[]): string[] {
  return memberNodes(roots).map((m) => m.label).sort();
}

// ---------------------------------------------------------------------------------------------
// Scripted prompter

/** Thrown for a scripted "Back" press (runSteps recognises it by name). */
export class GoBack extends Error {
  constructor() { super('back'); this.name = 'GoBack'; }
}
export const BACK = Symbol('back');

type Matcher = string | RegExp;
export type Expectation =
  /** An input box whose title/prompt/placeholder matches; `answer` is typed (undefined = Escape). */
  | { kind: 'input'; match: Matcher; answer: string | undefined | typeof BACK }
  /** A quick pick whose title/placeholder matches; `answer` picks the first item whose label contains it. */
  | { kind: 'pick'; match: Matcher; answer: string | undefined | typeof BACK }
  | { kind: 'pickMany'; match: Matcher; answer: string[] | undefined | typeof BACK }
  /** A message with buttons or a modal one; `answer` is the button clicked (undefined = dismissed). */
  | { kind: 'message'; match: Matcher; severity?: Severity; answer?: string }
  /** The "shown once" secret dialog; `answer` is the button clicked. */
  | { kind: 'secret'; match: Matcher; answer?: string }
  /** An open / save dialog whose title matches; `answer` is a file path (undefined = cancelled). */
  | { kind: 'openFile'; match: Matcher; answer: string | undefined }
  | { kind: 'saveFile'; match: Matcher; answer: string | undefined };

export interface ShownMessage { severity: Severity; text: string; modal: boolean; detail?: string; buttons: string[]; scripted: boolean }
export interface AskedPrompt { kind: 'input' | 'pick' | 'pickMany'; title?: string; prompt?: string; placeholder?: string; step?: number; totalSteps?: number; password?: boolean; ignoreFocusOut?: boolean; canGoBack?: boolean; items?: string[]; picked?: string[] }

function matches(m: Matcher, text: string): boolean {
  return typeof m === 'string' ? text.toLowerCase().includes(m.toLowerCase()) : m.test(text);
}

/**
 * A Prompter that answers from a script, in order. A prompt that was not expected (or does not
 * match the next expectation) fails the test: it is recorded, and `assertDone()` throws. Non-modal
 * messages without buttons are only recorded (they ask nothing). Input validation runs like the
 * real input box: an answer that the validator rejects is recorded in `validationMessages` and the
 * same prompt takes the next scripted answer (the person typing again).
 */
export class ScriptedPrompter implements Prompter {
  readonly messages: ShownMessage[] = [];
  readonly secrets: { message: string; secret: string; detail?: string }[] = [];
  readonly validationMessages: string[] = [];
  readonly asked: AskedPrompt[] = [];
  /** The open / save dialogs shown, in order. */
  readonly dialogs: { kind: 'openFile' | 'saveFile'; title: string; filters?: Record<string, string[]>; defaultUri?: string }[] = [];
  readonly failures: string[] = [];
  private readonly script: Expectation[];

  constructor(script: Expectation[]) {
    this.script = [...script];
  }

  get remaining(): readonly Expectation[] {
    return this.script;
  }

  /**
   * Fails when a prompt was unexpected, when scripted answers were not used, or when an error
   * message was shown that the script did not expect.
   */
  assertDone(): void {
    assert.deepEqual(this.failures, [], `unexpected prompts: ${this.failures.join(' | ')}`);
    const errors = this.messages.filter((m) => m.severity === 'error' && !m.scripted).map((m) => m.text);
    assert.deepEqual(errors, [], 'no unexpected error message');
    assert.deepEqual(this.script.map((e) => `${e.kind} ${String(e.match)}`), [], 'every scripted answer was used');
  }

  /** Texts of the messages shown with a given severity. */
  shown(severity?: Severity): string[] {
    return this.messages.filter((m) => !severity || m.severity === severity).map((m) => m.text);
  }

  private take<K extends Expectation['kind']>(kind: K, text: string): Extract<Expectation, { kind: K }> {
    const next = this.script[0];
    if (!next || next.kind !== kind || !matches(next.match, text)) {
      const what = next ? `expected ${next.kind} matching ${String(next.match)}` : 'the script is finished';
      const failure = `${kind} "${text}" (${what})`;
      this.failures.push(failure);
      throw new Error(`ScriptedPrompter: unexpected ${failure}`);
    }
    this.script.shift();
    return next as Extract<Expectation, { kind: K }>;
  }

  async input(options: InputOptions): Promise<string | undefined> {
    this.asked.push({ kind: 'input', title: options.title, prompt: options.prompt, placeholder: options.placeholder, step: options.step, totalSteps: options.totalSteps, password: options.password, ignoreFocusOut: options.ignoreFocusOut, canGoBack: options.canGoBack });
    const text = [options.title, options.prompt, options.placeholder].filter(Boolean).join(' | ');
    for (;;) {
      const e = this.take('input', text);
      if (e.answer === BACK) {
        assert.ok(options.canGoBack, `Back pressed on a prompt without a Back button: ${text}`);
        throw new GoBack();
      }
      if (e.answer === undefined) return undefined;
      const invalid = options.validateInput?.(e.answer);
      if (invalid) {
        this.validationMessages.push(invalid);
        continue; // the box stays open: the next scripted answer is typed into it
      }
      return e.answer;
    }
  }

  async pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    const labels = items.map((i) => i.label);
    this.asked.push({ kind: 'pick', title: options.title, placeholder: options.placeholder, step: options.step, totalSteps: options.totalSteps, canGoBack: options.canGoBack, items: labels });
    const e = this.take('pick', [options.title, options.placeholder].filter(Boolean).join(' | '));
    if (e.answer === BACK) throw new GoBack();
    if (e.answer === undefined) return undefined;
    const answer = e.answer;
    const item = items.find((i) => i.label.toLowerCase().includes(answer.toLowerCase()));
    if (!item) {
      this.failures.push(`pick: no item "${answer}" in [${labels.join(', ')}]`);
      throw new Error(`ScriptedPrompter: no item "${answer}" in [${labels.join(', ')}]`);
    }
    return item.value;
  }

  async pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined> {
    const labels = items.map((i) => i.label);
    this.asked.push({ kind: 'pickMany', title: options.title, placeholder: options.placeholder, step: options.step, totalSteps: options.totalSteps, items: labels, picked: items.filter((i) => i.picked).map((i) => i.label) });
    const e = this.take('pickMany', [options.title, options.placeholder].filter(Boolean).join(' | '));
    if (e.answer === BACK) throw new GoBack();
    if (e.answer === undefined) return undefined;
    return e.answer.map((a) => {
      const item = items.find((i) => i.label.includes(a));
      if (!item) throw new Error(`ScriptedPrompter: no item "${a}"`);
      return item.value;
    });
  }

  async message(severity: Severity, text: string, options: MessageOptions = {}, ...buttons: string[]): Promise<string | undefined> {
    const modal = options.modal ?? false;
    const shown: ShownMessage = { severity, text, modal, detail: options.detail, buttons, scripted: false };
    this.messages.push(shown);
    // A non-modal toast is an expectation only when the script names it next (an error's
    // "Show Log" toast, say); otherwise it is just recorded (assertDone fails on unexpected errors).
    const next = this.script[0];
    if (!modal && !(next?.kind === 'message' && matches(next.match, `${text} ${options.detail ?? ''}`))) return undefined;
    const e = this.take('message', `${text} ${options.detail ?? ''}`);
    shown.scripted = true;
    if (e.severity && e.severity !== severity) {
      this.failures.push(`message "${text}" has severity ${severity}, expected ${e.severity}`);
    }
    if (e.answer !== undefined && !buttons.includes(e.answer)) {
      this.failures.push(`message "${text}" has no button "${e.answer}" (buttons: ${buttons.join(', ')})`);
      return undefined;
    }
    return e.answer;
  }

  async showSecretOnce(options: SecretOptions): Promise<string | undefined> {
    this.secrets.push({ message: options.message, secret: options.secret, detail: options.detail });
    const e = this.take('secret', options.message);
    if (e.answer !== undefined && e.answer !== options.copyLabel && !(options.actions ?? []).includes(e.answer)) {
      this.failures.push(`secret dialog has no button "${e.answer}"`);
      return undefined;
    }
    return e.answer;
  }

  async openFile(options: FileDialogOptions): Promise<vscode.Uri | undefined> {
    return this.fileDialog('openFile', options);
  }

  async saveFile(options: FileDialogOptions): Promise<vscode.Uri | undefined> {
    return this.fileDialog('saveFile', options);
  }

  private fileDialog(kind: 'openFile' | 'saveFile', options: FileDialogOptions): vscode.Uri | undefined {
    this.dialogs.push({ kind, title: options.title, filters: options.filters, defaultUri: options.defaultUri?.toString() });
    const e = this.take(kind, options.title);
    return e.answer === undefined ? undefined : vscode.Uri.file(e.answer);
  }
}

/** Installs a scripted prompter and returns it. */
export function script(api: WindmillUsersTestApi, expectations: Expectation[]): ScriptedPrompter {
  const p = new ScriptedPrompter(expectations);
  api.setPrompter(p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Other servers

/** A port where nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A local web server that answers every request with an HTML page (not Windmill). */
export async function htmlServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

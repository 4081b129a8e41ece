// UI: the VSIX a person would install. Built once (vsce package: the production bundle), installed
// into a fresh code-server with code-server's own CLI (--install-extension), then the workbench is
// opened WITHOUT the extension under development: the activity bar item, the welcome view of a fresh
// profile, "Windmill: Add Connection…" run from the palette and answered with the keyboard, and the
// demo members in the tree, all served by the installed copy.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_WORKSPACE, DEVELOPER, OPERATOR, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import { importEsm } from '../esm';
import {
  ROOT, answer, escapeRe, groupRow, memberRow, openWorkbench, runCommand, settle, treeRow, waitForTreeLoaded, type Workbench,
} from './workbench';

interface Sandbox { dir: string; env: Record<string, string>; dispose(): void }

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
/** The folder code-server unpacks the VSIX into: publisher.name-version. */
const INSTALLED_FOLDER = `${pkg.publisher}.${pkg.name}-${pkg.version}`;

/** Runs a node script; throws with its output when it fails. */
function node(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; what: string; timeoutMs?: number }): string {
  const r = spawnSync(process.execPath, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${opts.what} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${output.slice(-3000)}`);
  return output;
}

describe('UI: the VSIX installed into code-server', function () {
  this.timeout(60_000);
  let wb: Workbench | undefined;
  let sandbox: Sandbox | undefined;
  let installOutput = '';

  before(async function () {
    this.timeout(240_000);
    const cs = await importEsm<{ makeSandbox(prefix?: string): Sandbox }>(path.join(ROOT, 'scripts', 'code-server.mjs'));
    const host = await importEsm<{ codeServerEntry: string }>(path.join(ROOT, 'scripts', 'host-install.mjs'));
    sandbox = cs.makeSandbox('wmu-vsix-');
    const vsix = path.join(sandbox.dir, `${pkg.name}-${pkg.version}.vsix`);
    try {
      // vscode:prepublish runs the l10n export and the production bundle into dist/.
      node([path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], { what: 'vsce package' });
    } finally {
      // Later layers and test files load dist/ in development mode: the development bundle again.
      node(['esbuild.mjs'], { what: 'the development bundle (node esbuild.mjs)' });
    }
    assert.ok(fs.statSync(vsix).size > 0, 'the VSIX was written');

    const extensionsDir = path.join(sandbox.dir, 'ext');
    installOutput = node([
      host.codeServerEntry, '--user-data-dir', path.join(sandbox.dir, 'ud'), '--extensions-dir', extensionsDir, '--install-extension', vsix,
    ], { env: { ...process.env, ...sandbox.env }, what: 'code-server --install-extension' });
    wb = await openWorkbench({ extensionsDir });
  });
  after(async () => {
    await wb?.close();
    sandbox?.dispose();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const file = await wb?.capture(this.currentTest.fullTitle());
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  it('code-server --install-extension unpacks it (the production bundle, no sources)', () => {
    assert.ok(sandbox);
    const dir = path.join(sandbox.dir, 'ext', INSTALLED_FOLDER);
    assert.ok(fs.existsSync(dir), `${INSTALLED_FOLDER} is in the extensions folder (install said: ${installOutput.trim()})`);
    assert.match(installOutput, /successfully installed/i);
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, pkg.version);
    const bundle = fs.readFileSync(path.join(dir, 'dist', 'extension.js'), 'utf8');
    assert.ok(!bundle.includes('sourceMappingURL'), 'the production bundle (no source map)');
    for (const leak of ['src', 'test', 'node_modules', 'out']) assert.ok(!fs.existsSync(path.join(dir, leak)), `no ${leak}/ in the installed extension`);
  });

  it('in a fresh profile: the Windmill view welcomes with "Add Connection"; the palette command connects; the demo members appear', async () => {
    assert.ok(wb);
    const { page, emulator } = wb;
    const icon = page.locator('.activitybar .action-item a.action-label[aria-label^="Windmill"]').first();
    await icon.waitFor({ state: 'visible', timeout: 30_000 });
    await icon.click();
    await page.locator('.sidebar .composite.title', { hasText: /Windmill/i }).waitFor({ state: 'visible' });
    await page.mouse.move(900, 700);

    const welcome = page.locator('.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await welcome.innerText(), /Connect to a Windmill instance/);
    assert.ok(await welcome.getByRole('button', { name: 'Add Connection' }).isVisible(), 'the welcome view offers "Add Connection"');
    assert.equal(await treeRow(page, /^Connection /).count(), 0, 'no connection in a fresh profile');

    await runCommand(page, 'Windmill: Add Connection…');
    await answer(page, 'Windmill instance URL', emulator.url);
    await answer(page, 'Workspace id', DEMO_WORKSPACE);
    await answer(page, 'Windmill token', SUPERADMIN.token);

    const host = `127\\.0\\.0\\.1:${emulator.port}`;
    await treeRow(page, new RegExp(`^Connection .* on ${host} as ${escapeRe(SUPERADMIN.email)}$`)).waitFor({ timeout: 30_000 });
    await waitForTreeLoaded(page);
    assert.ok(!await welcome.isVisible(), 'the welcome view is gone');
    const members = (await wb.members()).filter((m) => !m.disabled);
    await groupRow(page, 'Developers', members.filter((m) => m.role === 'developer').length).waitFor({ timeout: 15_000 });
    await settle(page);
    for (const seeded of [SUPERADMIN, WORKSPACE_ADMIN, DEVELOPER, OPERATOR]) {
      await memberRow(page, seeded.email).waitFor({ state: 'visible', timeout: 10_000 });
    }
  });
});

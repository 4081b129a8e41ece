#!/usr/bin/env node
// `npm test`: installs what is missing, type-checks, lints, bundles, runs the unit tests (plain mocha)
// and the integration tests inside a real VS Code extension host against the Windmill emulator, and the
// UI tests (playwright-core driving the real workbench), then prints one line of totals over all layers:
// "N passed, N failed".
//   --unit          unit tests only (with type-check)      --integration   integration tests only
//   --ui            UI tests only                          --no-ui         skip the UI tests (said so)
//   --no-checks     skip type-check and lint               env WINDMILL_TEST_GREP filters the test layers
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureNodeModules, root } from './deps.mjs';

process.chdir(root);
const argv = process.argv.slice(2);
const onlyUnit = argv.includes('--unit');
const onlyIntegration = argv.includes('--integration');
const onlyUi = argv.includes('--ui');
const noUi = argv.includes('--no-ui');
const checks = !argv.includes('--no-checks');
const require = createRequire(import.meta.url);

async function step(title, fn) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${title}\n`);
  const r = await fn();
  process.stdout.write(`--- ${title}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
}
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  return r.status === 0;
}

// 1. Dependencies: npm ci when node_modules is missing or older than the lock file.
ensureNodeModules();

const failedSteps = [];
let passed = 0;
let failed = 0;

// 2. Compile (tsc doubles as the type-check), lint, bundle.
removeStaleOutput();
if (!await step('type-check and compile (tsc)', () => sh(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.']))) failedSteps.push('type-check');
if (checks && !onlyUnit && !onlyIntegration && !onlyUi) {
  if (!await step('lint (eslint)', () => sh(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), 'src', 'test', 'scripts', 'esbuild.mjs']))) failedSteps.push('lint');
}
if (!await step('bundle (esbuild)', () => sh(process.execPath, ['esbuild.mjs']))) failedSteps.push('bundle');

// 3. Unit tests: plain mocha, no VS Code.
if (!onlyIntegration && !onlyUi && !failedSteps.includes('type-check')) {
  const r = await step('unit tests (mocha)', () => runUnit());
  passed += r.passed;
  failed += r.failed;
}

// 4. Integration tests in a real VS Code host against the emulator.
if (!onlyUnit && !onlyUi && !failedSteps.includes('type-check') && !failedSteps.includes('bundle')) {
  const r = await step('integration tests (VS Code extension host)', () => runIntegration());
  passed += r.passed;
  failed += r.failed;
}

// 5. UI tests: playwright-core drives the real workbench (code-server + Chromium) with keyboard and mouse.
if (!onlyUnit && !onlyIntegration && noUi) {
  console.log('\n=== UI tests (playwright, real workbench): SKIPPED (--no-ui)');
} else if (!onlyUnit && !onlyIntegration && !failedSteps.includes('type-check') && !failedSteps.includes('bundle')) {
  const r = await step('UI tests (playwright, real workbench)', () => runUi());
  passed += r.passed;
  failed += r.failed;
}

if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || failedSteps.length ? 1 : 0);

/** Deletes compiled files whose TypeScript source is gone (never the whole out/: runs may overlap). */
function removeStaleOutput() {
  const out = join(root, 'out');
  if (!existsSync(out)) return;
  for (const f of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*)\.js(\.map)?$/.exec(f);
    if (m && !existsSync(join(root, `${m[1]}.ts`))) rmSync(join(out, f), { force: true });
  }
}

/** Runs the compiled *.test.js files of one layer with mocha in this process; no file found is a failure. */
function runMocha(layer, options) {
  const dir = join(root, 'out', 'test', layer);
  const files = existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.js')) : [];
  if (files.length === 0) {
    console.error(`No ${layer} tests found in ${dir}.`);
    return { passed: 0, failed: 1 };
  }
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', ...options });
  if (process.env.WINDMILL_TEST_GREP) mocha.grep(process.env.WINDMILL_TEST_GREP);
  for (const f of files.sort()) mocha.addFile(join(dir, f));
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats.passes, failed: runner.stats.failures }));
  });
}

/** Installs the offline VS Code host if needed; false (with the reason printed) when it cannot. */
async function hostReady() {
  const { ensureHost } = await import('./host-install.mjs');
  try {
    ensureHost();
    return true;
  } catch (e) {
    console.error(String(e?.message ?? e));
    return false;
  }
}

function runUnit() {
  return runMocha('unit', { timeout: 10_000 });
}

async function runIntegration() {
  const { runTests } = require('@vscode/test-electron');
  const desktop = process.env.WINDMILL_DESKTOP_VSCODE === '1' || process.platform !== 'linux';
  if (!desktop && !(await hostReady())) return { passed: 0, failed: 1 };
  const { startEmulator } = require(join(root, 'out', 'test', 'emulator', 'emulator.js'));
  const emulator = await startEmulator({ port: 0 });
  const results = join(tmpdir(), `windmill-users-results-${process.pid}.json`);
  rmSync(results, { force: true });
  try {
    await runTests({
      vscodeExecutablePath: desktop ? undefined : join(root, 'scripts', 'vscode-host.mjs'),
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { WINDMILL_EMULATOR_URL: emulator.url, WINDMILL_TEST_RESULTS: results },
    });
  } catch (e) {
    console.error(`Integration run ended with an error: ${e?.message ?? e}`);
  } finally {
    await emulator.close();
  }
  if (!existsSync(results)) {
    console.error('The integration suite reported no results (the host failed before the suite ran).');
    return { passed: 0, failed: 1 };
  }
  const r = JSON.parse(readFileSync(results, 'utf8'));
  rmSync(results, { force: true });
  return { passed: r.passed, failed: r.failed };
}

async function runUi() {
  if (!(await hostReady())) return { passed: 0, failed: 1 };
  return runMocha('ui', { timeout: 60_000, slow: 15_000 });
}

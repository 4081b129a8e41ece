#!/usr/bin/env node
// Installs the offline VS Code host (code-server + Debian Chromium) into .vscode-test/.
// Idempotent and cached: a marker file says the install finished. Uses only the npm registry and
// Debian's packages (see README "Development").
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, rmSync, chmodSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const hostDir = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const marker = join(hostDir, '.installed');
const DEBIAN_PACKAGES = ['chromium', 'fonts-liberation', 'ripgrep', 'libkrb5-dev', 'pkg-config', 'openssl'];

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

function have(cmd) {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

function installed(pkg) {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return status.includes('install ok installed');
  } catch {
    return false;
  }
}

function ensureDebianPackages() {
  if (!have('dpkg-query')) return; // not Debian/Ubuntu: the README says what to install by hand
  const missing = DEBIAN_PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  if (!have('apt-get')) {
    throw new Error(`Missing system packages: ${missing.join(', ')}. Install Chromium and ripgrep with your package manager (README, "Development").`);
  }
  const asRoot = process.getuid?.() === 0;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => (asRoot ? run('apt-get', args, { env }) : run('sudo', ['apt-get', ...args], { env }));
  console.log(`[host] installing Debian packages: ${missing.join(', ')}`);
  apt('update', '-qq');
  apt('install', '-y', '-qq', ...missing);
}

function ensureCodeServer() {
  if (existsSync(marker)) return;
  console.log(`[host] installing code-server ${CODE_SERVER_VERSION} into ${hostDir} (once, about a minute)`);
  rmSync(hostDir, { recursive: true, force: true });
  mkdirSync(hostDir, { recursive: true });
  const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || '/usr', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  writeFileSync(join(hostDir, 'package.json'), JSON.stringify({ name: 'vscode-test-host', private: true }));
  run('npm', ['install', '--no-save', '--prefix', hostDir, '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { env });
  run('npm', ['rebuild', 'argon2'], { env, cwd: hostDir });
  const vscodeDir = join(hostDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], { env, cwd: vscodeDir });
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  run('npm', ['rebuild'], { env, cwd: vscodeDir });
  const link = (target, path) => { rmSync(path, { force: true }); symlinkSync(target, path); };
  link('node_modules', join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev'], { env, cwd: join(vscodeDir, 'extensions') });
  writeFileSync(marker, new Date().toISOString() + '\n');
  console.log('[host] code-server ready');
}

export function ensureHost() {
  ensureDebianPackages();
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (set CHROMIUM_PATH).`);
  ensureCodeServer();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try { ensureHost(); } catch (e) { console.error(String(e instanceof Error ? e.message : e)); process.exit(1); }
}

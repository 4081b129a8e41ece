// Starts and stops a code-server (VS Code server + web workbench) installed by host-install.mjs.
// Every piece of state (HOME, XDG folders, user data, extensions, TMPDIR) lives in a temp folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { codeServerEntry } from './host-install.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway HOME with XDG folders inside, for code-server and the browser. */
export function makeSandbox(prefix = 'wmu-host-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const d of ['home', 'config', 'data', 'cache', 'tmp', 'ud', 'ext', 'browser']) mkdirSync(join(dir, d), { recursive: true });
  const env = {
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    TMPDIR: join(dir, 'tmp'),
  };
  return { dir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts code-server on 127.0.0.1:port. Resolves once it listens.
 * @param {{ port: number, sandbox: ReturnType<typeof makeSandbox>, env?: Record<string,string>, extensionsDir?: string, onOutput?: (s: string) => void }} o
 */
export function startCodeServer(o) {
  const { port, sandbox } = o;
  writeFileSync(join(sandbox.dir, 'config.yaml'), 'auth: none\ncert: false\n');
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', join(sandbox.dir, 'config.yaml'),
    '--user-data-dir', join(sandbox.dir, 'ud'),
    '--extensions-dir', o.extensionsDir ?? join(sandbox.dir, 'ext'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...sandbox.env, ...(o.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`code-server did not start in 60 s:\n${seen.slice(-2000)}`)); }, 60_000);
    const onData = (buf) => {
      const s = buf.toString();
      o.onOutput?.(s);
      if (seen !== null) {
        seen += s;
        if (seen.includes('HTTP server listening on')) {
          seen = null;
          clearTimeout(timer);
          resolve({
            url: `http://127.0.0.1:${port}`,
            child,
            stop: () => new Promise((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 3000).unref();
            }),
          });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { if (seen !== null) { clearTimeout(timer); reject(new Error(`code-server exited (${code}):\n${seen.slice(-2000)}`)); } });
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** The workbench URL that loads the extension under development (and optionally a test suite). */
export function workbenchUrl(base, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const authority = base.replace(/^https?:\/\//, '');
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
  payload.push(['skipWelcome', 'true']);
  return `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

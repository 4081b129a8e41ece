#!/usr/bin/env node
// `npm start`: the extension live in a real VS Code (code-server, in your browser) against the project's
// Windmill emulator seeded with demo data. Installs what is missing, builds, starts both, prints the URL.
// Ctrl+C stops everything.
//   env WINDMILL_EMULATOR_PORT (default 8000), WINDMILL_VSCODE_PORT (default 8080), WINDMILL_EMULATOR_MEMBERS
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules, root } from './deps.mjs';

ensureNodeModules();
const require = createRequire(import.meta.url);
const { ensureHost } = await import('./host-install.mjs');
const { freePort, makeSandbox, startCodeServer, workbenchUrl } = await import('./code-server.mjs');
const { SUPERADMIN, DEMO_WORKSPACE } = await (async () => {
  build();
  return require(join(root, 'out', 'test', 'emulator', 'seed.js'));
})();

function build() {
  for (const args of [[require.resolve('typescript/bin/tsc'), '-p', '.'], ['esbuild.mjs']]) {
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) { console.error(`Build failed: ${args.join(' ')}`); process.exit(1); }
  }
}

async function portOr(preferred) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => freePort().then(resolve));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

ensureHost();
const { startEmulator } = require(join(root, 'out', 'test', 'emulator', 'emulator.js'));
const emulator = await startEmulator({
  port: await portOr(Number(process.env.WINDMILL_EMULATOR_PORT || 8000)),
  members: Number(process.env.WINDMILL_EMULATOR_MEMBERS || 0),
});
const sandbox = makeSandbox('wmu-start-');
const folder = join(sandbox.dir, 'home', 'demo');
mkdirSync(folder, { recursive: true });
const port = await portOr(Number(process.env.WINDMILL_VSCODE_PORT || 8080));
// Dev-only: the extension, running in Development mode, adds this emulator connection through its own
// Add Connection checks and keeps the token in SecretStorage. It is the emulator's seeded demo token.
const devConnection = JSON.stringify({ remote: emulator.url, workspace: DEMO_WORKSPACE, token: SUPERADMIN.token, label: 'demo (emulator)' });
const server = await startCodeServer({ port, sandbox, env: { WINDMILL_USERS_DEV_CONNECTION: devConnection } });
const url = workbenchUrl(server.url, { folder, extensionDevelopmentPath: root });

console.log(`
Windmill emulator: ${emulator.url}   (workspace "${DEMO_WORKSPACE}", superadmin ${SUPERADMIN.email})
VS Code with Windmill Users, open this URL in your browser:

  ${url}

The demo connection is added for you; to add it by hand use the URL above, workspace "${DEMO_WORKSPACE}"
and the emulator's demo token ${SUPERADMIN.token} (a fake, local-only token).
Press Ctrl+C to stop.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await server.stop();
  await emulator.close();
  sandbox.dispose();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.once('exit', () => { if (!stopping) { console.error('code-server exited.'); stop(); } });

#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests() on machines where desktop VS Code
// cannot be downloaded: it reads --extensionDevelopmentPath= and --extensionTestsPath= like VS Code does,
// runs the suite in a real extension host (code-server) opened by headless Chromium (playwright-core), and
// exits with the suite's code (0 green, 1 red, 2 the host failed). Environment variables reach the host.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumPath } from './host-install.mjs';
import { freePort, makeSandbox, startCodeServer, workbenchUrl, CHROMIUM_ARGS } from './code-server.mjs';

const arg = (name) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? resolve(hit.slice(name.length + 3)) : undefined;
};
const extensionDevelopmentPath = arg('extensionDevelopmentPath');
const extensionTestsPath = arg('extensionTestsPath');
if (!extensionDevelopmentPath || !extensionTestsPath) {
  console.error('usage: vscode-host.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
  process.exit(2);
}
const timeoutMs = Number(process.env.WINDMILL_HOST_TIMEOUT_MS || 15 * 60_000);
const verbose = !!process.env.WINDMILL_HOST_VERBOSE;
// The workbench's own chatter (this host is offline: its marketplace look-ups fail); the suite's output stays.
const NOISE = [/open-vsx\.org/, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Updating additional builtin/, /^\[Service Worker\]/, /^ChatSessionStore/];

const sandbox = makeSandbox();
let server;
let browser;
let exitCode = 2;
try {
  const port = await freePort();
  server = await startCodeServer({ port, sandbox, onOutput: verbose ? (s) => process.stderr.write(`[code-server] ${s}`) : undefined });
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, env: { ...process.env, ...sandbox.env } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const done = new Promise((resolveDone) => {
    page.exposeFunction('codeAutomationLog', (type, args) => {
      const list = Array.isArray(args) ? args : [args];
      if (!verbose && typeof list[0] === 'string' && NOISE.some((re) => re.test(list[0]))) return;
      const fn = typeof console[type] === 'function' ? console[type] : console.log;
      fn(...list);
    });
    page.exposeFunction('codeAutomationExit', (code) => resolveDone(Number(code)));
  });
  if (verbose) page.on('console', (m) => process.stderr.write(`[browser] ${m.text()}\n`));
  const folder = extensionDevelopmentPath;
  await page.goto(workbenchUrl(server.url, { folder, extensionDevelopmentPath, extensionTestsPath }));
  let timer;
  const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    const shots = join(process.cwd(), '.vscode-test', 'failures');
    mkdirSync(shots, { recursive: true });
    const file = join(shots, `timeout-${Date.now()}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    console.error(`The test suite did not finish within ${timeoutMs / 1000} s (screenshot: ${existsSync(file) ? file : 'none'}).`);
    exitCode = 2;
  } else {
    exitCode = result === 0 ? 0 : 1;
  }
} catch (e) {
  console.error(`The VS Code host failed: ${e instanceof Error ? e.stack : e}`);
  exitCode = 2;
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  sandbox.dispose();
}
process.exit(exitCode);

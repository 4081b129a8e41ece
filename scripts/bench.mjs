#!/usr/bin/env node
// `npm run bench`: printed figures (not a timed test) for issue 6's benchmark, against the project's
// Windmill emulator on loopback, side by side with the official CLI (`wmill` from the npm package
// windmill-cli, installed on demand into .vscode-test/, never into package.json).
// Each timing is the median of --runs runs. Prints a table at the end. Compiles into .vscode-test/bench-out
// (not out/, which `npm test` deletes and rebuilds) and leaves the development bundle in dist/.
//   --runs N        runs per figure (default 5)         --cli-runs N  runs of the slow CLI loop (default min(runs, 3))
//   --cli-users N   users in the measured CLI loop (default 50, extrapolated to --bulk-users; 500 = no extrapolation)
//   --bulk-users N  users in the bulk add (default 500)      --members N   members for the refresh (default 10000)
//   --no-cli        skip everything that needs the CLI       --no-package  skip the VSIX
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { ensureNodeModules, root } from './deps.mjs';

export const CLI_VERSION = '1.819.0';
const cliDir = join(root, '.vscode-test', `windmill-cli-${CLI_VERSION}`);
const cliMain = join(cliDir, 'node_modules', 'windmill-cli', 'esm', 'main.js');
const cliMarker = join(cliDir, '.installed');
const require = createRequire(import.meta.url);
/** The bench compiles into its own folder: `npm test` deletes and rebuilds out/ while others work. */
const outDir = join(root, '.vscode-test', 'bench-out');

// ---------------------------------------------------------------------------------------------
// Arguments and small helpers

function parseArgs(argv) {
  const o = { runs: 5, cliRuns: undefined, cliUsers: 50, bulkUsers: 500, members: 10_000, cli: true, vsix: true };
  const num = (flag, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) { console.error(`${flag} must be a whole number >= ${min}`); process.exit(2); }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs': o.runs = num(flag, value(), 1); break;
      case '--cli-runs': o.cliRuns = num(flag, value(), 1); break;
      case '--cli-users': o.cliUsers = num(flag, value(), 1); break;
      case '--bulk-users': o.bulkUsers = num(flag, value(), 1); break;
      case '--members': o.members = num(flag, value(), 0); break;
      case '--no-cli': o.cli = false; break;
      case '--no-package': o.vsix = false; break;
      case '-h': case '--help':
        console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 9).join('\n'));
        process.exit(0);
        break;
      default: console.error(`unknown argument ${argv[i]} (see --help)`); process.exit(2);
    }
  }
  o.cliUsers = Math.min(o.cliUsers, o.bulkUsers);
  o.cliRuns ??= Math.min(o.runs, 3);
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x === undefined ? 'n/a' : x < 10 ? `${x.toFixed(2)} ms` : x < 1000 ? `${x.toFixed(1)} ms` : `${(x / 1000).toFixed(2)} s`);
const bytes = (n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`);
const spread = (xs) => (xs.length > 1 ? ` (runs: ${xs.map((x) => ms(x)).join(', ')})` : '');
const t00 = performance.now();
const progress = (line) => console.log(`  · [${((performance.now() - t00) / 1000).toFixed(1).padStart(5)} s] ${line}`);

function runNode(args, opts = {}) {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// ---------------------------------------------------------------------------------------------
// Build and the CLI install

function compile() {
  rmSync(outDir, { recursive: true, force: true });
  const tsc = runNode([require.resolve('typescript/bin/tsc'), '-p', '.', '--outDir', outDir]);
  if (!tsc.ok) {
    // tsc still emits on type errors; the figures then come from what compiled.
    console.log(`  ! tsc reported errors (others' work in progress?); measuring what it emitted:\n${tsc.out.split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n')}`);
  }
}

/** Builds dist/extension.js for production and keeps a copy (others may rebuild dist/ meanwhile). */
function bundleProduction() {
  const esb = runNode(['esbuild.mjs', '--production']);
  if (!esb.ok) throw new Error(`node esbuild.mjs --production failed:\n${esb.out}`);
  const copy = join(outDir, 'extension.production.js');
  copyFileSync(join(root, 'dist', 'extension.js'), copy);
  return copy;
}

/** Installs windmill-cli@CLI_VERSION into .vscode-test/ once (a marker file says it finished). */
export function ensureCli() {
  if (existsSync(cliMarker) && existsSync(cliMain)) return;
  console.log(`  · installing windmill-cli@${CLI_VERSION} into ${cliDir} (once)`);
  rmSync(cliDir, { recursive: true, force: true });
  mkdirSync(cliDir, { recursive: true });
  writeFileSync(join(cliDir, 'package.json'), JSON.stringify({ name: 'windmill-cli-bench', private: true }));
  execFileSync('npm', ['install', '--prefix', cliDir, '--no-save', '--no-audit', '--no-fund', `windmill-cli@${CLI_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!existsSync(cliMain)) throw new Error(`windmill-cli installed but ${cliMain} is missing`);
  writeFileSync(cliMarker, new Date().toISOString() + '\n');
}

// ---------------------------------------------------------------------------------------------
// The emulator (a child process, so the client and the server do not share one event loop)

async function startEmulatorProcess() {
  const child = spawn(process.execPath, [join(outDir, 'test', 'emulator', 'main.js'), '--port', '0', '--quiet'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${err}`)));
  });
  const control = async (method, what, body) => {
    const res = await fetch(`${url}/_emulator/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`/_emulator/${what}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    reset: (members = 0) => control('POST', 'reset', { members }),
    requests: () => control('GET', 'requests'),
    state: () => control('GET', 'state'),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// a. Bundle, VSIX, require() cost

const PROBE = `
const Module = require('module');
const { performance } = require('perf_hooks');
const requested = new Set();
const stub = new Proxy(function () {}, {
  get: (_t, p) => (p === 'then' || p === '__esModule' || typeof p === 'symbol' ? undefined : stub),
  apply: () => stub,
  construct: () => stub,
});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return stub;
  requested.add(request);
  return load.call(this, request, parent, isMain);
};
const sym = Symbol.for('undici.globalDispatcher.1');
const before = globalThis[sym] !== undefined;
const t0 = performance.now();
const ext = require(process.argv[1]);
const t1 = performance.now();
requested.delete(process.argv[1]);
const undici = !before && (globalThis[sym] !== undefined || [...requested].some((r) => r === 'undici' || r.startsWith('undici/')));
process.stdout.write(JSON.stringify({ ms: t1 - t0, undici, activate: typeof ext.activate, modules: [...requested].sort() }));
`;

function requireProbe(file) {
  const r = spawnSync(process.execPath, ['-e', PROBE, file], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`require probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The probe must notice undici: requiring undici itself has to read as "loaded". */
function probeSelfCheck() {
  return requireProbe(require.resolve('undici')).undici === true;
}

function vsixSize(pkg) {
  if (!pkg.scripts?.package) return { note: 'skipped: no "package" script in package.json' };
  const file = join(root, `${pkg.name}-${pkg.version}.vsix`);
  const t0 = performance.now();
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
  const took = performance.now() - t0;
  if (r.status !== 0 || !existsSync(file)) {
    const why = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-3).join(' | ');
    return { note: `npm run package failed: ${why}` };
  }
  return { size: statSync(file).size, file, took };
}

// ---------------------------------------------------------------------------------------------
// b. Refresh of a big workspace

/** An undici Agent whose sockets are remembered, to count the bytes on the wire. */
function countingAgent(undici, opts) {
  const sockets = new Set();
  const connector = undici.buildConnector({});
  const agent = new undici.Agent({
    ...opts,
    connect: (o, cb) => connector(o, (err, socket) => {
      if (socket) sockets.add(socket);
      cb(err, socket);
    }),
  });
  const total = () => {
    let read = 0, written = 0;
    for (const s of sockets) { read += s.bytesRead; written += s.bytesWritten; }
    return { read, written };
  };
  return { agent, total };
}

/** A VS Code-free tree-model builder in src/tree/, if one exists (the hook: export buildTreeModel(members)). */
function findTreeBuilder() {
  const dir = join(outDir, 'src', 'tree');
  if (!existsSync(dir)) return { note: 'no src/tree/' };
  const tried = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.js')).sort()) {
    try {
      const mod = require(join(dir, f));
      if (typeof mod.buildTreeModel === 'function') return { fn: mod.buildTreeModel, name: `${f}: buildTreeModel` };
      tried.push(`${f} (no buildTreeModel export)`);
    } catch (e) {
      tried.push(`${f} (${/vscode/.test(String(e?.message)) ? 'needs vscode' : 'does not load'})`);
    }
  }
  return { note: `no VS Code-free builder: ${tried.join(', ')}` };
}

async function benchRefresh(emu, o, undici, WindmillClient, token) {
  await emu.reset(o.members);
  const { agent, total } = countingAgent(undici, { keepAliveTimeout: 30_000 });
  let responded = 0;
  const client = new WindmillClient({ remote: emu.url, token, dispatcher: agent, onRequest: () => { responded = performance.now(); } });
  const expected = o.members + 6; // the seed's 6 members of demo
  await client.listMembers('demo'); // warm-up: connection, JIT
  const req = [], parse = [], tree = [], wire = [];
  const builder = findTreeBuilder();
  let count = 0;
  for (let i = 0; i < o.runs; i++) {
    const before = total();
    const t0 = performance.now();
    const members = await client.listMembers('demo');
    const t1 = performance.now();
    const after = total();
    req.push(responded - t0);
    parse.push(t1 - responded);
    wire.push({ read: after.read - before.read, written: after.written - before.written });
    count = members.length;
    if (builder.fn) {
      const t2 = performance.now();
      builder.fn(members);
      tree.push(performance.now() - t2);
    }
  }
  await agent.close();
  if (count !== expected) throw new Error(`listMembers returned ${count} members, expected ${expected}`);
  return { req, parse, tree, builder, wire: wire[wire.length - 1], count };
}

// ---------------------------------------------------------------------------------------------
// c. Bulk add: the extension's path vs the CLI loop

const PASSWORD = 'Bench-Passw0rd-Not-Secret';
const benchRows = (n, prefix) => Array.from({ length: n }, (_, i) => ({
  line: i + 2, email: `${prefix}${String(i + 1).padStart(4, '0')}@bench.example`, name: `Bench User ${i + 1}`,
  role: 'developer', superadmin: false, password: PASSWORD,
}));

function loadRunner() {
  const file = join(outDir, 'src', 'bulk', 'runner.js');
  if (!existsSync(file)) return { note: 'src/bulk/runner.js not built yet' };
  try {
    const mod = require(file);
    if (typeof mod.runBulkAdd !== 'function') return { note: 'src/bulk/runner.js has no runBulkAdd export' };
    return { fn: mod.runBulkAdd };
  } catch (e) {
    return { note: `src/bulk/runner.js does not load without VS Code (${String(e?.message).split('\n')[0]})` };
  }
}

/** Until the runner exists: the calls the bulk flow makes (createUser + addUserToWorkspace), 8 at a time. */
async function clientLoop(client, rows, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const r = rows[next++];
      await client.createUser({ email: r.email, password: r.password, super_admin: false, name: r.name });
      await client.addUserToWorkspace('demo', { email: r.email, is_admin: false, operator: false });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function countCreated(emu, suffix = '@bench.example') {
  const s = await emu.state();
  const users = s.users.filter((u) => u.email.endsWith(suffix)).length;
  const members = s.workspaces.demo.members.filter((m) => m.email.endsWith(suffix)).length;
  return { users, members };
}

async function benchBulkExtension(emu, o, undici, WindmillClient, token) {
  const runner = loadRunner();
  const times = [];
  let requests = 0, created;
  for (let i = 0; i < o.runs; i++) {
    await emu.reset(0);
    const agent = new undici.Agent({ connections: 8, keepAliveTimeout: 30_000 });
    const client = new WindmillClient({ remote: emu.url, token, dispatcher: agent });
    const rows = benchRows(o.bulkUsers, 'ext');
    const t0 = performance.now();
    if (runner.fn) {
      const report = await runner.fn(client, rows, {
        workspace: 'demo', concurrency: 8, createInstanceUsers: true, generatePassword: () => PASSWORD,
      });
      if (report?.counts && report.counts.succeeded !== rows.length) {
        throw new Error(`runBulkAdd reported ${report.counts.succeeded} of ${rows.length} rows succeeded: ${JSON.stringify(report.rows.find((x) => x.outcome === 'failed'))}`);
      }
    } else {
      await clientLoop(client, rows, 8);
    }
    times.push(performance.now() - t0);
    await agent.close();
    requests = (await emu.requests()).length;
    created = await countCreated(emu);
    if (created.users !== o.bulkUsers || created.members !== o.bulkUsers) {
      throw new Error(`bulk add (extension) created ${created.users} users / ${created.members} members of ${o.bulkUsers}`);
    }
  }
  const how = runner.fn
    ? 'runBulkAdd, concurrency 8, keep-alive undici Agent'
    : `${runner.note}: the same client calls (createUser + addUserToWorkspace), 8 at a time, keep-alive Agent`;
  return { times, requests, how, usedRunner: !!runner.fn };
}

function cli(args, configDir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliMain, ...args, '--config-dir', configDir], {
      cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', HEADERS: '' },
    });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    child.once('exit', (code) => resolve({ ok: code === 0, out }));
  });
}

const cliAuth = (emu, token) => ['--base-url', emu.url, '--token', token, '--workspace', 'demo'];

async function benchBulkCli(emu, o, token, configDir) {
  const times = [];
  let requests = 0;
  for (let i = 0; i < o.cliRuns; i++) {
    await emu.reset(0);
    const rows = benchRows(o.cliUsers, 'cli');
    const t0 = performance.now();
    for (const r of rows) {
      const res = await cli(['user', 'add', r.email, r.password, '--name', r.name, ...cliAuth(emu, token)], configDir);
      if (!res.ok) throw new Error(`wmill user add ${r.email} failed: ${res.out.trim()}`);
    }
    times.push(performance.now() - t0);
    requests = (await emu.requests()).length;
    const created = await countCreated(emu);
    if (created.users !== o.cliUsers) throw new Error(`wmill created ${created.users} of ${o.cliUsers} users`);
    progress(`CLI run ${i + 1}/${o.cliRuns}: ${o.cliUsers} users in ${ms(times[i])}`);
  }
  return { times, requests };
}

// ---------------------------------------------------------------------------------------------
// d. Requests per operation

async function since(emu, fn) {
  const mark = (await emu.requests()).length;
  const t0 = performance.now();
  const r = await fn();
  const took = performance.now() - t0;
  const reqs = (await emu.requests()).slice(mark);
  return { reqs, took, result: r };
}
const describeReqs = (reqs) => {
  const byKey = new Map();
  for (const r of reqs) {
    const key = `${r.method} ${r.path.replace(/^\/api/, '').replace(/(list_as_super_admin)$/, '$1?page=…')}`;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  return [...byKey].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(' + ');
};

async function requestCounts(emu, o, undici, WindmillClient, token, configDir) {
  const agent = new undici.Agent({ keepAliveTimeout: 30_000 });
  const client = new WindmillClient({ remote: emu.url, token, dispatcher: agent });
  const rows = [];
  await emu.reset(0);
  const add = await since(emu, async () => {
    await client.createUser({ email: 'count.add@bench.example', password: PASSWORD, super_admin: false });
    await client.addUserToWorkspace('demo', { email: 'count.add@bench.example', is_admin: false, operator: false });
  });
  rows.push({ op: 'add user', who: 'extension', reqs: add.reqs });
  const remove = await since(emu, () => client.removeMember('demo', 'erin'));
  rows.push({ op: 'remove user', who: 'extension', reqs: remove.reqs });
  const tok = await since(emu, () => client.createToken({ label: 'bench' }));
  rows.push({ op: 'create token', who: 'extension', reqs: tok.reqs });
  await emu.reset(o.members);
  const refresh = await since(emu, () => client.listMembers('demo'));
  rows.push({ op: `refresh (${o.members} members)`, who: 'extension', reqs: refresh.reqs });
  await agent.close();

  const facts = {};
  if (o.cli) {
    await emu.reset(0);
    const auth = cliAuth(emu, token);
    const run = async (args) => {
      const r = await cli(args, configDir);
      if (!r.ok) throw new Error(`wmill ${args.slice(0, 3).join(' ')} failed: ${r.out.trim()}`);
      return r;
    };
    const cAdd = await since(emu, () => run(['user', 'add', 'count.add+tag@bench.example', PASSWORD, ...auth]));
    rows.push({ op: 'add user', who: 'CLI', reqs: cAdd.reqs, note: 'instance user only, not added to the workspace' });
    const cRemove = await since(emu, () => run(['user', 'remove', 'count.add+tag@bench.example', ...auth]));
    rows.push({ op: 'remove user', who: 'CLI', reqs: cRemove.reqs, note: 'deletes the instance user' });
    facts.deletePath = cRemove.reqs.find((r) => r.method === 'DELETE')?.path;
    const cTok = await since(emu, () => run(['user', 'create-token', ...auth]));
    rows.push({ op: 'create token', who: 'CLI', reqs: cTok.reqs });
    await emu.reset(o.members);
    const cList = await since(emu, () => run(['user', ...auth]));
    rows.push({ op: `refresh (${o.members} members)`, who: 'CLI', reqs: cList.reqs, note: `\`wmill user\`: instance users, 10 a page; ${ms(cList.took)}, 1 run` });
    facts.firstPages = cList.reqs.filter((r) => r.path.endsWith('list_as_super_admin')).slice(0, 2).map((r) => r.query.page);
  }
  return { rows, facts };
}

// ---------------------------------------------------------------------------------------------
// Table

/** Runs test/bench/hostProbe.ts as the extension-tests entry of a real VS Code host, `runs` times. */
async function benchHost(emu, o, token, runs) {
  const probe = join(outDir, 'test', 'bench', 'hostProbe.js');
  const results = join(tmpdir(), `windmill-bench-host-${process.pid}.json`);
  const { ensureHost } = await import('./host-install.mjs');
  ensureHost();
  const out = [];
  for (let i = 0; i < runs; i++) {
    await emu.reset(o.members);
    rmSync(results, { force: true });
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'vscode-host.mjs'), `--extensionDevelopmentPath=${root}`, `--extensionTestsPath=${probe}`], {
      cwd: root, encoding: 'utf8', env: { ...process.env, WINDMILL_BENCH_RESULTS: results, WINDMILL_EMULATOR_URL: emu.url, WINDMILL_BENCH_TOKEN: token },
    });
    if (!existsSync(results)) return { error: `host run ${i + 1} wrote no results (exit ${r.status}): ${(r.stderr || r.stdout).slice(-400)}` };
    out.push(JSON.parse(readFileSync(results, 'utf8')));
  }
  rmSync(results, { force: true });
  return { runs: out };
}

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  return [line(headers), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  process.chdir(root);
  ensureNodeModules();
  const started = performance.now();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  console.log(`Windmill Users benchmark: ${o.runs} runs per figure (median), Node ${process.version}`);

  progress('compiling (tsc -p .)');
  compile();
  if (o.cli) ensureCli();
  const undici = require('undici');
  const { WindmillClient } = require(join(outDir, 'src', 'windmill', 'client.js'));
  const { SUPERADMIN } = require(join(outDir, 'test', 'emulator', 'seed.js'));
  const token = SUPERADMIN.token;
  const results = [];
  const notes = [];

  // a. Bundle and VSIX
  let vsix = { note: 'skipped (--no-package)' };
  if (o.vsix) {
    progress('npm run package (VSIX)');
    vsix = vsixSize(pkg);
  }
  progress('bundling (node esbuild.mjs --production)');
  const bundlePath = bundleProduction();
  const bundle = readFileSync(bundlePath);
  const gz = gzipSync(bundle, { level: 9 }).length;
  results.push(['bundle', 'dist/extension.js (production)', `${bytes(bundle.length)} (${bundle.length} B), gzip ${bytes(gz)} (${gz} B)`]);
  results.push(['bundle', 'VSIX', vsix.size !== undefined ? `${bytes(vsix.size)} (${vsix.size} B)` : vsix.note]);

  progress(`require() of the bundle in ${o.runs} fresh Node processes (stub vscode)`);
  const probes = Array.from({ length: o.runs }, () => requireProbe(bundlePath));
  const reqMs = probes.map((p) => p.ms);
  const undiciLoaded = probes.some((p) => p.undici);
  const probeOk = probeSelfCheck();
  results.push(['activation', 'require() bundle, fresh process (proxy)', `${ms(median(reqMs))}${spread(reqMs)}`]);
  results.push(['activation', 'undici loaded at require time', `${undiciLoaded ? 'YES (must not)' : 'no'}${probeOk ? '' : ' (probe self-check FAILED: cannot tell)'}`]);
  if (probes[0].modules.length) results.push(['activation', 'modules required at load', probes[0].modules.join(', ')]);
  const emu = await startEmulatorProcess();
  progress(`activation and a ${o.members}-member refresh inside a real VS Code host (code-server) × ${Math.min(o.runs, 3)}`);
  const host = await benchHost(emu, o, token, Math.min(o.runs, 3));
  if (host.error) {
    results.push(['activation', 'activation in host', `failed: ${host.error}`]);
  } else {
    const act = host.runs.map((r) => r.activateMs);
    const own = host.runs.map((r) => r.ownMs);
    results.push(['activation', 'activate() in the real host: its own work', `${ms(median(own))}${spread(own)}`]);
    results.push(['activation', 'activate() in the real host: wall time of the call (load + host busy starting)', `${ms(median(act))}${spread(act)}`]);
  }
  const configDir = mkdtempSync(join(tmpdir(), 'wmill-bench-config-'));
  try {
    // b. Refresh
    progress(`refresh: listMembers of ${o.members} members × ${o.runs}`);
    const r = await benchRefresh(emu, o, undici, WindmillClient, token);
    results.push(['refresh', `request (${r.count} members, to the last byte)`, `${ms(median(r.req))}${spread(r.req)}`]);
    results.push(['refresh', 'parse (JSON.parse + parseMembers)', `${ms(median(r.parse))}${spread(r.parse)}`]);
    results.push(['refresh', 'request + parse', ms(median(r.req.map((x, i) => x + r.parse[i]))),]);
    results.push(['refresh', 'tree build', r.builder.fn ? `${ms(median(r.tree))} (${r.builder.name})${spread(r.tree)}` : `n/a (${r.builder.note})`]);
    results.push(['refresh', 'bytes on the wire', `${bytes(r.wire.read)} in (${r.wire.read} B), ${bytes(r.wire.written)} out`]);
    if (!host.error) {
      const h = host.runs;
      const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      results.push(['refresh', `in host: load ${h[0].members} members (request + parse + group, role groups only)`, `${ms(median(h.map((r) => r.loadMs)))}${spread(h.map((r) => r.loadMs))}`]);
      results.push(['refresh', `in host: build all ${h[0].members} member nodes + TreeItems`, `${ms(median(h.map((r) => r.nodesMs)))}${spread(h.map((r) => r.nodesMs))}`]);
      results.push(['refresh', 'host memory (heap used) before / after', `${mb(median(h.map((r) => r.heapBefore)))} / ${mb(median(h.map((r) => r.heapAfter)))} (rss ${mb(median(h.map((r) => r.rssBefore)))} / ${mb(median(h.map((r) => r.rssAfter)))})`]);
    }

    // c. Bulk add
    progress(`bulk add: ${o.bulkUsers} users through the extension's path × ${o.runs}`);
    const ext = await benchBulkExtension(emu, o, undici, WindmillClient, token);
    const extMs = median(ext.times);
    results.push(['bulk add', `extension, ${o.bulkUsers} users`, `${ms(extMs)}${spread(ext.times)}`]);
    results.push(['bulk add', 'extension: how', ext.how]);
    results.push(['bulk add', 'extension: requests', `${ext.requests} (${(ext.requests / o.bulkUsers).toFixed(1)} per user)`]);
    if (o.cli) {
      progress(`bulk add: ${o.cliUsers} users through \`wmill user add\`, one process each, sequential × ${o.cliRuns}`);
      const c = await benchBulkCli(emu, o, token, configDir);
      const cliMs = median(c.times);
      const factor = o.bulkUsers / o.cliUsers;
      const cliFull = cliMs * factor;
      const extrapolated = o.cliUsers !== o.bulkUsers;
      results.push(['bulk add', `CLI, ${o.cliUsers} users measured (median of ${o.cliRuns})`, `${ms(cliMs)}${spread(c.times)}, ${ms(cliMs / o.cliUsers)} per user`]);
      results.push(['bulk add', `CLI, ${o.bulkUsers} users${extrapolated ? ` (EXTRAPOLATED ×${factor.toFixed(factor % 1 ? 2 : 0)} from ${o.cliUsers})` : ''}`, ms(cliFull)]);
      results.push(['bulk add', 'CLI: requests', `${c.requests} for ${o.cliUsers} users (${(c.requests / o.cliUsers).toFixed(1)} per user: whoami + create)`]);
      results.push(['bulk add', 'ratio CLI / extension', `extension ${(cliFull / extMs).toFixed(1)}× faster (target ≥ 50×)`]);
      notes.push(`\`wmill user add\` only creates the instance user; the extension's path also adds each one to the workspace (2 requests a user), so the CLI loop does less work than the extension.`);
      if (extrapolated) notes.push(`The CLI loop ran ${o.cliUsers} users per run and was extrapolated linearly to ${o.bulkUsers} (run with --cli-users ${o.bulkUsers} to measure all; about ${ms(cliFull)} a run).`);
    } else {
      results.push(['bulk add', 'CLI', 'skipped (--no-cli)']);
    }

    // d. Requests per operation
    progress('requests per operation (emulator request log)');
    const counts = await requestCounts(emu, o, undici, WindmillClient, token, configDir);
    for (const row of counts.rows) {
      results.push(['requests', `${row.op}: ${row.who}`, `${row.reqs.length}: ${describeReqs(row.reqs)}${row.note ? ` (${row.note})` : ''}`]);
    }
    if (counts.facts.deletePath) {
      const raw = counts.facts.deletePath.split('/').pop();
      notes.push(`The CLI sent DELETE ${counts.facts.deletePath}: the email is ${/%40/i.test(raw) ? 'percent-encoded' : 'NOT percent-encoded (encodeURI keeps @ and +)'}.`);
    }
    if (counts.facts.firstPages?.length === 2) notes.push(`\`wmill user\` asks for page=${counts.facts.firstPages[0]} then page=${counts.facts.firstPages[1]}: the server reads page 0 as 1, so the first 10 users are listed twice.`);
  } finally {
    await emu.stop();
    rmSync(configDir, { recursive: true, force: true });
    runNode(['esbuild.mjs']); // leave the development bundle in dist/, as `npm run build` does
  }

  console.log(`\nResults (median of ${o.runs} runs; emulator on loopback; ${ms(performance.now() - started)} in all)\n`);
  console.log(table(['Section', 'Figure', 'Value'], results));
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

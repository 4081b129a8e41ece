// Run by `npm run bench` as the extension-tests entry of a real VS Code host (scripts/vscode-host.mjs):
// measures, inside the extension host, activate() of the bundle and a 10,000-member refresh (load +
// tree nodes) with the host's memory before and after. Writes JSON to WINDMILL_BENCH_RESULTS.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

interface TreeLike {
  getChildren(node?: unknown): Promise<unknown[]>;
  getTreeItem(node: unknown): vscode.TreeItem;
}
interface ApiLike {
  tree: TreeLike;
  activationMs: number;
  connections: { save(info: unknown, token: string): Promise<void> };
}

export async function run(): Promise<void> {
  const out = process.env.WINDMILL_BENCH_RESULTS;
  const url = process.env.WINDMILL_EMULATOR_URL;
  const token = process.env.WINDMILL_BENCH_TOKEN;
  if (!out || !url || !token) throw new Error('WINDMILL_BENCH_RESULTS, WINDMILL_EMULATOR_URL and WINDMILL_BENCH_TOKEN are required');
  const ext = vscode.extensions.getExtension('windmill-users.windmill-users');
  if (!ext) throw new Error('extension not found');
  const wasActive = ext.isActive;
  const t0 = performance.now();
  const api = (await ext.activate()) as ApiLike;
  const activateMs = performance.now() - t0;

  const heapBefore = process.memoryUsage();
  await api.connections.save({ id: 'bench', label: 'bench', remote: url, workspace: 'demo', email: 'admin@windmill.dev', superAdmin: true }, token);
  const roots = await api.tree.getChildren();
  const t1 = performance.now();
  // the role groups only (not Pending Invites or the Instance Users / Tokens sections)
  const groups = (await api.tree.getChildren(roots[0])).filter((n) => (n as { kind?: string }).kind === 'group');
  const loadMs = performance.now() - t1;
  const t2 = performance.now();
  let members = 0;
  for (const g of groups) {
    const children = await api.tree.getChildren(g);
    for (const c of children) api.tree.getTreeItem(c);
    members += children.length;
  }
  const nodesMs = performance.now() - t2;
  const heapAfter = process.memoryUsage();
  fs.writeFileSync(out, JSON.stringify({
    wasActive, activateMs, ownMs: api.activationMs, loadMs, nodesMs, members, groups: groups.length,
    heapBefore: heapBefore.heapUsed, heapAfter: heapAfter.heapUsed, rssBefore: heapBefore.rss, rssAfter: heapAfter.rss,
  }));
}

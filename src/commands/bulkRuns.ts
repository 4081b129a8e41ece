// The small, always-loaded part of the bulk flows: which bulk runs are in progress (so the test API
// can cancel them as the notification's Cancel button does) and the multi-selection rule. The
// flows themselves (src/commands/bulk.ts, with csv-parse / csv-stringify) load on first use.
import { MemberNode, type UsersNode } from '../tree/nodes';

const running = new Set<AbortController>();

/** Registers a run's controller until `done` settles. */
export function trackRun(controller: AbortController): () => void {
  running.add(controller);
  return () => { running.delete(controller); };
}

/** Cancels every bulk run in progress; how many there were. */
export function cancelRunningBulk(): number {
  for (const c of running) c.abort();
  return running.size;
}

/** The selected member nodes when more than one is selected (else undefined: the single flow). */
export function selectedMembers(node: UsersNode | undefined, nodes: readonly UsersNode[] | undefined): MemberNode[] | undefined {
  const byId = new Map<string, MemberNode>();
  for (const n of [...(nodes ?? []), ...(node ? [node] : [])]) if (n instanceof MemberNode) byId.set(n.id, n);
  return byId.size > 1 ? [...byId.values()] : undefined;
}

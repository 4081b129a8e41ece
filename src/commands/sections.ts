// Refresh and Retry, aware of the per-connection sections: on a section (or its error node) they
// reload that section only; on a connection (or from the view's title) they reload everything and
// re-read the edition, version and superadmin flag (GET /version, GET /users/whoami).
import { refreshMetadata } from '../connections/edition';
import type { UsersNode } from '../tree/nodes';
import type { Services } from './services';

export async function refreshTree(s: Services, node?: UsersNode): Promise<void> {
  if (node && (node.kind === 'instanceUsersSection' || node.kind === 'tokensSection' || node.kind === 'sectionError')) {
    s.tree.sections.reload(node.connection.id, node.section);
    return;
  }
  s.tree.refresh(node?.connection.id);
  const targets = node ? [s.store.get(node.connection.id)].filter((c) => c !== undefined) : s.store.list();
  await Promise.all(targets.map((c) => refreshMetadata(s, c)));
}

export function retry(s: Services, node?: UsersNode): void {
  if (node?.kind === 'sectionError') s.tree.sections.reload(node.connection.id, node.section);
  else s.tree.refresh(node?.connection.id);
}

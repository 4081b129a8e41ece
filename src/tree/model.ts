// The Users tree's model, free of `vscode`: groups the members of one connection by role (or lists
// them flat), sorts them by email and applies the view's text filter. The provider builds one model
// per response (and again only when the filter or the grouping changes); the benchmark script times
// `buildTreeModel(members)` on 10,000 rows.
import type { Member } from '../windmill/types';

export type GroupKind = 'admins' | 'developers' | 'operators' | 'disabled';
const GROUP_ORDER: readonly GroupKind[] = ['admins', 'developers', 'operators', 'disabled'];

/** `role`: Admins / Developers / Operators / Disabled groups; `flat`: members directly under the connection. */
export type Grouping = 'role' | 'flat';
export const GROUPINGS: readonly Grouping[] = ['role', 'flat'];

/** The caller's rights in the workspace: `admin` (workspace admin or instance superadmin) or `member`. */
export type Access = 'admin' | 'member';

export interface GroupModel {
  readonly kind: GroupKind;
  /** The members of the group that match the filter, sorted by email. */
  readonly members: readonly Member[];
  /** How many members the group has without the filter. */
  readonly total: number;
}

export interface TreeModel {
  readonly grouping: Grouping;
  /** The filter as applied (trimmed, lower case); '' = none. */
  readonly filter: string;
  /**
   * Role grouping: the groups that have members (with a filter: that have matching members), in
   * GROUP_ORDER. Flat grouping: empty.
   */
  readonly groups: readonly GroupModel[];
  /** Flat grouping: the matching members sorted by email. Role grouping: empty. */
  readonly members: readonly Member[];
  /** Members in the response. */
  readonly total: number;
  /** Members that match the filter (= total without a filter). */
  readonly matched: number;
}

/** Which group a member belongs to: disabled members only in Disabled, the others by role. */
export function groupOf(member: Member): GroupKind {
  if (member.disabled) return 'disabled';
  return member.role === 'admin' ? 'admins' : member.role === 'operator' ? 'operators' : 'developers';
}

export function normalizeFilter(filter: string | undefined): string {
  return (filter ?? '').trim().toLowerCase();
}

/** Case-insensitive substring match on email, username and name. `needle` is normalized. */
export function memberMatches(member: Member, needle: string): boolean {
  if (needle === '') return true;
  return member.email.toLowerCase().includes(needle)
    || member.username.toLowerCase().includes(needle)
    || (member.name !== undefined && member.name.toLowerCase().includes(needle));
}

/** Sorts by email, case-insensitively (code-unit order of the lower-cased email, then the email). */
function sortByEmail(members: Member[]): Member[] {
  const keyed = members.map((m) => ({ m, k: m.email.toLowerCase() }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.m.email < b.m.email ? -1 : a.m.email > b.m.email ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) members[i] = keyed[i].m;
  return members;
}

/**
 * Groups, filters and sorts the members of one connection. One pass over the rows, then one sort
 * per group (or one sort in total when flat); the input array is not changed.
 */
export function buildTreeModel(members: readonly Member[], filter?: string, grouping: Grouping = 'role'): TreeModel {
  const needle = normalizeFilter(filter);
  if (grouping === 'flat') {
    const matching = needle === '' ? members.slice() : members.filter((m) => memberMatches(m, needle));
    return { grouping, filter: needle, groups: [], members: sortByEmail(matching), total: members.length, matched: matching.length };
  }
  const buckets: Record<GroupKind, Member[]> = { admins: [], developers: [], operators: [], disabled: [] };
  const totals: Record<GroupKind, number> = { admins: 0, developers: 0, operators: 0, disabled: 0 };
  let matched = 0;
  for (const m of members) {
    const g = groupOf(m);
    totals[g]++;
    if (needle === '' || memberMatches(m, needle)) {
      buckets[g].push(m);
      matched++;
    }
  }
  const groups: GroupModel[] = [];
  for (const kind of GROUP_ORDER) {
    if (buckets[kind].length === 0) continue;
    groups.push({ kind, members: sortByEmail(buckets[kind]), total: totals[kind] });
  }
  return { grouping, filter: needle, groups, members: [], total: members.length, matched };
}

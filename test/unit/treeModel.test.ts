import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { buildTreeModel, groupOf, memberMatches, type GroupKind } from '../../src/tree/model';
import { deriveRole, type Member } from '../../src/windmill/types';

function member(email: string, opts: { admin?: boolean; operator?: boolean; disabled?: boolean; username?: string; name?: string } = {}): Member {
  const is_admin = opts.admin ?? false;
  const operator = opts.operator ?? false;
  return {
    workspace_id: 'demo', email, username: opts.username ?? email.split('@')[0], name: opts.name,
    is_admin, operator, disabled: opts.disabled ?? false, role: deriveRole(is_admin, operator),
  };
}

const demo: Member[] = [
  member('bob@example.com', { admin: true, name: 'Bob Builder' }),
  member('erin@example.com', { name: 'Erin Engineer' }),
  member('admin@windmill.dev', { admin: true, username: 'admin', name: 'Ada Admin' }),
  member('olivia@example.com', { operator: true, name: 'Olivia Ops' }),
  member('dan@example.com', { disabled: true, name: 'Dan Disabled' }),
  member('Alice@Example.com', { username: 'alice', name: 'Alice Liddell' }),
];

const summary = (m: ReturnType<typeof buildTreeModel>) => m.groups.map((g) => `${g.kind} ${g.members.map((x) => x.username).join(',')} ${g.members.length}/${g.total}`);

function bigWorkspace(n: number): Member[] {
  const out: Member[] = [];
  for (let i = 0; i < n; i++) {
    // a spread of roles and a shuffled order (i * 7919 mod n)
    const k = (i * 7919) % n;
    out.push(member(`user${String(k).padStart(5, '0')}@bench.example`, { admin: k % 50 === 0, operator: k % 7 === 0, disabled: k % 101 === 0, name: `Bench User ${k}` }));
  }
  return out;
}

describe('buildTreeModel', () => {
  it('groups by role in a fixed order, disabled members only under Disabled, sorted by email (case-insensitive)', () => {
    const m = buildTreeModel(demo);
    assert.deepEqual(summary(m), [
      'admins admin,bob 2/2',
      'developers alice,erin 2/2',
      'operators olivia 1/1',
      'disabled dan 1/1',
    ]);
    assert.equal(m.total, 6);
    assert.equal(m.matched, 6);
    assert.deepEqual(m.members, []);
    assert.equal(m.grouping, 'role');
  });

  it('leaves out empty groups and does not change its input', () => {
    const input = [member('z@x.io'), member('a@x.io')];
    const copy = [...input];
    const m = buildTreeModel(input);
    assert.deepEqual(summary(m), ['developers a,z 2/2']);
    assert.deepEqual(input, copy);
  });

  it('filters case-insensitively on email, username and name; totals stay unfiltered', () => {
    assert.deepEqual(summary(buildTreeModel(demo, 'ALI')), ['developers alice 1/2']);
    assert.deepEqual(summary(buildTreeModel(demo, 'builder')), ['admins bob 1/2']); // name
    assert.deepEqual(summary(buildTreeModel(demo, 'olivia')), ['operators olivia 1/1']); // username
    assert.deepEqual(summary(buildTreeModel(demo, '@windmill.dev')), ['admins admin 1/2']); // email
    const none = buildTreeModel(demo, 'nobody-like-this');
    assert.deepEqual(none.groups, []);
    assert.equal(none.matched, 0);
    assert.equal(none.total, 6);
    assert.equal(buildTreeModel(demo, '  Ali ').filter, 'ali');
    assert.equal(buildTreeModel(demo, '   ').matched, 6, 'a blank filter is no filter');
  });

  it('flat: every member directly, sorted by email, filtered the same way', () => {
    const m = buildTreeModel(demo, undefined, 'flat');
    assert.deepEqual(m.groups, []);
    assert.deepEqual(m.members.map((x) => x.username), ['admin', 'alice', 'bob', 'dan', 'erin', 'olivia']);
    const f = buildTreeModel(demo, 'example', 'flat');
    assert.deepEqual(f.members.map((x) => x.username), ['alice', 'bob', 'dan', 'erin', 'olivia']);
    assert.equal(f.matched, 5);
    assert.equal(f.total, 6);
  });

  it('every member is in exactly one group, the one groupOf names (property)', () => {
    const arb = fc.array(fc.record({ admin: fc.boolean(), operator: fc.boolean(), disabled: fc.boolean(), n: fc.nat(1000) }), { maxLength: 60 })
      .map((rows) => rows.map((r, i) => member(`u${r.n}-${i}@x.io`, r)));
    fc.assert(fc.property(arb, fc.string({ maxLength: 3 }), (members, filter) => {
      const m = buildTreeModel(members, filter);
      const seen = new Map<string, GroupKind>();
      for (const g of m.groups) {
        assert.ok(g.members.length > 0);
        for (const x of g.members) {
          assert.ok(!seen.has(x.email));
          seen.set(x.email, g.kind);
          assert.equal(groupOf(x), g.kind);
        }
        const emails = g.members.map((x) => x.email.toLowerCase());
        assert.deepEqual(emails, [...emails].sort());
      }
      const needle = filter.trim().toLowerCase();
      assert.equal(seen.size, members.filter((x) => memberMatches(x, needle)).length);
      assert.equal(m.matched, seen.size);
    }));
  });

  it('10,000 members: grouped, sorted and filtered quickly', () => {
    const members = bigWorkspace(10_000);
    const t0 = performance.now();
    const m = buildTreeModel(members);
    const grouped = performance.now() - t0;
    assert.equal(m.total, 10_000);
    assert.equal(m.groups.reduce((n, g) => n + g.members.length, 0), 10_000);
    assert.equal(m.groups[0].members[0].email, 'user00050@bench.example');
    const t1 = performance.now();
    const f = buildTreeModel(members, 'user0999');
    const filtered = performance.now() - t1;
    assert.equal(f.matched, 10);
    const flat = buildTreeModel(members, undefined, 'flat');
    assert.equal(flat.members.length, 10_000);
    assert.equal(flat.members[0].email, 'user00000@bench.example');
    assert.equal(flat.members[9_999].email, 'user09999@bench.example');
    // generous bounds (CI machines vary): the point is "milliseconds, not seconds"
    assert.ok(grouped < 500, `grouping took ${grouped.toFixed(1)} ms`);
    assert.ok(filtered < 500, `filtering took ${filtered.toFixed(1)} ms`);
  });
});

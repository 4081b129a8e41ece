// Server data robustness at the client level: whatever a (buggy, old, hostile) server sends in
// rows, the client returns well-formed data, verbatim where it is text (escaping is the renderer's
// job), and never crashes: markdown/HTML in names, 10,000-character labels, unknown roles, missing
// optional fields, 10,000 rows.
import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { WindmillClient } from '../../src/windmill/client';

const ORIGIN = 'https://wm.example.com';
const JSONH = { 'content-type': 'application/json' };

function setup() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const client = new WindmillClient({ remote: ORIGIN, token: 'tok_DATA_0123456789abcdef', dispatcher: agent, retry: { attempts: 1 } });
  const paths: string[] = [];
  function on(p: string, data: unknown) {
    pool.intercept({ method: 'GET', path: (full: string) => full.split('?')[0] === p }).reply((o) => {
      paths.push(o.path);
      return { statusCode: 200, data: JSON.stringify(data), responseOptions: { headers: JSONH } };
    });
  }
  return { client, on, paths };
}

const MARKUP = [
  '**bold** _it_ [click](javascript:alert(1))',
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '$(zap) $(warning) codicon syntax',
  '`code` | table | ![img](http://x/y.png)',
  `right\u202eto-left override`,
  'line1\nline2\r\nline3',
  '&lt;escaped&gt; &amp; entities',
];
const LONG = 'L'.repeat(10_000);

describe('server data robustness', function () {
  this.timeout(20_000);

  it('markdown and HTML in names, emails and labels come back verbatim (never interpreted, never crash)', async () => {
    const { client, on } = setup();
    on(
      '/api/w/demo/users/list',
      MARKUP.map((m, i) => ({ username: `u${i}`, email: `${m}@x.io`, name: m, is_admin: false, operator: false })),
    );
    on(
      '/api/users/tokens/list',
      MARKUP.map((m, i) => ({ token_prefix: `p${i}`, label: m })),
    );
    on(
      '/api/users/list_as_super_admin',
      MARKUP.map((m, i) => ({ email: `u${i}@x.io`, name: m, company: m, login_type: m })),
    );
    const members = await client.listMembers('demo');
    assert.deepEqual(members.map((m) => m.name), MARKUP);
    assert.deepEqual(members.map((m) => m.email), MARKUP.map((m) => `${m}@x.io`));
    assert.deepEqual((await client.listTokens()).map((t) => t.label), MARKUP);
    const users = await client.listInstanceUsers();
    assert.deepEqual(users.map((u) => [u.name, u.company, u.login_type]), MARKUP.map((m) => [m, m, m]));
  });

  it('usernames with markup are kept as keys (and would be encoded in paths)', async () => {
    const { client, on } = setup();
    on('/api/w/demo/users/list', [{ username: '<b>x</b>', email: 'x@y.z' }, { username: '[a](b)', email: 'a@b.c' }]);
    assert.deepEqual((await client.listMembers('demo')).map((m) => m.username), ['<b>x</b>', '[a](b)']);
  });

  it('10,000-character labels, names and usernames', async () => {
    const { client, on } = setup();
    on('/api/users/tokens/list', [{ token_prefix: 'abc', label: LONG, scopes: [LONG] }]);
    on('/api/w/demo/users/list', [{ username: LONG, email: `${LONG}@x.io`, name: LONG }]);
    const [t] = await client.listTokens();
    assert.equal(t.label?.length, 10_000);
    assert.deepEqual(t.scopes, [LONG]);
    const [m] = await client.listMembers('demo');
    assert.equal(m.username.length, 10_000);
    assert.equal(m.name, LONG);
  });

  it('unknown roles are replaced by the role the flags give; known ones in any case are kept', async () => {
    const { client, on } = setup();
    const rows: Array<[unknown, boolean, boolean, string]> = [
      ['superuser', true, false, 'admin'],
      ['owner', false, true, 'operator'],
      ['viewer', false, false, 'developer'],
      ['', false, true, 'operator'],
      [42, true, true, 'admin'],
      [null, false, false, 'developer'],
      [{ name: 'admin' }, false, false, 'developer'],
      [['admin'], false, true, 'operator'],
      ['ADMIN', false, false, 'admin'],
      ['Operator', false, false, 'operator'],
      ['Developer', true, false, 'developer'],
    ];
    on('/api/w/demo/users/list', rows.map(([role, is_admin, operator], i) => ({ username: `u${i}`, role, is_admin, operator })));
    const members = await client.listMembers('demo');
    assert.deepEqual(members.map((m) => m.role), rows.map((r) => r[3]));
  });

  it('flags of the wrong type count as false (never truthy strings)', async () => {
    const { client, on } = setup();
    on('/api/w/demo/users/list', [{ username: 'a', is_admin: 'true', operator: 1, disabled: 'yes' }]);
    const [m] = await client.listMembers('demo');
    assert.deepEqual([m.is_admin, m.operator, m.disabled, m.role], [false, false, false, 'developer']);
  });

  it('missing optional fields stay absent; missing required ones get defaults', async () => {
    const { client, on } = setup();
    on('/api/w/demo/users/list', [{ username: 'bare' }]);
    on('/api/users/tokens/list', [{ token_prefix: 'bare' }]);
    on('/api/users/list_as_super_admin', [{ email: 'bare@x.io' }]);
    on('/api/w/demo/workspaces/list_pending_invites', [{ email: 'inv@x.io' }]);
    assert.deepEqual(await client.listMembers('demo'), [
      { workspace_id: 'demo', email: '', username: 'bare', is_admin: false, operator: false, disabled: false, role: 'developer' },
    ]);
    assert.deepEqual(await client.listTokens(), [{ token_prefix: 'bare' }]);
    assert.deepEqual(await client.listInstanceUsers(), [
      { email: 'bare@x.io', login_type: 'password', super_admin: false, verified: false, first_time_user: false, role_source: 'manual', disabled: false },
    ]);
    assert.deepEqual(await client.listPendingInvites('demo'), [{ email: 'inv@x.io', is_admin: false, operator: false }]);
  });

  it('extra unknown fields, nested junk and null rows are ignored', async () => {
    const { client, on } = setup();
    on('/api/w/demo/users/list', [
      null,
      42,
      'text',
      [],
      { username: 'a', future_field: { deep: [1, 2, { x: null }] }, groups: ['g'], role: 'admin', is_admin: true },
      { username: '   ' },
      { username: 7 },
      { username: ['a'] },
    ]);
    const members = await client.listMembers('demo');
    assert.deepEqual(members.map((m) => [m.username, m.role]), [['a', 'admin']]);
    assert.ok(!('future_field' in members[0]));
  });

  it('10,000 members in one answer: parsed completely and quickly', async () => {
    const { client, on } = setup();
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      username: `user${i}`,
      email: `user${i}@example.com`,
      is_admin: i % 10 === 0,
      operator: i % 3 === 0,
      disabled: i % 7 === 0,
      role: i % 11 === 0 ? 'mystery' : undefined,
      created_at: '2025-01-01T00:00:00Z',
      name: i % 2 ? `<b>User ${i}</b>` : undefined,
    }));
    on('/api/w/demo/users/list', rows);
    const started = Date.now();
    const members = await client.listMembers('demo');
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    assert.equal(members.length, 10_000);
    assert.equal(new Set(members.map((m) => m.username)).size, 10_000);
    assert.equal(members.filter((m) => m.role === 'admin').length, 1000);
    assert.equal(members[33].role, 'operator'); // 33 % 11 === 0: unknown role, derived from operator
  });

  it('10,000 instance users over 10 pages (listAllInstanceUsers), duplicates across pages dropped', async () => {
    const { client, on, paths } = setup();
    for (let page = 0; page < 10; page++) {
      const rows = Array.from({ length: 1000 }, (_, i) => ({ email: `u${page * 1000 + i}@x.io`, super_admin: false }));
      if (page > 0) rows[0] = { email: `u${page * 1000 - 1}@x.io`, super_admin: false }; // last of the previous page again
      on('/api/users/list_as_super_admin', rows);
    }
    on('/api/users/list_as_super_admin', []);
    const all = await client.listAllInstanceUsers({ perPage: 1000 });
    assert.equal(all.length, 10_000 - 9);
    assert.equal(new Set(all.map((u) => u.email)).size, all.length);
    assert.equal(paths.length, 11);
  });

  it('10,000 tokens (listAllTokens) with odd scopes', async () => {
    const { client, on } = setup();
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ token_prefix: `t${i}`, label: i % 2 ? LONG.slice(0, 200) : undefined, scopes: i % 3 ? ['jobs:read', 5, null] : 'not-a-list' }));
    on('/api/users/tokens/list', rows);
    const all = await client.listAllTokens({ perPage: 20_000 });
    assert.equal(all.length, 10_000);
    assert.deepEqual(all[1].scopes, ['jobs:read']);
    assert.equal(all[0].scopes, undefined);
  });
});

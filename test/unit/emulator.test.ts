import * as assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../emulator/emulator';
import { DEVELOPER, OPERATOR, SEED_INVITE, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';

/** fetch's Response with a loosely typed json(): the tests check the shapes themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Res = Omit<Response, 'json'> & { json(): Promise<any> };

describe('Windmill emulator', function () {
  this.timeout(10_000);
  let emu: RunningEmulator;
  const lines: string[] = [];

  before(async () => {
    emu = await startEmulator({ port: 0, log: (l) => lines.push(l) });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.reset());

  const api = (path: string) => `${emu.url}/api${path}`;
  function call(method: string, path: string, token?: string, body?: unknown, signal?: AbortSignal): Promise<Res> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(api(path), { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), signal });
  }
  async function expectText(res: Res, status: number, text: string): Promise<void> {
    const body = await res.text();
    assert.equal(res.status, status, body);
    assert.equal(body, text);
  }
  async function control(method: string, what: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${emu.url}/_emulator/${what}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(res.status, 200);
    return res.json();
  }

  describe('basics and auth', () => {
    it('reports the version by edition', async () => {
      await expectText(await call('GET', '/version'), 200, 'EE v1.743.0');
      emu.reset({ edition: 'CE' });
      const res = await call('GET', '/version');
      assert.equal(res.headers.get('content-type')?.startsWith('text/plain'), true);
      await expectText(res, 200, 'CE v1.743.0');
    });

    it('answers whoami with GlobalUserInfo', async () => {
      const res = await call('GET', '/users/whoami', SUPERADMIN.token);
      assert.equal(res.status, 200);
      const me = await res.json();
      assert.equal(me.email, SUPERADMIN.email);
      assert.equal(me.super_admin, true);
      assert.equal(me.username, SUPERADMIN.username);
      assert.equal(me.login_type, 'password');
      assert.equal(me.disabled, false);
      const dev = await (await call('GET', '/users/whoami', DEVELOPER.token)).json();
      assert.equal(dev.super_admin, false);
    });

    it('accepts a token cookie', async () => {
      const res: Res = await fetch(api('/users/whoami'), { headers: { Cookie: `token=${DEVELOPER.token}` } });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).email, DEVELOPER.email);
    });

    it('gives the real 401 texts', async () => {
      await expectText(await call('GET', '/users/whoami'), 401, 'Unauthorized');
      await expectText(await call('GET', '/users/whoami', 'nope-not-a-token'), 401, 'Not authorized: Unauthorized');
      await expectText(await call('GET', '/w/demo/users/list', 'nope-not-a-token'), 401, 'Not authorized: Unauthorized');
    });

    it('rejects tokens of a disabled instance user', async () => {
      const res = await call('POST', `/users/update/${encodeURIComponent(DEVELOPER.email)}`, SUPERADMIN.token, { disabled: true });
      assert.equal(res.status, 200);
      await expectText(await call('GET', '/users/whoami', DEVELOPER.token), 401, 'Not authorized: Unauthorized');
    });

    it('answers workspaces/exists', async () => {
      assert.equal(await (await call('POST', '/workspaces/exists', DEVELOPER.token, { id: 'demo' })).json(), true);
      assert.equal(await (await call('POST', '/workspaces/exists', DEVELOPER.token, { id: 'nope' })).json(), false);
    });

    it('answers 404 Not found for unknown routes and 400 for malformed JSON', async () => {
      await expectText(await call('GET', '/no/such/route', SUPERADMIN.token), 404, 'Not found');
      const res = await call('POST', '/users/create', SUPERADMIN.token, '{"email": ');
      assert.equal(res.status, 400);
      assert.match(await res.text(), /^Bad request: /);
    });
  });

  describe('workspace members', () => {
    it('lists members with the real row shape', async () => {
      const res = await call('GET', '/w/demo/users/list', DEVELOPER.token);
      assert.equal(res.status, 200);
      const rows = await res.json();
      const keys = ['workspace_id', 'email', 'username', 'is_admin', 'created_at', 'operator', 'disabled', 'role', 'added_via', 'is_service_account', 'name'];
      for (const row of rows) assert.deepEqual(Object.keys(row).sort(), [...keys].sort());
      const byName = new Map<string, { role: string; disabled: boolean }>(rows.map((r: { username: string; role: string; disabled: boolean }) => [r.username, r]));
      assert.equal(byName.get('admin')?.role, 'admin');
      assert.equal(byName.get('bob')?.role, 'admin');
      assert.equal(byName.get('alice')?.role, 'developer');
      assert.equal(byName.get('olivia')?.role, 'operator');
      assert.equal(byName.get('dan')?.disabled, true);
      const usernames = await (await call('GET', '/w/demo/users/list_usernames', OPERATOR.token)).json();
      assert.deepEqual([...usernames].sort(), ['admin', 'alice', 'bob', 'dan', 'erin', 'olivia']);
    });

    it('answers workspace whoami, get and its 404s', async () => {
      const me = await (await call('GET', '/w/demo/users/whoami', WORKSPACE_ADMIN.token)).json();
      assert.equal(me.username, 'bob');
      assert.equal(me.is_admin, true);
      const alice = await (await call('GET', '/w/demo/users/get/alice', WORKSPACE_ADMIN.token)).json();
      assert.equal(alice.email, DEVELOPER.email);
      await expectText(await call('GET', '/w/demo/users/get/nobody', WORKSPACE_ADMIN.token), 404, 'Not found: user nobody not found');
      await expectText(await call('GET', '/w/nope/users/list', SUPERADMIN.token), 404, 'Not found: workspace nope not found');
      await expectText(await call('GET', '/w/other/users/list', WORKSPACE_ADMIN.token), 401, 'Not authorized: you are not a member of other');
    });

    it('lets superadmins act as admins in workspaces they do not belong to', async () => {
      const res = await call('POST', '/w/other/workspaces/add_user', SUPERADMIN.token, { email: 'x@example.com', is_admin: false, operator: false });
      assert.equal(res.status, 201);
      emu.state.workspaces.get('other')?.members.delete(SUPERADMIN.email);
      const res2 = await call('POST', '/w/other/users/update/x', SUPERADMIN.token, { operator: true });
      assert.equal(res2.status, 200);
      assert.equal(emu.state.workspaces.get('other')?.members.get('x@example.com')?.operator, true);
    });

    it('requires workspace admin for changes (403 text)', async () => {
      await expectText(
        await call('POST', '/w/demo/workspaces/add_user', DEVELOPER.token, { email: 'new@example.com', is_admin: false, operator: false }),
        403, 'Require Admin privileges for alice');
      await expectText(await call('POST', '/w/demo/users/update/erin', OPERATOR.token, { is_admin: true }), 403, 'Require Admin privileges for olivia');
      await expectText(await call('DELETE', '/w/demo/users/delete/erin', DEVELOPER.token), 403, 'Require Admin privileges for alice');
      assert.equal(emu.state.workspaces.get('demo')?.members.has('new@example.com'), false);
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), true);
    });

    it('adds (201), rejects a duplicate (400), updates and removes members', async () => {
      const add = await call('POST', '/w/demo/workspaces/add_user', WORKSPACE_ADMIN.token, { email: 'Zed@Example.com', is_admin: false, operator: true });
      assert.equal(add.status, 201);
      const row = emu.state.workspaces.get('demo')?.members.get('zed@example.com');
      assert.equal(row?.username, 'zed');
      assert.equal(row?.operator, true);
      assert.equal(emu.state.users.has('zed@example.com'), false, 'add_user does not create an instance user');
      const dup = await call('POST', '/w/demo/workspaces/add_user', WORKSPACE_ADMIN.token, { email: 'zed@example.com', is_admin: false, operator: false });
      assert.equal(dup.status, 400);
      assert.match(await dup.text(), /^Bad request: /);
      assert.equal((await call('POST', '/w/demo/users/update/zed', WORKSPACE_ADMIN.token, { is_admin: true })).status, 200);
      const got = await (await call('GET', '/w/demo/users/get/zed', WORKSPACE_ADMIN.token)).json();
      assert.equal(got.role, 'admin');
      assert.equal((await call('DELETE', '/w/demo/users/delete/erin', WORKSPACE_ADMIN.token)).status, 200);
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), false);
      assert.equal(emu.state.users.has('erin@example.com'), true, 'workspace delete keeps the instance user');
    });

    it('invites (201) and deletes an invite only when all flags match', async () => {
      const list = async () => (await call('GET', '/w/demo/workspaces/list_pending_invites', WORKSPACE_ADMIN.token)).json();
      assert.deepEqual(await list(), [{ workspace_id: 'demo', ...SEED_INVITE }]);
      const inv = await call('POST', '/w/demo/workspaces/invite_user', WORKSPACE_ADMIN.token, { email: 'dave@example.com', is_admin: true, operator: false });
      assert.equal(inv.status, 201);
      assert.equal((await list()).length, 2);
      const wrong = await call('POST', '/w/demo/workspaces/delete_invite', WORKSPACE_ADMIN.token, { email: 'dave@example.com', is_admin: false, operator: false });
      assert.equal(wrong.status, 201);
      assert.equal((await list()).length, 2, 'mismatched flags delete nothing');
      const right = await call('POST', '/w/demo/workspaces/delete_invite', WORKSPACE_ADMIN.token, { email: 'dave@example.com', is_admin: true, operator: false });
      assert.equal(right.status, 201);
      assert.deepEqual((await list()).map((i: { email: string }) => i.email), [SEED_INVITE.email]);
      await expectText(await call('GET', '/w/demo/workspaces/list_pending_invites', DEVELOPER.token), 403, 'Require Admin privileges for alice');
    });
  });

  describe('instance users (superadmin)', () => {
    const SA_TEXT = 'Not authorized: This endpoint requires the caller to be a super admin';

    it('answers 401 with the super-admin text to non-superadmins', async () => {
      await expectText(await call('GET', '/users/list_as_super_admin', WORKSPACE_ADMIN.token), 401, SA_TEXT);
      await expectText(await call('POST', '/users/create', DEVELOPER.token, { email: 'n@example.com', password: 'pw', super_admin: false }), 401, SA_TEXT);
      await expectText(await call('DELETE', `/users/delete/${encodeURIComponent(DEVELOPER.email)}`, WORKSPACE_ADMIN.token), 401, SA_TEXT);
      assert.equal(emu.state.users.has('n@example.com'), false);
    });

    it('creates users (201), rejects duplicates and malformed bodies (400)', async () => {
      const res = await call('POST', '/users/create', SUPERADMIN.token, { email: 'new@example.com', password: 'secret', super_admin: false, name: 'New One', company: 'Acme' });
      assert.equal(res.status, 201);
      const u = emu.state.users.get('new@example.com');
      assert.equal(u?.name, 'New One');
      assert.equal(u?.company, 'Acme');
      await expectText(await call('POST', '/users/create', SUPERADMIN.token, { email: 'new@example.com', password: 'x', super_admin: false }),
        400, 'Bad request: user with email new@example.com already exists');
      const missing = await call('POST', '/users/create', SUPERADMIN.token, { email: 'p@example.com' });
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /^Bad request: .*password/);
      const login = await call('POST', '/auth/login', undefined, { email: 'new@example.com', password: 'secret' });
      assert.equal(login.status, 200);
    });

    it('refuses user creation on CE with the real 500 text', async () => {
      emu.reset({ edition: 'CE' });
      await expectText(await call('POST', '/users/create', SUPERADMIN.token, { email: 'ce@example.com', password: 'pw', super_admin: false }),
        500, 'Internal: User creation is not implemented in the open-source version.');
      assert.equal(emu.state.users.has('ce@example.com'), false);
      const pw = await call('POST', `/users/set_password_of/${encodeURIComponent(DEVELOPER.email)}`, SUPERADMIN.token, { password: 'x' });
      assert.equal(pw.status, 500);
      // add_user by email still works on CE
      assert.equal((await call('POST', '/w/demo/workspaces/add_user', SUPERADMIN.token, { email: 'ce@example.com', is_admin: false, operator: false })).status, 201);
    });

    it('pages from 1 and reads page=0 as page 1', async () => {
      const page = async (q: string) => (await (await call('GET', `/users/list_as_super_admin?${q}`, SUPERADMIN.token)).json()).map((u: { email: string }) => u.email);
      const all = await page('');
      assert.equal(all.length, 6);
      const p0 = await page('page=0&per_page=2');
      const p1 = await page('page=1&per_page=2');
      const p2 = await page('page=2&per_page=2');
      assert.deepEqual(p0, p1);
      assert.equal(p1.length, 2);
      assert.deepEqual([...p1, ...p2], all.slice(0, 4));
      assert.deepEqual(await page('page=4&per_page=2'), []);
    });

    it('updates, renames and deletes instance users (decoding %40)', async () => {
      const enc = encodeURIComponent(DEVELOPER.email);
      assert.ok(enc.includes('%40'));
      assert.equal((await call('POST', `/users/update/${enc}`, SUPERADMIN.token, { is_super_admin: true, name: 'Alice L.' })).status, 200);
      assert.equal(emu.state.users.get(DEVELOPER.email)?.super_admin, true);
      assert.equal((await call('POST', `/users/rename/${enc}`, SUPERADMIN.token, { new_username: 'alice2' })).status, 200);
      assert.equal(emu.state.workspaces.get('demo')?.members.get(DEVELOPER.email)?.username, 'alice2');
      await expectText(await call('DELETE', `/users/delete/${enc}`, SUPERADMIN.token), 200, `email ${DEVELOPER.email} deleted`);
      assert.equal(emu.state.users.has(DEVELOPER.email), false);
      assert.equal(emu.state.workspaces.get('demo')?.members.has(DEVELOPER.email), false);
      await expectText(await call('GET', '/users/whoami', DEVELOPER.token), 401, 'Not authorized: Unauthorized');
      const gone = await call('DELETE', `/users/delete/${enc}`, SUPERADMIN.token);
      assert.equal(gone.status, 404);
    });
  });

  describe('tokens and login', () => {
    it('creates (201), lists and deletes tokens; a deleted token stops working', async () => {
      const res = await call('POST', '/users/tokens/create', DEVELOPER.token, { label: 'mine', expiration: new Date(Date.now() + 86_400_000).toISOString() });
      assert.equal(res.status, 201);
      const token = await res.text();
      assert.match(token, /^[A-Za-z0-9]{32}$/);
      const who = await call('GET', '/users/whoami', token);
      assert.equal(who.status, 200);
      assert.equal((await who.json()).email, DEVELOPER.email);
      const list = await (await call('GET', '/users/tokens/list?exclude_ephemeral=true&page=1&per_page=100', token)).json();
      const mine = list.find((t: { label: string }) => t.label === 'mine');
      assert.equal(mine.token_prefix, token.slice(0, 10));
      assert.ok(list.every((t: Record<string, unknown>) => !('token' in t) && typeof t.token_prefix === 'string' && (t.token_prefix as string).length === 10));
      assert.ok(list.some((t: { label: string }) => t.label === 'vscode'), 'pre-existing labelled token');
      assert.equal((await call('DELETE', `/users/tokens/delete/${mine.token_prefix}`, DEVELOPER.token)).status, 200);
      await expectText(await call('GET', '/users/whoami', token), 401, 'Not authorized: Unauthorized');
    });

    it('hides ephemeral tokens on request and rejects expired tokens', async () => {
      const labels = async (q: string) => (await (await call('GET', `/users/tokens/list${q}`, SUPERADMIN.token)).json()).map((t: { label: string }) => t.label);
      assert.ok((await labels('')).includes('ephemeral-script'));
      assert.ok(!(await labels('?exclude_ephemeral=true')).includes('ephemeral-script'));
      const res = await call('POST', '/users/tokens/create', DEVELOPER.token, { label: 'short', expiration: new Date(Date.now() - 1000).toISOString() });
      assert.equal(res.status, 201);
      await expectText(await call('GET', '/users/whoami', await res.text()), 401, 'Not authorized: Unauthorized');
    });

    it('logs in with a password and rejects bad logins', async () => {
      const res = await call('POST', '/auth/login', undefined, { email: OPERATOR.email, password: OPERATOR.password });
      assert.equal(res.status, 200);
      const token = await res.text();
      assert.equal(token.length, 32);
      assert.equal((await (await call('GET', '/users/whoami', token)).json()).email, OPERATOR.email);
      await expectText(await call('POST', '/auth/login', undefined, { email: OPERATOR.email, password: 'wrong' }), 400, 'Bad request: Invalid login');
    });
  });

  describe('control endpoints', () => {
    it('reset reseeds and clears the request log', async () => {
      await call('DELETE', '/w/demo/users/delete/erin', WORKSPACE_ADMIN.token);
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), false);
      assert.deepEqual(await control('POST', 'reset', { edition: 'CE' }), { ok: true });
      assert.equal(emu.state.edition, 'CE');
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), true);
      assert.deepEqual(await control('GET', 'requests'), []);
    });

    it('state has no passwords nor full tokens', async () => {
      const s = await control('GET', 'state') as {
        edition: string; users: Array<Record<string, unknown>>; workspaces: Record<string, { members: unknown[]; invites: unknown[] }>;
        tokens: Array<{ prefix: string; owner: string; label: string }>;
      };
      assert.equal(s.edition, 'EE');
      assert.equal(s.users.length, 6);
      assert.equal(s.workspaces.demo.members.length, 6);
      assert.equal(s.workspaces.other.members.length, 1);
      assert.equal(s.workspaces.demo.invites.length, 1);
      const raw = JSON.stringify(s);
      for (const secret of [SUPERADMIN.token, DEVELOPER.token, SUPERADMIN.password, DEVELOPER.password]) assert.ok(!raw.includes(secret));
      assert.ok(s.tokens.some((t) => t.owner === DEVELOPER.email && t.prefix === DEVELOPER.token.slice(0, 10)));
      assert.equal(s.users.find((u) => u.email === SUPERADMIN.email)?.hasPassword, true);
    });

    it('records requests (without the query in path, never the token) and logs lines', async () => {
      lines.length = 0;
      await call('GET', '/users/tokens/list?exclude_ephemeral=true&page=1', DEVELOPER.token);
      await call('GET', '/users/whoami');
      const reqs = await control('GET', 'requests');
      assert.deepEqual(reqs, [
        { method: 'GET', path: '/api/users/tokens/list', query: { exclude_ephemeral: 'true', page: '1' }, status: 200 },
        { method: 'GET', path: '/api/users/whoami', query: {}, status: 401 },
      ]);
      assert.deepEqual(lines, ['GET /api/users/tokens/list 200', 'GET /api/users/whoami 401']);
      assert.ok(!lines.join('\n').includes(DEVELOPER.token));
    });

    it('switches edition without reseeding', async () => {
      await call('DELETE', '/w/demo/users/delete/erin', WORKSPACE_ADMIN.token);
      await control('POST', 'edition', { edition: 'CE' });
      await expectText(await call('GET', '/version'), 200, 'CE v1.743.0');
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), false);
    });

    it('status fault answers as told, once, without changing state', async () => {
      await control('POST', 'fault', { method: 'POST', path: '/api/users/create', mode: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
      const res = await call('POST', '/users/create', SUPERADMIN.token, { email: 'f@example.com', password: 'pw', super_admin: false });
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.equal(await res.text(), '<html>Bad Gateway</html>');
      assert.equal(emu.state.users.has('f@example.com'), false);
      const again = await call('POST', '/users/create', SUPERADMIN.token, { email: 'f@example.com', password: 'pw', super_admin: false });
      assert.equal(again.status, 201, 'times defaults to 1');
    });

    it('status fault with headers, a prefix path and times', async () => {
      await control('POST', 'fault', { path: '/api/w/demo/*', mode: 'status', status: 429, body: 'slow down', headers: { 'Retry-After': '2' }, times: 2 });
      for (let i = 0; i < 2; i++) {
        const r = await call('GET', '/w/demo/users/list', DEVELOPER.token);
        assert.equal(r.status, 429);
        assert.equal(r.headers.get('retry-after'), '2');
        assert.equal(await r.text(), 'slow down');
      }
      assert.equal((await call('GET', '/w/demo/users/list', DEVELOPER.token)).status, 200);
      assert.equal((await call('GET', '/users/whoami', DEVELOPER.token)).status, 200, 'prefix does not match other paths');
    });

    it('status fault can serve truncated JSON', async () => {
      await control('POST', 'fault', { path: '/api/w/demo/users/list', mode: 'status', status: 200, body: '[{"email":', contentType: 'application/json' });
      const r = await call('GET', '/w/demo/users/list', DEVELOPER.token);
      assert.equal(r.status, 200);
      await assert.rejects(r.json());
    });

    it('refuse destroys the connection', async () => {
      await control('POST', 'fault', { path: '/api/users/whoami', mode: 'refuse' });
      await assert.rejects(call('GET', '/users/whoami', DEVELOPER.token), TypeError);
      assert.equal((await call('GET', '/users/whoami', DEVELOPER.token)).status, 200);
      const reqs = await control('GET', 'requests') as Array<{ status: number }>;
      assert.deepEqual(reqs.map((r) => r.status), [0, 200]);
    });

    it('hang never answers until the client gives up', async () => {
      await control('POST', 'fault', { path: '/api/users/whoami', mode: 'hang', times: 0 });
      const t0 = Date.now();
      await assert.rejects(call('GET', '/users/whoami', DEVELOPER.token, undefined, AbortSignal.timeout(300)), (e: Error) => e.name === 'TimeoutError');
      assert.ok(Date.now() - t0 >= 250);
      // times: 0 = until reset
      await assert.rejects(call('GET', '/users/whoami', DEVELOPER.token, undefined, AbortSignal.timeout(100)));
      emu.reset();
      assert.equal((await call('GET', '/users/whoami', DEVELOPER.token)).status, 200);
    });

    it('slow delays the normal answer', async () => {
      await control('POST', 'fault', { path: '/api/w/demo/users/delete/erin', method: 'DELETE', mode: 'slow', delayMs: 300 });
      const t0 = Date.now();
      const res = await call('DELETE', '/w/demo/users/delete/erin', WORKSPACE_ADMIN.token);
      assert.ok(Date.now() - t0 >= 280);
      assert.equal(res.status, 200);
      assert.equal(emu.state.workspaces.get('demo')?.members.has('erin@example.com'), false);
    });

    it('rejects a malformed fault', async () => {
      const res = await fetch(`${emu.url}/_emulator/fault`, { method: 'POST', body: JSON.stringify({ path: '/api/x', mode: 'explode' }) });
      assert.equal(res.status, 400);
    });
  });

  describe('lifecycle and scale', () => {
    it('close() does not hang on hanging and keep-alive connections', async () => {
      const other = await startEmulator();
      await fetch(`${other.url}/api/version`); // leaves a keep-alive connection
      await fetch(`${other.url}/_emulator/fault`, { method: 'POST', body: JSON.stringify({ path: '/api/version', mode: 'hang' }) });
      const pending = fetch(`${other.url}/api/version`).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      await other.close();
      assert.ok(Date.now() - t0 < 1000);
      assert.ok((await pending) instanceof Error);
    });

    it('seeds 10,000 extra members fast and serves them', async () => {
      const t0 = Date.now();
      emu.reset({ members: 10_000 });
      const elapsed = Date.now() - t0;
      assert.ok(elapsed < 500, `seeding took ${elapsed} ms`);
      const rows = await (await call('GET', '/w/demo/users/list', DEVELOPER.token)).json();
      assert.equal(rows.length, 10_006);
      assert.ok(rows.some((r: { email: string; role: string }) => r.email === 'user0001@scale.example' && r.role === 'developer'));
      assert.ok(rows.some((r: { email: string }) => r.email === 'user10000@scale.example'));
      const page = await (await call('GET', '/users/list_as_super_admin?page=2&per_page=100', SUPERADMIN.token)).json();
      assert.equal(page.length, 100);
    });
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Agent, MockAgent } from 'undici';
import type { GlobalUserInfo as SpecGlobalUserInfo } from 'windmill-client';
import {
  WindmillClient,
  WindmillError,
  WindmillHttpError,
  WindmillNetworkError,
  WindmillProtocolError,
  classifyNetworkError,
  isWindmillError,
  parseRetryAfter,
  type ClientOptions,
  type GlobalUserInfo,
  type RequestLogInfo,
} from '../../src/windmill/client';
import { closedPort, tokenChecks } from './clientHelpers';

const ORIGIN = 'https://wm.example.com';
const TOKEN = 'tok_SECRET_0123456789abcdefXYZ';

// Compile-time check: windmill-client's GlobalUserInfo fits our lenient one.
const _compat: GlobalUserInfo = {} as SpecGlobalUserInfo;
void _compat;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

function normHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
  } else if (h && typeof h === 'object' && typeof (h as Headers).forEach === 'function') {
    (h as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
  } else if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** For tests of how one answer maps to an error: no retry of GETs. */
const NO_RETRY = { attempts: 1 };

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const JSONH = { 'content-type': 'application/json' };

function setup(extra: Partial<ClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const calls: Captured[] = [];
  const logs: RequestLogInfo[] = [];
  const client = new WindmillClient({ remote: `${ORIGIN}/`, token: TOKEN, dispatcher: agent, onRequest: (i) => logs.push(i), ...extra });
  /** Answers one request whose path (without query) is `p`. */
  function on(method: string, p: string, status: number, data: string | object = '', headers: Record<string, string> = typeof data === 'string' ? TEXT : JSONH) {
    return pool
      .intercept({ method, path: (full: string) => full.split('?')[0] === p })
      .reply((o) => {
        calls.push({ method: o.method, path: o.path, headers: normHeaders(o.headers), body: o.body ? JSON.parse(String(o.body)) : undefined });
        return { statusCode: status, data: typeof data === 'string' ? data : JSON.stringify(data), responseOptions: { headers } };
      });
  }
  return { agent, client, calls, logs, on };
}

const { assertNoToken, rejects } = tokenChecks(TOKEN);

const USER_ROW = {
  email: 'alice@example.com',
  login_type: 'password',
  super_admin: false,
  verified: true,
  first_time_user: false,
  role_source: 'manual',
  disabled: false,
  username: 'alice',
};

describe('WindmillClient', () => {
  describe('construction', () => {
    it('normalizes the remote into the API base', () => {
      assert.equal(new WindmillClient({ remote: 'https://wm.example.com' }).apiBase, 'https://wm.example.com/api');
      assert.equal(new WindmillClient({ remote: ' HTTPS://WM.example.com:443// ' }).apiBase, 'https://wm.example.com/api');
      assert.equal(new WindmillClient({ remote: 'http://localhost:8000/windmill/' }).apiBase, 'http://localhost:8000/windmill/api');
    });
    it('refuses a remote that is not an http(s) URL', () => {
      assert.throws(() => new WindmillClient({ remote: 'ftp://x' }), TypeError);
      assert.throws(() => new WindmillClient({ remote: 'not a url' }), TypeError);
    });
  });

  describe('requests', () => {
    it('sends Authorization, X-Windmill-Client and JSON accept on whoami', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/whoami', 200, USER_ROW);
      const me = await client.whoami();
      assert.equal(me.email, 'alice@example.com');
      assert.equal(calls[0].headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(calls[0].headers['x-windmill-client'], 'vscode-windmill-users');
      assert.match(calls[0].headers.accept, /application\/json/);
    });

    it('uses a custom client name', async () => {
      const { client, calls, on } = setup({ clientName: 'my-tool' });
      on('GET', '/api/users/whoami', 200, USER_ROW);
      await client.whoami();
      assert.equal(calls[0].headers['x-windmill-client'], 'my-tool');
    });

    it('sends no Authorization header without a token', async () => {
      const { client, calls, on } = setup({ token: undefined });
      on('GET', '/api/users/whoami', 200, USER_ROW);
      await client.whoami();
      assert.equal(calls[0].headers.authorization, undefined);
    });

    it('version: parses CE, EE and git-describe suffixes, without auth', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/version', 200, 'CE v1.743.0\n');
      on('GET', '/api/version', 200, 'EE v1.743.0-12-gabc');
      on('GET', '/api/version', 200, 'v1.500.2');
      assert.deepEqual(await client.version(), { edition: 'CE', version: '1.743.0', raw: 'CE v1.743.0' });
      assert.deepEqual(await client.version(), { edition: 'EE', version: '1.743.0-12-gabc', raw: 'EE v1.743.0-12-gabc' });
      assert.equal((await client.version()).edition, 'unknown');
      assert.equal(calls[0].headers.authorization, undefined);
    });

    it('version: an HTML page is not a Windmill server', async () => {
      const { client, on } = setup();
      on('GET', '/api/version', 200, '<!DOCTYPE html><html><body>Welcome to nginx</body></html>', { 'content-type': 'text/html' });
      const e = await rejects(client.version(), WindmillProtocolError);
      assert.match(e.describe(), /did not answer like a Windmill server/);
      assert.ok(!e.describe().includes('<'));
    });

    it('workspaceWhoami and workspaceExists', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/w/my%20ws/users/whoami', 200, { email: 'a@b.c', username: 'a', is_admin: true, operator: false, disabled: false });
      on('POST', '/api/workspaces/exists', 200, 'true', JSONH);
      const m = await client.workspaceWhoami('my ws');
      assert.equal(m.role, 'admin');
      assert.equal(m.workspace_id, 'my ws');
      assert.equal(await client.workspaceExists('demo'), true);
      assert.deepEqual(calls[1].body, { id: 'demo' });
      assert.equal(calls[1].headers['content-type'], 'application/json');
    });

    it('workspaceExists: a non-boolean answer is a protocol error', async () => {
      const { client, on } = setup();
      on('POST', '/api/workspaces/exists', 200, { exists: true });
      await rejects(client.workspaceExists('demo'), WindmillProtocolError);
    });

    it('member calls: method, path, encoded segments and bodies', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/w/demo/users/get/bob%2Fx', 200, { email: 'bob@x.io', username: 'bob/x', is_admin: false, operator: true, disabled: false });
      on('POST', '/api/w/demo/users/update/bob', 200, 'user bob updated');
      on('DELETE', '/api/w/demo/users/delete/bob', 200, 'user bob deleted');
      on('POST', '/api/w/demo/workspaces/add_user', 201, 'user added');
      on('POST', '/api/w/demo/workspaces/invite_user', 201, 'user invited');
      on('GET', '/api/w/demo/workspaces/list_pending_invites', 200, [
        { workspace_id: 'demo', email: 'c@x.io', is_admin: false, operator: true },
        { workspace_id: 'demo' },
      ]);
      on('POST', '/api/w/demo/workspaces/delete_invite', 201, 'invite deleted');

      const m = await client.getMember('demo', 'bob/x');
      assert.equal(m.role, 'operator');
      await client.updateMember('demo', 'bob', { is_admin: true, disabled: undefined });
      await client.removeMember('demo', 'bob');
      await client.addUserToWorkspace('demo', { email: 'c@x.io', is_admin: false, operator: false, username: 'c' });
      await client.inviteUser('demo', { email: 'c@x.io', is_admin: false, operator: true });
      const invites = await client.listPendingInvites('demo');
      assert.deepEqual(invites, [{ workspace_id: 'demo', email: 'c@x.io', is_admin: false, operator: true }]);
      await client.deleteInvite('demo', invites[0]);

      assert.deepEqual(
        calls.map((c) => `${c.method} ${c.path}`),
        [
          'GET /api/w/demo/users/get/bob%2Fx',
          'POST /api/w/demo/users/update/bob',
          'DELETE /api/w/demo/users/delete/bob',
          'POST /api/w/demo/workspaces/add_user',
          'POST /api/w/demo/workspaces/invite_user',
          'GET /api/w/demo/workspaces/list_pending_invites',
          'POST /api/w/demo/workspaces/delete_invite',
        ],
      );
      assert.deepEqual(calls[1].body, { is_admin: true });
      assert.equal(calls[2].body, undefined);
      assert.deepEqual(calls[3].body, { email: 'c@x.io', is_admin: false, operator: false, username: 'c' });
      assert.deepEqual(calls[4].body, { email: 'c@x.io', is_admin: false, operator: true });
      assert.deepEqual(calls[6].body, { email: 'c@x.io', is_admin: false, operator: true });
      for (const c of calls) assert.equal(c.headers.authorization, `Bearer ${TOKEN}`);
    });

    it('instance user calls: emails are encoded (a@b.com -> a%40b.com)', async () => {
      const { client, calls, on } = setup();
      on('POST', '/api/users/create', 201, 'user created');
      on('POST', '/api/users/update/a%40b.com', 200, 'updated');
      on('DELETE', '/api/users/delete/a%40b.com', 200, 'email a@b.com deleted');
      on('POST', '/api/users/set_password_of/a%40b.com', 200, 'done');
      on('POST', '/api/users/rename/a%40b.com', 200, 'done');

      await client.createUser({ email: 'a@b.com', password: 'pw-123456789', super_admin: false, name: 'A', skip_email: true });
      await client.updateInstanceUser('a@b.com', { is_super_admin: true, is_devops: false });
      await client.deleteUser('a@b.com');
      await client.setPassword('a@b.com', 'new-password-1');
      await client.renameUser('a@b.com', 'alice2');

      assert.deepEqual(calls[0].body, { email: 'a@b.com', password: 'pw-123456789', super_admin: false, name: 'A', skip_email: true });
      assert.deepEqual(calls[1].body, { is_super_admin: true, is_devops: false });
      assert.equal(calls[2].method, 'DELETE');
      assert.deepEqual(calls[3].body, { password: 'new-password-1' });
      assert.deepEqual(calls[4].body, { new_username: 'alice2' });
    });

    it('token calls: create (201, trimmed text), list (exclude_ephemeral, page 1), delete', async () => {
      const { client, calls, on } = setup();
      on('POST', '/api/users/tokens/create', 201, 'NewTokenAbcdefghijklmnopqrstuv12\n');
      on('GET', '/api/users/tokens/list', 200, [
        { token_prefix: 'NewTokenAb', label: 'ci', created_at: '2025-01-01T00:00:00Z', last_used_at: '2025-01-02T00:00:00Z', scopes: ['jobs:read', 3], read_only: false },
        { label: 'no prefix: dropped' },
      ]);
      on('DELETE', '/api/users/tokens/delete/NewTokenAb', 200, 'deleted');

      const t = await client.createToken({ label: 'ci', expiration: '2030-01-01T00:00:00Z', scopes: ['jobs:read'] });
      assert.equal(t, 'NewTokenAbcdefghijklmnopqrstuv12');
      const list = await client.listTokens();
      assert.deepEqual(list, [
        { token_prefix: 'NewTokenAb', label: 'ci', created_at: '2025-01-01T00:00:00Z', last_used_at: '2025-01-02T00:00:00Z', scopes: ['jobs:read'], read_only: false },
      ]);
      await client.deleteToken('NewTokenAb');

      assert.deepEqual(calls[0].body, { label: 'ci', expiration: '2030-01-01T00:00:00Z', scopes: ['jobs:read'] });
      const q = new URLSearchParams(calls[1].path.split('?')[1]);
      assert.equal(q.get('exclude_ephemeral'), 'true');
      assert.equal(q.get('page'), '1');
      assert.equal(q.get('per_page'), '100');
      assert.equal(calls[2].method, 'DELETE');
    });

    it('createToken: an HTML or empty answer is a protocol error that does not quote the body', async () => {
      const { client, on } = setup();
      on('POST', '/api/users/tokens/create', 201, '');
      on('POST', '/api/users/tokens/create', 200, 'two words');
      await rejects(client.createToken({}), WindmillProtocolError);
      const e = await rejects(client.createToken({}), WindmillProtocolError);
      assert.ok(!e.message.includes('two words'));
    });

    it('login: POST /auth/login without Authorization, returns the token', async () => {
      const { client, calls, on } = setup();
      on('POST', '/api/auth/login', 200, 'SessionToken0123456789abcdefghij');
      assert.equal(await client.login('a@b.com', 'pw'), 'SessionToken0123456789abcdefghij');
      assert.equal(calls[0].headers.authorization, undefined);
      assert.deepEqual(calls[0].body, { email: 'a@b.com', password: 'pw' });
    });

    it('refuses empty (and dot) path segments before sending', async () => {
      const { client, calls } = setup();
      await assert.rejects(client.listMembers(''), TypeError);
      await assert.rejects(client.getMember('demo', ''), TypeError);
      await assert.rejects(client.removeMember('demo', '..'), TypeError);
      await assert.rejects(client.deleteUser(''), TypeError);
      await assert.rejects(client.deleteToken(''), TypeError);
      await assert.rejects(client.workspaceExists(''), TypeError);
      await assert.rejects(client.listInstanceUsers({ page: 0 }), RangeError);
      assert.equal(calls.length, 0);
    });

    it('logs each request through onRequest without query string or token', async () => {
      const { client, logs, on } = setup();
      on('GET', '/api/users/list_as_super_admin', 200, [USER_ROW]);
      on('GET', '/api/users/whoami', 401, 'Not authorized: Unauthorized');
      await client.listInstanceUsers({ activeOnly: true });
      await assert.rejects(client.whoami());
      assert.equal(logs.length, 2);
      assert.equal(logs[0].method, 'GET');
      assert.equal(logs[0].path, '/users/list_as_super_admin');
      assert.equal(logs[0].status, 200);
      assert.equal(typeof logs[0].ms, 'number');
      assert.equal(logs[1].status, 401);
      assert.ok(logs[1].error);
      for (const l of logs) assert.ok(!JSON.stringify(l).includes(TOKEN));
    });
  });

  describe('path segments stay one segment', () => {
    // What the server would see: the request path as the (Mock)Agent receives it.
    const hostileUsernames = ['../admin', 'a/b', '%2F', '..%2Fadmin', '%2e%2e', 'a?b=1', 'a#frag', 'a b', 'a\\b', '@admin', 'عليّ', '😀', '.hidden', '...'];
    const hostileEmails = ['a+b@x.com', 'a/b@x.com', '../@x.com', 'a%2Fb@x.com', 'a?x@y.com', 'a#b@x.com', 'josé@exämple.de'];

    /** The last segment of `full` (query cut) decodes back to exactly `value`, and it is one segment. */
    function assertOneSegment(full: string, prefix: string, value: string): void {
      const p = full.split('?')[0];
      assert.ok(p.startsWith(prefix), `${p} does not start with ${prefix}`);
      const last = p.slice(prefix.length);
      assert.ok(!last.includes('/'), `${JSON.stringify(value)} became more than one segment: ${p}`);
      assert.ok(!last.includes('?') && !last.includes('#'), p);
      assert.doesNotMatch(last, /^\.{1,2}$/, p);
      assert.equal(decodeURIComponent(last), value);
    }

    it('usernames like ../admin, a/b and %2F in getMember, updateMember and removeMember', async () => {
      const { client, calls, on } = setup();
      for (const u of hostileUsernames) {
        const enc = encodeURIComponent(u);
        on('GET', `/api/w/demo/users/get/${enc}`, 200, { username: u, email: 'x@y.z' });
        on('POST', `/api/w/demo/users/update/${enc}`, 200, 'ok');
        on('DELETE', `/api/w/demo/users/delete/${enc}`, 200, 'ok');
        assert.equal((await client.getMember('demo', u)).username, u);
        await client.updateMember('demo', u, { disabled: true });
        await client.removeMember('demo', u);
      }
      assert.equal(calls.length, hostileUsernames.length * 3);
      calls.forEach((c, i) => {
        const u = hostileUsernames[Math.floor(i / 3)];
        const prefix = ['/api/w/demo/users/get/', '/api/w/demo/users/update/', '/api/w/demo/users/delete/'][i % 3];
        assertOneSegment(c.path, prefix, u);
      });
      assert.equal(calls[0].path, '/api/w/demo/users/get/..%2Fadmin');
      assert.equal(calls[3].path, '/api/w/demo/users/get/a%2Fb');
      assert.equal(calls[6].path, '/api/w/demo/users/get/%252F');
    });

    it('emails: "+" and "@" are encoded (a+b@x.com -> a%2Bb%40x.com), "/" cannot split the path', async () => {
      const { client, calls, on } = setup();
      for (const e of hostileEmails) {
        const enc = encodeURIComponent(e);
        on('DELETE', `/api/users/delete/${enc}`, 200, 'deleted');
        on('POST', `/api/users/update/${enc}`, 200, 'ok');
        on('POST', `/api/users/set_password_of/${enc}`, 200, 'ok');
        on('POST', `/api/users/rename/${enc}`, 200, 'ok');
        await client.deleteUser(e);
        await client.updateInstanceUser(e, { disabled: true });
        await client.setPassword(e, 'a-long-password');
        await client.renameUser(e, 'newname');
      }
      assert.equal(calls.length, hostileEmails.length * 4);
      calls.forEach((c, i) => {
        const e = hostileEmails[Math.floor(i / 4)];
        const prefix = ['/api/users/delete/', '/api/users/update/', '/api/users/set_password_of/', '/api/users/rename/'][i % 4];
        assertOneSegment(c.path, prefix, e);
      });
      assert.equal(calls[0].path, '/api/users/delete/a%2Bb%40x.com');
      assert.equal(calls[4].path, '/api/users/delete/a%2Fb%40x.com');
    });

    it('workspace ids and token prefixes are encoded the same way', async () => {
      const { client, calls, on } = setup();
      on('GET', `/api/w/${encodeURIComponent('../x')}/users/list`, 200, []);
      on('DELETE', `/api/users/tokens/delete/${encodeURIComponent('ab/../cd')}`, 200, 'deleted');
      await client.listMembers('../x');
      await client.deleteToken('ab/../cd');
      assert.equal(calls[0].path.split('?')[0], '/api/w/..%2Fx/users/list');
      assertOneSegment(calls[1].path, '/api/users/tokens/delete/', 'ab/../cd');
    });

    it('"." and ".." alone are refused before anything is sent', async () => {
      const { client, calls } = setup();
      for (const bad of ['.', '..']) {
        await assert.rejects(client.getMember('demo', bad), TypeError);
        await assert.rejects(client.removeMember(bad, 'bob'), TypeError);
        await assert.rejects(client.deleteUser(bad), TypeError);
        await assert.rejects(client.deleteToken(bad), TypeError);
      }
      assert.equal(calls.length, 0);
    });
  });

  describe('lenient parsing', () => {
    it('parses real-shaped member rows and derives roles', async () => {
      const { client, on } = setup();
      on('GET', '/api/w/demo/users/list', 200, [
        // a real row: no folders, no is_super_admin (the spec says required)
        { workspace_id: 'demo', email: 'admin@x.io', username: 'admin', is_admin: true, created_at: '2025-01-01T00:00:00Z', operator: false, disabled: false, role: 'Admin', added_via: null, is_service_account: false },
        { workspace_id: 'demo', email: 'op@x.io', username: 'op', is_admin: false, operator: true, disabled: true },
        { email: 'dev@x.io', username: 'dev' },
        { workspace_id: 'demo', email: 'both@x.io', username: 'both', is_admin: true, operator: true },
        { email: 'nouser@x.io' },
        'garbage',
        null,
      ]);
      const members = await client.listMembers('demo');
      assert.deepEqual(
        members.map((m) => [m.username, m.role, m.disabled, m.workspace_id]),
        [
          ['admin', 'admin', false, 'demo'],
          ['op', 'operator', true, 'demo'],
          ['dev', 'developer', false, 'demo'],
          ['both', 'admin', false, 'demo'],
        ],
      );
      assert.equal(members[0].created_at, '2025-01-01T00:00:00Z');
      assert.equal(members[0].is_service_account, false);
      assert.equal(members[2].email, 'dev@x.io');
    });

    it('a wrong top-level shape is a protocol error', async () => {
      const { client, on } = setup();
      on('GET', '/api/w/demo/users/list', 200, { users: [] });
      on('GET', '/api/users/whoami', 200, [USER_ROW]);
      await rejects(client.listMembers('demo'), WindmillProtocolError);
      await rejects(client.whoami(), WindmillProtocolError);
    });

    it('unparsable JSON is a protocol error', async () => {
      const { client, on } = setup();
      on('GET', '/api/w/demo/users/list', 200, '[{"email": ', JSONH);
      const e = await rejects(client.listMembers('demo'), WindmillProtocolError);
      assert.match(e.describe(), /wm\.example\.com did not answer like a Windmill server/);
    });

    it('an HTML page with 200 on a JSON endpoint is a protocol error (wrong URL)', async () => {
      const { client, on } = setup();
      on('GET', '/api/users/whoami', 200, '<!doctype html><html><head><title>Windmill</title></head></html>', { 'content-type': 'text/html; charset=utf-8' });
      await rejects(client.whoami(), WindmillProtocolError);
    });

    it('fills defaults for instance users missing spec fields; drops rows without email', async () => {
      const { client, on } = setup();
      on('GET', '/api/users/list_as_super_admin', 200, [{ email: 'x@y.z', login_type: 'google' }, { username: 'noemail' }]);
      const users = await client.listInstanceUsers();
      assert.deepEqual(users, [
        { email: 'x@y.z', login_type: 'google', super_admin: false, verified: false, first_time_user: false, role_source: 'manual', disabled: false },
      ]);
    });
  });

  describe('paging', () => {
    it('listAllInstanceUsers pages from 1 until a short page', async () => {
      const { client, calls, on } = setup();
      const u = (n: number) => ({ ...USER_ROW, email: `u${n}@x.io` });
      on('GET', '/api/users/list_as_super_admin', 200, [u(1), u(2)]);
      on('GET', '/api/users/list_as_super_admin', 200, [u(3), u(4)]);
      on('GET', '/api/users/list_as_super_admin', 200, [u(5)]);
      const all = await client.listAllInstanceUsers({ perPage: 2 });
      assert.deepEqual(all.map((x) => x.email), ['u1@x.io', 'u2@x.io', 'u3@x.io', 'u4@x.io', 'u5@x.io']);
      assert.deepEqual(
        calls.map((c) => new URLSearchParams(c.path.split('?')[1]).get('page')),
        ['1', '2', '3'],
      );
      assert.ok(calls.every((c) => new URLSearchParams(c.path.split('?')[1]).get('per_page') === '2'));
    });

    it('stops when the server ignores the page parameter', async () => {
      const { client, calls, on } = setup();
      const page = [{ ...USER_ROW, email: 'a@x.io' }, { ...USER_ROW, email: 'b@x.io' }];
      on('GET', '/api/users/list_as_super_admin', 200, page).persist();
      const all = await client.listAllInstanceUsers({ perPage: 2 });
      assert.equal(all.length, 2);
      assert.equal(calls.length, 2);
    });

    it('a dropped row does not make a full page look short', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/tokens/list', 200, [{ token_prefix: 'a' }, { label: 'no prefix' }]);
      on('GET', '/api/users/tokens/list', 200, []);
      const all = await client.listAllTokens({ perPage: 2 });
      assert.deepEqual(all, [{ token_prefix: 'a' }]);
      assert.equal(calls.length, 2);
    });
  });

  describe('HTTP errors', () => {
    it('400: badRequest with the server text', async () => {
      const { client, on } = setup();
      on('POST', '/api/auth/login', 400, 'Bad request: Invalid login');
      const e = await rejects(client.login('a@b.c', 'x'), WindmillHttpError);
      assert.equal(e.status, 400);
      assert.equal(e.kind, 'badRequest');
      assert.equal(e.serverMessage, 'Bad request: Invalid login');
      assert.equal(e.method, 'POST');
      assert.equal(e.path, '/auth/login');
      assert.match(e.describe(), /Invalid login/);
    });

    it('401 bad token vs 401 superadmin required', async () => {
      const { client, on } = setup();
      on('GET', '/api/users/whoami', 401, 'Not authorized: Unauthorized');
      on('GET', '/api/users/list_as_super_admin', 401, 'Not authorized: This endpoint requires the caller to be a super admin');
      const bad = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(bad.kind, 'unauthorized');
      assert.equal(bad.superadminRequired, false);
      assert.equal(bad.describe(), 'The token was rejected (expired, revoked or wrong).');
      const sa = await rejects(client.listInstanceUsers(), WindmillHttpError);
      assert.equal(sa.kind, 'unauthorized');
      assert.equal(sa.status, 401);
      assert.equal(sa.superadminRequired, true);
      assert.equal(sa.describe(), 'This needs an instance superadmin.');
    });

    it('403 quotes the server text', async () => {
      const { client, on } = setup();
      on('DELETE', '/api/w/demo/users/delete/bob', 403, 'Require Admin privileges for alice');
      const e = await rejects(client.removeMember('demo', 'bob'), WindmillHttpError);
      assert.equal(e.kind, 'forbidden');
      assert.match(e.describe(), /"Require Admin privileges for alice"/);
    });

    it('404 and 500', async () => {
      const { client, on } = setup();
      on('GET', '/api/w/demo/users/get/ghost', 404, 'Not found: user ghost');
      on('POST', '/api/users/create', 500, 'Internal: User creation is not implemented in the open-source version.');
      const nf = await rejects(client.getMember('demo', 'ghost'), WindmillHttpError);
      assert.equal(nf.kind, 'notFound');
      assert.equal(nf.serverMessage, 'Not found: user ghost');
      const se = await rejects(client.createUser({ email: 'a@b.c', password: 'x'.repeat(10), super_admin: false }), WindmillHttpError);
      assert.equal(se.kind, 'server');
      assert.equal(se.status, 500);
      assert.match(se.describe(), /not implemented in the open-source version/);
    });

    it('an HTML 502 is not dumped', async () => {
      const { client, on } = setup({ retry: NO_RETRY });
      const html = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>${'<p>x</p>'.repeat(500)}</body></html>`;
      on('GET', '/api/users/whoami', 502, html, { 'content-type': 'text/html' });
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(e.status, 502);
      assert.equal(e.kind, 'server');
      assert.equal(e.serverMessage, 'HTML error page');
      assert.ok(!e.describe().includes('<'));
      assert.ok(!e.message.includes('<'));
    });

    it('long texts are truncated, control characters removed, an echoed token redacted', async () => {
      const { client, on } = setup();
      on('GET', '/api/users/whoami', 400, `bad token ${TOKEN}\u001b[31m ${'y'.repeat(2000)}`);
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.ok(e.serverMessage.length <= 501);
      assert.ok(!e.serverMessage.includes('\u001b'));
      assert.ok(e.serverMessage.includes('[token]'));
    });

    it('429 carries retryAfterMs', async () => {
      const { client, on } = setup({ retry: NO_RETRY });
      on('GET', '/api/users/whoami', 429, 'slow down', { ...TEXT, 'retry-after': '7' });
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterMs, 7000);
      assert.match(e.describe(), /7 s/);
    });

    it('a redirect is an error naming the target', async () => {
      const { client, on } = setup();
      on('GET', '/api/users/whoami', 301, '', { location: 'https://other.example.com/api/users/whoami' });
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(e.kind, 'other');
      assert.match(e.serverMessage, /other\.example\.com/);
    });

    it('parseRetryAfter reads seconds and dates', () => {
      assert.equal(parseRetryAfter('3'), 3000);
      assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5000);
      assert.equal(parseRetryAfter('soon'), undefined);
    });
  });

  describe('network errors, timeouts and cancellation', () => {
    it('times out with kind "timeout" (MockAgent delay)', async () => {
      const { client, on } = setup({ timeoutMs: 50, retry: NO_RETRY });
      on('GET', '/api/users/whoami', 200, USER_ROW).delay(500);
      const started = Date.now();
      const e = await rejects(client.whoami(), WindmillNetworkError);
      assert.equal(e.kind, 'timeout');
      assert.ok(Date.now() - started < 400);
      assert.equal(e.timeoutMs, 50);
      assert.match(e.describe(), /^wm\.example\.com did not answer within [0-9.]+ s\.$/);
    });

    it('a caller abort during the request is "aborted", not "timeout"', async () => {
      const { client, on } = setup({ timeoutMs: 5000 });
      on('GET', '/api/users/whoami', 200, USER_ROW).delay(500);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 20);
      const e = await rejects(client.whoami({ signal: ac.signal }), WindmillNetworkError);
      assert.equal(e.kind, 'aborted');
      assert.equal(e.describe(), 'The request was cancelled.');
    });

    it('an already aborted signal sends nothing', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/whoami', 200, USER_ROW);
      const e = await rejects(client.whoami({ signal: AbortSignal.abort() }), WindmillNetworkError);
      assert.equal(e.kind, 'aborted');
      assert.equal(calls.length, 0);
    });

    it('maps low-level error codes (replyWithError)', async () => {
      const cases: Array<[string, string]> = [
        ['ECONNREFUSED', 'refused'],
        ['ENOTFOUND', 'dns'],
        ['EAI_AGAIN', 'dns'],
        ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
        ['CERT_HAS_EXPIRED', 'tls'],
        ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
        ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
        ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
        ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
        ['UND_ERR_BODY_TIMEOUT', 'timeout'],
        ['ECONNRESET', 'reset'],
        ['UND_ERR_SOCKET', 'reset'],
        ['EWHATEVER', 'other'],
      ];
      for (const [code, kind] of cases) {
        const agent = new MockAgent();
        agent.disableNetConnect();
        agent.get(ORIGIN).intercept({ path: '/api/users/whoami' }).replyWithError(Object.assign(new Error(`boom ${code}`), { code }));
        const client = new WindmillClient({ remote: ORIGIN, token: TOKEN, dispatcher: agent, retry: NO_RETRY });
        const e = await rejects(client.whoami(), WindmillNetworkError);
        assert.equal(e.kind, kind, code);
        assert.equal(e.code, code);
        await agent.close();
      }
    });

    it('classifyNetworkError follows causes and AggregateError members', () => {
      const inner = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
      assert.deepEqual(classifyNetworkError(new Error('fetch failed', { cause: inner })), { kind: 'refused', code: 'ECONNREFUSED' });
      assert.deepEqual(classifyNetworkError(new AggregateError([inner])), { kind: 'refused', code: 'ECONNREFUSED' });
      assert.equal(classifyNetworkError(Object.assign(new Error('a'), { name: 'AbortError' })).kind, 'aborted');
      assert.equal(classifyNetworkError('weird').kind, 'other');
    });

    it('connection refused on a real closed local port (real undici Agent)', async () => {
      const port = await closedPort();
      const agent = new Agent();
      try {
        const client = new WindmillClient({ remote: `http://127.0.0.1:${port}`, token: TOKEN, dispatcher: agent, timeoutMs: 5000 });
        const e = await rejects(client.whoami(), WindmillNetworkError);
        assert.equal(e.kind, 'refused');
        assert.equal(e.describe(), `Could not reach 127.0.0.1:${port}: connection refused.`);
      } finally {
        await agent.close();
      }
    });
  });

  describe('errors', () => {
    it('isWindmillError recognizes every kind, and nothing else', () => {
      const ctx = { method: 'GET', path: '/x', host: 'h' };
      assert.ok(isWindmillError(new WindmillHttpError({ ...ctx, status: 500, serverMessage: '' })));
      assert.ok(isWindmillError(new WindmillNetworkError({ ...ctx, kind: 'dns' })));
      assert.ok(isWindmillError(new WindmillProtocolError({ ...ctx, detail: 'd' })));
      assert.ok(!isWindmillError(new Error('x')));
      assert.ok(!isWindmillError(null));
      assert.ok(!isWindmillError({ kind: 'dns' }));
    });

    it('every describe() is a sentence without the token', () => {
      const ctx = { method: 'GET', path: '/x', host: 'wm.example.com' };
      const errors: WindmillError[] = [
        ...[400, 401, 403, 404, 409, 418, 429, 500, 503].map((status) => new WindmillHttpError({ ...ctx, status, serverMessage: status === 418 ? '' : 'msg' })),
        ...(['refused', 'dns', 'tls', 'timeout', 'aborted', 'reset', 'other'] as const).map((kind) => new WindmillNetworkError({ ...ctx, kind })),
        new WindmillProtocolError({ ...ctx, detail: 'bad JSON' }),
      ];
      for (const e of errors) {
        const d = e.describe();
        assert.match(d, /^[A-Z"w].*[.]$/, d);
        assertNoToken(e);
      }
    });
  });

  describe('lazy undici', () => {
    it('requiring the client does not load undici; the first request does', function () {
      this.timeout(20_000);
      const clientJs = path.join(__dirname, '../../src/windmill/client.js');
      const script = `
        const sep = require('node:path').sep;
        const loaded = () => Object.keys(require.cache).some((k) => k.includes(sep + 'node_modules' + sep + 'undici' + sep));
        const { WindmillClient } = require(${JSON.stringify(clientJs)});
        const before = loaded();
        const c = new WindmillClient({ remote: 'http://127.0.0.1:1', timeoutMs: 2000 });
        c.version().catch(() => {}).finally(() => { console.log(JSON.stringify({ before, after: loaded() })); });
      `;
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out.trim()), { before: false, after: true });
    });
  });
});

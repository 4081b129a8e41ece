// Faults: bounded retry of reads (GET) with backoff, jitter and Retry-After; writes (POST/DELETE)
// never retried, and an unknown outcome said plainly. MockAgent for exact control, real local
// servers (node:http) for real resets, hangs and refusals.
import * as assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, MockAgent } from 'undici';
import {
  DEFAULT_RETRY,
  WindmillClient,
  WindmillError,
  WindmillHttpError,
  WindmillNetworkError,
  backoffMs,
  isOutcomeUnknown,
  type ClientOptions,
  type RequestLogInfo,
} from '../../src/windmill/client';
import { closedPort, tokenChecks } from './clientHelpers';

const ORIGIN = 'https://wm.example.com';
const TOKEN = 'tok_FAULTS_0123456789abcdefXYZ';
const JSONH = { 'content-type': 'application/json' };
const TEXT = { 'content-type': 'text/plain' };
const USER = { email: 'alice@example.com', username: 'alice', super_admin: false };
const MAY_HAVE = /may have been made anyway: check .* before trying again\./;
/** Fast backoff for tests. */
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

interface Reply {
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
  error?: string;
  delayMs?: number;
}

function setup(extra: Partial<ClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const calls: string[] = [];
  const logs: RequestLogInfo[] = [];
  // Every request that reaches the dispatcher is counted, whatever its answer (replies or errors).
  const counting = agent.compose((dispatch) => (opts, handler) => {
    calls.push(`${opts.method} ${String(opts.path).split('?')[0]}`);
    return dispatch(opts, handler);
  });
  const client = new WindmillClient({ remote: ORIGIN, token: TOKEN, dispatcher: counting, retry: FAST, onRequest: (i) => logs.push(i), ...extra });
  /** Queues answers, in order, for `method p`. */
  function on(method: string, p: string, ...replies: Reply[]) {
    for (const r of replies) {
      if (r.error) {
        pool
          .intercept({ method, path: (full: string) => full.split('?')[0] === p })
          .replyWithError(Object.assign(new Error(`simulated ${r.error}`), { code: r.error }));
        continue;
      }
      const scope = pool.intercept({ method, path: (full: string) => full.split('?')[0] === p }).reply(() => {
        const body = r.body ?? '';
        return {
          statusCode: r.status ?? 200,
          data: typeof body === 'string' ? body : JSON.stringify(body),
          responseOptions: { headers: r.headers ?? (typeof body === 'string' ? TEXT : JSONH) },
        };
      });
      if (r.delayMs) scope.delay(r.delayMs);
    }
  }
  return { agent, client, calls, logs, on };
}

const { rejects } = tokenChecks(TOKEN);

// A real local HTTP server whose behaviour per request is scripted.
type Behaviour = (req: IncomingMessage, res: ServerResponse, n: number) => void;
async function realServer(behave: Behaviour): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createHttpServer((req, res) => {
    n++;
    // Read the body fully before acting, so "the request was sent" is certain.
    req.resume();
    req.on('end', () => behave(req, res, n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('WindmillClient faults', function () {
  this.timeout(10_000);

  describe('retry options', () => {
    it('defaults: 3 attempts, capped Retry-After of 30 s, budget of two timeouts', () => {
      assert.deepEqual(DEFAULT_RETRY, { attempts: 3, baseDelayMs: 300, maxDelayMs: 5000, maxRetryAfterMs: 30_000 });
      const c = new WindmillClient({ remote: ORIGIN, timeoutMs: 10_000 });
      assert.deepEqual(c.retryOptions, { ...DEFAULT_RETRY, totalTimeoutMs: 20_000 });
    });

    it('partial options fill in defaults; nonsense values are clamped', () => {
      assert.equal(new WindmillClient({ remote: ORIGIN, retry: { attempts: 1 } }).retryOptions.baseDelayMs, 300);
      const c = new WindmillClient({ remote: ORIGIN, retry: { attempts: 99, baseDelayMs: -5, maxDelayMs: Number.NaN } });
      assert.equal(c.retryOptions.attempts, 10);
      assert.equal(c.retryOptions.baseDelayMs, 0);
      assert.equal(c.retryOptions.maxDelayMs, 5000);
      assert.equal(new WindmillClient({ remote: ORIGIN, retry: { attempts: 0 } }).retryOptions.attempts, 1);
    });

    it('backoffMs: exponential, capped, with jitter between half and all', () => {
      const r = { baseDelayMs: 100, maxDelayMs: 1000 };
      assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffMs(r, a, () => 1)), [100, 200, 400, 800, 1000, 1000]);
      assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffMs(r, a, () => 0)), [50, 100, 200, 400, 500, 500]);
      for (let i = 0; i < 200; i++) {
        const d = backoffMs(r, 3);
        assert.ok(d >= 200 && d <= 400, String(d));
      }
    });
  });

  describe('reads (GET) are retried', () => {
    for (const status of [429, 502, 503, 504]) {
      it(`on HTTP ${status}, then succeed`, async () => {
        const { client, calls, on } = setup();
        on('GET', '/api/users/whoami', { status, body: status === 502 ? '<html><body>Bad Gateway</body></html>' : 'busy' }, { body: USER });
        assert.equal((await client.whoami()).email, 'alice@example.com');
        assert.equal(calls.length, 2);
      });
    }

    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']) {
      it(`on network error ${code}, then succeed`, async () => {
        const { client, calls, on } = setup();
        on('GET', '/api/w/demo/users/list', { error: code }, { error: code }, { body: [{ username: 'a' }] });
        assert.deepEqual((await client.listMembers('demo')).map((m) => m.username), ['a']);
        assert.equal(calls.length, 3);
      });
    }

    it('version() is retried too', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/version', { status: 503, body: 'starting' }, { body: 'CE v1.500.0' });
      assert.equal((await client.version()).version, '1.500.0');
      assert.equal(calls.length, 2);
    });

    it('a timed-out GET is tried again (MockAgent delay)', async () => {
      const { client, calls, on } = setup({ timeoutMs: 100 });
      on('GET', '/api/users/whoami', { body: USER, delayMs: 1000 }, { body: USER });
      const started = Date.now();
      assert.equal((await client.whoami()).email, 'alice@example.com');
      assert.equal(calls.length, 2);
      assert.ok(Date.now() - started < 800);
    });

    it('gives up after `attempts` and reports how many were made', async () => {
      const { client, calls, logs, on } = setup();
      on('GET', '/api/users/whoami', { status: 503, body: 'down' }, { status: 503, body: 'down' }, { status: 503, body: 'down' }, { body: USER });
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(e.status, 503);
      assert.equal(e.attempts, 3);
      assert.equal(calls.length, 3);
      assert.deepEqual(logs.map((l) => [l.attempt, l.status]), [[1, 503], [2, 503], [3, 503]]);
    });

    it('attempts: 1 disables retrying', async () => {
      const { client, calls, on } = setup({ retry: { attempts: 1 } });
      on('GET', '/api/users/whoami', { status: 503, body: 'down' }, { body: USER });
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.equal(e.attempts, 1);
      assert.equal(calls.length, 1);
    });

    for (const status of [400, 401, 403, 404, 409, 500, 501]) {
      it(`not on HTTP ${status}`, async () => {
        const { client, calls, on } = setup();
        on('GET', '/api/users/whoami', { status, body: 'no' }, { body: USER });
        await rejects(client.whoami(), WindmillHttpError);
        assert.equal(calls.length, 1);
      });
    }

    for (const code of ['ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'EWEIRD']) {
      it(`not on network error ${code}`, async () => {
        const { client, calls, on } = setup();
        on('GET', '/api/users/whoami', { error: code }, { body: USER });
        await rejects(client.whoami(), WindmillNetworkError);
        assert.equal(calls.length, 1);
      });
    }

    it('not on a protocol error (bad JSON is not transient)', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/whoami', { body: '{"email": "trunc', headers: JSONH }, { body: USER });
      await assert.rejects(client.whoami(), (e: unknown) => e instanceof WindmillError && e.name === 'WindmillProtocolError');
      assert.equal(calls.length, 1);
    });

    it('the backoff grows between attempts (with jitter)', async () => {
      const { client, calls, on } = setup({ retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } });
      on('GET', '/api/users/whoami', { status: 503 }, { status: 503 }, { body: USER });
      const started = Date.now();
      await client.whoami();
      const ms = Date.now() - started;
      assert.equal(calls.length, 3);
      // waits: [50..100] + [100..200]
      assert.ok(ms >= 140 && ms < 1000, `${ms} ms`);
    });
  });

  describe('Retry-After', () => {
    it('seconds: the next attempt waits at least that long', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/whoami', { status: 429, body: 'slow down', headers: { ...TEXT, 'retry-after': '1' } }, { body: USER });
      const started = Date.now();
      await client.whoami();
      assert.ok(Date.now() - started >= 950, `${Date.now() - started} ms`);
      assert.equal(calls.length, 2);
    });

    it('an HTTP date is honoured too', async () => {
      const { client, calls, on } = setup();
      const when = new Date(Date.now() + 2000).toUTCString(); // whole seconds: 1-2 s from now
      on('GET', '/api/users/whoami', { status: 503, body: 'maintenance', headers: { ...TEXT, 'retry-after': when } }, { body: USER });
      const started = Date.now();
      await client.whoami();
      const ms = Date.now() - started;
      assert.ok(ms >= 900 && ms < 3000, `${ms} ms`);
      assert.equal(calls.length, 2);
    });

    it('longer than maxRetryAfterMs (30 s): not waited for, the error says when to try again', async () => {
      const { client, calls, on } = setup({ retry: { attempts: 3 } });
      on('GET', '/api/users/whoami', { status: 429, body: 'slow down', headers: { ...TEXT, 'retry-after': '31' } }, { body: USER });
      const started = Date.now();
      const e = await rejects(client.whoami(), WindmillHttpError);
      assert.ok(Date.now() - started < 500);
      assert.equal(e.retryAfterMs, 31_000);
      assert.match(e.describe(), /Try again in 31 s\./);
      assert.equal(calls.length, 1);
    });

    it('beyond the remaining budget of the call: not waited for', async () => {
      const { client, calls, on } = setup({ timeoutMs: 1000, retry: { attempts: 3, totalTimeoutMs: 2000 } });
      on('GET', '/api/users/whoami', { status: 429, body: 'slow down', headers: { ...TEXT, 'retry-after': '5' } }, { body: USER });
      const started = Date.now();
      await rejects(client.whoami(), WindmillHttpError);
      assert.ok(Date.now() - started < 500);
      assert.equal(calls.length, 1);
    });

    it('a hanging server costs at most the call budget, not attempts x timeout', async () => {
      const { client, calls, on } = setup({ timeoutMs: 150, retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 1 } });
      on('GET', '/api/users/whoami', ...Array.from({ length: 10 }, () => ({ body: USER, delayMs: 5000 })));
      const started = Date.now();
      const e = await rejects(client.whoami(), WindmillNetworkError);
      const ms = Date.now() - started;
      assert.equal(e.kind, 'timeout');
      assert.ok(ms >= 280 && ms < 600, `${ms} ms`); // budget = 2 x 150 ms
      assert.ok(calls.length <= 2, String(calls.length));
    });
  });

  describe('cancellation', () => {
    it('during a backoff wait: rejects at once as "aborted", no further attempt', async () => {
      const { client, calls, on } = setup({ retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
      on('GET', '/api/users/whoami', { status: 503 }, { body: USER });
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 50);
      const e = await rejects(client.whoami({ signal: ac.signal }), WindmillNetworkError);
      assert.equal(e.kind, 'aborted');
      assert.equal(e.outcomeUnknown, false);
      assert.ok(Date.now() - started < 500, `${Date.now() - started} ms`);
      assert.equal(calls.length, 1);
    });

    it('during a Retry-After wait too', async () => {
      const { client, calls, on } = setup();
      on('GET', '/api/users/whoami', { status: 429, headers: { ...TEXT, 'retry-after': '20' } }, { body: USER });
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 50);
      const e = await rejects(client.whoami({ signal: ac.signal }), WindmillNetworkError);
      assert.equal(e.kind, 'aborted');
      assert.ok(Date.now() - started < 500);
      assert.equal(calls.length, 1);
    });
  });

  describe('writes (POST/DELETE) are never retried', () => {
    const writes: Array<[string, string, string, (c: WindmillClient) => Promise<unknown>]> = [
      ['createUser', 'POST', '/api/users/create', (c) => c.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false })],
      ['createToken', 'POST', '/api/users/tokens/create', (c) => c.createToken({ label: 'x' })],
      ['addUserToWorkspace', 'POST', '/api/w/demo/workspaces/add_user', (c) => c.addUserToWorkspace('demo', { email: 'a@b.co', is_admin: false, operator: false })],
      ['removeMember', 'DELETE', '/api/w/demo/users/delete/bob', (c) => c.removeMember('demo', 'bob')],
      ['deleteUser', 'DELETE', '/api/users/delete/a%40b.co', (c) => c.deleteUser('a@b.co')],
      ['workspaceExists', 'POST', '/api/workspaces/exists', (c) => c.workspaceExists('demo')],
    ];
    for (const [name, method, p, call] of writes) {
      it(`${name}: one request on 429, 502, 503, 504 and on a reset`, async () => {
        for (const fault of [
          { status: 429, headers: { ...TEXT, 'retry-after': '0' } },
          { status: 502 },
          { status: 503 },
          { status: 504 },
          { error: 'ECONNRESET' },
        ] as Reply[]) {
          const { client, calls, on } = setup();
          on(method, p, fault, { body: 'TokenAbcdefghijklmnopqrstuvwxyz12' });
          await assert.rejects(call(client), (e: unknown) => e instanceof WindmillError && e.attempts === 1);
          assert.equal(calls.length, 1, `${name} ${JSON.stringify(fault)}`);
        }
      });
    }

    it('a POST timeout is not retried either', async () => {
      const { client, calls, on } = setup({ timeoutMs: 80 });
      on('POST', '/api/users/create', { body: 'created', delayMs: 1000 }, { body: 'created' });
      await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }), WindmillNetworkError);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(calls.length, 1);
    });
  });

  describe('writes: unknown outcome', () => {
    it('a timeout after sending: outcomeUnknown, and describe() says to check first', async () => {
      const { client, on } = setup({ timeoutMs: 80 });
      on('POST', '/api/users/tokens/create', { body: 'TokenAbcdefghijklmnopqrstuvwxyz12', delayMs: 1000 });
      const e = await rejects(client.createToken({ label: 'ci' }), WindmillNetworkError);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.outcomeUnknown, true);
      assert.ok(isOutcomeUnknown(e));
      assert.match(e.describe(), /did not answer within/);
      assert.match(e.describe(), /The request had been sent, but no answer came\./);
      assert.match(e.describe(), MAY_HAVE);
    });

    it('a reset after sending (simulated): outcomeUnknown', async () => {
      const { client, on } = setup();
      on('DELETE', '/api/users/delete/a%40b.co', { error: 'ECONNRESET' });
      const e = await rejects(client.deleteUser('a@b.co'), WindmillNetworkError);
      assert.equal(e.kind, 'reset');
      assert.equal(e.outcomeUnknown, true);
      assert.match(e.describe(), MAY_HAVE);
    });

    it('a refused connection (simulated), DNS or TLS failure: nothing was sent, outcome known', async () => {
      for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UND_ERR_CONNECT_TIMEOUT']) {
        const { client, on } = setup();
        on('POST', '/api/users/create', { error: code });
        const e = await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }), WindmillNetworkError);
        assert.equal(e.outcomeUnknown, false, code);
        assert.doesNotMatch(e.describe(), /may have been made/);
      }
    });

    it('a GET is never "outcome unknown" (nothing to change)', async () => {
      const { client, on } = setup({ timeoutMs: 50, retry: { attempts: 1 } });
      on('GET', '/api/users/whoami', { body: USER, delayMs: 1000 });
      const e = await rejects(client.whoami(), WindmillNetworkError);
      assert.equal(e.outcomeUnknown, false);
      assert.equal(isOutcomeUnknown(e), false);
    });

    it('cancelled in flight: outcomeUnknown; cancelled before sending: not', async () => {
      const { client, calls, on } = setup();
      on('POST', '/api/users/create', { body: 'created', delayMs: 1000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      const inFlight = await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }, { signal: ac.signal }), WindmillNetworkError);
      assert.equal(inFlight.kind, 'aborted');
      assert.equal(inFlight.outcomeUnknown, true);
      assert.match(inFlight.describe(), /^The request was cancelled after it was sent\. .*may have been made/);
      const before = await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }, { signal: AbortSignal.abort() }), WindmillNetworkError);
      assert.equal(before.outcomeUnknown, false);
      assert.equal(before.describe(), 'The request was cancelled.');
      assert.equal(calls.length, 1);
    });

    it('a gateway error (502/504) on a write is outcome unknown; 500/503 and 4xx are not', async () => {
      for (const [status, unknown] of [[502, true], [504, true], [500, false], [503, false], [400, false], [429, false]] as const) {
        const { client, on } = setup();
        on('POST', '/api/users/create', { status, body: 'x' });
        const e = await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }), WindmillHttpError);
        assert.equal(e.outcomeUnknown, unknown, String(status));
        assert.equal(MAY_HAVE.test(e.describe()), unknown, e.describe());
      }
      const { client, on } = setup({ retry: { attempts: 1 } });
      on('GET', '/api/users/whoami', { status: 504, body: 'x' });
      assert.equal((await rejects(client.whoami(), WindmillHttpError)).outcomeUnknown, false);
    });

    it('every outcome-unknown describe() is one plain sentence pair without the token', () => {
      const ctx = { method: 'POST', path: '/users/create', host: 'wm.example.com' };
      for (const kind of ['timeout', 'reset', 'aborted', 'other'] as const) {
        const e = new WindmillNetworkError({ ...ctx, kind, outcomeUnknown: true });
        assert.match(e.describe(), /^[\w"].*\.$/);
        assert.match(e.describe(), MAY_HAVE);
        assert.ok(!e.describe().includes('\n'));
      }
    });
  });

  describe('real sockets', () => {
    it('GET on a real server answering 503, 503, 200: succeeds on the third attempt', async () => {
      const srv = await realServer((_req, res, n) => {
        if (n < 3) res.writeHead(503, TEXT).end('starting');
        else res.writeHead(200, JSONH).end(JSON.stringify(USER));
      });
      const agent = new Agent();
      try {
        const client = new WindmillClient({ remote: srv.url, token: TOKEN, dispatcher: agent, retry: FAST });
        assert.equal((await client.whoami()).email, USER.email);
        assert.equal(srv.hits(), 3);
      } finally {
        await agent.close();
        await srv.close();
      }
    });

    it('a real reset after the request arrived: GET retried, POST sent once with outcomeUnknown', async () => {
      const srv = await realServer((req) => req.socket.destroy());
      const agent = new Agent();
      try {
        const client = new WindmillClient({ remote: srv.url, token: TOKEN, dispatcher: agent, retry: FAST });
        const g = await rejects(client.whoami(), WindmillNetworkError);
        assert.equal(g.kind, 'reset');
        assert.equal(g.outcomeUnknown, false);
        assert.equal(srv.hits(), 3);

        const p = await rejects(client.createUser({ email: 'a@b.co', password: 'pw-1234567890', super_admin: false }), WindmillNetworkError);
        assert.equal(p.kind, 'reset');
        assert.equal(p.outcomeUnknown, true);
        assert.match(p.describe(), MAY_HAVE);
        assert.equal(srv.hits(), 4);
      } finally {
        await agent.close();
        await srv.close();
      }
    });

    it('a real server that never answers a POST: timeout, outcomeUnknown, sent once', async () => {
      const srv = await realServer(() => {
        /* hang */
      });
      const agent = new Agent();
      try {
        const client = new WindmillClient({ remote: srv.url, token: TOKEN, dispatcher: agent, timeoutMs: 200, retry: FAST });
        const e = await rejects(client.createToken({ label: 'ci' }), WindmillNetworkError);
        assert.equal(e.kind, 'timeout');
        assert.equal(e.outcomeUnknown, true);
        assert.match(e.describe(), /^127\.0\.0\.1:\d+ did not answer within 0\.2 s\. The request had been sent, but no answer came\. The change may have been made anyway/);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(srv.hits(), 1);
      } finally {
        await agent.close();
        await srv.close();
      }
    });

    it('a real refused connection: POST not sent, outcome known; GET retried then refused', async () => {
      const port = await closedPort();
      const agent = new Agent();
      const logs: RequestLogInfo[] = [];
      try {
        const client = new WindmillClient({ remote: `http://127.0.0.1:${port}`, token: TOKEN, dispatcher: agent, retry: FAST, onRequest: (i) => logs.push(i) });
        const p = await rejects(client.deleteUser('a@b.co'), WindmillNetworkError);
        assert.equal(p.kind, 'refused');
        assert.equal(p.outcomeUnknown, false);
        assert.equal(p.describe(), `Could not reach 127.0.0.1:${port}: connection refused.`);
        assert.equal(logs.length, 1);
        const g = await rejects(client.whoami(), WindmillNetworkError);
        assert.equal(g.kind, 'refused');
        assert.equal(g.attempts, 3);
        assert.equal(logs.length, 4);
      } finally {
        await agent.close();
      }
    });
  });
});

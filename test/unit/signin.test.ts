import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';
import { buildSignInUrl, SignInError, startCallbackServer, type CallbackServer } from '../../src/signin/callbackServer';
import { handleCliSignIn } from '../emulator/browserSignIn';
import { startEmulator } from '../emulator/emulator';
import { DEVELOPER, SUPERADMIN } from '../emulator/seed';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no pooling), so "refused" really means a new connection failed. */
function request(port: number, path: string, opts: { method?: string; host?: string; hostHeader?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: false, headers: opts.hostHeader ? { Host: opts.hostHeader } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.setTimeout(3000, () => req.destroy(Object.assign(new Error('no answer'), { code: 'NOANSWER' })));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves to 'pending' if `p` has not settled after `ms`. */
async function stateAfter(p: Promise<unknown>, ms: number): Promise<'pending' | 'settled'> {
  return Promise.race([p.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

async function assertRefused(port: number, path = '/?token=second&workspace=demo'): Promise<void> {
  await assert.rejects(request(port, path), (e: NodeJS.ErrnoException) => {
    assert.ok(['ECONNREFUSED', 'ECONNRESET', 'NOANSWER'].includes(e.code ?? ''), `unexpected ${e.code}`);
    return true;
  });
}

function isKind(kind: SignInError['kind']) {
  return (e: unknown) => {
    assert.ok(e instanceof SignInError, String(e));
    assert.equal(e.kind, kind);
    return true;
  };
}

describe('browser sign-in', function () {
  this.timeout(10_000);
  let srv: CallbackServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  describe('buildSignInUrl', () => {
    it('appends user/cli?port=P to the remote, adding the trailing slash when missing', () => {
      assert.equal(buildSignInUrl('https://app.windmill.dev/', 4321), 'https://app.windmill.dev/user/cli?port=4321');
      assert.equal(buildSignInUrl('https://app.windmill.dev', 4321), 'https://app.windmill.dev/user/cli?port=4321');
      assert.equal(buildSignInUrl('http://localhost:8000/windmill', 1), 'http://localhost:8000/windmill/user/cli?port=1');
      assert.equal(buildSignInUrl('http://localhost:8000/windmill/?x=1#h', 2), 'http://localhost:8000/windmill/user/cli?port=2');
    });
    it('refuses a bad port or a non-http remote', () => {
      assert.throws(() => buildSignInUrl('https://a.example/', 0), RangeError);
      assert.throws(() => buildSignInUrl('https://a.example/', 70000), RangeError);
      assert.throws(() => buildSignInUrl('ftp://a.example/', 80), TypeError);
      assert.throws(() => buildSignInUrl('not a url', 80), TypeError);
    });
  });

  describe('callback server', () => {
    it('listens on 127.0.0.1 only, on a random port', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      assert.equal(srv.host, '127.0.0.1');
      assert.ok(srv.port > 0 && srv.port < 65536);
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i !== undefined && !i.internal && i.family === 'IPv4');
      if (external) {
        await assert.rejects(request(srv.port, '/?token=abc', { host: external.address }), { code: 'ECONNREFUSED' });
      }
      assert.equal(await stateAfter(srv.result, 20), 'pending');
    });

    it('refuses a host other than 127.0.0.1', async () => {
      await assert.rejects(startCallbackServer({ timeoutMs: 1000, host: '0.0.0.0' as '127.0.0.1' }), TypeError);
      await assert.rejects(startCallbackServer({ timeoutMs: 0 }), RangeError);
    });

    it('accepts one callback, answers the browser with a page without the token, then stops listening', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      const token = 'tok_ABCdef0123456789';
      const answer = await request(srv.port, `/?token=${token}&workspace=demo`, { hostHeader: `localhost:${srv.port}` });
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['content-type']), /^text\/html/);
      assert.match(answer.body, /Signed in to Windmill — you can close this tab and return to VS Code\./);
      assert.ok(!answer.body.includes(token), 'the page must not echo the token');
      assert.equal(answer.headers['cache-control'], 'no-store');
      assert.deepEqual(await srv.result, { token, workspace: 'demo' });
      // An extra callback (another page, a replay) finds nothing listening.
      await assertRefused(srv.port);
      assert.deepEqual(await srv.result, { token, workspace: 'demo' });
    });

    it('keeps waiting through probes and malformed callbacks', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      const p = srv.port;
      const probes: [string, { method?: string; hostHeader?: string }, number][] = [
        ['/favicon.ico', {}, 404],
        ['/', {}, 404],
        ['/?workspace=demo', {}, 404],
        ['/?token=', {}, 400],
        ['/?token=has%20space', {}, 400],
        ['/?token=a&token=b', {}, 400],
        ['/?token=abc&workspace=..%2F..', {}, 400],
        ['/?token=abc', { method: 'POST' }, 405],
        ['/?token=abc', { hostHeader: `evil.example:${p}` }, 400],
      ];
      for (const [path, opts, status] of probes) {
        const answer = await request(p, path, opts);
        assert.equal(answer.status, status, `${opts.method ?? 'GET'} ${path}`);
        assert.ok(!answer.body.includes('abc'), 'no request data is echoed');
      }
      assert.equal(await stateAfter(srv.result, 30), 'pending');
      const answer = await request(p, '/anything?token=good123&workspace=ws_1&host=localhost&scheme=http');
      assert.equal(answer.status, 200);
      assert.deepEqual(await srv.result, { token: 'good123', workspace: 'ws_1' });
    });

    it('resolves without a workspace when none is sent', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      await request(srv.port, '/?token=only');
      assert.deepEqual(await srv.result, { token: 'only' });
    });

    it('times out with a typed error and stops listening', async () => {
      srv = await startCallbackServer({ timeoutMs: 50 });
      await assert.rejects(srv.result, isKind('timeout'));
      await assertRefused(srv.port);
    });

    it('is cancelled by its AbortSignal', async () => {
      const ctl = new AbortController();
      srv = await startCallbackServer({ timeoutMs: 5000, signal: ctl.signal });
      ctl.abort();
      await assert.rejects(srv.result, isKind('cancelled'));
      await assertRefused(srv.port);
    });

    it('does not start when the signal is already aborted', async () => {
      await assert.rejects(startCallbackServer({ timeoutMs: 5000, signal: AbortSignal.abort() }), isKind('cancelled'));
    });

    it('close() before a callback cancels the wait; close() is idempotent', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      await srv.close();
      await srv.close();
      await assert.rejects(srv.result, isKind('cancelled'));
      await assertRefused(srv.port);
    });

    it('a timeout message does not mention any token-like data', async () => {
      srv = await startCallbackServer({ timeoutMs: 30 });
      await request(srv.port, '/?token=');
      const err = await srv.result.then(
        () => assert.fail('should time out'),
        (e: unknown) => e as SignInError,
      );
      assert.match(err.message, /No sign-in arrived from the browser/);
    });
  });

  describe('end to end through a stand-in for the Windmill page', () => {
    let page: http.Server;
    let pageUrl: string;
    let issued: string[];

    before(async () => {
      page = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const n = issued.length + 1;
        if (req.method === 'GET' && handleCliSignIn(url, res, () => {
          const t = `wm_issued_${n}_${'x'.repeat(20)}`;
          issued.push(t);
          return t;
        }, 'demo')) return;
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
      pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    });
    beforeEach(() => {
      issued = [];
    });
    after(async () => {
      page.closeAllConnections();
      await new Promise<void>((r) => page.close(() => r()));
    });

    it('the stand-in redirects /user/cli?port=P to localhost:P with a token and workspace', async () => {
      const res = await fetch(`${pageUrl}user/cli?port=5555`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location') ?? '');
      assert.equal(location.origin, 'http://localhost:5555');
      assert.equal(location.searchParams.get('token'), issued[0]);
      assert.equal(location.searchParams.get('workspace'), 'demo');
      assert.equal((await fetch(`${pageUrl}user/cli?port=abc`, { redirect: 'manual' })).status, 400);
      assert.equal((await fetch(`${pageUrl}user/other`, { redirect: 'manual' })).status, 404);
    });

    it('following the redirect signs in once; a second pass through the page is refused', async () => {
      srv = await startCallbackServer({ timeoutMs: 5000 });
      const url = buildSignInUrl(pageUrl, srv.port);
      const res = await fetch(url, { redirect: 'follow' });
      assert.equal(res.status, 200);
      assert.equal(new URL(res.url).port, String(srv.port));
      const body = await res.text();
      assert.match(body, /you can close this tab/);
      assert.ok(!body.includes(issued[0]));
      assert.deepEqual(await srv.result, { token: issued[0], workspace: 'demo' });

      await assert.rejects(fetch(url, { redirect: 'follow' }), TypeError);
      assert.equal(issued.length, 2, 'the stand-in issued a second token');
      assert.deepEqual(await srv.result, { token: issued[0], workspace: 'demo' }, 'the first token stays the result');
    });
  });

  describe('the emulator\'s mount of the page', () => {
    it('GET /user/cli issues a real cli-<username> token (superadmin by default, or ?as=) and redirects with workspace demo', async () => {
      const emu = await startEmulator({ port: 0 });
      try {
        const res = await fetch(`${emu.url}/user/cli?port=5555`, { redirect: 'manual' });
        assert.equal(res.status, 302);
        const location = new URL(res.headers.get('location') ?? '');
        assert.equal(location.origin, 'http://localhost:5555');
        assert.equal(location.searchParams.get('workspace'), 'demo');
        const token = location.searchParams.get('token') ?? '';
        assert.equal(emu.state.tokens.get(token)?.owner, SUPERADMIN.email);
        assert.equal(emu.state.tokens.get(token)?.label, `cli-${SUPERADMIN.username}`);
        const me = await fetch(`${emu.url}/api/users/whoami`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(((await me.json()) as { email: string }).email, SUPERADMIN.email);

        const as = await fetch(`${emu.url}/user/cli?port=5555&as=${encodeURIComponent(DEVELOPER.email)}&workspace=other`, { redirect: 'manual' });
        const loc2 = new URL(as.headers.get('location') ?? '');
        assert.equal(emu.state.tokens.get(loc2.searchParams.get('token') ?? '')?.owner, DEVELOPER.email);
        assert.equal(loc2.searchParams.get('workspace'), 'other');

        assert.equal((await fetch(`${emu.url}/user/cli?port=5555&as=nobody@example.com`, { redirect: 'manual' })).status, 400);
        assert.equal((await fetch(`${emu.url}/user/cli?port=0`, { redirect: 'manual' })).status, 400);
        assert.equal((await fetch(`${emu.url}/user/cli?port=5555`, { method: 'POST', redirect: 'manual' })).status, 404);
        assert.ok(emu.state.requests.some((r) => r.path === '/user/cli' && r.status === 302), 'logged like any request');
      } finally {
        await emu.close();
      }
    });
  });
});

// Sign In with Browser, end to end in the real host: the emulator mounts a stand-in for Windmill's
// `/user/cli` page that issues a real token and redirects to the extension's loopback callback. The
// test's Browser seam follows that redirect with fetch instead of opening a real browser.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, OTHER_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, freshStart, run, script, snapshot, assertNothingSaved } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import type { Browser } from '../../src/ui/browser';

const CMD = 'windmillUsers.signInWithBrowser';
const TIMEOUT_KEY = 'signIn.timeoutSeconds';

/** A Browser that records what it was asked to open and runs `onOpen` instead of a real browser. */
function fakeBrowser(onOpen: (url: URL) => Promise<boolean>, mapUri?: (uri: vscode.Uri) => vscode.Uri): Browser & { opened: URL[] } {
  const opened: URL[] = [];
  return {
    opened,
    openExternal: async (uri) => {
      const url = new URL(uri.toString(true));
      opened.push(url);
      return onOpen(url);
    },
    // Default: the desktop, local-window answer (the loopback URI unchanged).
    asExternalUri: async (uri) => (mapUri ? mapUri(uri) : uri),
  };
}

/** What a browser does on the sign-in page: follow the 302 to the callback; the final page's status and text. */
async function follow(url: URL | string): Promise<{ status: number; text: string; finalUrl: string }> {
  const res = await fetch(url, { redirect: 'follow' });
  return { status: res.status, text: await res.text(), finalUrl: res.url };
}

function callbackPort(url: URL): number {
  return Number(url.searchParams.get('port'));
}

async function setTimeoutSetting(seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('windmillUsers').update(TIMEOUT_KEY, seconds, vscode.ConfigurationTarget.Global);
}

describe('Sign In with Browser', () => {
  let api: WindmillUsersTestApi;
  beforeEach(async () => { api = await freshStart(); });
  afterEach(async () => {
    api.setBrowser(undefined);
    await setTimeoutSetting(undefined);
  });

  it('opens {remote}user/cli?port=P, receives the token, verifies it and saves the connection (SecretStorage only)', async () => {
    const pages: { status: number; text: string; finalUrl: string }[] = [];
    const browser = fakeBrowser(async (url) => { pages.push(await follow(url)); return true; });
    api.setBrowser(browser);
    const p = script(api, [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }]);
    await run(CMD);
    p.assertDone();

    // the sign-in page of the instance, with the loopback port
    assert.equal(browser.opened.length, 1);
    const opened = browser.opened[0];
    assert.equal(`${opened.origin}${opened.pathname}`, `${emulatorUrl()}/user/cli`);
    assert.ok(callbackPort(opened) > 0);
    // the browser landed on the callback, which answered with a "you can close this tab" page
    assert.equal(pages[0].status, 200);
    assert.match(pages[0].text, /close this tab/);
    assert.match(pages[0].finalUrl, new RegExp(`^http://localhost:${callbackPort(opened)}/\\?token=`));

    // a new cli-<username> token was issued and is the one saved
    const state = await emulator.state();
    const issued = state.tokens.filter((t) => t.label === `cli-${SUPERADMIN.username}`);
    assert.equal(issued.length, 1);
    const [c] = api.connections.list();
    assert.ok(c, 'one connection saved');
    assert.equal(c.remote, emulatorUrl());
    assert.equal(c.workspace, DEMO_WORKSPACE);
    assert.equal(c.email, SUPERADMIN.email);
    assert.equal(c.superAdmin, true);
    const token = await api.connections.getToken(c.id);
    assert.ok(token && token.startsWith(issued[0].prefix), 'the issued token is in SecretStorage');
    assert.notEqual(token, SUPERADMIN.token);
    // nowhere else: not in globalState, not in settings
    for (const key of api.globalState.keys()) assert.ok(!JSON.stringify(api.globalState.get(key)).includes(token), `token in globalState ${key}`);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('windmillUsers')).includes(token));
    // verified before saving: whoami, then workspace whoami
    const paths = (await emulator.requests()).map((r) => `${r.method} ${r.path}`);
    assert.ok(paths.includes('GET /user/cli'));
    assert.ok(paths.indexOf('GET /api/users/whoami') < paths.indexOf(`GET /api/w/${DEMO_WORKSPACE}/users/whoami`));
    assert.ok(p.shown('info').some((m) => m.includes('Signed in to') && m.includes(SUPERADMIN.email)));
    // the tree shows it at once
    const roots = await snapshot(api);
    assert.equal(roots.length, 1);
    assert.equal(roots[0].label, DEMO_WORKSPACE);
  });

  it('signs in as the account and workspace the page sends back', async () => {
    api.setBrowser(fakeBrowser(async (url) => {
      url.searchParams.set('as', DEVELOPER.email); // the emulator's page: sign in as someone else
      await follow(url);
      return true;
    }));
    const p = script(api, [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }]);
    await run(CMD);
    p.assertDone();
    const [c] = api.connections.list();
    assert.equal(c?.email, DEVELOPER.email);
    assert.equal(c?.superAdmin, false);
  });

  it('ignores wrong callbacks, accepts exactly one, then stops listening', async () => {
    const seen: string[] = [];
    api.setBrowser(fakeBrowser(async (url) => {
      const port = callbackPort(url);
      const base = `http://127.0.0.1:${port}`;
      // not the callback: no token, a token with a space, two tokens, a bad workspace, a POST
      for (const path of ['/favicon.ico', '/?token=has%20space', '/?token=aaaaaaaaaaaaaaaa&token=bbbbbbbbbbbbbbbb', '/?token=aaaaaaaaaaaaaaaa&workspace=..%2Fx']) {
        const res = await fetch(`${base}${path}`);
        seen.push(`${path} ${res.status}`);
        assert.ok(!(await res.text()).includes('aaaaaaaaaaaaaaaa'), 'no request data echoed');
      }
      const post = await fetch(`${base}/?token=aaaaaaaaaaaaaaaa`, { method: 'POST' });
      seen.push(`POST ${post.status}`);
      // a request with a foreign Host header (DNS rebinding) is refused
      // (fetch does not let us set Host; covered by the unit tests)
      // the real one
      const page = await follow(url);
      seen.push(`redirect ${page.status}`);
      // an extra callback after the first: nobody listens any more
      try {
        const res = await fetch(`${base}/?token=cccccccccccccccc&workspace=${OTHER_WORKSPACE}`);
        seen.push(`extra ${res.status}`);
      } catch {
        seen.push('extra refused');
      }
      return true;
    }));
    const p = script(api, [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }]);
    await run(CMD);
    p.assertDone();
    assert.deepEqual(seen, [
      '/favicon.ico 404',
      '/?token=has%20space 400',
      '/?token=aaaaaaaaaaaaaaaa&token=bbbbbbbbbbbbbbbb 400',
      '/?token=aaaaaaaaaaaaaaaa&workspace=..%2Fx 400',
      'POST 405',
      'redirect 200',
      'extra refused',
    ]);
    const [c] = api.connections.list();
    assert.equal(api.connections.list().length, 1);
    assert.equal(c.workspace, DEMO_WORKSPACE, 'the extra callback (workspace other) changed nothing');
    const token = await api.connections.getToken(c.id);
    assert.notEqual(token, 'cccccccccccccccc');
  });

  it('a callback with a token the server rejects is explained and nothing is saved', async () => {
    api.setBrowser(fakeBrowser(async (url) => {
      const res = await fetch(`http://localhost:${callbackPort(url)}/?token=wmForgedTokenThatDoesNotExist0&workspace=${DEMO_WORKSPACE}`);
      assert.equal(res.status, 200);
      return true;
    }));
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'message', severity: 'error', match: 'rejected the token' },
    ]);
    await run(CMD);
    p.assertDone();
    assert.match(p.shown('error')[0], /Nothing was saved/);
    assert.ok(!p.shown('error')[0].includes('wmForgedToken'), 'the token is not in the message');
    await assertNothingSaved(api);
  });

  it('asks the workspace when the callback does not name one', async () => {
    api.setBrowser(fakeBrowser(async (url) => {
      await fetch(`http://127.0.0.1:${callbackPort(url)}/?token=${DEVELOPER.token}`);
      return true;
    }));
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
    ]);
    await run(CMD);
    p.assertDone();
    assert.equal(api.connections.list()[0]?.email, DEVELOPER.email);
  });

  it('times out after windmillUsers.signIn.timeoutSeconds, says so, saves nothing and stops listening', async () => {
    await setTimeoutSetting(1);
    let port = 0;
    api.setBrowser(fakeBrowser(async (url) => { port = callbackPort(url); return true; })); // the person never signs in
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'message', severity: 'error', match: 'within 1 seconds' },
    ]);
    const started = Date.now();
    await run(CMD);
    p.assertDone();
    assert.ok(Date.now() - started < 10_000, 'gave up after about a second');
    assert.match(p.shown('error')[0], /Nothing was saved/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/?token=${SUPERADMIN.token}&workspace=${DEMO_WORKSPACE}`), 'the listener is closed');
    await assertNothingSaved(api);
  });

  it('the notification\'s Cancel stops the wait quietly, saves nothing and stops listening', async () => {
    let port = 0;
    let openedResolve!: () => void;
    const openedPromise = new Promise<void>((r) => { openedResolve = r; });
    api.setBrowser(fakeBrowser(async (url) => { port = callbackPort(url); openedResolve(); return true; }));
    const p = script(api, [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }]);
    const done = run(CMD);
    await openedPromise;
    // The newest notification is the sign-in's progress; its primary action is "Cancel".
    await new Promise((r) => setTimeout(r, 300));
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    await done;
    p.assertDone();
    assert.deepEqual(p.shown('error'), [], 'a cancellation shows no error');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/?token=${SUPERADMIN.token}&workspace=${DEMO_WORKSPACE}`), 'the listener is closed');
    await assertNothingSaved(api);
  });

  it('when the browser cannot reach the loopback callback (remote/web host), says so and falls back to pasting a token', async () => {
    // What a web or remote host answers: a proxy URL instead of http://127.0.0.1:P/
    const browser = fakeBrowser(async () => true, (uri) => vscode.Uri.parse(`https://vscode.example.com/proxy/${uri.authority.split(':')[1]}/`));
    api.setBrowser(browser);
    const p = script(api, [
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'message', severity: 'warning', match: 'cannot send the sign-in back', answer: 'Paste a Token' },
      // Add Connection, with the URL already filled in
      { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
      { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
      { kind: 'input', match: 'token', answer: SUPERADMIN.token },
    ]);
    await run(CMD);
    p.assertDone();
    assert.equal(browser.opened.length, 0, 'no browser was opened');
    const warning = p.messages.find((m) => m.severity === 'warning');
    assert.equal(warning?.modal, true);
    assert.match(warning?.detail ?? '', /vscode\.example\.com\/proxy/);
    assert.equal(api.connections.list()[0]?.email, SUPERADMIN.email);
    const paths = (await emulator.requests()).map((r) => r.path);
    assert.ok(!paths.includes('/user/cli'));
  });

  it('in this test host: uses vscode.env.asExternalUri as it is, and either signs in or falls back honestly', async () => {
    let mapped: string | undefined;
    const browser = fakeBrowser(async (url) => { await follow(url); return true; }, undefined);
    // the real mapping of this host (code-server maps loopback ports to its own proxy)
    browser.asExternalUri = async (uri) => {
      const m = await vscode.env.asExternalUri(uri);
      mapped = m.toString(true);
      return m;
    };
    api.setBrowser(browser);
    const probe = await vscode.env.asExternalUri(vscode.Uri.parse('http://127.0.0.1:45678/'));
    const probeUrl = new URL(probe.toString(true));
    const loopback = probeUrl.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(probeUrl.hostname) && (probeUrl.pathname === '/' || probeUrl.pathname === '');
    const p = script(api, loopback
      ? [{ kind: 'input', match: 'instance URL', answer: emulatorUrl() }]
      : [
        { kind: 'input', match: 'instance URL', answer: emulatorUrl() },
        { kind: 'message', severity: 'warning', match: 'cannot send the sign-in back', answer: undefined },
      ]);
    await run(CMD);
    p.assertDone();
    assert.ok(mapped, 'asExternalUri was asked');
    console.log(`      (this host maps http://127.0.0.1:P/ to ${mapped}: ${loopback ? 'signed in' : 'fell back to pasting a token'})`);
    assert.equal(api.connections.list().length, loopback ? 1 : 0);
  });
});

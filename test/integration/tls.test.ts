// TLS in the real host: an https front (node:https) for the emulator, with a certificate from a CA
// made with the openssl CLI at test time. Untrusted by default (a clear message naming the setting
// windmillUsers.tls.caCertificates); trusted once the CA file is in that setting (user settings),
// for the normal clients and for the bulk runs' own connection pool.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_WORKSPACE, DEVELOPER, SUPERADMIN } from '../emulator/seed';
import { emulator, emulatorUrl, findMember, freshStart, run, saveConnection, script, snapshot, type Expectation } from './helpers';
import type { WindmillUsersTestApi } from '../../src/extension';
import { hasOpenssl, makePki } from '../pki';

const SETTING = 'tls.caCertificates';

async function setCaFiles(files: string[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('windmillUsers').update(SETTING, files, vscode.ConfigurationTarget.Global);
}

/** An https server that passes every request on to the emulator (a TLS-terminating proxy). */
async function httpsFront(dir: string, name: 'server' | 'self'): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(emulatorUrl());
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, `${name}.key`)), cert: fs.readFileSync(path.join(dir, `${name}.pem`)) }, (req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => { res.writeHead(502).end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function addConnectionSteps(url: string, token: string): Expectation[] {
  return [
    { kind: 'input', match: 'instance URL', answer: url },
    { kind: 'input', match: 'Workspace id', answer: DEMO_WORKSPACE },
    { kind: 'input', match: 'Windmill token', answer: token },
  ];
}

describe('TLS with a private CA', function () {
  this.timeout(30_000);
  let api: WindmillUsersTestApi;
  let dir = '';
  let front: { url: string; close: () => Promise<void> } | undefined;

  before(function () {
    // Node cannot sign certificates by itself: without the openssl CLI these tests fail, never skip.
    if (!hasOpenssl()) throw new Error('The TLS tests need the openssl command (Debian package openssl).');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmu-tls-it-'));
    makePki(dir);
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
  beforeEach(async () => {
    api = await freshStart();
    await setCaFiles(undefined);
  });
  afterEach(async () => {
    await setCaFiles(undefined);
    await front?.close();
    front = undefined;
  });

  it('Add Connection to a server of an untrusted CA fails with a message naming the setting; with the CA file in the setting it works', async () => {
    front = await httpsFront(dir, 'server');
    let p = script(api, [
      ...addConnectionSteps(front.url, SUPERADMIN.token),
      { kind: 'message', severity: 'error', match: 'windmillUsers.tls.caCertificates' },
    ]);
    await run('windmillUsers.addConnection');
    p.assertDone();
    const error = p.shown('error')[0];
    assert.match(error, /^Could not add the connection: Could not connect securely to 127\.0\.0\.1:\d+: its certificate is not trusted/);
    assert.match(error, /add its CA certificate file \(PEM\) to the setting windmillUsers\.tls\.caCertificates/);
    assert.match(error, /Nothing was saved/);
    assert.ok(!error.includes(SUPERADMIN.token));
    assert.deepEqual(api.connections.list(), []);

    await setCaFiles([path.join(dir, 'ca.pem')]);
    p = script(api, addConnectionSteps(front.url, SUPERADMIN.token));
    await run('windmillUsers.addConnection');
    p.assertDone();
    assert.ok(p.shown('info').some((t) => t.startsWith(`Connected to ${DEMO_WORKSPACE} on 127.0.0.1:`)), p.shown().join(' | '));
    const [c] = api.connections.list();
    assert.equal(c?.remote, front.url);
    // the tree loads over the same trusted connection
    assert.ok(findMember(await snapshot(api), DEVELOPER.email));

    // dropping the setting drops the trust again (the cached Agent is rebuilt)
    await setCaFiles(undefined);
    api.tree.refresh();
    const roots = await snapshot(api);
    assert.equal(roots[0].children[0].contextValue, 'windmillUsers.error');
    assert.match(roots[0].children[0].description ?? '', /windmillUsers\.tls\.caCertificates/);
  });

  it('a self-signed server: the tree shows the error naming the setting; trusting its certificate as a CA file fixes it', async () => {
    front = await httpsFront(dir, 'self');
    await saveConnection(api, SUPERADMIN, { remote: front.url });
    let roots = await snapshot(api);
    assert.equal(roots[0].children[0].contextValue, 'windmillUsers.error');
    assert.match(roots[0].children[0].description ?? '', /not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\).*windmillUsers\.tls\.caCertificates/);

    await setCaFiles([path.join(dir, 'self.pem')]);
    api.tree.refresh();
    roots = await snapshot(api);
    assert.ok(findMember(roots, DEVELOPER.email), 'members load once the certificate is trusted');
  });

  it('an unusable CA file is reported once, with "Open Settings", and the good files still count', async () => {
    front = await httpsFront(dir, 'server');
    const missing = path.join(dir, 'missing.pem');
    const notPem = path.join(dir, 'server.ext');
    await setCaFiles([missing, notPem, path.join(dir, 'ca.pem')]);
    await saveConnection(api, SUPERADMIN, { remote: front.url });
    const p = script(api, []);
    assert.ok(findMember(await snapshot(api), DEVELOPER.email), 'the good CA file is used');
    api.tree.refresh();
    await snapshot(api);
    const warnings = p.messages.filter((m) => m.severity === 'warning');
    assert.equal(warnings.length, 1, 'shown once, not per request');
    assert.deepEqual(warnings[0].buttons, ['Open Settings']);
    assert.match(warnings[0].text, /windmillUsers\.tls\.caCertificates/);
    assert.match(warnings[0].text, /not found: .*missing\.pem/);
    assert.match(warnings[0].text, /no PEM certificate.*server\.ext/);
  });

  it('the bulk runs\' own connection pool trusts the same CA (removing several members)', async () => {
    front = await httpsFront(dir, 'server');
    await setCaFiles([path.join(dir, 'ca.pem')]);
    await saveConnection(api, SUPERADMIN, { remote: front.url });
    const roots = await snapshot(api);
    const a = findMember(roots, DEVELOPER.email)?.node;
    const b = findMember(roots, 'erin@example.com')?.node;
    assert.ok(a && b);
    const p = script(api, [{ kind: 'message', severity: 'warning', match: 'Remove 2', answer: 'Remove 2 Members' }]);
    await run('windmillUsers.removeUser', a, [a, b]);
    assert.deepEqual(p.shown('error'), [], 'no TLS failure in the bulk run');
    const members = (await emulator.state()).workspaces[DEMO_WORKSPACE].members.map((m) => m.email);
    assert.ok(!members.includes(DEVELOPER.email) && !members.includes('erin@example.com'), 'both removed through the https front');
  });
});

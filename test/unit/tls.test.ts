// TLS for real: a CA and server certificates made with the openssl CLI at test time, a node:https
// server, and the client through createDispatcher. Untrusted -> a clear 'tls' error naming the
// setting; with the CA from loadCaFiles -> it works.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Dispatcher } from 'undici';
import { CA_CERTIFICATES_SETTING, WindmillClient, WindmillNetworkError } from '../../src/windmill/client';
import { createDispatcher, loadCaFiles, trustedCaList } from '../../src/windmill/dispatcher';
import { hasOpenssl, makePki } from '../pki';

const TOKEN = 'tok_TLS_0123456789abcdefXYZ';
const USER = { email: 'alice@example.com', username: 'alice' };

describe('TLS: createDispatcher and loadCaFiles', function () {
  this.timeout(20_000);
  let dir = '';
  const file = (n: string) => path.join(dir, n);
  const servers: Server[] = [];
  const dispatchers: Dispatcher[] = [];
  let hits = 0;

  async function httpsServer(name: string): Promise<number> {
    const server = createServer({ key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.pem`)) }, (req, res) => {
      hits++;
      if (req.url === '/api/version') res.writeHead(200, { 'content-type': 'text/plain' }).end('CE v1.500.0');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(USER));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  async function dispatcher(caCertificates?: string[]): Promise<Dispatcher> {
    const d = await createDispatcher(caCertificates ? { caCertificates } : {});
    dispatchers.push(d);
    return d;
  }

  before(function () {
    // Node cannot sign certificates by itself: without the openssl CLI these tests fail, never skip.
    if (!hasOpenssl()) throw new Error('The TLS tests need the openssl command (Debian package openssl).');
    dir = mkdtempSync(path.join(tmpdir(), 'wmu-tls-'));
    makePki(dir);
  });

  after(async () => {
    for (const d of dispatchers) await d.close();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('an untrusted certificate is rejected by default', () => {
    it('a server certificate from a private CA: kind tls, says "not trusted" and names the setting', async () => {
      const port = await httpsServer('server');
      hits = 0;
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, token: TOKEN, dispatcher: await dispatcher(), retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
      await assert.rejects(client.whoami(), (e: unknown) => {
        assert.ok(e instanceof WindmillNetworkError, String(e));
        assert.equal(e.kind, 'tls');
        assert.equal(e.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        assert.match(e.describe(), /^Could not connect securely to 127\.0\.0\.1:\d+: its certificate is not trusted/);
        assert.ok(e.describe().includes(CA_CERTIFICATES_SETTING));
        assert.equal(CA_CERTIFICATES_SETTING, 'windmillUsers.tls.caCertificates');
        assert.equal(e.attempts, 1, 'a TLS failure is not retried');
        assert.equal(e.outcomeUnknown, false);
        assert.ok(!e.describe().includes(TOKEN));
        return true;
      });
      assert.equal(hits, 0);
    });

    it('a self-signed server certificate: same clear message', async () => {
      const port = await httpsServer('self');
      const client = new WindmillClient({ remote: `https://localhost:${port}`, dispatcher: await dispatcher() });
      await assert.rejects(client.version(), (e: unknown) => {
        assert.ok(e instanceof WindmillNetworkError);
        assert.equal(e.kind, 'tls');
        assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
        assert.match(e.describe(), /its certificate is not trusted .*windmillUsers\.tls\.caCertificates/);
        return true;
      });
    });

    it('without any dispatcher (undici global) the same', async () => {
      const port = await httpsServer('server');
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, retry: { attempts: 1 } });
      await assert.rejects(client.version(), (e: unknown) => e instanceof WindmillNetworkError && e.kind === 'tls');
    });

    it('a CA for another server does not help', async () => {
      const port = await httpsServer('server');
      const { pems } = await loadCaFiles([file('other-ca.pem')]);
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, dispatcher: await dispatcher(pems) });
      await assert.rejects(client.version(), (e: unknown) => e instanceof WindmillNetworkError && e.kind === 'tls');
    });
  });

  describe('with the CA configured', () => {
    it('works over 127.0.0.1 and localhost', async () => {
      const port = await httpsServer('server');
      const { pems, problems } = await loadCaFiles([file('ca.pem')]);
      assert.deepEqual(problems, []);
      assert.equal(pems.length, 1);
      const d = await dispatcher(pems);
      for (const host of ['127.0.0.1', 'localhost']) {
        const client = new WindmillClient({ remote: `https://${host}:${port}`, token: TOKEN, dispatcher: d });
        assert.equal((await client.whoami()).email, USER.email);
        assert.equal((await client.version()).version, '1.500.0');
      }
    });

    it('a bundle file with several CAs: each is loaded and the right one is used', async () => {
      const port = await httpsServer('server');
      writeFileSync(file('bundle.pem'), `${readFileSync(file('other-ca.pem'), 'utf8')}\n${readFileSync(file('ca.pem'), 'utf8')}`);
      const { pems, problems } = await loadCaFiles([file('bundle.pem')]);
      assert.deepEqual(problems, []);
      assert.equal(pems.length, 2);
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, dispatcher: await dispatcher(pems) });
      assert.equal((await client.version()).edition, 'CE');
    });

    it('a certificate for another host name is still refused, without pointing at the CA setting', async () => {
      const port = await httpsServer('wrong-host');
      const { pems } = await loadCaFiles([file('ca.pem')]);
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, dispatcher: await dispatcher(pems) });
      await assert.rejects(client.version(), (e: unknown) => {
        assert.ok(e instanceof WindmillNetworkError);
        assert.equal(e.kind, 'tls');
        assert.equal(e.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
        assert.match(e.describe(), /its certificate is for another host name/);
        assert.ok(!e.describe().includes(CA_CERTIFICATES_SETTING));
        return true;
      });
    });

    it('the extra CAs add to the system CAs, never replace them', () => {
      const extra = readFileSync(file('ca.pem'), 'utf8');
      const list = trustedCaList([extra]) ?? [];
      assert.ok(tls.rootCertificates.length > 50);
      for (const root of tls.rootCertificates) assert.ok(list.includes(root));
      assert.equal(list[list.length - 1], extra);
      assert.deepEqual(trustedCaList([]), undefined, 'no extra CA: Node default trust, untouched');
    });

    it('connections and keepAliveTimeoutMs are accepted', async () => {
      const port = await httpsServer('server');
      const { pems } = await loadCaFiles([file('ca.pem')]);
      const d = await createDispatcher({ caCertificates: pems, connections: 2, keepAliveTimeoutMs: 1000 });
      dispatchers.push(d);
      const client = new WindmillClient({ remote: `https://127.0.0.1:${port}`, dispatcher: d });
      const all = await Promise.all(Array.from({ length: 5 }, () => client.version()));
      assert.equal(all.length, 5);
    });
  });

  describe('loadCaFiles problems', () => {
    it('one clear message per bad file; good files still load', async () => {
      const der = new X509Certificate(readFileSync(file('ca.pem'))).raw;
      writeFileSync(file('ca.der'), der);
      writeFileSync(file('empty.pem'), '');
      writeFileSync(file('notes.txt'), 'hello, this is not a certificate\n');
      writeFileSync(file('broken.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
      mkdirSync(file('folder.pem'));
      const { pems, problems } = await loadCaFiles([
        file('missing.pem'),
        file('ca.der'),
        file('empty.pem'),
        file('notes.txt'),
        file('server.key'),
        file('broken.pem'),
        file('folder.pem'),
        '   ',
        file('ca.pem'),
        file('ca.pem'),
      ]);
      assert.equal(pems.length, 1, 'the good CA, once');
      assert.match(pems[0], /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
      const expect = [
        /^CA certificate file not found: .*missing\.pem$/,
        /^CA certificate file is binary \(DER\), not PEM: .*ca\.der\. Convert it with "openssl x509 -inform der/,
        /^CA certificate file is empty: .*empty\.pem$/,
        /^CA certificate file holds no PEM certificate \("-----BEGIN CERTIFICATE-----"\): .*notes\.txt$/,
        /^CA certificate file holds a private key, not a certificate: .*server\.key$/,
        /^The certificate in .*broken\.pem could not be parsed\.$/,
        /^CA certificate path is a folder, not a file: .*folder\.pem$/,
        /^An empty path was given as a CA certificate file\.$/,
      ];
      assert.equal(problems.length, expect.length, problems.join('\n'));
      problems.forEach((p, i) => assert.match(p, expect[i]));
    });

    it('no paths: nothing, no problems', async () => {
      assert.deepEqual(await loadCaFiles([]), { pems: [], problems: [] });
    });
  });
});

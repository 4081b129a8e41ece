import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { cliConfigDir, parseRemotesNdjson, readCliProfiles, type CliProfile } from '../../src/import/cliProfiles';
import { profilesFromExtensionSettings } from '../../src/import/extensionSettings';

const R = 'https://wm.example.com/';
const line = (o: unknown) => JSON.stringify(o);
const prof = (name: string, token: string, extra: Record<string, unknown> = {}) => ({ name, remote: R, workspaceId: 'demo', token, ...extra });

describe('importing existing credentials', () => {
  describe('cliConfigDir', () => {
    it('uses $WMILL_CONFIG_DIR + /windmill on every platform', () => {
      assert.equal(cliConfigDir({ WMILL_CONFIG_DIR: '/cfg' }, 'linux', '/home/a'), '/cfg/windmill');
      assert.equal(cliConfigDir({ WMILL_CONFIG_DIR: '/cfg/', XDG_CONFIG_HOME: '/x' }, 'darwin', '/Users/a'), '/cfg/windmill');
      assert.equal(cliConfigDir({ WMILL_CONFIG_DIR: 'D:\\cfg', APPDATA: 'C:\\x' }, 'win32', 'C:\\Users\\a'), 'D:\\cfg\\windmill');
    });
    it('Linux: $XDG_CONFIG_HOME, else ~/.config; an empty variable counts as unset', () => {
      assert.equal(cliConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/a'), '/xdg/windmill');
      assert.equal(cliConfigDir({}, 'linux', '/home/a'), '/home/a/.config/windmill');
      assert.equal(cliConfigDir({ XDG_CONFIG_HOME: '', WMILL_CONFIG_DIR: ' ' }, 'linux', '/home/a'), '/home/a/.config/windmill');
      assert.equal(cliConfigDir({}, 'freebsd', '/home/a'), '/home/a/.config/windmill');
    });
    it('macOS: ~/Library/Preferences', () => {
      assert.equal(cliConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'darwin', '/Users/a'), '/Users/a/Library/Preferences/windmill');
    });
    it('Windows: %APPDATA%, else ~\\AppData\\Roaming', () => {
      assert.equal(cliConfigDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'), 'C:\\Users\\a\\AppData\\Roaming\\windmill');
      assert.equal(cliConfigDir({}, 'win32', 'C:\\Users\\a'), 'C:\\Users\\a\\AppData\\Roaming\\windmill');
    });
  });

  describe('readCliProfiles', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wmill-profiles-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });
    const write = (name: string, text: string) => fs.writeFile(path.join(dir, name), text);

    const TOKENS = ['tokAlpha0123456789', 'tokBroken987654321', 'tokBeta00011112222', 'tokDup5555666677', 'tokRemote11112222', 'tokSpace 3333'];
    const FIXTURE = [
      line(prof('alpha', TOKENS[0])), // 1 good
      '', // 2 blank
      `{"name":"broken","remote":"${R}","token":"${TOKENS[1]}"`, // 3 malformed JSON
      line({ name: 'notoken', remote: R, workspaceId: 'demo' }), // 4 missing token
      line(prof('beta', TOKENS[2], { extra: 1, nested: { a: [1] } })).replace(/}$/, ',"__proto__":{"token":"x"}}'), // 5 unknown fields: fine
      line([1, 2, TOKENS[0]]), // 6 not an object
      line(prof('alpha', TOKENS[3])), // 7 duplicate name
      '   \t', // 8 blank
      line({ ...prof('ftp', TOKENS[4]), remote: 'ftp://wm.example.com/' }), // 9 bad remote
      line({ ...prof('numtok', 'x'), token: 12345678 }), // 10 token not text
      line({ remote: R, token: TOKENS[5] }), // 11 missing name and workspaceId; token with a space
      'null', // 12 not an object
    ].join('\n');

    it('returns the good profiles and one problem per bad line, with line numbers, never a token', async () => {
      await write('remotes.ndjson', FIXTURE + '\n');
      await write('activeWorkspace', 'beta\n');
      const r = await readCliProfiles(dir);
      assert.deepEqual(r.profiles, [prof('alpha', TOKENS[0]), prof('beta', TOKENS[2])]);
      assert.equal(r.active, 'beta');
      assert.deepEqual(
        r.problems.map((p) => p.line),
        [3, 4, 6, 7, 9, 10, 11, 12],
      );
      const text = (n: number) => r.problems.find((p) => p.line === n)?.message ?? '';
      assert.match(text(3), /Line 3 is not valid JSON/);
      assert.match(text(4), /Line 4 \(profile "notoken"\) is missing "token"/);
      assert.match(text(6), /not a JSON object/);
      assert.match(text(7), /"alpha" already appears on line 1/);
      assert.match(text(9), /"remote" that is not an http\(s\) URL/);
      assert.match(text(10), /"token" that is not text/);
      assert.match(text(11), /missing "name" and "workspaceId"/);
      const all = r.problems.map((p) => p.message).join('\n');
      for (const t of TOKENS) assert.ok(!all.includes(t), `a problem mentions ${t}`);
    });

    it('reads CRLF files with a BOM the same way', async () => {
      await write('remotes.ndjson', '\uFEFF' + FIXTURE.split('\n').join('\r\n'));
      await write('activeWorkspace', 'alpha');
      const r = await readCliProfiles(dir);
      assert.deepEqual(r.profiles.map((p) => p.name), ['alpha', 'beta']);
      assert.equal(r.active, 'alpha');
      assert.equal(r.problems.length, 8);
    });

    it('never writes to the CLI folder', async () => {
      await write('remotes.ndjson', FIXTURE);
      await write('activeWorkspace', 'beta');
      const before = await fs.readdir(dir);
      const stat = await fs.stat(path.join(dir, 'remotes.ndjson'));
      await readCliProfiles(dir);
      assert.deepEqual(await fs.readdir(dir), before);
      assert.equal(await fs.readFile(path.join(dir, 'remotes.ndjson'), 'utf8'), FIXTURE);
      assert.equal((await fs.stat(path.join(dir, 'remotes.ndjson'))).mtimeMs, stat.mtimeMs);
    });

    it('a missing folder or file is one clear problem', async () => {
      const r = await readCliProfiles(path.join(dir, 'nope'));
      assert.deepEqual(r.profiles, []);
      assert.equal(r.active, undefined);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0].message, /No wmill CLI profiles found: .*remotes\.ndjson does not exist/);
    });

    it('a missing, empty or unknown activeWorkspace is a problem; the profiles still come back', async () => {
      await write('remotes.ndjson', line(prof('alpha', TOKENS[0])));
      let r = await readCliProfiles(dir);
      assert.equal(r.profiles.length, 1);
      assert.equal(r.active, undefined);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0].message, /activeWorkspace does not exist\. No profile is marked active/);

      await write('activeWorkspace', '  \n');
      r = await readCliProfiles(dir);
      assert.match(r.problems[0].message, /is empty/);

      // Even a token pasted there by mistake is not repeated.
      await write('activeWorkspace', TOKENS[0]);
      r = await readCliProfiles(dir);
      assert.equal(r.active, undefined);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0].message, /names the profile "\[token\]", which is not among the profiles/);
      assert.ok(!r.problems[0].message.includes(TOKENS[0]));
    });

    it('an empty file is a problem; a folder in place of the file is a problem', async () => {
      await write('remotes.ndjson', '\n\n');
      await write('activeWorkspace', 'alpha');
      let r = await readCliProfiles(dir);
      assert.deepEqual(r.profiles, []);
      assert.match(r.problems[0].message, /holds no profiles/);

      await fs.rm(path.join(dir, 'remotes.ndjson'));
      await fs.mkdir(path.join(dir, 'remotes.ndjson'));
      r = await readCliProfiles(dir);
      assert.deepEqual(r.problems.map((p) => p.message.replace(dir, 'DIR')), [`${path.join('DIR', 'remotes.ndjson')} is a folder, not a file.`]);
    });
  });

  describe('parseRemotesNdjson with hostile input', () => {
    const tokenArb = fc.stringMatching(/^[A-Za-z0-9_-]{12,48}$/);
    /** A line holding `token` in a token field, valid or not; `other` (another line's token) is used as a name. */
    const fieldLine = (token: string, other: string, name: string) =>
      fc.constantFrom(
        line(prof(name, token)),
        line(prof(name, token, { junk: token })),
        line(prof(other, token)),
        line(prof(`${'long name '.repeat(6)}${other}`, token)),
        line({ name, token }),
        line({ name: other, workspaceId: 'w', token, remote: 'nope' }),
        line({ ...prof(name, token), token: [token] }),
        line({ ...prof(other, token), token: { nested: token } }),
        JSON.stringify(prof(other, token)).slice(0, -2),
        `{"token": "${token}", "name": "${other}" ,,}`,
      );
    /** A garbage line with a token somewhere in it. */
    const junkLine = (token: string) => fc.constantFrom(line([token]), token, `"${token}"`, `{"name": "x", ${token}}`, `{"name":"${token}`);

    it('no problem text ever contains a token', () => {
      const arb = fc.uniqueArray(tokenArb, { minLength: 2, maxLength: 14 }).chain((all) => {
        const k = Math.ceil(all.length * 0.7);
        const field = all.slice(0, k);
        const junk = all.slice(k);
        const lines = [
          ...field.map((t, i) => fc.constantFrom('a', 'b', 'dup', 'main').chain((n) => fieldLine(t, field[(i + 1) % k], n))),
          ...junk.map(junkLine),
        ];
        return fc.tuple(fc.constant(all), fc.tuple(...lines).chain((ls) => fc.shuffledSubarray(ls, { minLength: ls.length })));
      });
      fc.assert(
        fc.property(arb, ([tokens, lines]) => {
          const { problems, profiles } = parseRemotesNdjson(lines.join('\n'));
          const text = problems.map((p) => p.message).join('\n');
          for (const t of tokens) assert.ok(!text.includes(t), `problem text includes a token: ${text}`);
          // Every line is either a profile or exactly one problem.
          assert.equal(profiles.length + problems.length, lines.length);
        }),
        { numRuns: 300 },
      );
    });

    it('survives odd shapes without throwing', () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), { maxLength: 20 }), (lines) => {
          const r = parseRemotesNdjson(lines.join('\n'));
          for (const p of r.profiles) {
            assert.deepEqual(Object.keys(p), ['name', 'remote', 'workspaceId', 'token']);
            for (const v of Object.values(p)) assert.equal(typeof v, 'string');
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('profilesFromExtensionSettings', () => {
    const settings = (s: Record<string, unknown>) => (key: string) => s[key];

    it('reads main and the additional workspaces, with the official defaults', () => {
      const r = profilesFromExtensionSettings(
        settings({
          'windmill.remote': 'https://wm.example.com/',
          'windmill.workspaceId': 'demo',
          'windmill.token': 'tokMain0123456789',
          'windmill.additionalWorkspaces': [
            { name: 'staging', remote: 'https://staging.example.com/', workspaceId: 'stg', token: 'tokStaging012345' },
            { workspaceId: 'cloudws', token: 'tokCloud01234567', remote: null },
          ],
          'windmill.currentWorkspace': 'staging',
        }),
      );
      const expected: CliProfile[] = [
        { name: 'main', remote: 'https://wm.example.com/', workspaceId: 'demo', token: 'tokMain0123456789' },
        { name: 'staging', remote: 'https://staging.example.com/', workspaceId: 'stg', token: 'tokStaging012345' },
        { name: 'cloudws', remote: 'https://app.windmill.dev/', workspaceId: 'cloudws', token: 'tokCloud01234567' },
      ];
      assert.deepEqual(r.profiles, expected);
      assert.deepEqual(r.problems, []);
      assert.equal(r.active, 'staging');
    });

    it('nothing configured: no profiles, no problems', () => {
      const r = profilesFromExtensionSettings(settings({ 'windmill.remote': 'https://app.windmill.dev/', 'windmill.workspaceId': null, 'windmill.token': null }));
      assert.deepEqual(r, { profiles: [], problems: [] });
    });

    it('a bad entry is one problem without its token; the rest still count', () => {
      const T = ['tokMainOnly01234567', 'tokNoWs0123456789', 'tokDup01234567890', 'tokBadRemote12345', 'tokNum'];
      const r = profilesFromExtensionSettings(
        settings({
          'windmill.token': T[0],
          'windmill.additionalWorkspaces': [
            'not an object',
            { name: 'nows', token: T[1] },
            { name: 'ok', workspaceId: 'w1', token: 'tokOk0123456789' },
            { name: 'ok', workspaceId: 'w2', token: T[2] },
            { name: T[3], workspaceId: 'w3', token: T[3], remote: 'file:///etc/passwd' },
            { name: 'num', workspaceId: 'w4', token: 42, extra: T[4] },
          ],
          'windmill.currentWorkspace': '',
        }),
      );
      assert.deepEqual(r.profiles.map((p) => p.name), ['ok']);
      assert.equal(r.active, undefined, 'main is active but was not imported');
      const messages = r.problems.map((p) => p.message);
      assert.equal(messages.length, 6);
      assert.match(messages[0], /main workspace .* is missing "workspaceId"/);
      assert.match(messages[1], /additionalWorkspaces\[0\] is not an object/);
      assert.match(messages[2], /\[1\] \("nows"\) is missing "workspaceId"/);
      assert.match(messages[3], /\[3\] \("ok"\): a workspace named "ok" was already found/);
      assert.match(messages[4], /\[4\] \("\[token\]"\) has a "remote" that is not an http\(s\) URL/);
      assert.match(messages[5], /\[5\] \("num"\) has "token" that is not text/);
      for (const t of T.slice(0, 4)) assert.ok(!messages.join('\n').includes(t));
    });

    it('additionalWorkspaces that is not a list is one problem', () => {
      const r = profilesFromExtensionSettings(settings({ 'windmill.additionalWorkspaces': { name: 'x' } }));
      assert.deepEqual(r.profiles, []);
      assert.deepEqual(r.problems, [{ message: 'windmill.additionalWorkspaces is not a list; ignored.' }]);
    });
  });
});

// Static checks of package.json's contributions (the runtime twin, "every contributed command is
// registered", runs in the real host: test/integration/activation.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const resolve = (s: string) => s.replace(/^%(.+)%$/, (_, k: string) => nls[k] ?? `<missing ${k}>`);

interface Command { command: string; title: string; category?: string }
interface MenuItem { command: string; when?: string; group?: string }
const commands: Command[] = pkg.contributes.commands;
const menus: Record<string, MenuItem[]> = pkg.contributes.menus ?? {};

describe('package.json contributions', () => {
  it('every command has the "Windmill" category and a Title Case title', () => {
    const bad = commands.filter((c) => resolve(c.category ?? '') !== 'Windmill' || !/^[A-Z][^\s]*( ([A-Z0-9]|a |an |and |as |from |in |of |on |to |with |the |or |for |wmill)[^\s]*)*…?$/.test(resolve(c.title)));
    assert.deepEqual(bad.map((c) => `${c.command}: ${resolve(c.category ?? '')}: ${resolve(c.title)}`), []);
  });

  it('command ids are namespaced and unique', () => {
    const ids = commands.map((c) => c.command);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids.filter((id) => !id.startsWith('windmillUsers.')), []);
  });

  it('every %key% is defined in package.nls.json and every key there is used', () => {
    const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const used = new Set([...text.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]));
    assert.deepEqual([...used].filter((k) => !(k in nls)), [], 'used but not defined');
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'defined but not used');
  });

  it('menus and welcome views only name contributed commands', () => {
    const ids = new Set(commands.map((c) => c.command));
    const inMenus = Object.values(menus).flat().map((m) => m.command);
    const inWelcome = (pkg.contributes.viewsWelcome ?? []).flatMap((w: { contents: string }) => [...resolve(w.contents).matchAll(/command:([\w.]+)/g)].map((m) => m[1]));
    assert.deepEqual([...inMenus, ...inWelcome].filter((c) => !ids.has(c)), []);
  });

  it('commands hidden from the palette are reachable from the tree', () => {
    const hidden = (menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command);
    const inViews = new Set([...(menus['view/item/context'] ?? []), ...(menus['view/title'] ?? [])].map((m) => m.command));
    assert.deepEqual(hidden.filter((c) => !inViews.has(c)), []);
  });

  it('every command id in src/ui/constants.ts is contributed, and the reverse', () => {
    const src = fs.readFileSync(path.join(root, 'src', 'ui', 'constants.ts'), 'utf8');
    const table = src.slice(src.indexOf('export const Commands'), src.indexOf('} as const', src.indexOf('export const Commands')));
    const inCode = [...table.matchAll(/'(windmillUsers\.[\w.]+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(inCode, commands.map((c) => c.command).sort());
  });

  it('at most three inline actions per kind of tree item', () => {
    const inline = (menus['view/item/context'] ?? []).filter((m) => m.group?.startsWith('inline'));
    const byWhen = new Map<string, number>();
    for (const m of inline) byWhen.set(m.when ?? '', (byWhen.get(m.when ?? '') ?? 0) + 1);
    assert.deepEqual([...byWhen].filter(([, n]) => n > 3), []);
  });

  it('a signed-out connection offers only actions that need no working token', () => {
    const itemMenus = menus['view/item/context'] ?? [];
    const offered = (contextValue: string) => itemMenus.filter((m) => {
      const re = /viewItem =~ \/(.+)\/\s*$/.exec(m.when ?? '');
      return re !== null && new RegExp(re[1]).test(contextValue);
    }).map((m) => m.command.replace('windmillUsers.', ''));
    const signedOut = new Set(offered('windmillUsers.connection:superadmin:admin:signedOut'));
    const needToken = ['addUser', 'inviteUser', 'addUsersFromCsv', 'exportUsers', 'createToken'];
    assert.deepEqual(needToken.filter((c) => signedOut.has(c)), []);
    assert.ok(signedOut.has('signInAgain'));
    const working = new Set(offered('windmillUsers.connection:superadmin:admin'));
    assert.deepEqual(needToken.filter((c) => !working.has(c)), [], 'a working admin connection offers them all');
    assert.ok(!working.has('signInAgain'));
  });

  it('engines.vscode matches @types/vscode, and the publishing fields are set', () => {
    const types = pkg.devDependencies['@types/vscode'].replace(/^[~^]/, '');
    assert.equal(pkg.engines.vscode, `^${types}`);
    assert.ok(pkg.icon && fs.existsSync(path.join(root, pkg.icon)));
    assert.ok(pkg.repository?.url && pkg.license === 'MIT' && pkg.scripts['vscode:prepublish']);
    assert.ok(pkg.contributes.viewsContainers.activitybar.every((c: { icon?: string }) => c.icon));
  });
});

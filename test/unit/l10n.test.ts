import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const src = path.resolve(__dirname, '..', '..', '..', 'src');
const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(src, f));

describe('Localisation', () => {
  it('every vscode.l10n.t call takes a literal message (so `npm run l10n` can export it)', () => {
    const bad: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/l10n\.t\(\s*([^\s])/g)) {
        if (!`'"\``.includes(m[1])) bad.push(`${path.relative(src, file)}: l10n.t(${m[1]}…`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the VS Code-free modules use no l10n (they stay testable without vscode)', () => {
    const pure = files.filter((f) => /[/\\](windmill|bulk|signin|import)[/\\]|validation\.ts$|password\.ts$/.test(f));
    assert.ok(pure.length > 5);
    const offenders = pure.filter((f) => /from 'vscode'|require\('vscode'\)/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(src, f)), []);
  });
});

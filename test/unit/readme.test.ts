import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importEsm } from '../esm';

const root = path.resolve(__dirname, '..', '..', '..');

describe('README', () => {
  it('lists every command and setting of package.json (run `npm run readme` after changing them)', async () => {
    const { render } = await importEsm<{ render(readme: string): string }>(path.join(root, 'scripts', 'readme-tables.mjs'));
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    assert.equal(render(readme), readme);
  });

  it('shows only PNG screenshots that exist (no SVG in the README)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length > 0);
    assert.deepEqual(images.filter((i) => !i.endsWith('.png')), []);
    assert.deepEqual(images.filter((i) => !/^https:/.test(i) && !fs.existsSync(path.join(root, i))), []);
  });
});

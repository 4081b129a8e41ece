import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { importEsm } from '../esm';

interface PackageScript { listFiles(): string[]; leaks(files: string[]): string[] }
const packageScript = path.resolve(__dirname, '..', '..', '..', 'scripts', 'package.mjs');

describe('VSIX contents', function () {
  this.timeout(60_000);

  it('ships only the bundle, media, docs and manifests', async () => {
    const { listFiles, leaks } = await importEsm<PackageScript>(packageScript);
    const files = listFiles();
    assert.ok(files.includes('dist/extension.js'), `bundle missing from ${files.join(', ')}`);
    assert.ok(files.includes('media/icon.png'));
    assert.ok(files.includes('README.md') && files.includes('CHANGELOG.md') && files.includes('LICENSE'));
    assert.deepEqual(leaks(files), []);
  });

  it('the leak check catches sources, tests, maps and node_modules', async () => {
    const { leaks } = await importEsm<PackageScript>(packageScript);
    const bad = ['src/extension.ts', 'out/test/unit/a.test.js', 'dist/extension.js.map', 'node_modules/undici/index.js', 'test/emulator/seed.ts'];
    assert.deepEqual(leaks([...bad, 'dist/extension.js', 'media/icon.png']), bad);
  });
});

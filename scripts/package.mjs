#!/usr/bin/env node
// `npm run package`: builds the VSIX with @vscode/vsce (vscode:prepublish = production esbuild bundle),
// prints its file list and size, and fails if anything but the shipped files got in.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root } from './deps.mjs';

const require = createRequire(import.meta.url);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const pkg = require(join(root, 'package.json'));

/** What a VSIX may hold; everything else (sources, tests, maps, node_modules) is a leak. */
export const ALLOWED = [
  /^package\.json$/, /^package\.nls(\.[a-z-]+)?\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE(\.txt)?$/,
  /^dist\/extension\.js$/, /^media\/[^/]+\.(png|svg)$/, /^l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
];
export const leaks = (files) => files.filter((f) => !ALLOWED.some((re) => re.test(f)));

export function listFiles() {
  const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const file = join(root, `${pkg.name}-${pkg.version}.vsix`);
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', file], { cwd: root, stdio: 'inherit' });
  const files = listFiles();
  console.log(`\n${file}\n${(statSync(file).size / 1024).toFixed(1)} KiB, ${files.length} files:`);
  for (const f of files) console.log(`  ${f}`);
  const bad = leaks(files);
  if (bad.length) {
    console.error(`\nThese must not ship in the VSIX: ${bad.join(', ')}`);
    process.exit(1);
  }
}

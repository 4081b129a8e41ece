#!/usr/bin/env node
// Writes the README's command and setting tables from package.json (between the
// <!-- commands --> / <!-- settings --> markers). `--check` exits 1 when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './deps.mjs';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
const t = (s) => (typeof s === 'string' ? s.replace(/^%(.+)%$/, (_, k) => nls[k] ?? k) : '');
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function commandsTable() {
  const palette = new Map((pkg.contributes.menus?.commandPalette ?? []).map((m) => [m.command, m.when]));
  const inTree = new Set((pkg.contributes.menus?.['view/item/context'] ?? []).map((m) => m.command));
  const inToolbar = new Set((pkg.contributes.menus?.['view/title'] ?? []).map((m) => m.command));
  const rows = pkg.contributes.commands.map((c) => {
    const where = [palette.get(c.command) === 'false' ? '' : 'palette', inToolbar.has(c.command) ? 'view toolbar' : '', inTree.has(c.command) ? 'tree item' : '']
      .filter(Boolean).join(', ');
    return `| ${cell(`${t(c.category)}: ${t(c.title)}`)} | \`${c.command}\` | ${where} |`;
  });
  return ['| Command | Id | Where |', '| --- | --- | --- |', ...rows].join('\n');
}

export function settingsTable() {
  const conf = [pkg.contributes.configuration ?? []].flat();
  const rows = conf.flatMap((section) => Object.entries(section.properties ?? {}).map(([key, p]) => {
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${def} | ${cell(t(p.markdownDescription ?? p.description))} |`;
  }));
  return ['| Setting | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n');
}

export function render(readme) {
  const put = (text, name, table) => text.replace(new RegExp(`(<!-- ${name} -->)[\\s\\S]*?(<!-- /${name} -->)`), `$1\n${table}\n$2`);
  return put(put(readme, 'commands', commandsTable()), 'settings', settingsTable());
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const file = join(root, 'README.md');
  const before = readFileSync(file, 'utf8');
  const after = render(before);
  if (process.argv.includes('--check')) {
    if (before !== after) { console.error('README.md command/setting tables are stale: run `npm run readme`.'); process.exit(1); }
  } else if (before !== after) {
    writeFileSync(file, after);
    console.log('README.md tables updated');
  }
}

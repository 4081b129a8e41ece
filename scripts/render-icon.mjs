#!/usr/bin/env node
// Renders media/icon-source.svg (drawn for this project) to the 128x128 PNG the Marketplace needs.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './deps.mjs';
import { chromiumPath } from './host-install.mjs';
import { CHROMIUM_ARGS } from './code-server.mjs';

const svg = readFileSync(join(root, 'media', 'icon-source.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.screenshot({ path: join(root, 'media', 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
await browser.close();
console.log('media/icon.png written');

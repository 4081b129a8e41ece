// The mocha entry that VS Code's extension host calls (`--extensionTestsPath`). Identical for desktop
// VS Code (test-electron's download) and code-server (scripts/vscode-host.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env.WINDMILL_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const out = process.env.WINDMILL_TEST_RESULTS;
        if (out) {
          const s = runner.stats ?? { passes: 0, failures, pending: 0 };
          fs.writeFileSync(out, JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending }));
        }
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (e) {
      reject(e);
    }
  });
}

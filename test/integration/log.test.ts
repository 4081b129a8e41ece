import * as assert from 'node:assert/strict';
import { SUPERADMIN } from '../emulator/seed';
import { freshStart, run, saveConnection, script, waitForLog } from './helpers';

describe('Log', () => {
  it('records the flows but never a token or a password', async () => {
    const api = await freshStart();
    await saveConnection(api, SUPERADMIN);
    const p = script(api, [
      { kind: 'input', match: 'Email of the user', answer: 'logged@example.com' },
      { kind: 'input', match: 'Password (leave empty', answer: '' },
      { kind: 'pick', match: 'superadmin?', answer: 'Regular' },
      { kind: 'input', match: 'Company', answer: '' },
      { kind: 'input', match: 'Full name', answer: '' },
      { kind: 'secret', match: 'generated password', answer: 'Copy Password' },
      { kind: 'pick', match: 'to the Workspace', answer: 'Developer' },
      { kind: 'pick', match: 'Which kind of token', answer: 'New Token for' },
      { kind: 'input', match: 'Token label', answer: 'logtest' },
      { kind: 'pick', match: 'When does the token expire', answer: 'Never' },
      { kind: 'pick', match: 'Limit the token', answer: 'All Workspaces' },
      { kind: 'secret', match: 'New token for', answer: 'Copy Token' },
    ]);
    await run('windmillUsers.addUser');
    await run('windmillUsers.createToken');
    p.assertDone();
    const [password, token] = p.secrets.map((x) => x.secret);
    const log = await waitForLog(api.logUri.fsPath, 'labelled "logtest"');
    assert.match(log, /Created user logged@example\.com/);
    for (const secret of [password, token, SUPERADMIN.token]) assert.ok(!log.includes(secret), 'no secret in the log');
  });
});

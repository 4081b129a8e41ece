// UI: "Windmill: Add User…" and "Windmill: Create Token…" run from the command palette by typing, every
// question answered with the keyboard, the one-time secret read off the modal, the result checked in the
// tree and on the emulator.
import * as assert from 'node:assert/strict';
import { DEMO_WORKSPACE, SUPERADMIN } from '../emulator/seed';
import {
  answer, choose, dialog, dialogButton, groupRow, memberRow, openUsersView, useWorkbench, readClipboard, runCommand, treeLabels,
} from './workbench';

describe('UI: commands from the palette', function () {
  this.timeout(60_000);
  const workbench = useWorkbench((wb) => openUsersView(wb.page));

  it('Add User: keyboard answers, generated password shown once and copied, the member appears under Developers', async () => {
    const wb = workbench();
    const { page } = wb;
    const email = 'grace.hopper@example.com';
    const developersBefore = (await wb.members()).filter((m) => !m.disabled && m.role === 'developer').length;
    await groupRow(page, 'Developers', developersBefore).waitFor();

    await runCommand(page, 'Windmill: Add User…');
    await answer(page, 'Email of the user', email);
    await answer(page, 'Password (leave empty to generate', ''); // empty: a generated one
    await choose(page, 'Make the user an instance superadmin?', 'Regular User');
    await answer(page, 'Company (optional)', '');
    await answer(page, 'Full name (optional)', '');

    const box = dialog(page);
    await box.waitFor({ timeout: 15_000 });
    assert.equal(await box.locator('.dialog-message-text').innerText(), `User ${email} was created. Their generated password:`);
    const password = (await box.locator('.dialog-message-detail').innerText()).split('\n')[0].trim();
    assert.ok(password.length >= 16, `a strong generated password is shown (got ${password.length} characters)`);
    await dialogButton(page, 'Copy Password').click();
    await box.waitFor({ state: 'hidden' });
    assert.equal(await readClipboard(page), password, 'the clipboard holds the shown password');

    await choose(page, `Role in the workspace ${DEMO_WORKSPACE}`, 'Developer');

    const row = memberRow(page, email);
    await row.waitFor({ timeout: 15_000 });
    assert.match((await row.getAttribute('aria-label')) ?? '', /, developer$/);
    await groupRow(page, 'Developers', developersBefore + 1).waitFor();
    const labels = await treeLabels(page);
    const developers = labels.findIndex((l) => l.startsWith('Developers, '));
    const next = labels.findIndex((l, i) => i > developers && !l.includes('@'));
    const at = labels.findIndex((l) => l.startsWith(`${email},`));
    assert.ok(developers < at && (next < 0 || at < next), `${email} is listed under Developers: ${JSON.stringify(labels)}`);

    const state = await wb.state();
    const user = state.users.find((u) => u.email === email);
    assert.ok(user, 'the emulator has the new user');
    assert.equal(user.super_admin, false);
    assert.equal(user.hasPassword, true);
    const member = state.workspaces[DEMO_WORKSPACE].members.find((m) => m.email === email);
    assert.ok(member, `the user is a member of ${DEMO_WORKSPACE}`);
    assert.equal(member.role, 'developer');
  });

  it('Create Token: keyboard answers, the new token is shown once in a modal', async () => {
    const wb = workbench();
    const { page } = wb;
    const label = 'ui-test-token';

    await runCommand(page, 'Windmill: Create Token…');
    await choose(page, 'Which kind of token?', `New Token for ${SUPERADMIN.email}`);
    await answer(page, 'Token label (optional)', label);
    await choose(page, 'When does the token expire?', '7 Days');
    await choose(page, 'Limit the token to one workspace?', `Only the Workspace ${DEMO_WORKSPACE}`);

    const box = dialog(page);
    await box.waitFor({ timeout: 15_000 });
    assert.equal(await box.locator('.dialog-message-text').innerText(),
      `New token for ${SUPERADMIN.email} on 127.0.0.1:${wb.emulator.port} (Label: ${label}, expires in 7 days, only in ${DEMO_WORKSPACE}):`);
    const token = (await box.locator('.dialog-message-detail').innerText()).split('\n')[0].trim();
    assert.match(token, /^[A-Za-z0-9]{32}$/);
    assert.ok(await dialogButton(page, 'Copy Token').isVisible());
    assert.ok(await dialogButton(page, 'Use as This Connection\'s Token').isVisible());
    await box.locator('.dialog-toolbar .codicon-dialog-close').click(); // close without copying or using it
    await box.waitFor({ state: 'hidden' });

    const created = (await wb.state()).tokens.filter((t) => t.label === label);
    assert.equal(created.length, 1, 'exactly one token with that label');
    assert.equal(created[0].owner, SUPERADMIN.email);
    assert.equal(created[0].workspace_id, DEMO_WORKSPACE);
    assert.equal(created[0].prefix, token.slice(0, 10), 'the token shown is the one the emulator issued');
    const days = (Date.parse(created[0].expiration ?? '') - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in 7 days (${days.toFixed(2)})`);
  });
});

// UI: the Windmill view in the real workbench, opened from the activity bar; a member removed through
// the tree's context menu. Driven with the mouse and keyboard only.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_WORKSPACE, DEVELOPER, OPERATOR, SEED_EXTRA_MEMBERS, SUPERADMIN, WORKSPACE_ADMIN } from '../emulator/seed';
import {
  choose, clickMenuItem, dialog, dialogButton, groupRow, memberRow, settle, treeLabels, treeRow, useWorkbench, type EmulatorMember,
} from './workbench';

const GROUPS: [label: string, test: (m: EmulatorMember) => boolean][] = [
  ['Admins', (m) => !m.disabled && m.role === 'admin'],
  ['Developers', (m) => !m.disabled && m.role === 'developer'],
  ['Operators', (m) => !m.disabled && m.role === 'operator'],
  ['Disabled', (m) => m.disabled],
];

/** The rows between a group's row and the next row of the same level (its members). */
function rowsOfGroup(labels: string[], group: string): string[] {
  const start = labels.findIndex((l) => new RegExp(`^${group}, \\d+ members?$`).test(l));
  assert.ok(start >= 0, `no "${group}" group in ${JSON.stringify(labels)}`);
  const rest = labels.slice(start + 1);
  const end = rest.findIndex((l) => !/^[^,\s]+@[^,\s]+, /.test(l));
  return end < 0 ? rest : rest.slice(0, end);
}

async function expandIfCollapsed(page: Page, group: string): Promise<void> {
  const row = groupRow(page, group);
  if (await row.getAttribute('aria-expanded') === 'false') await row.click(); // one click expands a group
  await row.and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 5000 });
}

describe('UI: the Windmill view', function () {
  this.timeout(60_000);
  const workbench = useWorkbench();

  it('opens from the activity bar and shows the demo connection, role groups with counts and the seeded members', async () => {
    const wb = workbench();
    const { page } = wb;
    await page.keyboard.press('Control+Shift+E'); // start from the Explorer, like a person who just opened VS Code
    await page.locator('.activitybar .action-item a.action-label[aria-label^="Windmill"]').click();
    await page.mouse.move(900, 700);

    const connection = treeRow(page, new RegExp(`^Connection ${DEMO_WORKSPACE} on 127\\.0\\.0\\.1:${wb.emulator.port} as ${SUPERADMIN.email.replace('.', '\\.')}$`));
    await connection.waitFor({ timeout: 30_000 });
    assert.equal(await connection.locator('.label-name').innerText(), DEMO_WORKSPACE);
    assert.match(await connection.locator('.label-description').innerText(), new RegExp(`^127\\.0\\.0\\.1:${wb.emulator.port} · ${SUPERADMIN.email}`));

    const members = await wb.members();
    for (const [group, inGroup] of GROUPS) {
      const count = members.filter(inGroup).length;
      await groupRow(page, group, count).waitFor({ timeout: 15_000 });
      const row = groupRow(page, group, count);
      assert.equal(await row.locator('.label-name').innerText(), group);
      assert.equal(await row.locator('.label-description').innerText(), String(count), `the count shown next to ${group}`);
    }
    await expandIfCollapsed(page, 'Disabled');
    await settle(page);

    const labels = await treeLabels(page);
    for (const [group, inGroup] of GROUPS) {
      const shown = rowsOfGroup(labels, group).map((l) => l.split(',')[0]);
      const expected = members.filter(inGroup).map((m) => m.email).sort();
      assert.deepEqual(shown, expected, `members under ${group}`);
    }
    for (const seeded of [SUPERADMIN, WORKSPACE_ADMIN, DEVELOPER, OPERATOR, ...SEED_EXTRA_MEMBERS]) {
      assert.ok(await memberRow(page, seeded.email).isVisible(), `${seeded.email} is shown`);
    }
    assert.equal(await memberRow(page, DEVELOPER.email).getAttribute('aria-label'), `${DEVELOPER.email}, ${DEVELOPER.username}, developer`);
    assert.equal(await memberRow(page, OPERATOR.email).locator('.label-description').innerText(), `${OPERATOR.username} · operator`);
  });

  it('removes a member from the workspace through the right-click menu', async () => {
    const wb = workbench();
    const { page } = wb;
    const target = SEED_EXTRA_MEMBERS.find((m) => !m.disabled);
    assert.ok(target, 'the seed has an enabled extra member');
    assert.ok((await wb.members()).some((m) => m.email === target.email));
    const row = memberRow(page, target.email);
    await row.waitFor();

    await row.click({ button: 'right' });
    await clickMenuItem(page, 'Remove User…');

    // A superadmin chooses between the workspace and the whole instance.
    await choose(page, `Remove ${target.email} from the workspace only, or delete the account?`, `Remove from the Workspace ${DEMO_WORKSPACE}`);
    await dialog(page).waitFor();
    assert.match(await dialog(page).locator('.dialog-message-text').innerText(), new RegExp(`Remove ${target.email.replace('.', '\\.')} \\(${target.username}\\) from the workspace ${DEMO_WORKSPACE}\\?`));
    await dialogButton(page, 'Remove from Workspace').click();
    await dialog(page).waitFor({ state: 'hidden' });

    await row.waitFor({ state: 'detached', timeout: 15_000 });
    const members = await wb.members();
    assert.ok(!members.some((m) => m.email === target.email), `${target.email} is still a member of ${DEMO_WORKSPACE}`);
    await groupRow(page, 'Developers', members.filter(GROUPS[1][1]).length).waitFor();
    assert.ok((await wb.state()).users.some((u) => u.email === target.email), 'the account itself stays on the instance');
  });
});

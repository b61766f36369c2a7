// The Deploy and History views against the real services, deploying the deploy fixture to a loopback sshd.

import type { LiveRun } from '../../common/model/runs.ts';
import type { Harness } from '../harness/harness.ts';
import { deployTest as test, expect } from './fixtures.ts';

/** A deploy through the services directly, to have history to look at. */
async function deployed(services: Harness['services'], folder: string): Promise<LiveRun> {
  const { runs } = await services.deploy.deploy(folder, ['web'], 'switch', false);
  return services.deploy.finished(runs[0]!.id);
}

test.describe('deploy view', () => {
  test('deploys a host: shows what changes, waits for approval, then every step with a link to its terminal', async ({
    app,
    target,
  }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#deploy`);
    await app.getByTestId('host-choice').filter({ hasText: 'web' }).getByRole('checkbox').check();
    await expect(app.getByLabel('Mode')).toHaveValue('switch');
    await app.getByRole('button', { name: 'Deploy web' }).click();

    const card = app.getByTestId('run-card').filter({ hasText: 'web' });
    const approval = card.getByTestId('approval');
    await expect(approval).toBeVisible({ timeout: 120_000 });
    await expect(approval.getByTestId('package-change').filter({ hasText: 'ripgrep' })).toContainText('14.1.0');
    await expect(approval.getByTestId('closure-size')).toContainText('A first deploy');
    await expect(card.getByTestId('run-progress')).toHaveAttribute('aria-valuetext', 'Waiting for your approval');
    await app.screenshot({ path: testInfo.outputPath('deploy-approval.png'), fullPage: true });
    expect(target.profileTarget()).toBeNull();

    await approval.getByRole('button', { name: 'Deploy (switch) to web' }).click();
    await expect(card).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
    await expect(card.getByTestId('run-step')).toHaveCount(7);
    await expect(card.locator('[data-testid="run-step"][data-status="succeeded"]')).toHaveCount(7);
    await expect(card.getByTestId('run-message')).toContainText('confirmed');
    expect(target.profileTarget()).toMatch(/-nixos-system-web-24\.05\.fixture$/);
    await app.screenshot({ path: testInfo.outputPath('deploy-done.png'), fullPage: true });

    // The confirmation's terminal shows what happened.
    const confirm = card.locator('[data-testid="run-step"][data-step="confirm"]');
    await confirm.getByRole('link', { name: 'terminal' }).click();
    await expect(app).toHaveURL(/#terminals\/[\w-]+$/);
    await expect(app.locator('.xterm-rows')).toContainText('confirmed over a new connection', { timeout: 60_000 });
    await app.screenshot({ path: testInfo.outputPath('deploy-confirm-terminal.png'), fullPage: true });
  });

  test('reports a host that rolled back as failed, and a cancelled deploy as cancelled', async ({
    app,
    harness,
    fixture,
  }, testInfo) => {
    await deployed(harness.services, fixture.repo.path);
    fixture.setHosts('{ web = { switch = "fails"; packages = { ripgrep = "14.1.0"; }; }; db = { }; }');
    await app.goto(`${new URL(app.url()).origin}/#deploy`);
    await app.getByLabel('All hosts').check();
    await app.getByRole('button', { name: 'Deploy 2 hosts' }).click();

    const web = app.locator('[data-testid="run-card"][data-host="web"]').first();
    const db = app.locator('[data-testid="run-card"][data-host="db"]').first();
    await expect(web.getByTestId('approval')).toBeVisible({ timeout: 120_000 });
    await expect(db.getByTestId('approval')).toBeVisible({ timeout: 120_000 });
    await db.getByTestId('approval').getByRole('button', { name: 'Cancel' }).click();
    await expect(db).toHaveAttribute('data-status', 'cancelled');

    await web.getByRole('button', { name: 'Deploy (switch) to web' }).click();
    await expect(web).toHaveAttribute('data-status', 'rolled-back', { timeout: 120_000 });
    await expect(web.getByTestId('run-status')).toHaveText('rolled back — failed');
    await expect(web.getByTestId('run-message')).toContainText('the target rolled back to generation 1');
    await expect(web.locator('[data-testid="run-step"][data-step="rollback"]')).toHaveAttribute(
      'data-status',
      'succeeded',
    );
    await app.screenshot({ path: testInfo.outputPath('deploy-rolled-back.png'), fullPage: true });
  });

  test('lists generations and rolls back to one after confirming', async ({ app, harness, fixture, target }) => {
    const first = await deployed(harness.services, fixture.repo.path);
    fixture.setHosts('{ web = { packages = { ripgrep = "14.2.0"; }; }; }');
    await deployed(harness.services, fixture.repo.path);

    await app.goto(`${new URL(app.url()).origin}/#deploy`);
    await app.getByLabel('Host for generations').selectOption('web');
    await app.getByRole('button', { name: 'List generations' }).click();
    await expect(app.getByTestId('generation')).toHaveCount(2);
    await app.getByRole('button', { name: 'Roll back to 1' }).click();
    await app.getByTestId('confirm-dialog').getByRole('button', { name: 'Roll back' }).click();

    const card = app.locator('[data-testid="run-card"]').filter({ hasText: 'rollback' }).first();
    await expect(card.getByTestId('approval')).toContainText('ripgrep', { timeout: 120_000 });
    await card.getByRole('button', { name: 'Deploy (switch) to web' }).click();
    await expect(card).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
    expect(target.profileTarget()).toBe(first.outPath);
    await expect(app.locator('[data-testid="generation"].current')).toHaveAttribute('data-generation', '1');
  });
});

test.describe('history view', () => {
  test('lists runs, opens one with its steps and log, and compares two', async ({
    app,
    harness,
    fixture,
  }, testInfo) => {
    const first = await deployed(harness.services, fixture.repo.path);
    fixture.setHosts('{ web = { packages = { ripgrep = "14.1.1"; htop = "3.3.0"; }; }; }');
    const second = await deployed(harness.services, fixture.repo.path);

    await app.goto(`${new URL(app.url()).origin}/#history`);
    const rows = app.getByTestId('history-run');
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toHaveAttribute('data-run', String(second.id));
    await expect(rows.first()).toContainText('+dirty');

    await rows
      .first()
      .getByRole('link', { name: `#${second.id}` })
      .click();
    const detail = app.getByTestId('run-detail');
    await expect(detail.getByTestId('run-step')).toHaveCount(7);
    await expect(detail.getByTestId('run-dirty')).toBeVisible();
    await expect(detail.getByTestId('package-change').filter({ hasText: 'htop' })).toHaveAttribute(
      'data-kind',
      'added',
    );
    await detail.getByRole('button', { name: 'Show the log' }).click();
    await expect(detail.getByTestId('run-log')).toContainText('── copy ──');
    await expect(detail.getByTestId('run-log')).toContainText('activating web (switch)');
    await app.screenshot({ path: testInfo.outputPath('history-run.png'), fullPage: true });
    await detail.getByTestId('run-log').screenshot({ path: testInfo.outputPath('history-log.png') });

    await app.getByLabel(`Compare run ${first.id}`).check();
    await app.getByLabel(`Compare run ${second.id}`).check();
    await app.getByRole('button', { name: `Compare #${first.id} and #${second.id}` }).click();
    const compare = app.getByTestId('run-compare');
    await expect(compare.getByTestId('compare-steps')).toContainText('confirm');
    await expect(compare.getByTestId('package-change').filter({ hasText: 'ripgrep' })).toContainText('14.1.0 → 14.1.1');
    await app.screenshot({ path: testInfo.outputPath('history-compare.png'), fullPage: true });
  });
});

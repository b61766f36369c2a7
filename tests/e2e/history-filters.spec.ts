// The History list: runs filtered by host and by result, started times relative with the exact time on hover,
// dirty runs told apart by the hash of their changes, and the retention setting changed from the page.

import type { NewRun } from '../../main/history/run-store.ts';
import { expect, test } from './fixtures.ts';

const minute = 60_000;

test('filters runs by host and result, says how long ago each started, and tells two dirty trees apart', async ({
  app,
  harness,
}, testInfo) => {
  const { runs } = harness.services;
  const run = (host: string, dirtyHash: string | null): NewRun => ({
    batch: 'history-filters',
    kind: 'build',
    host,
    flake: '/flake',
    revision: '3f2a9c1b7d0e55aa66bb77cc88dd99ee00ff1122',
    dirty: dirtyHash !== null,
    dirtyHash,
    mode: null,
    target: null,
  });
  const now = Date.now();
  const [webOld] = runs.begin([run('web', '5be01c7a9f12')], now - 3 * 60 * minute);
  runs.finish(webOld!, 'failed', 'web: the build failed', now - 3 * 60 * minute + 5000);
  const [db] = runs.begin([run('db', null)], now - 20 * minute);
  runs.finish(db!, 'succeeded', null, now - 19 * minute);
  const [webNew] = runs.begin([run('web', '0c1d2e3f4a5b')], now - 5 * minute);
  runs.finish(webNew!, 'succeeded', null, now - 4 * minute);

  await app.goto(`${harness.url}#history`);
  const rows = app.getByTestId('history-run');
  await expect(rows).toHaveCount(3);

  // Relative times, the exact one on hover.
  const newest = rows.first();
  await expect(newest).toHaveAttribute('data-run', String(webNew));
  const started = newest.locator('time');
  await expect(started).toHaveText('5 min ago');
  const exact = await app.evaluate((ms) => new Date(ms).toLocaleString(), now - 5 * minute);
  await expect(started).toHaveAttribute('title', exact);
  await expect(rows.nth(2).locator('time')).toHaveText('3 h ago');

  // Two dirty trees on one commit: the same commit, two hashes.
  await expect(newest).toContainText('3f2a9c1b7d0e+dirty-0c1d2e3f4a5b');
  await expect(rows.nth(2)).toContainText('3f2a9c1b7d0e+dirty-5be01c7a9f12');
  await expect(rows.nth(1)).toContainText('3f2a9c1b7d0e');
  await expect(rows.nth(1)).not.toContainText('dirty');

  const host = app.getByRole('combobox', { name: 'Host' });
  const result = app.getByRole('combobox', { name: 'Result' });
  await expect(host.locator('option')).toHaveText(['All hosts', 'db', 'web']);
  await host.selectOption('web');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-run', String(webNew));
  await expect(rows.nth(1)).toHaveAttribute('data-run', String(webOld));

  await result.selectOption('failed');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-run', String(webOld));
  await app.screenshot({ path: testInfo.outputPath('history-filtered.png') });

  await host.selectOption('db');
  await expect(rows).toHaveCount(0);
  await expect(app.getByTestId('history-no-match')).toContainText('No runs of db that ended failed.');
  await app.getByRole('button', { name: 'Show all runs' }).click();
  await expect(rows).toHaveCount(3);
  await expect(host).toHaveValue('');
  await expect(result).toHaveValue('');
});

test('sets how long runs, logs and cached manifests are kept, from the History page', async ({
  app,
  harness,
}, testInfo) => {
  await app.goto(`${harness.url}#history`);
  await app.getByRole('button', { name: 'Retention…' }).click();
  const panel = app.getByTestId('retention-panel');
  const runDays = panel.getByRole('spinbutton', { name: 'Runs: days kept', exact: true });
  const logDays = panel.getByRole('spinbutton', { name: 'Logs of runs: days kept' });
  const manifestDays = panel.getByRole('spinbutton', { name: 'Cached manifests: days kept' });
  await expect(runDays).toHaveValue('365');
  await expect(logDays).toHaveValue('90');
  await expect(manifestDays).toHaveValue('30');
  const save = panel.getByRole('button', { name: 'Save' });
  await expect(save).toBeDisabled();

  await logDays.fill('0');
  await expect(save).toBeDisabled();
  await expect(panel).toContainText('Each is a whole number of days, from 1 to 36,500.');
  await logDays.fill('14');
  await manifestDays.fill('7');
  await save.click();
  await expect(panel.getByTestId('retention-saved')).toBeVisible();
  expect(harness.services.retention.policy()).toEqual({ runDays: 365, logDays: 14, manifestDays: 7 });
  await panel.screenshot({ path: testInfo.outputPath('retention-panel.png') });

  // Read back from the service after a reload.
  await app.reload();
  await app.getByRole('button', { name: 'Retention…' }).click();
  await expect(app.getByRole('spinbutton', { name: 'Logs of runs: days kept' })).toHaveValue('14');
  await expect(app.getByRole('spinbutton', { name: 'Cached manifests: days kept' })).toHaveValue('7');
});

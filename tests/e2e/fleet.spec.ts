// The Hosts dashboard and the drift view in Chromium, against loopback hosts running the deploy fixture's systems:
// up to date, behind, unreachable, reboot needed, a failed unit, and a host that does not evaluate.

import { startHarness } from '../harness/harness.ts';
import { setUpScenario, startScenarioTestbed } from '../support/fleet-testbed.ts';
import type { FleetTestbed } from '../support/fleet-testbed.ts';
import { test as base, expect } from './fixtures.ts';

const brokenSpec = 'packages = { zfs = builtins.throw "the disk layout of broken is not set"; };';

const test = base.extend<{ bed: FleetTestbed }>({
  // eslint-disable-next-line no-empty-pattern
  bed: async ({}, use) => {
    const bed = await startScenarioTestbed({ broken: { spec: brokenSpec, unreachable: true } });
    await use(bed);
    await bed.close();
  },
  flakePath: async ({ bed }, use) => use(bed.repo.path),
  harness: async ({ bed, keychain }, use) => {
    const harness = await startHarness({
      flake: bed.repo.path,
      keychain,
      fleet: bed.fleet,
      deploy: { sshOptions: bed.sshOptions },
    });
    await setUpScenario(bed, harness.services, { broken: brokenSpec });
    await use(harness);
    await harness.close();
  },
});

test.setTimeout(180_000);

test('the dashboard shows each host as it is, and keeps a host that went away with the age of its reading', async ({
  app,
  bed,
  harness,
}, testInfo) => {
  const card = (host: string) => app.locator(`[data-testid="host-card"][data-host="${host}"]`);
  await expect(card('current').getByTestId('host-state')).toHaveText('up to date', { timeout: 60_000 });
  await expect(card('behind').getByTestId('host-state')).toHaveText('behind', { timeout: 60_000 });
  await expect(card('behind').getByTestId('host-freshness')).toContainText(/the build of [0-9a-f]{7} \(run #\d+\)/);
  await expect(card('gone').getByTestId('host-state')).toHaveText('unreachable', { timeout: 60_000 });
  await expect(card('gone').getByTestId('host-ssh-error')).toContainText(/refused/i);
  await expect(card('reboot').getByTestId('host-reboot')).toHaveText('reboot needed (kernel, initrd, kernel-modules)', {
    timeout: 60_000,
  });
  await expect(card('failing').getByTestId('host-failed-units')).toContainText('1 failed unit: broken.service');
  await expect(card('broken').getByTestId('host-state')).toHaveText('does not evaluate');
  await expect(card('broken').getByTestId('host-eval-error')).toContainText('the disk layout of broken is not set');
  // In the user's folder, not nix's copy of it in the store.
  await expect(card('broken').getByTestId('host-eval-location')).toContainText(`${bed.repo.path}/`);
  await expect(card('broken').getByTestId('host-eval-location')).toContainText(/\.nix:\d+/);
  // The place opens in the user's editor.
  const place = card('broken').getByTestId('host-eval-location').getByTestId('source-link');
  const file = (await place.textContent())!.replace(/(:\d+)+$/, '');
  await place.click();
  await expect.poll(() => harness.openedFiles).toEqual([file]);
  await expect(card('current').getByTestId('host-target')).toContainText(/root@127\.0\.0\.1:\d+ \(from deck\.deploy\)/);
  await expect(app.getByTestId('fleet-summary')).toContainText('3 up to date · 1 behind');
  await expect(app.getByTestId('host-checking')).toHaveCount(0, { timeout: 60_000 });
  await app.screenshot({ path: testInfo.outputPath('dashboard-light.png'), fullPage: true });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: testInfo.outputPath('dashboard-dark.png'), fullPage: true });

  // The timeline of the host that runs an older build: the build of that revision is on it.
  await card('behind').getByTestId('host-timeline').locator('summary').click();
  await expect(card('behind').locator('[data-testid="timeline-event"][data-kind="build"]')).toHaveCount(1);
  await expect(card('behind').locator('[data-testid="timeline-event"][data-kind="generation"]')).toHaveCount(1);

  await bed.targets.get('failing')!.sshd.stop();
  await app.getByRole('button', { name: 'Refresh all' }).click();
  await expect(card('failing').getByTestId('host-state')).toHaveText('unreachable', { timeout: 60_000 });
  // What it said last stays, marked with its age.
  await expect(card('failing').getByTestId('host-age')).toContainText(/Last seen \d+ (s|min) ago/);
  await expect(card('failing').getByTestId('host-failed-units')).toContainText('broken.service');
});

test('the drift view puts the hosts side by side and names the one behind', async ({ app }, testInfo) => {
  // The dashboard checks the hosts; the drift view shows what they said.
  await expect(app.getByTestId('host-checking')).toHaveCount(0, { timeout: 60_000 });
  await expect(app.locator('[data-host="current"] [data-testid="host-state"]')).toHaveText('up to date', {
    timeout: 60_000,
  });
  await app.getByRole('link', { name: 'Drift between hosts' }).click();
  await expect(app.getByTestId('drift-behind')).toHaveText('Behind the flake: behind.');
  const kernel = app.locator('[data-row="Kernel (running)"]');
  await expect(kernel).toHaveClass(/differs/);
  // reboot still runs the kernel it booted.
  await expect(kernel.locator('td[data-host="reboot"]')).toHaveText('linux-6.1.0');
  await expect(kernel.locator('td[data-host="current"]')).toHaveText('linux-6.6.1');
  await expect(app.locator('[data-row="NixOS version (running)"]')).toContainText('24.05.fixture');
  await expect(app.locator('[data-row="system.stateVersion"]')).not.toHaveClass(/differs/);
  await app.screenshot({ path: testInfo.outputPath('drift-light.png'), fullPage: true });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: testInfo.outputPath('drift-dark.png'), fullPage: true });
});

test('a build started on a host card goes on that card, with a link to its run', async ({ app }, testInfo) => {
  const card = app.locator('[data-testid="host-card"][data-host="current"]');
  await expect(card.getByTestId('host-state')).toHaveText('up to date', { timeout: 60_000 });
  const page = app.url();
  await card.getByRole('button', { name: 'Build' }).click();
  const run = card.getByTestId('host-run');
  await expect(run).toHaveAttribute('data-kind', 'build');
  // The page stays where it is while the build goes.
  await expect(run).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  expect(app.url()).toBe(page);
  await expect(run.getByTestId('host-run-label')).toHaveText('succeeded');
  await expect(card.getByRole('button', { name: 'Build' })).toBeEnabled();
  await app.screenshot({ path: testInfo.outputPath('card-build-light.png'), fullPage: true });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: testInfo.outputPath('card-build-dark.png'), fullPage: true });

  // The whole run is one click away.
  const link = run.getByTestId('host-run-link');
  const id = (await link.textContent())!.replace('run #', '');
  await link.click();
  await expect(app).toHaveURL(new RegExp(`#history/${id}$`));
  await expect(app.getByTestId('run-result')).toBeVisible();
});

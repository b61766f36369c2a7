// "Reboot…" for this machine in Chromium: what the reboot wipes, persisting a folder and copying its files to the
// persistent root, copying files out to a chosen folder, the generation to boot once, and the reboot, which a
// stand-in systemctl first on PATH records instead of rebooting. Real services, nix and processes.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../harness/harness.ts';
import { rebootMachine } from '../support/reboot-machine.ts';
import type { RebootMachine } from '../support/reboot-machine.ts';
import { test as base, expect } from './fixtures.ts';

const test = base.extend<{ machine: RebootMachine }>({
  flakeSource: 'inspect-hosts',
  // eslint-disable-next-line no-empty-pattern
  machine: async ({}, use) => {
    const scratch = mkdtempSync(join(tmpdir(), 'flakedeck-e2e-reboot-'));
    const machine = rebootMachine(scratch);
    const path = process.env.PATH;
    process.env.PATH = `${machine.bin}:${path}`;
    await use(machine);
    process.env.PATH = path;
    rmSync(scratch, { recursive: true, force: true });
  },
  harness: async ({ flakePath, machine }, use) => {
    const harness = await startHarness({
      flake: flakePath,
      rebootCheck: { rootPrefix: machine.root },
      deploy: machine.env,
      // The desktop's folder dialog, answered with a folder on the persistent volume's mount.
      chooseFolder: async () => '/boot/rescue',
    });
    await use(harness);
    await harness.close();
  },
});

/** systemctl's calls of the guard (the Hosts page's status checks ask it for failed units, too). */
const guardCalls = (machine: RebootMachine) =>
  machine.calls('systemctl').filter((argv) => argv[0] === 'reboot' || argv[0] === '--boot-loader-entry=help');

test('lists what the reboot wipes, persists and copies out, and reboots into a chosen generation', async ({
  app,
  machine,
  flakePath,
}, testInfo) => {
  machine.bootEntries(['nixos-generation-1.conf', 'nixos-generation-2.conf']);
  await app.goto(`${new URL(app.url()).origin}/#hosts`);
  const card = app.getByTestId('host-card').first();
  await expect(card).toHaveAttribute('data-host', 'laptop');
  await card.getByRole('button', { name: 'Reboot…' }).click();
  await expect(app).toHaveURL(/#hosts\/reboot$/);

  const guard = app.getByTestId('reboot-guard');
  await expect(guard.getByRole('heading', { name: 'Reboot laptop?' })).toBeVisible();
  await expect(guard.getByTestId('reboot-summary')).toContainText('4 files, 12 kB would be wiped', { timeout: 60_000 });
  const folders = await guard
    .getByTestId('wiped-group')
    .evaluateAll((groups) => groups.map((g) => g.getAttribute('data-folder')));
  expect(folders).toEqual(['/home/alice/.cache/thumbnails', '/var/lib/syncthing', '/etc']);
  const nextBoot = guard.getByLabel('Generation for the next boot');
  await expect(nextBoot.locator('option')).toHaveText([
    'the default generation',
    /^generation 2, .* \(running now\)$/,
    /^generation 1, /,
  ]);
  await guard.locator('[data-folder="/var/lib/syncthing"] summary').click();
  await app.screenshot({ path: testInfo.outputPath('reboot-guard.png') });

  // Persist a folder: persist.json gets it, the list loses it, and its files can go where impermanence mounts from.
  await guard.locator('[data-folder="/var/lib/syncthing"]').getByRole('button', { name: 'Persist folder' }).click();
  await expect(guard.getByTestId('guard-persisted')).toContainText('Added /var/lib/syncthing');
  expect(JSON.parse(readFileSync(join(flakePath, 'hosts/laptop/persist.json'), 'utf8'))).toEqual({
    system: { directories: ['/var/lib/syncthing'] },
  });
  await expect(guard.getByTestId('reboot-summary')).toContainText('2 files', { timeout: 60_000 });
  await expect(guard.locator('[data-folder="/var/lib/syncthing"]')).toHaveCount(0);
  await guard.getByRole('button', { name: 'Copy its files to /persist' }).click();
  await expect(guard.getByTestId('copy-outcome')).toContainText('Copied /var/lib/syncthing to /persist');
  expect(existsSync(join(machine.root, 'persist/var/lib/syncthing/index/000001.log'))).toBe(true);

  // Copy a folder out: the folder dialog asks where, the files keep their paths there.
  await guard
    .locator('[data-folder="/home/alice/.cache/thumbnails"]')
    .getByRole('button', { name: 'Copy out' })
    .click();
  await expect(guard.getByTestId('copy-destination')).toHaveText('/boot/rescue');
  await expect(guard.getByTestId('copy-outcome')).toContainText(
    'Copied /home/alice/.cache/thumbnails to /boot/rescue, each at its own path.',
  );
  expect(readFileSync(join(machine.root, 'boot/rescue/home/alice/.cache/thumbnails/a.png'))).toEqual(
    readFileSync(join(machine.root, 'home/alice/.cache/thumbnails/a.png')),
  );

  await nextBoot.selectOption({ label: (await nextBoot.locator('option').nth(2).textContent())! });
  await app.screenshot({ path: testInfo.outputPath('reboot-guard-generation.png') });
  machine.forgetCalls();
  await guard.getByRole('button', { name: 'Reboot into generation 1' }).click();
  await expect(guard.getByTestId('rebooting')).toHaveText('Rebooting into generation 1…');
  expect(guardCalls(machine)).toEqual([
    ['--boot-loader-entry=help'],
    ['reboot', '--boot-loader-entry=nixos-generation-1.conf'],
  ]);
});

test('says when the boot loader has no one-shot choice, and reboots plainly', async ({ app, machine }, testInfo) => {
  machine.bootEntries(null);
  await app.goto(`${new URL(app.url()).origin}/#hosts/reboot`);
  const guard = app.getByTestId('reboot-guard');
  await expect(guard.getByTestId('no-one-shot')).toContainText(
    'The boot loader offers no choice for the next boot only (No boot loader entries discovered.)',
  );
  await expect(guard.getByLabel('Generation for the next boot')).toHaveCount(0);
  await expect(guard.getByTestId('reboot-summary')).toContainText('4 files', { timeout: 60_000 });
  await app.screenshot({ path: testInfo.outputPath('reboot-guard-grub.png') });
  machine.forgetCalls();
  await guard.getByRole('button', { name: 'Reboot now' }).click();
  await expect(guard.getByTestId('rebooting')).toHaveText('Rebooting…');
  expect(guardCalls(machine)).toEqual([['reboot']]);
});

test('opens from the Persistence view of this machine; Cancel closes it and reboots nothing', async ({
  app,
  machine,
}) => {
  await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
  await app.getByTestId('reboot-check').getByRole('button', { name: 'Reboot…' }).click();
  await expect(app).toHaveURL(/#hosts\/reboot$/);
  const guard = app.getByTestId('reboot-guard');
  await expect(guard.getByTestId('reboot-summary')).toBeVisible({ timeout: 60_000 });
  await guard.getByRole('button', { name: 'Cancel' }).click();
  await expect(guard).toHaveCount(0);
  await expect(app).toHaveURL(/#hosts$/);
  expect(guardCalls(machine).filter((argv) => argv[0] === 'reboot')).toEqual([]);
});

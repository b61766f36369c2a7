// The machine the app runs on: first on Hosts and Deploy, marked "this machine", and a switch of it that asks "Keep
// this configuration?" with a countdown, kept or reverted from the window. Real services, nix and ptys; the
// fixture's activation acts on a test folder standing for this machine's profile and running system.

import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../harness/harness.ts';
import { makeFlakeRepo } from '../support/fixture-flake.ts';
import { test as base, expect } from './fixtures.ts';

const test = base.extend<{ machineRoot: string }>({
  // eslint-disable-next-line no-empty-pattern
  machineRoot: async ({}, use) => {
    const root = mkdtempSync(join(tmpdir(), 'flakedeck-this-machine-'));
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'profiles'));
    // The fixture's switch-to-configuration acts here (the app's own processes pass it on).
    process.env.FIXTURE_ROOT = root;
    await use(root);
    rmSync(root, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern
  flakePath: async ({}, use) => {
    const repo = makeFlakeRepo('deploy', 'flakedeck-this-machine-flake-');
    repo.write('target.nix', '{ targetHost = "db.example.org"; }\n');
    repo.write('hosts.nix', '{ db = { }; web = { packages = { ripgrep = "14.1.0"; }; }; }');
    await use(repo.path);
    repo.remove();
  },
  harness: async ({ flakePath, keychain, machineRoot }, use) => {
    const harness = await startHarness({
      flake: flakePath,
      keychain,
      deploy: {
        profile: join(machineRoot, 'profiles', 'system'),
        currentSystem: join(machineRoot, 'current-system'),
        stateDir: join(machineRoot, 'state'),
        store: '',
        // web is this machine by its host name.
        thisHostName: 'web',
        keepSeconds: 120,
      },
    });
    await use(harness);
    await harness.close();
  },
});

const running = (root: string) => {
  try {
    return readlinkSync(join(root, 'current-system'));
  } catch {
    return null;
  }
};

test('this machine comes first on Hosts and Deploy, marked as such', async ({ app }, testInfo) => {
  const origin = new URL(app.url()).origin;
  await app.goto(`${origin}/#hosts`);
  const cards = app.getByTestId('host-card');
  await expect(cards).toHaveCount(2);
  await expect(cards.first()).toHaveAttribute('data-host', 'web');
  await expect(cards.first().getByTestId('this-machine')).toHaveText('this machine');
  await expect(cards.nth(1).getByTestId('this-machine')).toHaveCount(0);
  // Checked here, without ssh (no host answers ssh as "web"): it answers, and has no /run/current-system yet.
  await expect(cards.first().getByTestId('host-state')).toHaveText('not a NixOS system', { timeout: 60_000 });
  await expect(cards.first().getByTestId('host-freshness')).toContainText('has no /run/current-system');
  await expect(cards.first().getByTestId('host-ssh-error')).toHaveCount(0);
  await expect(cards.first().getByTestId('host-target')).toContainText('this machine, reached without SSH');
  await app.screenshot({ path: testInfo.outputPath('hosts-this-machine.png'), fullPage: true });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: testInfo.outputPath('hosts-this-machine-dark.png'), fullPage: true });

  await app.goto(`${origin}/#deploy`);
  const choices = app.getByTestId('host-choice');
  await expect(choices.first()).toContainText('web');
  await expect(choices.first().getByTestId('this-machine')).toBeVisible();
  await expect(choices.nth(1)).toContainText('db');

  // How long "Keep this configuration?" waits: a setting beside the mode, checked against its bounds as it is typed.
  const keepSeconds = app.getByTestId('keep-seconds');
  await expect(keepSeconds).toHaveValue('120');
  await keepSeconds.fill('5');
  await keepSeconds.press('Enter');
  await expect(app.getByTestId('keep-seconds-error')).toHaveText(
    'The time to answer "Keep this configuration?" is a whole number of seconds from 10 to 600, not 5.',
  );
  await expect(keepSeconds).toHaveAttribute('aria-invalid', 'true');
  await app.screenshot({ path: testInfo.outputPath('deploy-keep-seconds-error.png'), fullPage: true });
  await keepSeconds.fill('90');
  await keepSeconds.press('Enter');
  await expect(app.getByTestId('keep-seconds-error')).toHaveCount(0);
  // Kept in the settings: the page shows it again after a reload.
  await app.reload();
  await expect(app.getByTestId('keep-seconds')).toHaveValue('90');
});

test('a switch of this machine asks to keep it, counting down; Keep keeps it and Revert goes back', async ({
  app,
  machineRoot,
}, testInfo) => {
  await app.goto(`${new URL(app.url()).origin}/#deploy`);
  await app.getByTestId('host-choice').filter({ hasText: 'web' }).getByRole('checkbox').check();
  await app.getByRole('button', { name: 'Deploy web' }).click();
  const card = app.getByTestId('run-card').first();
  await card.getByTestId('approval').getByRole('button', { name: 'Deploy (switch) to web' }).click({ timeout: 60_000 });

  const dialog = card.getByTestId('keep-dialog');
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await expect(dialog.getByRole('heading')).toHaveText('Keep this configuration?');
  // It takes the focus, so the keyboard answers it at once.
  await expect(dialog).toBeFocused();
  const first = await dialog.getByTestId('keep-countdown').textContent();
  // The countdown runs: a later reading is lower.
  await expect
    .poll(async () => Number((await dialog.getByTestId('keep-countdown').textContent())!.split(' ')[0]), {
      timeout: 10_000,
    })
    .toBeLessThan(Number(first!.split(' ')[0]));
  await app.screenshot({ path: testInfo.outputPath('keep-dialog.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await expect(card).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(dialog).toHaveCount(0);
  const kept = running(machineRoot);
  expect(kept).toMatch(/-nixos-system-web-/);

  // Again, with a test switch (the same system): Revert goes back at once.
  await app.getByLabel('Mode').selectOption('test');
  await app.getByRole('button', { name: 'Deploy web' }).click();
  const second = app.getByTestId('run-card').first();
  await second.getByTestId('approval').getByRole('button', { name: 'Deploy (test) to web' }).click({ timeout: 60_000 });
  await second.getByTestId('keep-dialog').getByRole('button', { name: 'Revert now' }).click({ timeout: 60_000 });
  await expect(second).toHaveAttribute('data-status', 'rolled-back', { timeout: 60_000 });
  await expect(second).toContainText('Reverted by you');
  expect(running(machineRoot)).toBe(kept);
});

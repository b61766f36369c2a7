// Unsaved secret edits are never dropped without asking: opening another flake, reloading, closing the window.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeFlakeRepo } from '../support/fixture-flake.ts';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminKeyFile } from '../support/secrets-flake.ts';
import { test, expect } from './fixtures.ts';

test.skip(!process.env.DBUS_SESSION_BUS_ADDRESS, 'needs a Secret Service: run under scripts/with-secret-service.sh');
test.use({ flakeSource: secretsHostsFlake() });

function row(app: Page, path: string) {
  return app.locator(`[data-testid="secret-node"][data-path="${path}"] > .row`);
}

/** Opens secrets/vps.yaml and deletes a value: an edit that is not saved yet. */
async function editVps(app: Page): Promise<void> {
  await app.goto(`${app.url().split('#')[0]}#secrets/${encodeURIComponent('secrets/vps.yaml')}`);
  await row(app, 'restic/password').getByRole('button', { name: 'Delete password' }).click();
  await expect(app.getByTestId('unsaved')).toBeVisible();
}

test.beforeEach(async ({ harness }) => {
  await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
});

test('opening another flake asks first: keep editing keeps the edit, save writes it and then opens the flake', async ({
  app,
  flakePath,
}, testInfo) => {
  const other = makeFlakeRepo('four-hosts');
  try {
    await editVps(app);
    await app.getByLabel('Flake folder').fill(other.path);
    await app.getByRole('button', { name: 'Open', exact: true }).click();
    const dialog = app.getByTestId('unsaved-dialog');
    await expect(dialog).toContainText(
      'Before you open another flake: your changes to secrets/vps.yaml are not saved yet.',
    );
    await app.screenshot({ path: testInfo.outputPath('unsaved-open-flake.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    await expect(dialog).not.toBeVisible();
    await expect(app.getByTestId('flake-path')).toHaveText(flakePath);
    await expect(app.getByTestId('unsaved')).toBeVisible();
    await expect(row(app, 'restic/password')).toHaveCount(0);

    await app.getByRole('button', { name: 'Open', exact: true }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(app.getByTestId('flake-path')).toHaveText(other.path);
    expect(readFileSync(join(flakePath, 'secrets/vps.yaml'), 'utf8')).not.toMatch(/^\s+password: ENC\[/m);
  } finally {
    other.remove();
  }
});

test('a reload from the keyboard asks in the page; discard drops the edit and reloads', async ({ app, flakePath }) => {
  const before = readFileSync(join(flakePath, 'secrets/vps.yaml'), 'utf8');
  await editVps(app);
  await app.evaluate(() => Object.assign(window, { loadedOnce: true }));
  await app.keyboard.press('Control+r');
  const dialog = app.getByTestId('unsaved-dialog');
  await expect(dialog).toContainText('Before you reload the window');
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  expect(await app.evaluate(() => 'loadedOnce' in window)).toBe(true);
  await expect(app.getByTestId('unsaved')).toBeVisible();

  await app.keyboard.press('F5');
  await Promise.all([app.waitForEvent('load'), dialog.getByRole('button', { name: 'Discard' }).click()]);
  expect(await app.evaluate(() => 'loadedOnce' in window)).toBe(false);
  expect(readFileSync(join(flakePath, 'secrets/vps.yaml'), 'utf8')).toBe(before);
});

test('closing the window with unsaved edits is held back (the shell then asks), and let go once they are saved', async ({
  app,
}) => {
  const unloadHeld = () =>
    app.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  await editVps(app);
  expect(await unloadHeld()).toBe(true);
  await app.getByRole('button', { name: 'Save' }).click();
  await expect(app.getByTestId('saved')).toBeVisible();
  expect(await unloadHeld()).toBe(false);
});

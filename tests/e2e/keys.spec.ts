// The Keys view in Chromium with a real Secret Service: age keys, a shell with the key, host keys.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { startHarness } from '../harness/harness.ts';
import { keychainUnavailable } from '../../main/keys/keychain.ts';
import type { Keychain } from '../../main/keys/keychain.ts';
import { repositorySecretsFiles } from '../support/repository-copy.ts';
import { demoAdminKeyFile } from '../support/secrets-flake.ts';
import { startTestSshd } from '../support/test-sshd.ts';
import type { TestSshd } from '../support/test-sshd.ts';

const hasBus = !!process.env.DBUS_SESSION_BUS_ADDRESS;
const demoAdmin = 'age1qn0qp2axaxrhmayrh4gahq7075cmzyp5ug52gghh0x5qp26np90sjc2fkm';

test.use({ flakeSource: { ...repositorySecretsFiles(), 'flake.nix': '{ outputs = { self }: { }; }\n' } });

async function lastLines(app: Page): Promise<string> {
  return (
    await app
      .getByTestId('terminal-pane')
      .locator('.xterm-rows > div')
      .evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))
  ).join('\n');
}

test.describe('keys in the system keychain', () => {
  test.skip(!hasBus, 'needs a Secret Service: run under scripts/with-secret-service.sh');

  test('generates a key, shows and copies its public half, and deletes it only after confirming', async ({
    app,
    harness,
    context,
  }, testInfo) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await app.getByTestId('nav-keys').click();
    await expect(app.getByTestId('no-identities')).toBeVisible();
    await app.getByLabel('Label of the new key').fill('laptop');
    await app.getByRole('button', { name: 'Generate' }).click();
    const identity = app.locator('[data-testid="identity"][data-label="laptop"]');
    await expect(identity.getByTestId('public-key')).toHaveText(/^age1[0-9a-z]{58}$/);
    const publicKey = (await identity.getByTestId('public-key').textContent())!;
    await expect(identity.getByTestId('demo-key')).toHaveCount(0);
    expect((await harness.services.keys.list()).map((k) => k.publicKey)).toEqual([publicKey]);
    // The page never holds the private key.
    expect(await app.content()).not.toContain(await harness.services.keys.identity('laptop'));

    await identity.getByRole('button', { name: 'Copy' }).click();
    await expect(identity.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);

    await identity.getByRole('button', { name: 'Delete…' }).click();
    const dialog = app.getByRole('dialog', { name: 'Delete the key “laptop”?' });
    await expect(dialog).toContainText(publicKey);
    await app.screenshot({ path: testInfo.outputPath('keys-delete-confirm.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await harness.services.keys.list()).toHaveLength(1);
    await identity.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await expect(app.getByTestId('no-identities')).toBeVisible();
    expect(await harness.services.keys.list()).toEqual([]);
  });

  test("imports sops' key file, then deletes the file when asked", async ({ app, harness }, testInfo) => {
    const config = mkdtempSync(join(tmpdir(), 'flakedeck-xdg-'));
    const keyFile = join(config, 'sops', 'age', 'keys.txt');
    // keys.status offers the file sops itself reads, under XDG_CONFIG_HOME.
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = config;
    try {
      mkdirSync(join(config, 'sops', 'age'), { recursive: true });
      copyFileSync(demoAdminKeyFile, keyFile);
      await app.getByTestId('nav-keys').click();
      await expect(app.getByText(`sops' key file is at ${keyFile}`)).toBeVisible();
      await app.getByTestId('import-sops-key').click();
      const done = app.getByTestId('import-done');
      await expect(done).toContainText(`Imported “imported” from ${keyFile}`);
      const imported = app.locator('[data-testid="identity"][data-label="imported"]');
      await expect(imported.getByTestId('public-key')).toHaveText(demoAdmin);
      // The flake publishes this key: the list says so.
      await expect(imported.getByTestId('demo-key')).toHaveText('published demo key');
      await app.screenshot({ path: testInfo.outputPath('keys-imported.png'), fullPage: true });
      expect(existsSync(keyFile)).toBe(true);
      await done.getByRole('button', { name: 'Delete the file' }).click();
      await expect(done).toHaveCount(0);
      expect(existsSync(keyFile)).toBe(false);
      expect((await harness.services.keys.list()).map((k) => k.label)).toEqual(['imported']);
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      rmSync(config, { recursive: true, force: true });
    }
  });

  test('gives a shell the key only when asked: sops in it can decrypt', async ({ app, harness }) => {
    await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
    await app.getByTestId('nav-keys').click();
    await app.getByRole('button', { name: 'Open a shell with SOPS_AGE_KEY' }).click();
    await expect(app.getByRole('tab')).toHaveCount(1);
    await expect(app.getByRole('tab')).toContainText('SOPS_AGE_KEY');
    await expect.poll(() => lastLines(app)).toMatch(/bash-[\d.]+[$#]/);
    await app.keyboard.type('printf "%s\\n" "$SOPS_AGE_KEY" | age-keygen -y');
    await app.keyboard.press('Enter');
    await expect.poll(() => lastLines(app)).toContain(demoAdmin);
    await expect.poll(() => lastLines(app)).not.toContain('AGE-SECRET-KEY');
  });
});

test.describe('host keys', () => {
  let sshd: TestSshd;
  test.beforeAll(async () => {
    sshd = await startTestSshd();
  });
  test.afterAll(async () => {
    await sshd.stop();
  });

  test("shows when a host's key in hosts/ differs from the one it offers", async ({ app }, testInfo) => {
    await app.getByTestId('nav-keys').click();
    const vps = app.locator('[data-testid="host-key"][data-host="vps"]');
    await expect(vps).toContainText('age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk');
    await vps.getByLabel('Address of vps').fill(`127.0.0.1:${sshd.port}`);
    await app.getByRole('button', { name: 'Ask the hosts (ssh-keyscan)' }).click();
    await expect(vps.getByTestId('differs')).toBeVisible({ timeout: 30_000 });
    await expect(vps).toHaveAttribute('data-differs', 'true');
    await app.screenshot({ path: testInfo.outputPath('keys-host-differs.png'), fullPage: true });
  });
});

test.describe('a keychain that cannot be reached', () => {
  test('says what to do, and offers no other place to keep keys', async ({ page, flakePath }, testInfo) => {
    const failing = (): Promise<never> =>
      Promise.reject(
        keychainUnavailable(new Error('The name org.freedesktop.secrets was not provided by any .service files')),
      );
    const keychain: Keychain = { list: failing, get: failing, set: failing, delete: failing };
    const harness = await startHarness({ flake: flakePath, keychain });
    try {
      await page.addInitScript(harness.initScript);
      await page.goto(`${harness.url}#keys`);
      const problem = page.getByTestId('keychain-unavailable');
      await expect(problem).toContainText(
        'No Secret Service (keyring) is running, so Flakedeck cannot store age keys.',
      );
      await expect(problem).toContainText(
        'Install and start a keyring such as gnome-keyring or KWallet, then try again.',
      );
      await expect(problem).toContainText('never writes them to a file instead');
      await expect(page.getByRole('button', { name: 'Generate' })).toHaveCount(0);
      await page.screenshot({ path: testInfo.outputPath('keys-keychain-unavailable.png'), fullPage: true });
    } finally {
      await harness.close();
    }
  });
});

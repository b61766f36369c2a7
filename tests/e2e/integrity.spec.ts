// A secrets file that fails its integrity check (MAC): "Open read-only" opens it read-only, marked failed, and the
// file list and the checks say the file fails its check instead of "matches".

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretsHostsFlake } from '../support/repository-copy.ts';
import { demoAdminKeyFile } from '../support/secrets-flake.ts';
import { test, expect } from './fixtures.ts';

test.skip(!process.env.DBUS_SESSION_BUS_ADDRESS, 'needs a Secret Service: run under scripts/with-secret-service.sh');
test.use({ flakeSource: secretsHostsFlake() });

test('opens a file whose MAC fails read-only on request, and marks it failing in the list and the checks', async ({
  app,
  harness,
  flakePath,
}, testInfo) => {
  await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
  // A value removed outside sops: every other value still decrypts, the MAC no longer matches.
  const file = join(flakePath, 'secrets/vps.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/\n {4}password: ENC\[[^\n]+/, ''));

  await app.goto(`${app.url().split('#')[0]}#secrets/${encodeURIComponent('secrets/vps.yaml')}`);
  await expect(app.getByTestId('error-panel')).toHaveAttribute('data-code', 'MAC_MISMATCH');
  await app.getByRole('button', { name: 'Open read-only' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'failed its integrity check (MAC)' })).toBeVisible();
  await expect(app.locator('[data-testid="secret-node"][data-path="restic/repository"]')).toBeVisible();
  await expect(app.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await app.screenshot({ path: testInfo.outputPath('integrity-read-only.png'), fullPage: true });

  await app.getByRole('button', { name: 'Close' }).click();
  const row = app.locator('[data-testid="secret-file"][data-file="secrets/vps.yaml"]');
  await expect(row.getByTestId('integrity-failed')).toHaveText('fails its integrity check');
  await expect(row).not.toContainText('matches');
  await expect(app.getByTestId('check-integrity')).toContainText('secrets/vps.yaml was changed outside sops');
  await app.screenshot({ path: testInfo.outputPath('integrity-list.png'), fullPage: true });
});

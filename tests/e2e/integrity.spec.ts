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
  await expect(app.getByTestId('read-only')).toContainText(
    'This file failed its integrity check: it is open read-only',
  );
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

test('names a tampered value by its key and line, and opens the rest read-only without it', async ({
  app,
  harness,
  flakePath,
}, testInfo) => {
  await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
  // One character of the encrypted password changed, as a bad merge or a careless edit would.
  const file = join(flakePath, 'secrets/vps.yaml');
  const text = readFileSync(file, 'utf8');
  const line = text.split('\n').findIndex((l) => l.startsWith('    password: ENC[')) + 1;
  writeFileSync(
    file,
    text.replace(
      /(\n {4}password: ENC\[AES256_GCM,data:)(.)/,
      (_, start: string, c: string) => start + (c === 'A' ? 'B' : 'A'),
    ),
  );

  await app.goto(`${app.url().split('#')[0]}#secrets/${encodeURIComponent('secrets/vps.yaml')}`);
  const error = app.getByTestId('error-panel');
  await expect(error).toHaveAttribute('data-code', 'MAC_MISMATCH');
  await expect(error.getByRole('heading')).toHaveText('The file failed its integrity check');
  await expect(error).toContainText(
    'The value of restic/password in ' +
      file +
      " was changed outside sops, or damaged: it no longer decrypts with the file's key.",
  );
  await expect(error.getByTestId('error-location')).toHaveText(`${file}:${line}`);
  await expect(error).not.toContainText('Something went wrong');
  await expect(error).not.toContainText('restic:password:');
  await app.screenshot({ path: testInfo.outputPath('tampered-value.png'), fullPage: true });

  await app.getByRole('button', { name: 'Open read-only' }).click();
  await expect(app.getByTestId('damaged-values')).toHaveText(
    `Not shown, because it no longer decrypts (changed or damaged): restic/password (line ${line}).`,
  );
  await expect(app.locator('[data-testid="secret-node"][data-path="restic/repository"]')).toBeVisible();
  await expect(app.locator('[data-testid="secret-node"][data-path="restic/password"]')).toHaveCount(0);
  await app.screenshot({ path: testInfo.outputPath('tampered-value-read-only.png'), fullPage: true });
});

test('says where a cut-off file ends: unreadable before its keys, read-only when its values still decrypt', async ({
  app,
  harness,
  flakePath,
}, testInfo) => {
  await harness.services.keys.importFile(demoAdminKeyFile, 'admin', false);
  const open = (name: string) => app.goto(`${app.url().split('#')[0]}#secrets/${encodeURIComponent(name)}`);
  const cut = (name: string, at: (lines: string[]) => number) => {
    const path = join(flakePath, name);
    const lines = readFileSync(path, 'utf8').split('\n');
    const n = at(lines);
    // Half of line n + 1 stays: the copy stopped in the middle of it.
    writeFileSync(path, `${lines.slice(0, n).join('\n')}\n${lines[n]!.slice(0, 20)}`);
    return { path, line: n + 1 };
  };

  const beforeKeys = cut('secrets/homelab.yaml', (lines) => lines.indexOf('sops:') - 1);
  await open('secrets/homelab.yaml');
  const error = app.getByTestId('error-panel');
  await expect(error.getByRole('heading')).toHaveText('The secrets file cannot be read');
  await expect(error).toContainText(
    `${beforeKeys.path} ends early, at line ${beforeKeys.line}: it is cut off before its sops section, which holds the keys that decrypt it, so nothing in it can be read.`,
  );
  await expect(error).toContainText('Restore it from version control');
  await expect(app.getByRole('button', { name: 'Open read-only' })).toHaveCount(0);
  await app.screenshot({ path: testInfo.outputPath('cut-off-unreadable.png'), fullPage: true });

  const inMac = cut('secrets/desktop.yaml', (lines) => lines.findIndex((l) => l.startsWith('    mac: ')));
  await open('secrets/desktop.yaml');
  await expect(error).toContainText(
    `${inMac.path} ends early, at line ${inMac.line}: the end of its sops section, with its integrity check, is missing.`,
  );
  await app.getByRole('button', { name: 'Open read-only' }).click();
  await expect(app.getByTestId('read-only')).toBeVisible();
  await expect(app.locator('[data-testid="secret-node"][data-path="restic/password"]')).toBeVisible();
  await app.screenshot({ path: testInfo.outputPath('cut-off-read-only.png'), fullPage: true });
});

// The live reboot check in Chromium against a loopback sshd, and a host it cannot reach.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startHarness } from '../harness/harness.ts';
import { startTestSshd } from '../support/test-sshd.ts';
import type { TestSshd } from '../support/test-sshd.ts';
import { test as base, expect } from './fixtures.ts';

/** The app on the inspection fixture, with laptop's deploy settings pointing at a loopback sshd and a prepared root. */
const test = base.extend<{ sshd: TestSshd; targetPort: number | undefined }>({
  flakeSource: 'inspect-hosts',
  targetPort: undefined,
  // eslint-disable-next-line no-empty-pattern
  sshd: async ({}, use) => {
    const sshd = await startTestSshd();
    await use(sshd);
    await sshd.stop();
  },
  harness: async ({ flakePath, sshd, targetPort }, use) => {
    writeFileSync(
      join(flakePath, 'hosts/laptop/deploy.json'),
      JSON.stringify({ targetHost: '127.0.0.1', targetPort: targetPort ?? sshd.port }),
    );
    execFileSync('git', ['add', '-A'], { cwd: flakePath });
    const root = mkdtempSync(join(tmpdir(), 'flakedeck-e2e-root-'));
    const files: Record<string, number> = {
      'var/lib/docker/overlay2/layer/app': 3_500_000,
      'var/lib/syncthing/index.db': 250_000,
      'var/lib/nixos/uid-map': 100, // persisted
      'home/alice/.cache/fontconfig/cache-1': 40_000,
      'etc/adjtime': 40,
    };
    for (const [path, size] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), Buffer.alloc(size));
    }
    const harness = await startHarness({
      flake: flakePath,
      rebootCheck: { rootPrefix: root },
      deploy: { sshOptions: sshd.sshOptions },
    });
    await use(harness);
    await harness.close();
    rmSync(root, { recursive: true, force: true });
  },
});

test('lists what the next reboot wipes by folder, and persists a folder from there', async ({ app }, testInfo) => {
  await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
  const panel = app.getByTestId('reboot-check');
  await panel.getByRole('button', { name: 'Check laptop now' }).click();
  await expect(app.getByTestId('reboot-summary')).toContainText('4 files, 3.8 MB would be wiped');
  await expect(app.getByTestId('wiped-group')).toHaveCount(4);
  const folders = await app.getByTestId('wiped-group').evaluateAll((g) => g.map((e) => e.getAttribute('data-folder')));
  expect(folders).toEqual(['/var/lib/docker', '/var/lib/syncthing', '/home/alice/.cache/fontconfig', '/etc']);
  await app.locator('[data-folder="/var/lib/docker"] summary').click();
  await expect(app.locator('[data-folder="/var/lib/docker"]')).toContainText('/var/lib/docker/overlay2/layer/app');
  await panel.scrollIntoViewIfNeeded();
  await app.screenshot({ path: testInfo.outputPath('reboot-check.png') });

  await app.locator('[data-folder="/var/lib/syncthing"]').getByRole('button', { name: 'Persist folder' }).click();
  await expect(app.getByTestId('persist-outcome')).toContainText('Added /var/lib/syncthing');
  await panel.getByRole('button', { name: 'Check again' }).click();
  await expect(app.getByTestId('reboot-summary')).toContainText('3 files');
  await expect(app.locator('[data-folder="/var/lib/syncthing"]')).toHaveCount(0);
  // /etc itself is never offered as a whole.
  await expect(app.locator('[data-folder="/etc"]').getByRole('button', { name: 'Persist folder' })).toHaveCount(0);
});

test.describe('a host the app cannot reach', () => {
  test.use({ targetPort: 9 });

  test('shows the SSH error', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    await app.getByTestId('reboot-check').getByRole('button', { name: 'Check laptop now' }).click();
    const error = app.getByTestId('reboot-check').getByTestId('error-panel');
    await expect(error).toHaveAttribute('data-code', 'SSH_FAILED');
    await expect(error.getByRole('heading')).toHaveText('The host cannot be reached over SSH');
    await expect(error).toContainText('Could not list what a reboot wipes on laptop over SSH (127.0.0.1:9)');
    await expect(error).toContainText('Connection refused');
    await app.screenshot({ path: testInfo.outputPath('reboot-check-unreachable.png'), fullPage: true });
  });
});

// The home-manager view in Chromium: a host's users, and one user compared across hosts.

import { test, expect } from './fixtures.ts';

test.use({ flakeSource: 'inspect-hosts' });

test.describe('home-manager view', () => {
  test('shows a host’s users with packages, programs, services, files and variables', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#home/laptop`);
    const alice = app.locator('[data-testid="home-user"][data-user="alice"]');
    await expect(alice.getByTestId('home-packages').locator('tr')).toHaveText([
      /ripgrep\s*14\.1\.0/,
      /git\s*2\.45\.1/,
      /firefox\s*126\.0/,
    ]);
    await expect(alice.getByTestId('home-programs').locator('li')).toHaveText(['direnv', 'git', 'zsh']);
    await expect(alice.getByTestId('home-services').locator('li')).toHaveText(['syncthing']);
    await expect(alice.getByTestId('home-files').locator('li')).toHaveText(['~/.config/git/ignore', '~/bin/hello']);
    await expect(alice.getByTestId('home-variables')).toContainText('EDITORnvim');
    await app.screenshot({ path: testInfo.outputPath('home-host.png'), fullPage: true });

    await app.getByTestId('host-tab').filter({ hasText: 'server' }).click();
    await expect(app.getByTestId('no-home-manager')).toHaveText('server has no home-manager environment.');
  });

  test('compares a user across hosts: what is the same everywhere and what differs', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#home`);
    await app.getByRole('tab', { name: 'Compare hosts' }).click();
    const compare = app.getByTestId('home-compare');
    await expect(compare.locator('thead th')).toHaveText(['', 'desktop', 'laptop']);
    await expect(compare).toContainText('No home-manager environment on bare, server.');

    const row = (section: string, key: string) =>
      compare.locator(`[data-testid="compare-section"][data-section="${section}"] [data-key="${key}"] td`);
    await expect(row('packages', 'ripgrep')).toHaveText(['13.0.0', '14.1.0']);
    await expect(row('packages', 'vscode')).toHaveText(['1.90.0', '—']);
    // Firefox: a package on the laptop, a program on the desktop.
    await expect(row('packages', 'firefox')).toHaveText(['—', '126.0']);
    await expect(row('programs', 'firefox')).toHaveText(['✓', '—']);
    await expect(row('programs', 'direnv')).toHaveText(['—', '✓']);
    await expect(row('sessionVariables', 'EDITOR')).toHaveText(['code --wait', 'nvim']);
    const same = (section: string) => compare.locator(`[data-testid="compare-same"][data-section="${section}"] td`);
    await expect(same('packages')).toHaveText('git 2.45.1');
    await expect(same('programs')).toHaveText('git, zsh');
    await expect(same('services')).toHaveText('syncthing');
    await expect(same('sessionVariables')).toHaveText('PAGER less -R');
    await app.screenshot({ path: testInfo.outputPath('home-compare.png'), fullPage: true });
  });
});

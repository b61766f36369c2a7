// The host list in Chromium: the hosts, evaluation and syntax errors, no hosts, the dark theme.

import { awkwardPrefix } from '../support/fixture-flake.ts';
import { test, expect } from './fixtures.ts';

test.describe('host list', () => {
  test('shows the four hosts of the fixture flake', async ({ app, flakePath }, testInfo) => {
    const cards = app.getByTestId('host-card');
    await expect(cards).toHaveCount(4);
    await expect(cards.locator('.name')).toHaveText(['desktop', 'homelab', 'laptop', 'vps']);
    await expect(app.getByTestId('flake-path')).toHaveText(flakePath);
    // Each card shows its host's facts once the flake is inspected: what its root is, what it keeps, what it warns.
    await expect(cards.getByTestId('root-fact')).toHaveText(['ext4 root', 'xfs root', 'tmpfs root', 'ext4 root']);
    const laptop = cards.filter({ hasText: 'laptop' });
    await expect(laptop.getByTestId('persisted-count')).toHaveText('9 persisted');
    await expect(laptop.getByTestId('warning-count')).toHaveText('1 warning');
    await app.screenshot({ path: testInfo.outputPath('host-list.png'), fullPage: true });
  });

  test.describe('a flake in a folder whose name has spaces, quotes, brackets, # and ?', () => {
    test.use({ flakePrefix: awkwardPrefix });

    test('opens and shows its hosts and facts', async ({ app, flakePath }, testInfo) => {
      await expect(app.getByTestId('flake-path')).toHaveText(flakePath);
      const cards = app.getByTestId('host-card');
      await expect(cards.locator('.name')).toHaveText(['desktop', 'homelab', 'laptop', 'vps']);
      await expect(cards.getByTestId('root-fact')).toHaveText(['ext4 root', 'xfs root', 'tmpfs root', 'ext4 root']);
      await app.screenshot({ path: testInfo.outputPath('awkward-folder.png') });
    });
  });

  test.describe('a flake that does not evaluate', () => {
    test.use({
      flakeSource: {
        'flake.nix': '{\n  outputs = { self }: {\n    nixosConfigurations = import ./hosts.nix;\n  };\n}\n',
        'hosts.nix': '{\n  desktop = { };\n} // (1 + "one")\n',
      },
    });

    test('shows the evaluation error with its file and line', async ({ app, flakePath }) => {
      const panel = app.getByTestId('error-panel');
      await expect(panel).toHaveAttribute('data-code', 'NIX_EVAL_ERROR');
      await expect(panel).toContainText('cannot add a string to an integer');
      await expect(app.getByTestId('error-location')).toHaveText(new RegExp(`^${flakePath}/hosts\\.nix:3:`));
      await expect(app.getByTestId('host-card')).toHaveCount(0);
    });
  });

  test.describe('a flake with a syntax error', () => {
    test.use({
      flakeSource: { 'flake.nix': '{\n  outputs = { self }: {\n    nixosConfigurations = { a = 1;; };\n  };\n}\n' },
    });

    test('shows the nix error with the file and line in the user folder', async ({ app, flakePath }, testInfo) => {
      const panel = app.getByTestId('error-panel');
      await expect(panel).toBeVisible();
      await expect(panel).toHaveAttribute('data-code', 'NIX_EVAL_ERROR');
      await expect(panel.getByRole('heading')).toHaveText('The flake does not evaluate');
      await expect(panel).toContainText("syntax error, unexpected ';'");
      await expect(app.getByTestId('error-location')).toHaveText(`${flakePath}/flake.nix:3:35`);
      await expect(app.getByTestId('host-card')).toHaveCount(0);
      await app.screenshot({ path: testInfo.outputPath('eval-error.png'), fullPage: true });
    });
  });

  test.describe('a flake without hosts', () => {
    test.use({ flakeSource: { 'flake.nix': '{ outputs = { self }: { packages = { }; }; }\n' } });

    test('shows the empty state with what to do', async ({ app }) => {
      await expect(app.getByTestId('empty-state')).toContainText('This flake declares no NixOS hosts');
      await expect(app.getByTestId('empty-state')).toContainText('nixosConfigurations.<name>');
    });
  });

  test('opening a folder that is not a flake says so, and trying again shows the hosts', async ({ app }) => {
    await expect(app.getByTestId('host-card')).toHaveCount(4);
    await app.getByLabel('Flake folder').fill('/definitely/not/a/flake');
    await app.getByRole('button', { name: 'Open' }).click();
    const panel = app.getByTestId('error-panel');
    await expect(panel).toHaveAttribute('data-code', 'NOT_A_FLAKE');
    await expect(panel).toContainText('/definitely/not/a/flake does not exist.');
    await app.getByRole('button', { name: 'Try again' }).click();
    await expect(app.getByTestId('host-card')).toHaveCount(4);
  });
});

test.describe('theme', () => {
  test.use({ colorScheme: 'dark' });

  test('follows the OS dark theme', async ({ app }, testInfo) => {
    await expect(app.getByTestId('host-card')).toHaveCount(4);
    const background = await app.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(21, 23, 28)');
    await app.screenshot({ path: testInfo.outputPath('host-list-dark.png'), fullPage: true });
  });
});

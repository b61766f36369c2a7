// The persistence view in Chromium: the tree, where entries are declared, warnings, persisting a path.

import { test, expect } from './fixtures.ts';

test.use({ flakeSource: 'inspect-hosts' });

test.describe('persistence view', () => {
  test('shows the host file system as a tree of what is wiped and what is kept', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    const tree = app.getByRole('tree', { name: 'File system of laptop' });
    await expect(tree).toBeVisible();
    const node = (path: string) => app.locator(`[data-testid="path-node"][data-path="${path}"]`);

    await expect(node('/var/lib/colord')).toHaveAttribute('data-placement', 'persistent');
    await expect(node('/var/lib/colord').getByTestId('placement').first()).toHaveText('kept on /persist');
    await expect(node('/var/lib/postgresql').getByTestId('placement').first()).toHaveText('kept on /state');
    await expect(node('/var/lib/syncthing')).toHaveAttribute('data-placement', 'ephemeral');
    await expect(node('/var/lib/syncthing').getByTestId('placement').first()).toHaveText('wiped at boot');
    await expect(node('/nix')).toHaveAttribute('data-placement', 'store');
    await expect(node('/boot').getByTestId('placement').first()).toHaveText('on vfat at /boot');
    await expect(node('/run')).toHaveAttribute('data-placement', 'runtime');

    // Homes have trees of their own, bob's outside /home.
    const alice = app.getByRole('tree', { name: 'Home of alice' });
    await expect(alice.locator('[data-path="/home/alice/.ssh"]')).toHaveAttribute('data-placement', 'persistent');
    await expect(alice.locator('[data-path="/home/alice/.config/git/ignore"]')).toHaveAttribute(
      'data-placement',
      'managed',
    );
    await expect(
      app.getByRole('tree', { name: 'Home of bob' }).locator('[data-path="/srv/bob/projects"]'),
    ).toBeVisible();

    await expect(app.getByTestId('persistent-root')).toHaveText([
      /\/persist\s+on btrfs.*mounts hidden/,
      /\/state\s+on ext4/,
    ]);
    await app.screenshot({ path: testInfo.outputPath('persistence-tree.png'), fullPage: true });
  });

  test('says where an entry is declared when it is clicked', async ({ app, flakePath }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    await app.locator('[data-path="/var/lib/jellyfin"] > .row .name').click();
    const detail = app.getByTestId('path-detail');
    await expect(detail.getByRole('heading')).toHaveText('/var/lib/jellyfin');
    await expect(detail.getByTestId('declared-in')).toHaveText('hosts/laptop/services.nix');
    await expect(detail).toContainText('deck.persist.system');
    await expect(detail).toContainText('jellyfin:root');
    await expect(detail).toContainText('jellyfin (StateDirectory=)');

    await app.locator('[data-path="/var/lib/colord"] > .row .name').click();
    await expect(detail.getByTestId('declared-in')).toHaveText('hosts/laptop/persist.nix');
    expect(flakePath).toBeTruthy();
    await app.screenshot({ path: testInfo.outputPath('persistence-detail.png'), fullPage: true });
  });

  test('filters the tree to what a reboot wipes, and searches it', async ({ app }) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    await app.getByRole('radio', { name: 'Wiped at boot' }).click();
    const placements = await app
      .getByRole('tree', { name: 'File system of laptop' })
      .locator('[data-testid="path-node"]:not(:has([data-testid="path-node"]))')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-placement')));
    expect(placements.length).toBeGreaterThan(3);
    expect(new Set(placements)).toEqual(new Set(['ephemeral']));

    await app.getByRole('radio', { name: 'All' }).click();
    await app.getByLabel('Search paths').fill('postgres');
    await expect(app.locator('[data-testid="path-node"][data-path="/var/lib/postgresql/16"]')).toBeVisible();
    await expect(app.locator('[data-testid="path-node"][data-path="/var/lib/colord"]')).toHaveCount(0);
    await app.getByLabel('Search paths').fill('no-such-path');
    await expect(app.getByTestId('no-match')).toBeVisible();
  });

  test('warns about service state on tmpfs that nothing persists, per host', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    const warnings = app.getByTestId('state-warning');
    await expect(warnings).toHaveCount(5);
    await expect(app.locator('[data-testid="state-warning"][data-service="syncthing"]')).toContainText(
      '/var/lib/syncthing',
    );
    await expect(app.locator('[data-testid="state-warning"][data-service="ollama"]')).toContainText(
      '/var/lib/private/ollama',
    );
    await app.screenshot({ path: testInfo.outputPath('persistence-warnings.png'), fullPage: true });

    // The server keeps its root on disk: no warnings, and nothing a reboot wipes.
    await app.getByTestId('host-tab').filter({ hasText: 'server' }).click();
    await expect(app.getByTestId('persistence-facts')).toContainText('/ is on ext4: kept');
    await expect(app.getByTestId('state-warning')).toHaveCount(0);
    await expect(app.getByTestId('reboot-check')).toContainText('a reboot wipes nothing');
  });

  test('persists a warned path through persist.json, and shows it kept once re-evaluated', async ({ app }) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    const warning = app.locator('[data-testid="state-warning"][data-service="syncthing"]');
    await warning.getByRole('button', { name: 'Persist' }).click();
    await expect(app.getByTestId('persist-outcome')).toContainText(
      'Added /var/lib/syncthing to the system directories of hosts/laptop/persist.json and staged it with git',
    );
    await expect(warning).toHaveCount(0);
    await expect(app.locator('[data-testid="path-node"][data-path="/var/lib/syncthing"]')).toHaveAttribute(
      'data-placement',
      'persistent',
    );
    await app.locator('[data-path="/var/lib/syncthing"] > .row .name').click();
    await expect(app.getByTestId('declared-in')).toHaveText('hosts/laptop/persist.json');
    await expect(app.getByTestId('inspection-status').locator('[data-state]')).toHaveAttribute('data-state', 'current');
  });
});

test.describe('host list facts', () => {
  test.use({ flakeSource: 'inspect-hosts' });

  test('shows each host’s root, persisted paths and warnings, with links', async ({ app }, testInfo) => {
    const card = (host: string) => app.locator(`[data-testid="host-card"][data-host="${host}"]`);
    await expect(card('laptop').getByTestId('root-fact')).toHaveText('tmpfs root');
    await expect(card('laptop').getByTestId('persisted-count')).toHaveText('13 persisted');
    await expect(card('laptop').getByTestId('warning-count')).toHaveText('5 warnings');
    await expect(card('server').getByTestId('root-fact')).toHaveText('ext4 root');
    await expect(card('server').getByTestId('warning-count')).toHaveCount(0);
    await app.screenshot({ path: testInfo.outputPath('hosts-facts.png'), fullPage: true });
    await card('desktop').getByRole('link', { name: 'Persistence' }).click();
    await expect(app.getByRole('tree', { name: 'File system of desktop' })).toBeVisible();
  });
});

test.describe('a broken host among good ones', () => {
  test.use({
    flakeSource: 'inspect-hosts',
  });

  test('shows the broken host’s error with its file and line, and the others', async ({ app, harness, flakePath }) => {
    // Break one host after the fixture is made: the others must still show.
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    mkdirSync(`${flakePath}/hosts/broken`, { recursive: true });
    writeFileSync(`${flakePath}/hosts/broken/default.nix`, '{\n  modules = [ ./config.nix ];\n}\n');
    writeFileSync(`${flakePath}/hosts/broken/config.nix`, '{\n  fileSystems."/".fsType = "ext" + 4;\n}\n');
    execFileSync('git', ['add', '-A'], { cwd: flakePath });
    expect(harness).toBeTruthy();
    await app.goto(`${new URL(app.url()).origin}/#persistence/broken`);
    await app.reload();
    await expect(app.getByTestId('error-panel')).toHaveAttribute('data-code', 'NIX_EVAL_ERROR');
    await expect(app.getByTestId('error-location')).toHaveText(new RegExp(`^${flakePath}/hosts/broken/config\\.nix:2`));
    await app.getByTestId('host-tab').filter({ hasText: 'laptop' }).click();
    await expect(app.getByRole('tree', { name: 'File system of laptop' })).toBeVisible();
  });
});

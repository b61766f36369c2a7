// The persistence view in Chromium: what matters, the tree, where entries are declared (file and line, opened in the
// editor), warnings, persisting a path, the Nix to add where a host does not read persist.json, a Nix store on tmpfs.

import { test, expect } from './fixtures.ts';

test.use({ flakeSource: 'inspect-hosts' });

test.describe('persistence view', () => {
  test('shows the host file system as a tree of what is wiped and what is kept', async ({ app }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    await app.getByRole('tab', { name: 'Full tree' }).click();
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
    // A folder shown only for the paths below it is not "wiped at boot" in red, only a tmpfs in grey.
    await expect(node('/var').getByTestId('placement').first()).toHaveText('tmpfs');
    await expect(node('/var').getByTestId('placement').first()).toHaveAttribute('data-quiet', 'true');
    await expect(node('/var/lib/syncthing').getByTestId('placement').first()).not.toHaveAttribute('data-quiet');

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

  test('lists what matters first: the state the next boot wipes, then what is kept, each with its line', async ({
    app,
    harness,
    flakePath,
  }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    const list = app.getByTestId('important-paths');
    await expect(list).toBeVisible();
    await expect(app.getByRole('tab', { name: 'What matters' })).toHaveAttribute('aria-selected', 'true');
    const wiped = list.getByRole('list', { name: 'State the next boot wipes' }).getByTestId('important-path');
    const kept = list.getByRole('list', { name: 'Kept across reboots' }).getByTestId('important-path');
    await expect(wiped).toHaveCount(5);
    await expect(wiped.filter({ hasText: '/var/lib/syncthing/' })).toContainText('state of syncthing');
    // Only what the configuration names: no folder above it.
    await expect(list.locator('[data-path="/var"], [data-path="/var/lib"], [data-path="/"]')).toHaveCount(0);
    await expect(kept.filter({ hasText: '/var/lib/jellyfin/' }).getByTestId('source-link')).toHaveText(
      'hosts/laptop/services.nix:32',
    );
    await expect(kept.filter({ hasText: '/var/lib/colord/' }).getByTestId('source-link')).toHaveText(
      'hosts/laptop/persist.nix:9',
    );
    await app.screenshot({ path: testInfo.outputPath('persistence-what-matters.png'), fullPage: true });

    // The line opens in the editor.
    await kept.filter({ hasText: '/var/lib/jellyfin/' }).getByTestId('source-link').click();
    await expect.poll(() => harness.openedFiles).toEqual([`${flakePath}/hosts/laptop/services.nix`]);
  });

  test('says where an entry is declared, to the line, when it is clicked', async ({ app, flakePath }, testInfo) => {
    await app.goto(`${new URL(app.url()).origin}/#persistence/laptop`);
    await app.getByRole('tab', { name: 'Full tree' }).click();
    await app.locator('[data-path="/var/lib/jellyfin"] > .row .name').click();
    const detail = app.getByTestId('path-detail');
    await expect(detail.getByRole('heading')).toHaveText('/var/lib/jellyfin');
    await expect(detail.getByTestId('declared-in')).toHaveText('hosts/laptop/services.nix:32');
    await expect(detail.getByTestId('declared-in').getByTestId('source-link')).toHaveAttribute(
      'title',
      'Open in your editor',
    );
    await expect(detail).toContainText('deck.persist.system');
    await expect(detail).toContainText('jellyfin:root');
    await expect(detail).toContainText('jellyfin (StateDirectory=)');

    await app.locator('[data-path="/var/lib/colord"] > .row .name').click();
    await expect(detail.getByTestId('declared-in')).toHaveText('hosts/laptop/persist.nix:9');
    // A string in a list: the line that holds it.
    await app.locator('[data-path="/var/log"] > .row .name').click();
    await expect(detail.getByTestId('declared-in')).toHaveText('hosts/laptop/persist.nix:6');
    expect(flakePath).toBeTruthy();
    await app.screenshot({ path: testInfo.outputPath('persistence-detail.png'), fullPage: true });
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
    const listed = app.locator('[data-testid="important-path"][data-path="/var/lib/syncthing"]');
    await expect(listed).toHaveAttribute('data-placement', 'persistent');
    await listed.getByRole('button', { name: '/var/lib/syncthing/' }).click();
    await expect(app.getByTestId('declared-in')).toHaveText('hosts/laptop/persist.json:4');
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
    await expect(app.getByTestId('important-paths')).toBeVisible();
    await expect(app.getByTestId('host-tab').filter({ hasText: 'desktop' })).toHaveAttribute('aria-selected', 'true');
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
    await expect(app.getByTestId('important-paths')).toBeVisible();
  });
});

test.describe('a host that does not read persist.json, with its Nix store on the tmpfs', () => {
  test.use({ flakeSource: 'inspect-hosts' });

  test('warns that /nix is wiped at boot, and offers the Nix that keeps its state, to copy', async ({
    app,
    context,
    flakePath,
  }, testInfo) => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    mkdirSync(`${flakePath}/hosts/plain`, { recursive: true });
    writeFileSync(`${flakePath}/hosts/plain/default.nix`, '{\n  modules = [ ./config.nix ];\n}\n');
    writeFileSync(
      `${flakePath}/hosts/plain/config.nix`,
      [
        '{',
        '  fileSystems."/" = { device = "none"; fsType = "tmpfs"; };',
        '  systemd.services.syncthing.serviceConfig.StateDirectory = "syncthing";',
        '}',
        '',
      ].join('\n'),
    );
    execFileSync('git', ['add', '-A'], { cwd: flakePath });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);

    await app.goto(`${new URL(app.url()).origin}/#persistence/plain`);
    await app.reload();
    const store = app.getByTestId('store-on-tmpfs');
    await expect(store).toContainText('/nix is on the tmpfs at /.');
    await expect(store).toContainText('gone at every boot');
    // The laptop has /nix on a disk of its own: no such warning.
    await app.getByTestId('host-tab').filter({ hasText: 'laptop' }).click();
    await expect(app.getByTestId('important-paths')).toBeVisible();
    await expect(app.getByTestId('store-on-tmpfs')).toHaveCount(0);
    await app.getByTestId('host-tab').filter({ hasText: 'plain' }).click();

    const warnings = app.getByTestId('state-warnings');
    await expect(warnings.getByRole('button', { name: 'Persist' })).toHaveCount(0);
    const snippet = warnings.getByTestId('persist-snippet');
    await expect(snippet).toContainText('This host does not read hosts/plain/persist.json');
    const nix = snippet.getByTestId('nix-snippet');
    await expect(nix).toContainText('imports = [ inputs.impermanence.nixosModules.impermanence ];');
    await expect(nix).toContainText('environment.persistence."/persist" = {');
    await expect(nix).toContainText('"/var/lib/syncthing"');
    await expect(nix).toContainText('"/etc/machine-id"');
    await snippet.getByRole('button', { name: 'Copy the Nix that keeps these paths' }).click();
    await expect(snippet.getByRole('button', { name: 'Copy the Nix that keeps these paths' })).toHaveText('Copied');
    expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(await nix.textContent());
    await app.screenshot({ path: testInfo.outputPath('persistence-snippet.png'), fullPage: true });

    // One path from the list: the detail offers the lines for that path alone.
    await app
      .locator('[data-testid="important-path"][data-path="/var/lib/syncthing"]')
      .getByRole('button', { name: '/var/lib/syncthing/' })
      .click();
    const detail = app.getByTestId('path-detail').getByTestId('persist-snippet');
    await expect(detail.getByTestId('nix-snippet')).toContainText('"/var/lib/syncthing"');
    await expect(detail.getByTestId('nix-snippet')).not.toContainText('/etc/machine-id');
  });
});

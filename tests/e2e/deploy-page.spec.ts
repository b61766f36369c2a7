// The Deploy page around the runs: each host's deploy target before anything runs (with the Nix to set it where it
// is only the default, and why it is not known for a host that does not evaluate), runs grouped by batch and cleared
// once over, a cancelled run that looks cancelled, and a target that runs another host's system, which approval
// names and asks to confirm.

import type { Page } from '@playwright/test';
import { deployTest, test, expect } from './fixtures.ts';

const open = (app: Page, view: string) => app.goto(`${new URL(app.url()).origin}/#${view}`);

test.describe('deploy targets before anything runs', () => {
  test('a flake without deploy settings: each host goes to its host name, said to be the default, with colmena’s snippet to copy', async ({
    app,
    context,
  }, testInfo) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await open(app, 'deploy');
    const target = app.locator('[data-testid="deploy-target"][data-host="vps"]');
    await expect(target).toContainText('→ vps');
    await expect(target).toContainText('only the default: its host name');
    await expect(app.getByTestId('deploy-target')).toHaveCount(4);
    await expect(app.getByTestId('default-targets')).toHaveCount(0);

    await app.getByTestId('host-choice').filter({ hasText: 'vps' }).getByRole('checkbox').check();
    const notice = app.locator('[data-testid="default-target"][data-host="vps"]');
    await expect(notice).toContainText('vps has no deploy target of its own');
    const snippet = notice.getByTestId('target-snippet');
    await expect(snippet).toContainText('colmena.nixosModules.deploymentOptions');
    await expect(snippet).toContainText('deployment.targetHost = "vps";');
    await app.screenshot({ path: testInfo.outputPath('default-target.png'), fullPage: true });
    await notice.getByRole('button', { name: 'Copy the snippet for vps' }).click();
    await expect(notice.getByRole('button', { name: 'Copy the snippet for vps' })).toHaveText('Copied');
    expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.textContent());
  });

  test.describe('a flake that declares deck.deploy', () => {
    test.use({ flakeSource: 'inspect-hosts' });

    test('shows declared targets with their origin, and deck.deploy’s snippet for the host that declares none', async ({
      app,
    }, testInfo) => {
      await open(app, 'deploy');
      const desktop = app.locator('[data-testid="deploy-target"][data-host="desktop"]');
      await expect(desktop).toContainText('alice@desktop.lan:2222', { timeout: 120_000 });
      await expect(desktop).toContainText('from deck.deploy');
      await app.getByTestId('host-choice').filter({ hasText: 'bare' }).getByRole('checkbox').check();
      const snippet = app.locator('[data-testid="default-target"][data-host="bare"]').getByTestId('target-snippet');
      await expect(snippet).toContainText(/^deck\.deploy\.targetHost = "[^"]+";$/m);
      await expect(snippet).not.toContainText('colmena');
      await app.screenshot({ path: testInfo.outputPath('deck-deploy-target.png'), fullPage: true });
    });
  });
});

deployTest.describe('a host that does not evaluate', () => {
  // db's configuration fails before anything of it can be read (its host name is a string plus a number).
  deployTest.use({ deployHosts: '{ web = { }; db = { safeName = 1 + "x"; }; }' });

  deployTest(
    'says on the Deploy page and its Hosts card why its deploy target is not known',
    async ({ app }, testInfo) => {
      const reason =
        "Deploy target not known: it is read from the host's configuration (deck.deploy, colmena's deployment or its " +
        'host name), which does not evaluate.';
      await open(app, 'deploy');
      await expect(app.locator('[data-testid="deploy-target"][data-host="web"]')).toContainText(
        /→ root@127\.0\.0\.1:\d+/,
        {
          timeout: 120_000,
        },
      );
      await expect(app.locator('[data-testid="deploy-target"][data-host="db"]')).toHaveText(reason);
      await app.screenshot({ path: testInfo.outputPath('unknown-target-deploy.png'), fullPage: true });

      await open(app, 'hosts');
      const card = app.locator('[data-testid="host-card"][data-host="db"]');
      await expect(card.getByTestId('host-state')).toHaveText('does not evaluate', { timeout: 120_000 });
      await expect(card.getByTestId('host-target')).toHaveText(reason);
      await expect(app.locator('[data-testid="host-card"][data-host="web"]').getByTestId('host-target')).toContainText(
        /root@127\.0\.0\.1:\d+ \(from deck\.deploy\)/,
      );
      await app.screenshot({ path: testInfo.outputPath('unknown-target-card.png'), fullPage: true });
    },
  );
});

deployTest.describe('two hosts on one deploy target', () => {
  deployTest.use({ deployHosts: '{ web = { }; db = { }; }' });

  deployTest(
    'runs by batch, newest first; a cancelled run looks cancelled; another host’s system needs a confirmation; finished runs clear',
    async ({ app, harness, fixture }, testInfo) => {
      deployTest.setTimeout(600_000);
      const { deploy } = harness.services;
      const folder = fixture.repo.path;
      // Both hosts share the test target: after this deploy it runs db's system. Then a build of web, a batch of its own.
      const dbFirst = await deploy.deploy(folder, ['db'], 'switch', false);
      expect((await deploy.finished(dbFirst.runs[0]!.id)).status).toBe('succeeded');
      const built = await deploy.build(folder, ['web']);
      expect((await deploy.finished(built.runs[0]!.id)).status).toBe('succeeded');

      await open(app, 'deploy');
      await app.getByLabel('All hosts').check();
      await app.getByRole('button', { name: 'Deploy 2 hosts' }).click();

      const batches = app.getByTestId('run-batch');
      await expect(batches).toHaveCount(3);
      const newest = batches.first();
      await expect(newest.getByTestId('batch-host')).toHaveText(['db', 'web']);
      await expect(batches.nth(1)).toHaveAttribute('aria-label', 'Build of web');
      await expect(batches.nth(2)).toHaveAttribute('aria-label', 'Deploy (switch) of db');
      // The older batches are over: folded to one line each, so the new one stays in view.
      await expect(batches.nth(1).getByTestId('run-card')).toHaveCount(0);
      await expect(batches.nth(1).getByTestId('batch-outcome')).toHaveText('1 succeeded');

      const web = newest.locator('[data-testid="run-card"][data-host="web"]');
      const db = newest.locator('[data-testid="run-card"][data-host="db"]');
      await expect(web.getByTestId('approval')).toBeVisible({ timeout: 180_000 });
      await expect(db.getByTestId('approval')).toBeVisible({ timeout: 180_000 });
      // db runs its own system: nothing to confirm. web's target runs db's.
      await expect(db.getByTestId('other-system')).toHaveCount(0);
      const warning = web.getByTestId('other-system');
      await expect(warning).toContainText(
        "web runs the system of db (nixos-system-db-24.05.fixture): its deploy target may be db's machine",
      );
      const approve = web.getByRole('button', { name: 'Deploy (switch) to web' });
      await expect(approve).toBeDisabled();
      await expect(db.getByRole('button', { name: 'Deploy (switch) to db' })).toBeEnabled();
      await app.screenshot({ path: testInfo.outputPath('other-system.png'), fullPage: true });

      await db.getByTestId('approval').getByRole('button', { name: 'Cancel' }).click();
      await expect(db).toHaveAttribute('data-status', 'cancelled');
      await expect(db.getByTestId('run-status')).toHaveText('cancelled');
      // Not the look of a run going on (web still waits): its own badge and bar.
      const look = (card: typeof web) =>
        card.evaluate((el) => ({
          badge: getComputedStyle(el.querySelector('[data-testid="run-status"]')!).backgroundColor,
          bar: getComputedStyle(el.querySelector('[data-testid="run-progress"] span')!).backgroundImage,
        }));
      const [cancelled, running] = [await look(db), await look(web)];
      expect(cancelled.badge).not.toBe(running.badge);
      expect(cancelled.bar).toContain('repeating-linear-gradient');
      await expect(newest.locator('[data-testid="batch-host"][data-host="db"]')).toHaveAttribute(
        'data-status',
        'cancelled',
      );
      await app.screenshot({ path: testInfo.outputPath('cancelled.png'), fullPage: true });

      await warning.getByRole('checkbox').check();
      await approve.click();
      await expect(web).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
      await expect(newest.getByTestId('batch-outcome')).toHaveText('1 cancelled, 1 succeeded');
      await app.getByTestId('runs').screenshot({ path: testInfo.outputPath('batches.png') });

      // Clearing takes them off the page, also after a reload; the history keeps every run.
      await app.getByRole('button', { name: 'Clear finished' }).click();
      await expect(app.getByTestId('runs')).toHaveCount(0);
      await app.reload();
      await expect(app.getByTestId('host-choice')).toHaveCount(2);
      await expect(app.getByTestId('runs')).toHaveCount(0);
      await open(app, 'history');
      await expect(app.getByTestId('history-run')).toHaveCount(4);
    },
  );
});

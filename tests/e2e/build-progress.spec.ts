// A build's progress in its run card, as nix-output-monitor shows it: what builds now with its elapsed time and last
// log line, what is queued, and the time left by the same host's earlier builds.

import { makeFlakeRepo } from '../support/fixture-flake.ts';
import type { FlakeRepo } from '../support/fixture-flake.ts';
import { test as base, expect } from './fixtures.ts';

const hosts = (generation: string) =>
  `{ web = { buildSeconds = 8; generation = "${generation}"; packages = { ripgrep = "${generation}"; git = "${generation}"; }; }; }\n`;

const test = base.extend<{ repo: FlakeRepo }>({
  // eslint-disable-next-line no-empty-pattern
  repo: async ({}, use) => {
    const repo = makeFlakeRepo('deploy');
    repo.write('hosts.nix', hosts(`first-${process.pid}-${Date.now()}`));
    await use(repo);
    repo.remove();
  },
  flakePath: async ({ repo }, use) => use(repo.path),
});

test('shows the derivation building now with its last log line, the queue, and the time left from earlier runs', async ({
  app,
  repo,
  harness,
}, testInfo) => {
  // An earlier build of the same host, for the estimate.
  const first = await harness.services.deploy.build(repo.path, ['web']);
  expect((await harness.services.deploy.finished(first.runs[0]!.id)).status).toBe('succeeded');
  repo.write('hosts.nix', hosts(`second-${process.pid}-${Date.now()}`));

  await app.goto(`${new URL(app.url()).origin}/#deploy`);
  await app.getByTestId('host-choice').filter({ hasText: 'web' }).getByRole('checkbox').check();
  await app.getByRole('button', { name: 'Build', exact: true }).click();

  const card = app.getByTestId('run-card').filter({ hasText: 'web' }).first();
  const toplevel = card.getByTestId('running-build').filter({ hasText: 'nixos-system-web-24.05.fixture' });
  await expect(toplevel.getByTestId('last-line')).toHaveText(/^step [1-7] of 8$/, { timeout: 60_000 });
  await expect(toplevel).toContainText(/\d+ s/);
  await expect(card.getByTestId('build-counts')).toHaveText(/^\d+ of \d+ built, 1 building, 0\s+queued$/);
  await expect(card.getByTestId('time-left')).toHaveText(/about \d+ s left|taking longer than usual/);
  await app.screenshot({ path: testInfo.outputPath('build-progress.png'), fullPage: true });
  await expect(card).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(card.getByTestId('build-progress')).toHaveCount(0);
});

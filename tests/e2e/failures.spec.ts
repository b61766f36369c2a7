// What a failed run says on the page: the cause at the user's file and line, a link that opens it in their editor,
// and nix's code frame drawn line by line in the run's terminal.

import { makeFlakeRepo } from '../support/fixture-flake.ts';
import { test as base, expect } from './fixtures.ts';

const test = base.extend({
  // The deploy fixture, with a host whose system does not evaluate (line 3, column 48).
  // eslint-disable-next-line no-empty-pattern
  flakePath: async ({}, use) => {
    const repo = makeFlakeRepo('deploy');
    repo.write('hosts.nix', '{\n  web = {\n    packages = { ripgrep = "14.1.0"; git = 2 + "x"; };\n  };\n}\n');
    await use(repo.path);
    repo.remove();
  },
});

test('a build that does not evaluate names the file and line, opens it, and draws the code frame line by line', async ({
  app,
  harness,
  flakePath,
}, testInfo) => {
  const hostsFile = `${flakePath}/hosts.nix`;
  await app.goto(`${new URL(app.url()).origin}/#deploy`);
  await app.getByTestId('host-choice').filter({ hasText: 'web' }).getByRole('checkbox').check();
  await app.getByRole('button', { name: 'Build', exact: true }).click();

  const card = app.getByTestId('run-card').filter({ hasText: 'web' });
  await expect(card).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  const message = card.getByTestId('run-message');
  await expect(message).toContainText(
    `The configuration of web does not evaluate: cannot add a string to an integer (at ${hostsFile}:3:48).`,
  );
  await expect(message).toContainText('Nothing was sent to web; it runs what it ran before.');
  await expect(message).not.toContainText('--show-trace');
  await app.screenshot({ path: testInfo.outputPath('build-eval-error.png'), fullPage: true });

  await message.getByTestId('source-link').first().click();
  await expect.poll(() => harness.openedFiles).toEqual([hostsFile]);

  // History keeps the same words, with the same link.
  await app.goto(`${new URL(app.url()).origin}/#history`);
  await app.getByTestId('history-run').first().getByRole('link').first().click();
  await expect(app.getByTestId('run-result')).toContainText(`${hostsFile}:3:48`);
  await expect(app.getByTestId('run-result').getByTestId('source-link').first()).toBeVisible();

  // The terminal: the position is the user's file, and each line of the code frame starts at the left edge.
  await app.goto(`${new URL(app.url()).origin}/#deploy`);
  await card.getByRole('link', { name: 'terminal' }).first().click();
  const rows = app.locator('.xterm-rows');
  await expect(rows).toContainText(`at ${hostsFile}:3:48:`, { timeout: 10_000 });
  const lines = await rows.locator(':scope > div').allInnerTexts();
  const frame = lines.map((l) => l.replace(/\u00a0/g, ' ')).filter((l) => /^\s*\d+\|/.test(l));
  expect(frame.map((l) => l.trimEnd())).toEqual([
    '            2|   web = {',
    '            3|     packages = { ripgrep = "14.1.0"; git = 2 + "x"; };',
    '            4|   };',
  ]);
  await app.screenshot({ path: testInfo.outputPath('build-eval-error-terminal.png'), fullPage: true });
});

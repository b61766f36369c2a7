// The log of a run in the History view: a big log opens at once, scrolls to its last line, and only the lines in
// view are on the page.

import { expect, test } from './fixtures.ts';

test('a 100,000-line log opens, scrolls to its end, and keeps only the lines in view on the page', async ({
  app,
  harness,
}, testInfo) => {
  const { runs } = harness.services;
  const [id] = runs.begin([
    {
      batch: 'log-test',
      kind: 'build',
      host: 'laptop',
      flake: '/flake',
      revision: null,
      dirty: null,
      mode: null,
      target: null,
    },
  ]);
  const lineCount = 100_000;
  for (let start = 0; start < lineCount; start += 10_000) {
    const lines = Array.from({ length: 10_000 }, (_, i) => {
      const n = start + i;
      return n % 10 === 0
        ? `\x1b[1;32mbuilding\x1b[0m line ${n} '/nix/store/${'a'.repeat(32)}-pkg-${n}.drv'\r\n`
        : `line ${n}: copying [${'#'.repeat(n % 30)}]\r[${'='.repeat(n % 30)}] done\r\n`;
    });
    runs.appendLog(id!, lines.join(''));
  }
  runs.finish(id!, 'succeeded', null);

  await app.goto(`${harness.url}#history/${id}`);
  const detail = app.getByTestId('run-detail');
  await detail.getByRole('button', { name: 'Show the log' }).click();
  const log = detail.getByTestId('run-log');
  await expect(log).toHaveAttribute('data-lines', String(lineCount));
  await expect(log.locator('[data-line="0"]')).toHaveText(/^building line 0 '\/nix\/store\/a+-pkg-0\.drv'$/);
  // A bare CR redraws the line, as in the terminal: only the text after it shows.
  await expect(log.locator('[data-line="1"]')).toHaveText('[=] done');
  await expect(log.locator('[data-line="0"] .c2.bold')).toHaveText('building');

  await log.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(log.locator(`[data-line="${lineCount - 1}"]`)).toHaveText(/\[=+\] done$/);
  await expect(log.locator(`[data-line="${lineCount - 10}"]`)).toHaveText(/^building line 99990 /);
  await log.screenshot({ path: testInfo.outputPath('history-log-end.png') });

  // Halfway down: the lines around the middle, and still only a screenful (plus a margin) on the page.
  await log.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(log.locator('[data-line="50000"]')).toHaveText(/^building line 50000 /);
  expect(await log.locator('.line').count()).toBeLessThan(200);
  await log.screenshot({ path: testInfo.outputPath('history-log-middle.png') });
});

// The window with a history file it cannot use: the app starts, shows its flake, and says the history is off, which
// file, what is wrong and what to do.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../harness/harness.ts';
import { test as base, expect } from './fixtures.ts';

const test = base.extend<{ historyFile: string }>({
  // eslint-disable-next-line no-empty-pattern
  historyFile: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-e2e-data-'));
    const file = join(dataDir, 'history.sqlite');
    writeFileSync(file, 'not a database at all\n');
    await use(file);
    rmSync(dataDir, { recursive: true, force: true });
  },
  harness: async ({ flakePath, keychain, historyFile }, use) => {
    const harness = await startHarness({ flake: flakePath, keychain, dataDir: join(historyFile, '..') });
    await use(harness);
    await harness.close();
  },
});

test('starts with the history off and says why', async ({ app, historyFile }, testInfo) => {
  const notice = app.getByTestId('history-off');
  await expect(notice.getByRole('heading')).toHaveText('History is off: the history database cannot be used');
  await expect(notice).toContainText(`The history database ${historyFile} cannot be used: it is damaged`);
  await expect(notice).toContainText('move that file away (say to history.sqlite.broken, beside it) and start again');
  // The rest of the app works.
  await expect(app.getByTestId('host-card')).toHaveCount(4);
  await app.screenshot({ path: testInfo.outputPath('history-off.png') });
});

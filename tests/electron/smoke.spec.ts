// Electron smoke test: the real app window opens and lists the hosts. Runs only where Electron's binary exists.

import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary, noElectronReason } from '../support/electron-binary.ts';
import { makeFlakeRepo, repoRoot } from '../support/fixture-flake.ts';

const binary = electronBinary();

test('the Electron window opens, shows the hosts of the flake, and the tray menu lists them', async () => {
  test.skip(!binary, noElectronReason);
  const flake = makeFlakeRepo('four-hosts');
  const dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    args: [repoRoot, `--flake=${flake.path}`],
    env: { ...process.env, FLAKEDECK_DATA_DIR: dataDir },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('host-card')).toHaveCount(4);
    // No Node in the page: nodeIntegration is off and the preload's world is isolated from it.
    const pageGlobals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: typeof window.flakedeck?.hosts.list,
    }));
    expect(pageGlobals).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function' });
    // The tray offers one submenu per host of the flake, then deploy all and quit.
    const trayLabels = await app.evaluate(() => {
      const menu = (
        globalThis as unknown as { flakedeckTrayMenu: () => { items: { type: string; label?: string }[] } }
      ).flakedeckTrayMenu();
      return menu.items.filter((i) => i.type === 'submenu').map((i) => i.label);
    });
    expect(trayLabels).toEqual(['desktop', 'homelab', 'laptop', 'vps']);
  } finally {
    await app.close();
    flake.remove();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

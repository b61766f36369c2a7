// Builds what ships, with the same Vite configs Forge uses, without Electron: the main, preload and renderer bundles
// of the app and the `flakedeck` command line. `node scripts/build-bundles.ts cli` builds the command line alone.

import { build } from 'vite';

// Forge defines these for main; outside Forge the production values are given here.
const forgeDefines = {
  MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
  MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
};

const only = process.argv[2];
if (only !== undefined && only !== 'cli') throw new Error(`Unknown part "${only}": build everything, or "cli".`);
if (only === undefined) {
  await build({ configFile: 'vite.main.config.ts', logLevel: 'warn', define: forgeDefines });
  await build({ configFile: 'vite.preload.config.ts', logLevel: 'warn' });
  await build({ configFile: 'vite.renderer.config.ts', logLevel: 'warn' });
}
await build({ configFile: 'vite.cli.config.ts', logLevel: 'warn' });

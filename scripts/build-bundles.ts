// Builds the main, preload and renderer bundles with the same Vite configs Forge uses, without Electron.

import { build } from 'vite';

// Forge defines these for main; outside Forge the production values are given here.
const forgeDefines = {
  MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
  MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
};

await build({ configFile: 'vite.main.config.ts', logLevel: 'warn', define: forgeDefines });
await build({ configFile: 'vite.preload.config.ts', logLevel: 'warn' });
await build({ configFile: 'vite.renderer.config.ts', logLevel: 'warn' });

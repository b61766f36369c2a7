// Where Flakedeck keeps its data: the same folder for the app and the CLI, so both share one history.

import { homedir } from 'node:os';
import { join } from 'node:path';

export const appName = 'Flakedeck';

/** Electron's userData folder for this app, computed without Electron so the CLI finds the same one. */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = homedir()): string {
  if (env.FLAKEDECK_DATA_DIR) return env.FLAKEDECK_DATA_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appName);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appName);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), appName);
}

export function historyFile(dir: string): string {
  return join(dir, 'history.sqlite');
}

// Composition root of the Electron app: lifecycle, then services, then IPC, then the window.

import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { originCheck, Router } from './api/router.ts';
import { createHandlers } from './api/handlers/index.ts';
import { dataDir } from './app-paths.ts';
import { findFlakeUpwards } from './flake/flake-folder.ts';
import { createServices } from './services.ts';
import type { Services } from './services.ts';
import { appOrigin, registerAppScheme, serveRenderer } from './shell/app-protocol.ts';
import { attachIpc } from './shell/ipc-adapter.ts';
import { createMainWindow } from './shell/main-window.ts';
import { openInBrowser } from './shell/open-in-browser.ts';
import { hardenWebContents } from './shell/security.ts';

declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

// The CLI computes the same folder, so both share one history database.
app.setPath('userData', dataDir());
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  await app.whenReady();

  const devServer = MAIN_WINDOW_VITE_DEV_SERVER_URL;
  const rendererOrigin = devServer ? new URL(devServer).origin : appOrigin;
  const isAppUrl = originCheck([rendererOrigin]);
  hardenWebContents((url) => isAppUrl({ url }));

  // In development the app runs from this repository, whose flake is the default; packaged, the folder it starts in.
  const defaultFlake = app.isPackaged ? (findFlakeUpwards(process.cwd()) ?? app.getAppPath()) : app.getAppPath();
  const services = createServices({
    dataDir: app.getPath('userData'),
    defaultFlake,
    appVersion: app.getVersion(),
    openExternal: openInBrowser,
  });
  const flakeArgument = flakeFromArgv(process.argv);
  if (flakeArgument) openFlakeArgument(services, flakeArgument);
  const router = new Router(createHandlers(services), {
    isTrustedSender: isAppUrl,
    onInternalError: (channel, error) => console.error(`[${channel}]`, error),
  });

  let window: BrowserWindow | undefined;
  const detachIpc = attachIpc(router, services.events, () => window);
  if (!devServer) serveRenderer(join(import.meta.dirname, '..', 'renderer', MAIN_WINDOW_VITE_NAME));

  const openWindow = () => {
    window = createMainWindow({ settings: services.settings, preloadDir: import.meta.dirname, show: true });
    window.on('closed', () => (window = undefined));
    void window.loadURL(devServer ?? `${appOrigin}/index.html`);
  };
  openWindow();

  app.on('second-instance', (_event, argv) => {
    const flake = flakeFromArgv(argv);
    if (flake) openFlakeArgument(services, flake);
    if (!window) return openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('activate', () => window ?? openWindow());
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());
  app.on('will-quit', () => {
    detachIpc();
    services.close();
  });
}

/** `--flake=PATH` on the command line opens that flake (also when passed to a second launch). */
function flakeFromArgv(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.startsWith('--flake='))?.slice('--flake='.length);
}

function openFlakeArgument(services: Services, path: string): void {
  try {
    services.flake.open(path);
  } catch (error) {
    // The window shows the flake it had; the reason goes to the log of the launch that asked.
    console.error(`Cannot open ${path}: ${(error as Error).message}`);
  }
}

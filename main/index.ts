// Composition root of the Electron app: lifecycle, then services, then IPC, then the window, tray and menus.

import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import type { AppCommand } from '../common/model/app-command.ts';
import { Router } from './api/router.ts';
import { originCheck } from './api/sender-check.ts';
import { createHandlers } from './api/handlers/index.ts';
import { dataDir } from './app-paths.ts';
import { findFlakeUpwards } from './flake/flake-folder.ts';
import { launchFlake } from './flake/launch-flake.ts';
import { notifyKeepQuestions } from './notify/keep-notifier.ts';
import { notifyRunEnds } from './notify/run-notifier.ts';
import { createServices } from './services.ts';
import { sshControlParent } from './targets/settings.ts';
import { KeytarKeychain } from './keys/keychain.ts';
import { launchUtilityProcess } from './shell/utility-process.ts';
import type { Services } from './services.ts';
import { installAppMenu, setAboutPanel } from './shell/app-menu.ts';
import { appOrigin, registerAppScheme, serveRenderer } from './shell/app-protocol.ts';
import { QuitGuard } from './quit/quit-guard.ts';
import { askToQuit, chooseFlakeFolder, chooseFolder, confirmDeploy, showError } from './shell/dialogs.ts';
import { attachIpc } from './shell/ipc-adapter.ts';
import { LeaveGuard, leaveQuestion } from './shell/leave-guard.ts';
import { createMainWindow } from './shell/main-window.ts';
import { desktopNotifications, keepNotifications } from './shell/notifications.ts';
import { openWithDefaultApp } from './shell/open-file.ts';
import { openInBrowser } from './shell/open-in-browser.ts';
import { hardenWebContents } from './shell/security.ts';
import { createTray } from './shell/tray.ts';
import type { AppTray } from './shell/tray.ts';
import { TrayController } from './tray/tray-controller.ts';

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
    openFile: openWithDefaultApp,
    chooseFolder,
    keychain: new KeytarKeychain(undefined, { launch: launchUtilityProcess }),
    watchFlakes: true,
    // The app lives long and checks its hosts again and again: one shared ssh connection per host.
    deploy: { sshControlDir: sshControlParent() },
  });
  const flakeArgument = launchFlake(process.argv, process.cwd(), app.isPackaged);
  if (flakeArgument) openFlakeArgument(services, flakeArgument);
  const router = new Router(createHandlers(services), {
    isTrustedSender: isAppUrl,
    onInternalError: (channel, error) => console.error(`[${channel}]`, error),
  });

  let window: BrowserWindow | undefined;
  const detachIpc = attachIpc(router, services.events, () => window);
  if (!devServer) serveRenderer(join(import.meta.dirname, '..', 'renderer', MAIN_WINDOW_VITE_NAME));

  const send = (command: AppCommand) => services.events.emit('app.command', command);
  const leave = new LeaveGuard();
  /** The page blocks its unload while it holds unsaved work: ask here, where the question can offer Save. */
  const guardUnsavedWork = (win: BrowserWindow) => {
    win.on('close', () => leave.closing());
    win.webContents.on('will-prevent-unload', (event) => {
      const decision = leave.answer(dialog.showMessageBoxSync(win, leaveQuestion(leave.leaving)));
      if (decision.proceed) event.preventDefault(); // Electron: preventing the prevention lets the unload go on
      if (decision.command) send(decision.command);
    });
  };
  /** Shows the window (making it if it was closed), at a view such as `history/12` when given. */
  const showWindow = (route?: string) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      if (route) {
        const [view = 'hosts', param] = route.split('/', 2);
        send({ command: 'navigate', view, ...(param !== undefined && { param: decodeURIComponent(param) }) });
      }
      return;
    }
    window = createMainWindow({ settings: services.settings, preloadDir: import.meta.dirname, show: true });
    guardUnsavedWork(window);
    window.on('closed', () => {
      window = undefined;
      if (leave.closed()) app.quit();
    });
    void window.loadURL(`${devServer ?? `${appOrigin}/index.html`}${route ? `#${route}` : ''}`);
  };

  const assets = join(import.meta.dirname, '..', '..', 'assets');
  let tray: AppTray | undefined;
  const trayController = new TrayController(services, {
    render: (menu) => tray?.render(menu),
    confirmDeploy,
    openWindow: showWindow,
    quit: () => app.quit(),
    reportError: showError,
  });
  try {
    tray = createTray(assets, (action) => void trayController.dispatch(action));
  } catch (error) {
    // Some desktops have no system tray: the app then lives in its window only.
    console.error('No system tray:', error);
  }
  await trayController.start();
  services.retention.schedule();
  // Runs a quit, a kill or a crash interrupted while their activation went on: the targets say how they ended.
  void services.deploy.reconcile();
  // For the Electron smoke test: the tray's menu model, read from the main process.
  Object.assign(globalThis, { flakedeckTrayMenu: () => trayController.menu() });
  const stopNotifications = notifyRunEnds(services.events, desktopNotifications, (runId) =>
    showWindow(`history/${runId}`),
  );
  // "Keep this configuration?" also as a notification: the window may be hidden, or on a display the switch broke.
  const stopKeepQuestions = notifyKeepQuestions(services.events, keepNotifications, {
    answer: (runId, answer) => services.deploy.answerKeep(runId, answer),
    openCountdown: (run) => showWindow(`deploy/${encodeURIComponent(run.host)}`),
  });

  installAppMenu(
    {
      command: (command) => (window ? send(command) : showWindow()),
      openFlake: () =>
        void chooseFlakeFolder().then((folder) => {
          if (folder) openFlakeArgument(services, folder);
        }),
    },
    !app.isPackaged,
  );
  setAboutPanel(
    await services.nix.version().then(
      (v) => v.version,
      () => null,
    ),
  );

  // `--hidden` (an autostart entry, say) starts in the tray alone, where there is a tray.
  if (!(tray && process.argv.includes('--hidden'))) showWindow();

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const flake = launchFlake(argv, workingDirectory, app.isPackaged);
    if (flake) openFlakeArgument(services, flake);
    showWindow();
  });
  app.on('activate', () => showWindow());
  // With a tray, closing the window keeps Flakedeck running there; without one, it quits (but on macOS).
  app.on('window-all-closed', () => !tray && process.platform !== 'darwin' && app.quit());
  // Every way to quit (the menu, the tray, the last window) comes here: with runs in flight, the user is asked first.
  const quitGuard = new QuitGuard(services.deploy, askToQuit);
  app.on('before-quit', (event) => {
    if (quitGuard.mayQuitNow()) return leave.quitting();
    event.preventDefault();
    void quitGuard.request().then((yes) => yes && app.quit());
  });
  app.on('will-quit', () => {
    stopNotifications();
    stopKeepQuestions();
    trayController.dispose();
    tray?.destroy();
    detachIpc();
    // The runs in flight end in the history as interrupted, then the database closes.
    services.close('Flakedeck quit');
  });
}

function openFlakeArgument(services: Services, path: string): void {
  try {
    services.flake.open(path);
  } catch (error) {
    // The window shows the flake it had; the reason goes to the log of the launch that asked.
    console.error(`Cannot open ${path}: ${(error as Error).message}`);
  }
}

// The main window: hardened web preferences, remembered size and position, theme-matched background.

import { BrowserWindow, nativeTheme, screen } from 'electron';
import { join } from 'node:path';
import type { Settings, SettingsShape } from '../history/settings.ts';

type Bounds = SettingsShape['windowBounds'];

const defaultSize = { width: 1280, height: 820 };

/** Restores saved bounds only if they still overlap a connected display (a monitor may be gone). */
function visibleBounds(saved: Bounds | undefined): Partial<Bounds> {
  if (!saved) return defaultSize;
  const area = screen.getDisplayMatching(saved).workArea;
  const overlaps =
    saved.x < area.x + area.width &&
    saved.x + saved.width > area.x &&
    saved.y < area.y + area.height &&
    saved.y + saved.height > area.y;
  return overlaps ? saved : { width: saved.width, height: saved.height };
}

export function createMainWindow(options: { settings: Settings; preloadDir: string; show: boolean }): BrowserWindow {
  const saved = options.settings.get('windowBounds');
  const window = new BrowserWindow({
    ...visibleBounds(saved),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Flakedeck',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#f7f7f8',
    webPreferences: {
      preload: join(options.preloadDir, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => options.show && window.show());
  window.on('close', () => {
    options.settings.set('windowBounds', { ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  return window;
}

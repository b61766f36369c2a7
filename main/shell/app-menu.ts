// The application menu and its keyboard shortcuts; each item sends a command to the window or opens a dialog.

import { app, Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../common/model/app-command.ts';

export interface AppMenuActions {
  command(command: AppCommand): void;
  openFlake(): void;
}

const views: [string, string][] = [
  ['hosts', 'Hosts'],
  ['persistence', 'Persistence'],
  ['home', 'Home'],
  ['secrets', 'Secrets'],
  ['keys', 'Keys'],
  ['deploy', 'Deploy'],
  ['history', 'History'],
  ['terminals', 'Terminals'],
  ['drift', 'Drift'],
];

/** Shortcuts for views: Secrets has its own, the rest go by position (Ctrl+1…). */
function viewItems(actions: AppMenuActions): MenuItemConstructorOptions[] {
  return views.map(([view, label], index) => ({
    label,
    accelerator: view === 'secrets' ? 'CmdOrCtrl+Shift+S' : `CmdOrCtrl+${index + 1}`,
    click: () => actions.command({ command: 'navigate', view }),
  }));
}

export function installAppMenu(actions: AppMenuActions, developer: boolean): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Flake…', accelerator: 'CmdOrCtrl+O', click: actions.openFlake },
        {
          label: 'New Terminal',
          accelerator: 'CmdOrCtrl+Shift+T',
          click: () => actions.command({ command: 'new-terminal' }),
        },
        { type: 'separator' },
        { role: process.platform === 'darwin' ? 'close' : 'quit' },
      ],
    },
    { label: 'Go', submenu: viewItems(actions) },
    {
      label: 'Deploy',
      submenu: [
        {
          label: 'Deploy Current Host…',
          accelerator: 'CmdOrCtrl+Shift+D',
          click: () => actions.command({ command: 'deploy-current-host' }),
        },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(developer
          ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'help', submenu: [{ label: 'About Flakedeck', click: () => app.showAboutPanel() }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The About window's text: the versions a bug report needs. */
export function setAboutPanel(nixVersion: string | null): void {
  app.setAboutPanelOptions({
    applicationName: 'Flakedeck',
    applicationVersion: app.getVersion(),
    version: [
      `Electron ${process.versions.electron}`,
      `Chromium ${process.versions.chrome}`,
      `Node.js ${process.versions.node}`,
      `Nix ${nixVersion ?? 'not found'}`,
    ].join(' · '),
    copyright: 'Flakedeck, a control center for NixOS flakes',
  });
}

// The Electron tray: renders the tray menu model and sends its clicks to the tray controller.

import { Menu, nativeImage, Tray } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayItem, TrayMenu, TrayState } from '../tray/tray-menu.ts';

function template(items: readonly TrayItem[], dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: template(item.items, dispatch) };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => dispatch(item.action) };
    }
  });
}

export interface AppTray {
  render(menu: TrayMenu): void;
  destroy(): void;
}

export function createTray(assetsDir: string, dispatch: (action: TrayAction) => void): AppTray {
  const icon = (state: TrayState) => nativeImage.createFromPath(join(assetsDir, 'tray', `${state}.png`));
  const tray = new Tray(icon('idle'));
  let shown: TrayState = 'idle';
  return {
    render(menu) {
      if (menu.state !== shown) tray.setImage(icon((shown = menu.state)));
      tray.setToolTip(menu.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(template(menu.items, dispatch)));
    },
    destroy: () => tray.destroy(),
  };
}

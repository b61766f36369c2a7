// API of the app itself: versions and environment.

import { z } from 'zod';
import { event, method, noParams } from '../define.ts';
import type { AppCommand } from '../../model/app-command.ts';
import type { AppInfo } from '../../model/flake.ts';

export const appMethods = {
  'app.info': method<AppInfo>()(noParams),
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  'app.openExternal': method<void>()(z.strictObject({ url: z.string().max(8192) })),
  /**
   * Opens a file at a line in the user's editor ($VISUAL/$EDITOR; else the desktop's default application). A terminal
   * editor opens in a terminal tab, whose id comes back.
   */
  'app.openInEditor': method<{ terminalId: string | null }>()(
    z.strictObject({
      file: z.string().min(1).max(4096),
      line: z.number().int().min(0).max(10_000_000),
      column: z.number().int().min(0).max(100_000).optional(),
    }),
  ),
  /** Asks for a folder in the desktop's own dialog; null when the user cancelled. */
  'app.chooseFolder': method<{ path: string | null }>()(z.strictObject({ title: z.string().min(1).max(200) })),
};

export const appEvents = {
  /** A menu item, shortcut or the tray asks the window to do something. */
  'app.command': event<AppCommand>(),
};

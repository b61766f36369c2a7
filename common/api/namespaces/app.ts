// API of the app itself: versions and environment.

import { z } from 'zod';
import { event, method, noParams } from '../define.ts';
import type { AppCommand } from '../../model/app-command.ts';
import type { AppInfo } from '../../model/flake.ts';

export const appMethods = {
  'app.info': method<AppInfo>()(noParams),
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  'app.openExternal': method<void>()(z.strictObject({ url: z.string().max(8192) })),
};

export const appEvents = {
  /** A menu item, shortcut or the tray asks the window to do something. */
  'app.command': event<AppCommand>(),
};

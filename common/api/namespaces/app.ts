// API of the app itself: versions and environment.

import { method, noParams } from '../define.ts';
import type { AppInfo } from '../../model/flake.ts';

export const appMethods = {
  'app.info': method<AppInfo>()(noParams),
};

export const appEvents = {};

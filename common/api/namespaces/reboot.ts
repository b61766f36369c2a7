// API of the guard before rebooting this machine: the generations it can boot once, copying wiped files out, and
// the reboot (what it wipes is `hosts.rebootDiff`, persisting a folder `persistence.add`).

import { z } from 'zod';
import { method, noParams, pathString } from '../define.ts';
import type { CopyOutResult, RebootOptions, RebootStarted } from '../../model/reboot.ts';

export const rebootMethods = {
  'reboot.options': method<RebootOptions>()(noParams),
  /** Copies paths (as on this machine) into `destination`, each at its own path under it. */
  'reboot.copyOut': method<CopyOutResult>()(
    z.strictObject({ paths: z.array(pathString).min(1).max(1000), destination: pathString }),
  ),
  /** Reboots this machine now; with `generation`, into it for the next boot only. */
  'reboot.now': method<RebootStarted>()(z.strictObject({ generation: z.int().min(1).optional() })),
};

export const rebootEvents = {};

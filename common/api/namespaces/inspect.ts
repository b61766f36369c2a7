// API of host inspection: manifests (what each host keeps, wipes and runs), the live reboot check, and adding a path
// to a host's persistence through its persist.json.

import { z } from 'zod';
import { event, hostName, method, pathString } from '../define.ts';
import type { Inspection, PersistPathResult } from '../../model/manifest.ts';
import type { RebootDiff } from '../../model/reboot-diff.ts';

export const inspectMethods = {
  /** Cached manifests answer at once; a changed flake answers stale and sends `hosts.manifests` when re-evaluated. */
  'hosts.inspect': method<Inspection>()(
    z.strictObject({ hosts: z.array(hostName).max(1000).optional(), force: z.boolean().default(false) }),
  ),
  'hosts.rebootDiff': method<RebootDiff>()(z.strictObject({ host: hostName })),
  'persistence.add': method<PersistPathResult>()(
    z.strictObject({ host: hostName, path: pathString, kind: z.enum(['directory', 'file']) }),
  ),
};

export const inspectEvents = {
  /** The manifests of a background re-evaluation (or the last ones, with `refreshError`, when it failed). */
  'hosts.manifests': event<Inspection>(),
};

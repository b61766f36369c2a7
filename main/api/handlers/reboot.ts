// Handlers of the guard before rebooting this machine, for the opened flake.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { rebootMethods } from '../../../common/api/namespaces/reboot.ts';

export function rebootHandlers({ flake, rebootGuard }: Services): HandlersFor<typeof rebootMethods> {
  return {
    'reboot.options': () => rebootGuard.options(flake.current().path),
    'reboot.copyOut': (request) => rebootGuard.copyOut(flake.current().path, request),
    'reboot.now': ({ generation }) => rebootGuard.reboot(flake.current().path, generation),
  };
}

// Handlers of the flake and hosts namespaces.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { flakeMethods } from '../../../common/api/namespaces/flake.ts';

export function flakeHandlers({ manifests, flake }: Services): HandlersFor<typeof flakeMethods> {
  return {
    'flake.current': () => flake.current(),
    'flake.open': ({ path }) => flake.open(path),
    'hosts.list': async () => {
      const folder = flake.current().path;
      return { flake: folder, hosts: await manifests.hosts(folder) };
    },
  };
}

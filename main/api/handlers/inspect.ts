// Handlers of host inspection: manifests, the live reboot check, and adding a path to a host's persist.json.

import { addPersistPath } from '../../flake/persist-json.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { inspectMethods } from '../../../common/api/namespaces/inspect.ts';

export function inspectHandlers({ flake, manifests, rebootCheck }: Services): HandlersFor<typeof inspectMethods> {
  return {
    'hosts.inspect': ({ hosts, force }) => manifests.inspect(flake.current().path, { hosts, force }),
    'hosts.rebootDiff': ({ host }) => rebootCheck.run(flake.current().path, host),
    'persistence.add': (request) => addPersistPath(manifests, flake.current().path, request),
  };
}

// Handlers of the keys namespace.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { keysMethods } from '../../../common/api/namespaces/keys.ts';
import { hostRecipients } from '../../keys/host-recipients.ts';
import { markDemoIdentities } from '../../secrets/demo-keys.ts';

export function keysHandlers({ keys, flake }: Services): HandlersFor<typeof keysMethods> {
  return {
    'keys.status': async () => markDemoIdentities(await keys.status(), flake.current().path),
    'keys.generate': ({ label }) => keys.generate(label),
    'keys.import': ({ path, label, deleteFile }) => keys.importFile(path, label, deleteFile),
    'keys.delete': async ({ label, confirmPublicKey }) => {
      await keys.delete(label, confirmPublicKey);
      return { deleted: true };
    },
    'keys.hostRecipients': ({ scan, addresses, hosts }) =>
      hostRecipients(flake.current().path, { scan, addresses, hosts }),
  };
}

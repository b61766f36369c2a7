// Handlers of the keys namespace.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { keysMethods } from '../../../common/api/namespaces/keys.ts';
import { hostRecipients } from '../../keys/host-recipients.ts';
import type { HostRecipientOptions } from '../../keys/host-recipients.ts';
import type { ManifestService } from '../../flake/manifest-cache.ts';
import { keyScanAddress } from '../../targets/host-key.ts';
import { markDemoIdentities } from '../../secrets/demo-keys.ts';

/**
 * The flake's hosts (its nixosConfigurations) and the address each deploys to, where the flake evaluates and declares
 * some; else nothing, and the host list falls back to the folders of hosts/.
 */
async function flakeHosts(manifests: ManifestService, folder: string): Promise<HostRecipientOptions> {
  try {
    const { hosts } = await manifests.inspect(folder);
    const addresses: Record<string, string> = {};
    for (const [host, result] of Object.entries(hosts)) {
      if (result.ok) addresses[host] = keyScanAddress(result.manifest.deploy);
    }
    // A flake that declares no machines (a repository of secrets only) still has the host keys kept in hosts/.
    return Object.keys(hosts).length > 0 ? { names: Object.keys(hosts), addresses } : {};
  } catch {
    return {};
  }
}

export function keysHandlers({ keys, flake, manifests }: Services): HandlersFor<typeof keysMethods> {
  return {
    'keys.status': async () => markDemoIdentities(await keys.status(), flake.current().path),
    'keys.generate': ({ label }) => keys.generate(label),
    'keys.import': ({ path, label, deleteFile }) => keys.importFile(path, label, deleteFile),
    'keys.delete': async ({ label, confirmPublicKey }) => {
      await keys.delete(label, confirmPublicKey);
      return { deleted: true };
    },
    'keys.hostRecipients': async ({ scan, addresses, hosts }) => {
      const folder = flake.current().path;
      const known = await flakeHosts(manifests, folder);
      return hostRecipients(folder, { ...known, scan, addresses: { ...known.addresses, ...addresses }, hosts });
    },
  };
}

// Handlers of the fleet's live state, drift and timelines, for the opened flake.

import { fleetDrift } from '../../fleet/drift.ts';
import type { Services } from '../../services.ts';
import { openHostShell } from '../../terminal/host-shell.ts';
import type { HandlersFor } from '../router.ts';
import type { fleetMethods } from '../../../common/api/namespaces/fleet.ts';

export function fleetHandlers(services: Services): HandlersFor<typeof fleetMethods> {
  const { flake, fleet, manifests } = services;
  const folder = () => flake.current().path;
  return {
    'fleet.status': ({ hosts }) => {
      // The window asking is what starts the checks in the background.
      fleet.startAutoRefresh(folder);
      return fleet.status(folder(), hosts);
    },
    'fleet.refresh': ({ hosts }) => fleet.refresh(folder(), hosts),
    'fleet.setRefreshInterval': ({ seconds }) => fleet.setRefreshSeconds(seconds),
    'fleet.drift': async () => {
      const [inspection, status] = await Promise.all([manifests.inspect(folder()), fleet.status(folder())]);
      return fleetDrift(inspection, status.hosts);
    },
    'fleet.openTerminal': async ({ host }) => ({ terminalId: await openHostShell(services, folder(), host) }),
    'fleet.timeline': ({ host }) => fleet.timeline(folder(), host),
  };
}

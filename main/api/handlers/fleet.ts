// Handlers of the fleet's live state, drift and timelines, for the opened flake.

import { fleetDrift } from '../../fleet/drift.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { fleetMethods } from '../../../common/api/namespaces/fleet.ts';

export function fleetHandlers({ flake, fleet, manifests, deploy }: Services): HandlersFor<typeof fleetMethods> {
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
    'fleet.timeline': async ({ host }) => {
      const generations = await deploy.generations(folder(), host).then(
        (list) => list.generations,
        () => [],
      );
      return fleet.timeline(folder(), host, generations);
    },
  };
}

// Handlers of the fleet's live state, drift and timelines, for the opened flake.

import { fleetDrift } from '../../fleet/drift.ts';
import type { Services } from '../../services.ts';
import { userShell } from '../../terminal/user-shell.ts';
import type { HandlersFor } from '../router.ts';
import type { fleetMethods } from '../../../common/api/namespaces/fleet.ts';

export function fleetHandlers(services: Services): HandlersFor<typeof fleetMethods> {
  const { flake, fleet, manifests, targets } = services;
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
    'fleet.openTerminal': async ({ host }) => {
      // As the tray opens one: ssh as deploys reach the host, or the user's own shell on this machine.
      const shell = targets.shell(await targets.forHost(folder(), host), userShell());
      return { terminalId: services.terminals.spawn({ ...shell, kind: 'shell' }).id };
    },
    'fleet.timeline': ({ host }) => fleet.timeline(folder(), host),
  };
}

// API of the fleet's live state: each host's last known state at once, checks in the background, the automatic
// refresh interval, how the hosts differ, and each host's timeline.

import { z } from 'zod';
import { event, hostName, method } from '../define.ts';
import type { FleetDrift, FleetStatus, HostStatus, HostTimeline } from '../../model/fleet.ts';
import { refreshIntervals } from '../../model/fleet.ts';

const hosts = z.array(hostName).max(1000).optional();

export const fleetMethods = {
  /** The last known state of the opened flake's hosts, from the history database: never waits for a host. */
  'fleet.status': method<FleetStatus>()(z.strictObject({ hosts })),
  /** Checks the hosts (all by default) in the background; each answer comes as a `fleet.host` event. */
  'fleet.refresh': method<void>()(z.strictObject({ hosts })),
  /** Seconds between automatic checks; 0 turns them off. */
  'fleet.setRefreshInterval': method<void>()(
    z.strictObject({ seconds: z.union(refreshIntervals.map((s) => z.literal(s))) }),
  ),
  'fleet.drift': method<FleetDrift>()(z.strictObject({})),
  /** A shell on the host over ssh in a new terminal tab; its id. */
  'fleet.openTerminal': method<{ terminalId: string }>()(z.strictObject({ host: hostName })),
  /** Commit → build → generation → boot for one host, from the history and its last status check. */
  'fleet.timeline': method<HostTimeline>()(z.strictObject({ host: hostName })),
};

export const fleetEvents = {
  /** A host's status changed: a check began or ended, or what the flake builds for it became known. */
  'fleet.host': event<{ flake: string; status: HostStatus }>(),
};

// API of builds, deploys and rollbacks: start them for hosts, approve the diff, cancel, follow them as they go.

import { z } from 'zod';
import { event, hostName, method, noParams } from '../define.ts';
import type { BatchStarted, GenerationList, LiveRun } from '../../model/runs.ts';
import { deployModes } from '../../model/runs.ts';

const hosts = z.array(hostName).min(1, 'name at least one host').max(200);
const runId = z.strictObject({ runId: z.int().min(1) });

export const deployMethods = {
  /** Builds each host's system in the opened flake; each host is a run, with a terminal tab of its own. */
  'build.start': method<BatchStarted>()(z.strictObject({ hosts })),
  /**
   * build → diff → approve → copy → profile → activate → confirm, for each host. With `requireApproval` (the
   * default) a run waits after the diff until `deploy.approve`.
   */
  'deploy.start': method<BatchStarted>()(
    z.strictObject({
      hosts,
      mode: z.enum(deployModes),
      requireApproval: z.boolean().default(true),
      /** Lets this machine take a system built for another host name (a rename the user confirmed). */
      allowRename: z.boolean().default(false),
    }),
  ),
  /** The host of the opened flake that is this machine, if one is. */
  'deploy.thisMachine': method<{ host: string | null }>()(noParams),
  'deploy.approve': method<void>()(runId),
  /** How long a switch of this machine asks "Keep this configuration?" before it goes back by itself. */
  'deploy.keepSeconds': method<{ seconds: number }>()(noParams),
  /** Sets that time, in seconds within keepSecondsRange (checked by the service, which says the bounds). */
  'deploy.setKeepSeconds': method<void>()(z.strictObject({ seconds: z.number() })),
  /** The answer to "Keep this configuration?" after a switch of this machine (no answer in time reverts). */
  'deploy.keep': method<void>()(runId),
  'deploy.revert': method<void>()(runId),
  /** Stops a build, a deploy before it activates, or a wait for approval; an activation already going is not cut. */
  'deploy.cancel': method<void>()(runId),
  /** The runs going on now, then those that ended since the app started and were not cleared. */
  'deploy.status': method<LiveRun[]>()(noParams),
  /** Takes ended runs off the Deploy page (the history keeps them); runs still going are left. */
  'deploy.clear': method<void>()(z.strictObject({ runIds: z.array(z.int().min(1)).max(1000) })),
  'generations.list': method<GenerationList>()(z.strictObject({ host: hostName })),
  /** Switches a host back to one of its generations, confirmed like a deploy (and rolled back if unconfirmed). */
  'generations.rollback': method<BatchStarted>()(
    z.strictObject({ host: hostName, generation: z.int().min(1), requireApproval: z.boolean().default(true) }),
  ),
};

export const deployEvents = {
  /** A run's state after any change: a step began or ended, the build progressed, it waits for approval. */
  'run.progress': event<LiveRun>(),
  /** A run ended (succeeded, failed, rolled back or cancelled). */
  'run.finished': event<LiveRun>(),
};

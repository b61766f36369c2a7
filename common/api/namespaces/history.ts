// API of the history of builds, deploys and rollbacks: the list, one run with its steps and log, two compared.

import { z } from 'zod';
import { hostName, method, noParams } from '../define.ts';
import { runStatuses } from '../../model/runs.ts';
import type { LogPage, RetentionPolicy, RunComparison, RunDetail, RunSummary } from '../../model/runs.ts';

const runId = z.int().min(1);
const days = z.int().min(1).max(36_500);

export const historyMethods = {
  /** The newest runs first; of one host, with one result, where asked. */
  'history.list': method<RunSummary[]>()(
    z.strictObject({
      host: hostName.optional(),
      status: z.enum(runStatuses).optional(),
      limit: z.int().min(1).max(1000).default(200),
    }),
  ),
  /** Every host with a recorded run, for the filter. */
  'history.hosts': method<string[]>()(noParams),
  'history.get': method<RunDetail>()(z.strictObject({ runId })),
  /** A page of a run's log, as its terminals showed it (with colours): lines `from` to `from + count`. */
  'history.log': method<LogPage>()(
    z.strictObject({ runId, from: z.int().min(0).default(0), count: z.int().min(1).max(2000).default(500) }),
  ),
  /** How long runs, their logs and cached manifests are kept. */
  'history.retention': method<RetentionPolicy>()(noParams),
  /** Sets it; what it no longer keeps is deleted in the background. */
  'history.setRetention': method<RetentionPolicy>()(
    z.strictObject({ runDays: days, logDays: days, manifestDays: days }),
  ),
  /** Two runs side by side, and what changed between their systems. */
  'history.compare': method<RunComparison>()(z.strictObject({ a: runId, b: runId })),
};

export const historyEvents = {};

// API of the history of builds, deploys and rollbacks: the list, one run with its steps and log, two compared.

import { z } from 'zod';
import { hostName, method } from '../define.ts';
import type { RunComparison, RunDetail, RunSummary } from '../../model/runs.ts';

const runId = z.int().min(1);

export const historyMethods = {
  'history.list': method<RunSummary[]>()(
    z.strictObject({ host: hostName.optional(), limit: z.int().min(1).max(1000).default(200) }),
  ),
  'history.get': method<RunDetail>()(z.strictObject({ runId })),
  /** The whole log of a run, as its terminals showed it (with colours). */
  'history.log': method<string>()(z.strictObject({ runId })),
  /** Two runs side by side, and what changed between their systems. */
  'history.compare': method<RunComparison>()(z.strictObject({ a: runId, b: runId })),
};

export const historyEvents = {};

// Handlers of the run history.

import { compareRuns } from '../../deploy/compare-runs.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { historyMethods } from '../../../common/api/namespaces/history.ts';

/** Longer lines reach the window cut (a minified blob on one line): `flakedeck history ID --log` prints them whole. */
const maxLineChars = 4000;

export function historyHandlers({ runs, nix, retention }: Services): HandlersFor<typeof historyMethods> {
  return {
    'history.list': ({ host, status, limit }) => runs.list({ host, status, limit }),
    'history.hosts': () => runs.hosts(),
    'history.get': ({ runId }) => runs.get(runId),
    'history.log': ({ runId, from, count }) => runs.logPage(runId, from, count, maxLineChars),
    'history.retention': () => retention.policy(),
    'history.setRetention': (policy) => retention.setPolicy(policy),
    'history.compare': ({ a, b }) => compareRuns(runs, nix, a, b),
  };
}

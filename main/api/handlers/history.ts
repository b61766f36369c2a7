// Handlers of the run history.

import { compareRuns } from '../../deploy/compare-runs.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { historyMethods } from '../../../common/api/namespaces/history.ts';

export function historyHandlers({ runs, nix }: Services): HandlersFor<typeof historyMethods> {
  return {
    'history.list': ({ host, limit }) => runs.list({ host, limit }),
    'history.get': ({ runId }) => runs.get(runId),
    'history.log': ({ runId }) => runs.log(runId),
    'history.compare': ({ a, b }) => compareRuns(runs, nix, a, b),
  };
}

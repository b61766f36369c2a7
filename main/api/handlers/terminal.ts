// Handlers of the terminal namespace: the renderer opens shells only; runs are started by services.

import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { terminalMethods } from '../../../common/api/namespaces/terminal.ts';

export function terminalHandlers({ terminals, flake, keys }: Services): HandlersFor<typeof terminalMethods> {
  return {
    'terminal.open': async ({ withAgeKey, ...size }) =>
      terminals.openShell(flake.current().path, size, withAgeKey ? await keys.sopsEnvironment() : undefined),
    'terminal.list': () => terminals.list(),
    'terminal.attach': ({ id }) => terminals.attach(id),
    'terminal.ack': ({ id, chars, rate }) => terminals.acknowledge(id, chars, rate),
    'terminal.write': ({ id, data }) => terminals.write(id, data),
    'terminal.resize': ({ id, cols, rows }) => terminals.resize(id, cols, rows),
    'terminal.kill': ({ id, signal }) => terminals.kill(id, signal),
    'terminal.close': ({ id }) => terminals.close(id),
  };
}

// Binds every API method to the service that answers it, namespace by namespace.

import type { Services } from '../../services.ts';
import type { Handlers } from '../router.ts';
import { appHandlers } from './app.ts';
import { deployHandlers } from './deploy.ts';
import { flakeHandlers } from './flake.ts';
import { fleetHandlers } from './fleet.ts';
import { historyHandlers } from './history.ts';
import { inspectHandlers } from './inspect.ts';
import { keysHandlers } from './keys.ts';
import { rebootHandlers } from './reboot.ts';
import { secretsHandlers } from './secrets.ts';
import { terminalHandlers } from './terminal.ts';

export function createHandlers(services: Services): Handlers {
  return {
    ...appHandlers(services),
    ...deployHandlers(services),
    ...historyHandlers(services),
    ...flakeHandlers(services),
    ...fleetHandlers(services),
    ...inspectHandlers(services),
    ...keysHandlers(services),
    ...rebootHandlers(services),
    ...secretsHandlers(services),
    ...terminalHandlers(services),
  };
}

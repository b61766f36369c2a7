// Handlers of the app namespace.

import { appName } from '../../app-paths.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { appMethods } from '../../../common/api/namespaces/app.ts';

export function appHandlers({ nix, config, links, historyProblem }: Services): HandlersFor<typeof appMethods> {
  return {
    'app.info': async () => ({
      name: appName,
      version: config.appVersion,
      nixVersion: await nix.version().then(
        (v) => v.version,
        () => null,
      ),
      platform: process.platform,
      historyProblem,
    }),
    'app.openExternal': ({ url }) => links.open(url),
  };
}

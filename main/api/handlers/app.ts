// Handlers of the app namespace.

import { ApiError } from '../../../common/api/errors.ts';
import { appName } from '../../app-paths.ts';
import type { Services } from '../../services.ts';
import type { HandlersFor } from '../router.ts';
import type { appMethods } from '../../../common/api/namespaces/app.ts';

export function appHandlers({ nix, config, links, editor, historyProblem }: Services): HandlersFor<typeof appMethods> {
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
    'app.openInEditor': (location) => editor.open(location),
    'app.chooseFolder': async ({ title }) => {
      if (!config.chooseFolder) {
        throw new ApiError({
          code: 'NOT_FOUND',
          message: 'There is no folder dialog here: give the folder by its path.',
        });
      }
      return { path: (await config.chooseFolder(title)) ?? null };
    },
  };
}

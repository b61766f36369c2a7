// Binds each API method to the service that answers it: one line per method, no logic of its own.

import { appName } from '../app-paths.ts';
import { listHosts } from '../flake/hosts.ts';
import type { Services } from '../services.ts';
import type { Handlers } from './router.ts';

export function createHandlers(services: Services): Handlers {
  const { nix, flake, config } = services;
  return {
    'app.info': async () => ({
      name: appName,
      version: config.appVersion,
      nixVersion: await nix.version().then((v) => v.version, () => null),
      platform: process.platform,
    }),
    'flake.current': () => flake.current(),
    'flake.open': ({ path }) => flake.open(path),
    'hosts.list': async () => {
      const folder = flake.current().path;
      return { flake: folder, hosts: await listHosts(nix, folder) };
    },
  };
}

// "This machine" for tests: a folder standing for its system paths, the deploy fixture whose host web is this
// machine, and the services pointed at both.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deployServices } from './deploy-services.ts';
import { makeFlakeRepo } from './fixture-flake.ts';
import { sudoUserName } from './sudo-user.ts';

/**
 * This machine in a folder: profiles/ and current-system as on NixOS, the activation state beside them; the deploy
 * fixture with `web` as this machine (by its host name) and services whose privileged steps start as the sudo user.
 */
export function localMachine(cleanups: (() => unknown)[], keepSeconds: number) {
  const root = mkdtempSync(join(tmpdir(), 'flakedeck-this-machine-'));
  // The user whose sudo is asked reads the activation's state as itself (Keep and Revert need no password).
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'profiles'));
  process.env.FIXTURE_ROOT = root;
  const repo = makeFlakeRepo('deploy', 'flakedeck-local-flake-');
  cleanups.push(() => repo.remove());
  // A deploy target of its own for the other hosts; web is this machine by its host name.
  repo.write('target.nix', '{ targetHost = "db.example.org"; }\n');
  const setHosts = (generation: string, extra = '') =>
    repo.write(
      'hosts.nix',
      `{ web = { generation = "${generation}"; packages = { ripgrep = "14.${generation}.0"; }; ${extra} }; db = { }; }`,
    );
  setHosts('1');
  const app = deployServices({ env: {} }, repo.path, {
    profile: join(root, 'profiles', 'system'),
    currentSystem: join(root, 'current-system'),
    stateDir: join(root, 'state'),
    store: '',
    thisHostName: 'web',
    localUser: sudoUserName,
    keepSeconds,
    confirmGiveUpSeconds: 120,
  });
  cleanups.push(() => app.close());
  const link = (path: string) => (existsSync(path) || isLink(path) ? readlinkSync(path) : null);
  return {
    root,
    repo,
    app,
    setHosts,
    running: () => link(join(root, 'current-system')),
    profile: () => {
      const generation = link(join(root, 'profiles', 'system'));
      return generation && link(join(dirname(join(root, 'profiles', 'system')), generation));
    },
    activations: () =>
      readFileSync(join(root, 'markers', 'switch-web'), 'utf8')
        .trim()
        .split('\n'),
  };
}

function isLink(path: string): boolean {
  try {
    readlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

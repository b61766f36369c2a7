// A deploy target on loopback for tests: a test sshd, a separate chroot store, and the profile, running system and
// activation state in a test folder; plus the deploy fixture flake pointed at it.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployEnvironment } from '../../main/deploy/settings.ts';
import { makeFlakeRepo } from './fixture-flake.ts';
import type { FlakeRepo } from './fixture-flake.ts';
import { startTestSshd } from './test-sshd.ts';
import type { TestSshd } from './test-sshd.ts';

export interface DeployTarget {
  sshd: TestSshd;
  /** FIXTURE_ROOT on the target: markers/, current-system, profiles/, state/, store/. */
  root: string;
  /** The services' deploy environment that points at this target. */
  env: Partial<DeployEnvironment>;
  store: string;
  profile: string;
  /** Where the profile points now (a store path), or null. */
  profileTarget(): string | null;
  /** The system the target "runs" (what current-system points to), or null. */
  running(): string | null;
  /** The activations of a host, oldest first: "switch /nix/store/…". */
  activations(host: string): string[];
  /** Whether the target's store holds the path and its whole closure, valid. */
  storeHasClosure(path: string): boolean;
  stop(): Promise<void>;
}

export interface DeployFixture {
  repo: FlakeRepo;
  /** Rewrites hosts.nix (a Nix attribute set of host specs, see the fixture's flake.nix). */
  setHosts(nix: string): void;
  /** Points every host at this port of 127.0.0.1 (a proxy in front of the target's sshd, say). */
  pointAt(port: number): void;
}

/**
 * `user`: the account deploys log in as (root by default). Another one owns the test folder, so its side of
 * `nix copy` (`nix-store --serve --write`) creates and fills the chroot store, as a trusted user would through the
 * daemon; profiles/ stays root's, as on NixOS, so only what it runs through sudo changes the profile.
 */
export async function startDeployTarget(
  options: {
    confirmSeconds?: number;
    port?: number;
    user?: string;
    setEnv?: Record<string, string>;
    ownSession?: boolean;
  } = {},
): Promise<DeployTarget> {
  const root = mkdtempSync(join(tmpdir(), 'flakedeck-target-'));
  const store = join(root, 'store');
  const profile = join(root, 'profiles', 'system');
  mkdirSync(join(root, 'profiles'));
  if (options.user) execFileSync('chown', [options.user, root]);
  const sshd = await startTestSshd({
    user: options.user,
    ownSession: options.ownSession,
    setEnv: ({ authorizedKeys, pidFile }) => ({
      FIXTURE_ROOT: root,
      FIXTURE_AUTHORIZED_KEYS: authorizedKeys,
      FIXTURE_SSHD_PID: pidFile,
      ...options.setEnv,
    }),
    // Builds into the chroot store (buildOn = "remote") need the host's /bin/sh inside their sandbox.
    nixConfig: 'sandbox-paths = /bin /usr /lib /lib64',
  });
  return {
    sshd,
    root,
    store,
    profile,
    env: {
      profile,
      currentSystem: join(root, 'current-system'),
      stateDir: join(root, 'state'),
      store,
      sshOptions: sshd.sshOptions,
      // Long enough for a new SSH connection on a loaded machine; a test that waits for a rollback waits this long.
      confirmSeconds: options.confirmSeconds ?? 20,
      confirmGiveUpSeconds: 60,
    },
    profileTarget: () => {
      const generation = link(profile);
      return generation === null ? null : link(join(dirname(profile), generation));
    },
    running: () => link(join(root, 'current-system')),
    activations: (host) => {
      const file = join(root, 'markers', `switch-${host}`);
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    },
    storeHasClosure: (path) => {
      try {
        execFileSync('nix', ['path-info', '--store', store, '--recursive', path], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      await sshd.stop();
      // The last activation's worker lets go of its lock a moment after it ends (later on a loaded machine).
      for (let i = 0; i < 1200 && existsSync(join(root, 'state', 'lock')); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The chroot store's files are read-only, as in /nix/store.
      execFileSync('chmod', ['-R', 'u+w', root]);
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Where a symlink points (its target need not exist here: it may be in the target's store only). */
function link(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** The deploy fixture flake in a fresh git repository, deploying to `target`. */
export function deployFixture(target: DeployTarget, hosts?: string, prefix = 'flakedeck-deploy-flake-'): DeployFixture {
  const repo = makeFlakeRepo('deploy', prefix);
  const pointAt = (port: number) =>
    repo.write('target.nix', `{ targetHost = "127.0.0.1"; targetUser = "root"; targetPort = ${port}; }\n`);
  pointAt(target.sshd.port);
  if (hosts) repo.write('hosts.nix', hosts);
  return { repo, setHosts: (nix) => repo.write('hosts.nix', nix), pointAt };
}

// How a host is reached (its manifest's deploy settings) and where things live on a machine, checked before use: one
// check for every caller, so no setting reaches ssh or a shell that a deploy would have refused.

import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { ApiError } from '../../common/api/errors.ts';
import type { DeploySettings } from '../../common/model/manifest.ts';

export type { DeploySettings };

/** How this machine's privileged steps become root: `auto` takes pkexec where a desktop agent answers, else sudo. */
export type LocalPrivilege = 'auto' | 'pkexec' | 'sudo';

/**
 * Where things are on every machine, how ssh reaches the others and which host is this machine. The defaults are a
 * NixOS machine's; the services' config may change them (tests put the profile, the store and the running system
 * into a test folder and say which host is "this machine"). The flake and the API cannot: a host's own settings
 * never move where the app activates from.
 */
export interface TargetEnvironment {
  profile: string;
  currentSystem: string;
  /** Where the activation keeps its state and canary: a tmpfs, so a reboot forgets unfinished activations. */
  stateDir: string;
  /** A chroot store on the target instead of its /nix/store (tests only: proves that a copy copies). */
  store: string;
  /** Extra ssh options (identity file, known hosts); one option word each, no spaces. */
  sshOptions: string[];
  /** This machine's host name where it runs NixOS, else null: the host of the flake with this networking.hostName. */
  thisHostName: string | null;
  privilege: LocalPrivilege;
  /** The account this machine's privileged steps start from, through sudo; empty: the app's own (tests only). */
  localUser: string;
  /**
   * Where shared ssh connections keep their control sockets (in a private folder made inside), for the commands that
   * need no new login each; null: every command logs in anew (the CLI, which leaves nothing running behind it).
   */
  sshControlDir: string | null;
}

export const defaultTargetEnvironment: TargetEnvironment = {
  profile: '/nix/var/nix/profiles/system',
  currentSystem: '/run/current-system',
  stateDir: '/run/flakedeck',
  store: '',
  sshOptions: [],
  thisHostName: existsSync('/etc/NIXOS') ? hostname() : null,
  privilege: 'auto',
  localUser: '',
  sshControlDir: null,
};

const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)$/;
const userPattern = /^[a-z_][a-z0-9_.-]*$/;
const pathPattern = /^\/[A-Za-z0-9._/+=@-]*$/;

/** Where the app keeps shared ssh connections: the user's runtime folder, else the temporary one, if either is plain. */
export function sshControlParent(env: NodeJS.ProcessEnv = process.env): string | null {
  return [env.XDG_RUNTIME_DIR, tmpdir()].find((dir) => dir && pathPattern.test(dir)) ?? null;
}

function invalid(host: string, message: string): ApiError {
  return new ApiError({
    code: 'DEPLOY_SETTINGS',
    message: `${host}: ${message}`,
    hint: `Set nixosConfigurations."${host}".config.deck.deploy (or colmena's deployment) in the flake.`,
  });
}

const undeclared: DeploySettings['sources'] = {
  targetHost: 'host name',
  targetUser: 'ssh config',
  targetPort: 'ssh config',
  buildOn: 'default',
  sudo: 'default',
};

/** Checks the settings the way ssh and the target's shell will read them: a host is never an option or a command. */
export function checkSettings(host: string, raw: Partial<Record<keyof DeploySettings, unknown>>): DeploySettings {
  const settings = {
    targetHost: raw.targetHost ?? host,
    targetUser: raw.targetUser ?? null,
    targetPort: raw.targetPort ?? null,
    buildOn: raw.buildOn ?? 'local',
    sudo: raw.sudo ?? null,
    source: raw.source ?? 'default',
    sources: raw.sources ?? undeclared,
  };
  if (typeof settings.targetHost !== 'string' || !hostPattern.test(settings.targetHost)) {
    throw invalid(host, `${JSON.stringify(settings.targetHost)} is not a host name or address ssh can be given.`);
  }
  if (
    settings.targetUser !== null &&
    (typeof settings.targetUser !== 'string' || !userPattern.test(settings.targetUser))
  ) {
    throw invalid(host, `${JSON.stringify(settings.targetUser)} is not a user name.`);
  }
  const port = settings.targetPort;
  if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw invalid(host, `${JSON.stringify(port)} is not a port.`);
  }
  if (settings.buildOn !== 'local' && settings.buildOn !== 'remote') {
    throw invalid(host, `buildOn is ${JSON.stringify(settings.buildOn)}; it is "local" or "remote".`);
  }
  if (settings.sudo !== null && typeof settings.sudo !== 'boolean') throw invalid(host, 'sudo is true or false.');
  return settings as DeploySettings;
}

export function checkTargetEnvironment<T extends TargetEnvironment>(env: T): T {
  for (const [name, path] of Object.entries({
    profile: env.profile,
    currentSystem: env.currentSystem,
    stateDir: env.stateDir,
  })) {
    if (!pathPattern.test(path)) throw new Error(`target environment: ${name} "${path}" is not a plain absolute path`);
  }
  if (env.store && !pathPattern.test(env.store)) throw new Error(`target environment: store "${env.store}"`);
  // ssh reads a ControlPath up to a space, and expands % in it.
  if (env.sshControlDir !== null && !pathPattern.test(env.sshControlDir)) {
    throw new Error(`target environment: ssh control folder "${env.sshControlDir}"`);
  }
  // NIX_SSHOPTS is split on whitespace without quoting.
  for (const option of env.sshOptions) {
    if (/\s/.test(option) || option.length === 0) throw new Error(`target environment: ssh option "${option}"`);
  }
  if (env.localUser && !userPattern.test(env.localUser)) throw new Error(`target environment: user "${env.localUser}"`);
  return env;
}

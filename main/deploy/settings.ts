// How a host is reached for deploys (its manifest's deck.deploy) and where things live on it, checked before use.

import { ApiError } from '../../common/api/errors.ts';
import type { DeploySettings as ManifestDeploySettings } from '../../common/model/manifest.ts';

/** Per host, from its manifest (`config.deck.deploy`, colmena's `deployment`, or defaults), checked. */
export type DeploySettings = Omit<ManifestDeploySettings, 'source'>;

/**
 * Where things are on every target, and how ssh reaches them. The defaults are a NixOS machine's; the services'
 * config may change them (tests put the profile, the store and the running system into a test folder). The flake
 * and the API cannot: a host's own settings never move where the app activates from.
 */
export interface DeployEnvironment {
  profile: string;
  currentSystem: string;
  /** Where the activation keeps its state and canary: a tmpfs, so a reboot forgets unfinished activations. */
  stateDir: string;
  /** A chroot store on the target instead of its /nix/store (tests only: proves that a copy copies). */
  store: string;
  /** Extra ssh options (identity file, known hosts); one option word each, no spaces. */
  sshOptions: string[];
  /** How long the target waits for a confirmation before it rolls back by itself. */
  confirmSeconds: number;
  /** How long the app keeps trying to confirm (the switch itself may take this long before the timer starts). */
  confirmGiveUpSeconds: number;
  /** Hosts deployed or built at the same time. */
  parallel: number;
}

export const defaultEnvironment: DeployEnvironment = {
  profile: '/nix/var/nix/profiles/system',
  currentSystem: '/run/current-system',
  stateDir: '/run/flakedeck',
  store: '',
  sshOptions: [],
  confirmSeconds: 30,
  confirmGiveUpSeconds: 600,
  parallel: 4,
};

const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)$/;
const userPattern = /^[a-z_][a-z0-9_.-]*$/;
const pathPattern = /^\/[A-Za-z0-9._/+=@-]*$/;

function invalid(host: string, message: string): ApiError {
  return new ApiError({
    code: 'DEPLOY_SETTINGS',
    message: `${host}: ${message}`,
    hint: `Set nixosConfigurations."${host}".config.deck.deploy in the flake.`,
  });
}

/** Checks the settings the way ssh and the target's shell will read them: a host is never an option or a command. */
export function checkSettings(host: string, raw: Partial<Record<keyof DeploySettings, unknown>>): DeploySettings {
  const settings = {
    targetHost: raw.targetHost ?? host,
    targetUser: raw.targetUser ?? 'root',
    targetPort: raw.targetPort ?? 22,
    buildOn: raw.buildOn ?? 'local',
    sudo: raw.sudo ?? (raw.targetUser ?? 'root') !== 'root',
  };
  if (typeof settings.targetHost !== 'string' || !hostPattern.test(settings.targetHost)) {
    throw invalid(host, `${JSON.stringify(settings.targetHost)} is not a host name or address ssh can be given.`);
  }
  if (typeof settings.targetUser !== 'string' || !userPattern.test(settings.targetUser)) {
    throw invalid(host, `${JSON.stringify(settings.targetUser)} is not a user name.`);
  }
  const port = settings.targetPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid(host, `${JSON.stringify(port)} is not a port.`);
  }
  if (settings.buildOn !== 'local' && settings.buildOn !== 'remote') {
    throw invalid(host, `buildOn is ${JSON.stringify(settings.buildOn)}; it is "local" or "remote".`);
  }
  if (typeof settings.sudo !== 'boolean') throw invalid(host, 'sudo is true or false.');
  return settings as DeploySettings;
}

export function checkEnvironment(env: DeployEnvironment): DeployEnvironment {
  for (const [name, path] of Object.entries({
    profile: env.profile,
    currentSystem: env.currentSystem,
    stateDir: env.stateDir,
  })) {
    if (!pathPattern.test(path)) throw new Error(`deploy environment: ${name} "${path}" is not a plain absolute path`);
  }
  if (env.store && !pathPattern.test(env.store)) throw new Error(`deploy environment: store "${env.store}"`);
  // NIX_SSHOPTS is split on whitespace without quoting.
  for (const option of env.sshOptions) {
    if (/\s/.test(option) || option.length === 0) throw new Error(`deploy environment: ssh option "${option}"`);
  }
  return env;
}

/** `user@host:port`, as runs record the target. */
export function describeTarget(s: DeploySettings): string {
  return `${s.targetUser}@${s.targetHost}:${s.targetPort}`;
}

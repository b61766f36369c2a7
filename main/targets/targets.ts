// Which machine a host of the flake is, and how to reach it: the one place a host becomes a Target (this machine or
// a remote host), with one check of its settings for every caller.

import { hostname } from 'node:os';
import { ApiError } from '../../common/api/errors.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import type { ManifestService } from '../flake/manifest-cache.ts';
import { checkSettings, checkTargetEnvironment } from './settings.ts';
import type { TargetEnvironment } from './settings.ts';
import { LocalTarget, RemoteTarget } from './target.ts';
import type { Target } from './target.ts';
import { sshArgs } from './ssh.ts';
import { SshConnections } from './ssh-connections.ts';
import type { TargetCommand } from './target.ts';

const loopback = new Set(['localhost', '127.0.0.1', '::1', 'ip6-localhost']);

/**
 * Whether a host is the machine the app runs on: its networking.hostName is this machine's (on NixOS), or it is
 * deployed to a loopback address on ssh's own port (a loopback address with another port is a VM or a tunnel).
 */
export function isThisMachine(
  manifest: Pick<HostManifest, 'hostName' | 'deploy'>,
  env: Pick<TargetEnvironment, 'thisHostName'>,
): boolean {
  if (env.thisHostName !== null && manifest.hostName === env.thisHostName) return true;
  const { targetHost, targetPort } = manifest.deploy;
  return loopback.has(targetHost) && (targetPort === null || targetPort === 22);
}

export class Targets {
  readonly #manifests: ManifestService;
  readonly env: TargetEnvironment;
  /** The shared ssh connections, where the environment names a folder for them. */
  readonly connections: SshConnections | undefined;

  constructor(manifests: ManifestService, env: TargetEnvironment) {
    this.#manifests = manifests;
    this.env = checkTargetEnvironment(env);
    this.connections = env.sshControlDir ? new SshConnections(env.sshControlDir) : undefined;
  }

  /** Ends the shared ssh connections. */
  close(): Promise<void> {
    return this.connections?.close() ?? Promise.resolve();
  }

  /** The target of a host of the flake in `folder` (evaluated fresh: settings may have just changed). */
  async forHost(folder: string, host: string): Promise<Target> {
    return this.fromManifest(await this.#manifests.manifest(folder, host));
  }

  fromManifest(manifest: Pick<HostManifest, 'host' | 'hostName' | 'deploy'>): Target {
    const settings = checkSettings(manifest.host, manifest.deploy);
    return isThisMachine(manifest, this.env)
      ? new LocalTarget(manifest.host, settings, this.env)
      : new RemoteTarget(manifest.host, settings, this.env, this.connections);
  }

  /** The host of the flake that is this machine, or null. */
  async thisMachine(folder: string): Promise<string | null> {
    const inspection = await this.#manifests.inspect(folder);
    for (const [host, result] of Object.entries(inspection.hosts)) {
      if (result.ok && isThisMachine(result.manifest, this.env)) return host;
    }
    return null;
  }

  /** The host of the flake that is this machine; an error saying how to make one so when none is. */
  async requireThisMachine(folder: string): Promise<string> {
    const host = await this.thisMachine(folder);
    if (host) return host;
    throw new ApiError({
      code: 'UNKNOWN_HOST',
      message: `No host of ${folder} is this machine.`,
      hint:
        "Set the host's networking.hostName to this machine's host name (or its deploy target to localhost), or name " +
        'a host where the command takes one.',
    });
  }

  /** This machine's host name: the NixOS one given, else the operating system's. */
  hostName(): string {
    return this.env.thisHostName ?? hostname();
  }

  /** An interactive shell on the host: ssh with a terminal, or the user's own shell for this machine. */
  shell(target: Target, userShell: { file: string; args: readonly string[] }): TargetCommand & { title: string } {
    if (target.local)
      return { file: userShell.file, args: [...userShell.args], title: `${target.host} (this machine)` };
    return {
      file: 'ssh',
      args: sshArgs(target.settings, this.env.sshOptions, { tty: true }),
      title: `ssh ${target.address}`,
    };
  }
}

// ssh and nix-over-ssh command lines for a target: argument arrays, with the one remote string quoted word by word.

import { activateScript } from './activate-script.ts';
import type { DeployEnvironment, DeploySettings } from './settings.ts';

/** One word for a POSIX shell, whatever it holds. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export interface SshFlags {
  /** A new TCP connection, never a multiplexed one (the confirmation must prove that new connections work). */
  fresh?: boolean;
  /** A tty on the target, so sudo can ask for a password in the terminal. */
  tty?: boolean;
}

/** `ssh` arguments up to and including the destination. */
export function sshArgs(target: DeploySettings, env: DeployEnvironment, flags: SshFlags = {}): string[] {
  return [
    // Command-line options win over ~/.ssh/config, and the first of each wins: ours go first.
    ...(flags.fresh ? ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'] : []),
    ...(flags.tty ? ['-t'] : ['-T']),
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
    '-p',
    String(target.targetPort),
    ...env.sshOptions,
    '--',
    `${target.targetUser}@${target.targetHost}`,
  ];
}

/** The remote command running one action of the activation script; ssh hands it to the target's login shell. */
export function remoteAction(action: string, args: readonly string[], sudo = false): string {
  const words = [
    ...(sudo ? ['sudo', '-p', shellQuote('[sudo] password for %u on %H: '), '--'] : []),
    'sh',
    '-c',
    shellQuote('SCRIPT="$1"; shift; eval "$SCRIPT"'),
    'flakedeck',
    shellQuote(activateScript),
    shellQuote(action),
    ...args.map(shellQuote),
  ];
  return words.join(' ');
}

/** NIX_SSHOPTS for nix's own ssh (copy, remote builds): nix splits it on spaces, so options hold none. */
export function nixSshOpts(target: DeploySettings, env: DeployEnvironment): string {
  return ['-p', String(target.targetPort), ...env.sshOptions].join(' ');
}

/** The target as a nix store URL; the port travels in NIX_SSHOPTS (Nix 2.8 takes none in the URL). */
export function storeUrl(target: DeploySettings, env: DeployEnvironment, protocol: 'ssh' | 'ssh-ng' = 'ssh'): string {
  const url = `${protocol}://${target.targetUser}@${target.targetHost}`;
  return env.store ? `${url}?remote-store=${env.store}` : url;
}

// The one ssh argument builder and the one quoting function: argument arrays, with the remote command quoted word
// by word. Only what the flake declares is passed; the rest is left to the user's ~/.ssh/config.

import { ApiError } from '../../common/api/errors.ts';
import type { DeploySettings } from './settings.ts';

/** One word for a POSIX shell, whatever it holds: nothing inside single quotes is special but the quote itself. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new ApiError({ code: 'INVALID_ARGUMENTS', message: 'A word cannot contain NUL.' });
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** argv as the one string ssh hands to the target's login shell. */
export function remoteCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Idle seconds after which a shared master connection ends: longer than the default refresh interval (60 s). */
export const masterIdleSeconds = 90;

export interface SshFlags {
  /** A new TCP connection, never a multiplexed one (a confirmation must prove that new connections work). */
  fresh?: boolean;
  /** Shares the master connection behind this control socket, starting it when there is none (ignored when fresh). */
  controlPath?: string;
  /** A tty on the target, so sudo can ask for a password in the terminal. */
  tty?: boolean;
  /** Never ask for a password or a host key: fail instead (nobody is there to answer). */
  batch?: boolean;
  connectTimeoutSeconds?: number;
}

type Reach = Pick<DeploySettings, 'targetHost' | 'targetUser' | 'targetPort'>;

/** `ssh` arguments up to and including the destination. */
export function sshArgs(target: Reach, sshOptions: readonly string[], flags: SshFlags = {}): string[] {
  return [
    // Command-line options win over ~/.ssh/config, and the first of each wins: ours go first.
    ...(flags.fresh
      ? ['-o', 'ControlMaster=no', '-o', 'ControlPath=none']
      : flags.controlPath
        ? [
            '-o',
            'ControlMaster=auto',
            '-o',
            `ControlPath=${flags.controlPath}`,
            '-o',
            `ControlPersist=${masterIdleSeconds}`,
          ]
        : []),
    ...(flags.tty ? ['-t'] : ['-T']),
    ...(flags.batch ? ['-o', 'BatchMode=yes'] : []),
    ...(flags.connectTimeoutSeconds ? ['-o', `ConnectTimeout=${flags.connectTimeoutSeconds}`] : []),
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
    ...(target.targetPort !== null ? ['-p', String(target.targetPort)] : []),
    ...(target.targetUser !== null ? ['-l', target.targetUser] : []),
    ...sshOptions,
    // "--": a host is never read as an option.
    '--',
    target.targetHost,
  ];
}

/** NIX_SSHOPTS for nix's own ssh (copy, remote builds): nix splits it on spaces, so options hold none. */
export function nixSshOpts(target: Reach, sshOptions: readonly string[]): string {
  return [...(target.targetPort !== null ? ['-p', String(target.targetPort)] : []), ...sshOptions].join(' ');
}

/** The target as a nix store URL; the port travels in NIX_SSHOPTS (Nix 2.8 takes none in the URL). */
export function storeUrl(target: Reach, store: string, protocol: 'ssh' | 'ssh-ng' = 'ssh'): string {
  const user = target.targetUser !== null ? `${target.targetUser}@` : '';
  const url = `${protocol}://${user}${target.targetHost}`;
  return store ? `${url}?remote-store=${store}` : url;
}

/** The last line ssh (or the program) wrote to stderr, the reason a person reads first. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}

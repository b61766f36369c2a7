// A machine the app acts on: a remote host over ssh or this machine with local processes. Every action on a machine
// (deploy steps, generations, rollback, the reboot check, live state, a shell) is a command given to one of these.

import { ApiError } from '../../common/api/errors.ts';
import { describeTarget } from '../../common/model/manifest.ts';
import { chooseElevation, elevate, sudoPrompt } from './privilege.ts';
import type { Elevation } from './privilege.ts';
import { runProcess } from './process.ts';
import type { ProcessResult } from './process.ts';
import { lastLine, nixSshOpts, remoteCommand, sshArgs, storeUrl } from './ssh.ts';
import type { SshConnections } from './ssh-connections.ts';
import type { DeploySettings, TargetEnvironment } from './settings.ts';

/** A program and its arguments, for a terminal or the process wrapper. */
export interface TargetCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

export interface CommandOptions {
  /** As root: through sudo on a remote host (as its settings say), through pkexec or sudo on this machine. */
  privileged?: boolean;
  /** A new connection, never a multiplexed one: a confirmation's proof that new connections work (remote only). */
  fresh?: boolean;
  /** Nobody is there to answer a password or host key prompt: fail instead. */
  batch?: boolean;
  connectTimeoutSeconds?: number;
}

export interface RunOptions extends CommandOptions {
  timeoutMs: number;
  input?: string;
  maxOutputBytes?: number;
}

export interface Target {
  /** The host's name under nixosConfigurations. */
  readonly host: string;
  readonly settings: DeploySettings;
  /** This machine: no ssh, privileged steps through pkexec or sudo here. */
  readonly local: boolean;
  /** How it is reached, for people and the history: `alice@web.lan:2222`, `web.lan`, `this machine`. */
  readonly address: string;
  /** The command line running argv on the machine, for a terminal (a pty: sudo may ask there). */
  command(argv: readonly string[], options?: CommandOptions): TargetCommand;
  /** Runs argv on the machine through the process wrapper, within a time limit, asking nothing. */
  run(argv: readonly string[], options: RunOptions): Promise<ProcessResult>;
  /** `nix copy` arguments and environment that send a closure there, or null when it is there already. */
  copyClosure(path: string): { args: string[]; env: Record<string, string> } | null;
  /** `nix build` arguments and environment that build on the machine instead (remote builds only). */
  buildStore(): { args: string[]; env: Record<string, string> } | null;
  /** Reads small text files (null for one that is missing); paths are data, never spliced into a command. */
  readFiles(paths: readonly string[], timeoutMs?: number): Promise<Map<string, string | null>>;
  /** Why a command never reached the machine, as an error a person can act on. */
  unreachable(result: Pick<ProcessResult, 'stderr' | 'code' | 'timedOut'>, what: string): ApiError;
}

/** Prints each file as `path NUL length NUL content` (or `path NUL - NUL` when missing): binary-safe and bounded. */
const readScript = `for f in "$@"; do
  if [ -f "$f" ] && [ -r "$f" ]; then printf '%s\\0%s\\0' "$f" "$(wc -c < "$f")"; head -c 1048576 "$f"; else printf '%s\\0-\\0' "$f"; fi
done`;

function parseFiles(paths: readonly string[], stdout: Buffer): Map<string, string | null> {
  const files = new Map<string, string | null>(paths.map((p) => [p, null]));
  let at = 0;
  const field = () => {
    const end = stdout.indexOf(0, at);
    if (end < 0) return null;
    const text = stdout.subarray(at, end).toString('utf8');
    at = end + 1;
    return text;
  };
  while (at < stdout.length) {
    const path = field();
    const size = field();
    if (path === null || size === null) break;
    if (size === '-') continue;
    const length = Math.min(Number(size), 1048576);
    files.set(path, stdout.subarray(at, at + length).toString('utf8'));
    at += length;
  }
  return files;
}

abstract class BaseTarget implements Target {
  readonly host: string;
  readonly settings: DeploySettings;
  protected readonly env: TargetEnvironment;
  abstract readonly local: boolean;
  abstract readonly address: string;

  constructor(host: string, settings: DeploySettings, env: TargetEnvironment) {
    this.host = host;
    this.settings = settings;
    this.env = env;
  }

  abstract command(argv: readonly string[], options?: CommandOptions): TargetCommand;
  abstract copyClosure(path: string): { args: string[]; env: Record<string, string> } | null;
  abstract buildStore(): { args: string[]; env: Record<string, string> } | null;
  abstract unreachable(result: Pick<ProcessResult, 'stderr' | 'code' | 'timedOut'>, what: string): ApiError;

  run(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
    const { file, args, env } = this.command(argv, { ...options, batch: true });
    return runProcess(file, args, { ...options, env });
  }

  async readFiles(paths: readonly string[], timeoutMs = 20_000): Promise<Map<string, string | null>> {
    const result = await this.run(['sh', '-c', readScript, 'flakedeck', ...paths], { timeoutMs });
    if (result.code !== 0) throw this.unreachable(result, `read ${paths.join(', ')}`);
    return parseFiles(paths, result.stdout);
  }
}

/** A host reached over ssh, with only what the flake declares on the command line. */
export class RemoteTarget extends BaseTarget {
  readonly local = false;
  readonly #connections: SshConnections | undefined;

  /** `connections`: where commands run through the process wrapper share one connection per host. */
  constructor(host: string, settings: DeploySettings, env: TargetEnvironment, connections?: SshConnections) {
    super(host, settings, env);
    this.#connections = connections;
  }

  get address(): string {
    return describeTarget(this.settings);
  }

  command(argv: readonly string[], options: CommandOptions = {}): TargetCommand {
    return this.#command(argv, options);
  }

  /** Through the host's shared connection (unless fresh): a status check or a read needs no new login each time. */
  override async run(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
    const socket = options.fresh ? undefined : this.#connections?.socketFor(this.settings, this.env.sshOptions);
    const { file, args } = this.#command(argv, { ...options, batch: true }, socket);
    const result = await runProcess(file, args, options);
    // A master that no longer answers must not hold up the next command too.
    if (result.timedOut && socket) this.#connections!.forget(socket);
    return result;
  }

  #command(argv: readonly string[], options: CommandOptions, controlPath?: string): TargetCommand {
    const { sudo } = this.settings;
    // sudo undeclared: the login user decides, on the target (root needs none).
    const privileged = options.privileged
      ? sudo === true
        ? ['sudo', '-p', sudoPrompt, '--', ...argv]
        : sudo === null
          ? ['sh', '-c', '[ "$(id -u)" = 0 ] && exec "$@"; exec sudo -p "$0" -- "$@"', sudoPrompt, ...argv]
          : [...argv]
      : [...argv];
    // A terminal on the target only where sudo may ask for a password in it.
    const tty = Boolean(options.privileged && sudo !== false && !options.batch);
    return {
      file: 'ssh',
      args: [
        ...sshArgs(this.settings, this.env.sshOptions, {
          fresh: options.fresh,
          controlPath,
          tty,
          batch: options.batch,
          connectTimeoutSeconds: options.connectTimeoutSeconds ?? (options.batch ? 10 : undefined),
        }),
        remoteCommand(privileged),
      ],
    };
  }

  copyClosure(path: string): { args: string[]; env: Record<string, string> } {
    return {
      args: ['copy', '--to', storeUrl(this.settings, this.env.store), path],
      env: { NIX_SSHOPTS: nixSshOpts(this.settings, this.env.sshOptions) },
    };
  }

  buildStore(): { args: string[]; env: Record<string, string> } {
    return {
      args: ['--store', storeUrl(this.settings, this.env.store, 'ssh-ng'), '--eval-store', 'auto'],
      env: { NIX_SSHOPTS: nixSshOpts(this.settings, this.env.sshOptions) },
    };
  }

  unreachable({ stderr, code, timedOut }: Pick<ProcessResult, 'stderr' | 'code' | 'timedOut'>, what: string): ApiError {
    const reason = timedOut ? 'it did not answer in time' : lastLine(stderr) || `ssh exited with code ${code}`;
    const { targetHost, targetUser, targetPort } = this.settings;
    const login = [
      'ssh',
      ...(targetPort !== null ? ['-p', String(targetPort)] : []),
      ...(targetUser ? ['-l', targetUser] : []),
      targetHost,
    ];
    return new ApiError({
      code: 'SSH_FAILED',
      message: `Could not ${what} on ${this.host} over SSH (${this.address}): ${reason}`,
      hint:
        `Check that the host is up and that \`${login.join(' ')}\` logs in without a prompt: Flakedeck uses your ` +
        'SSH agent and ~/.ssh/config, and never asks for a password.',
      ...(stderr.trim() && { detail: stderr.trim() }),
    });
  }
}

/** This machine: local processes, privileged ones through pkexec or sudo (in the run's terminal). */
export class LocalTarget extends BaseTarget {
  readonly local = true;
  readonly address = 'this machine';

  /** How privileged steps become root here (decided when first needed: the desktop session may start later). */
  elevation(): Elevation {
    return this.env.localUser ? 'sudo' : chooseElevation(this.env.privilege);
  }

  command(argv: readonly string[], options: CommandOptions = {}): TargetCommand {
    let words = [...argv];
    if (options.privileged) {
      // Nobody to ask: sudo must not wait for a password it cannot get.
      const elevation = this.elevation();
      words =
        options.batch && elevation === 'sudo' ? ['sudo', '-n', '--', ...words] : elevate(elevation, words, process.env);
      // Tests start privileged steps as a user whose sudo asks for a password.
      if (this.env.localUser) words = ['runuser', '-u', this.env.localUser, '--', ...words];
    }
    return { file: words[0]!, args: words.slice(1) };
  }

  copyClosure(): null {
    return null;
  }

  buildStore(): null {
    return null;
  }

  unreachable({ stderr, code, timedOut }: Pick<ProcessResult, 'stderr' | 'code' | 'timedOut'>, what: string): ApiError {
    return new ApiError({
      code: 'NIX_FAILED',
      message: `Could not ${what} on this machine: ${timedOut ? 'it took too long' : lastLine(stderr) || `exit ${code}`}`,
      ...(stderr.trim() && { detail: stderr.trim() }),
    });
  }
}

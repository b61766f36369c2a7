// Runs the nix CLI with argument arrays, detects its version, and turns failures into typed errors.

import { spawn } from 'node:child_process';
import { ApiError } from '../../common/api/errors.ts';
import { nixFailure } from './nix-errors.ts';

export interface NixResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface NixVersion {
  /** As printed by `nix --version`, e.g. "2.8.0". */
  version: string;
  major: number;
  minor: number;
  /** `nix build --print-out-paths` exists from 2.9 on; older versions only have `--json`. */
  hasPrintOutPaths: boolean;
}

export interface NixOptions {
  /** The nix executable; a bare name is looked up on PATH. */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once per process started, so tests and benchmarks can count them. */
  onSpawn?: (args: readonly string[]) => void;
}

export interface RunOptions {
  cwd?: string;
  signal?: AbortSignal;
  /** Folder that `/nix/store/…-source` paths in error messages map back to. */
  sourceRoot?: string;
}

/** Flakes and the `nix` command are experimental before Nix 2.x-stable releases; asking for them is harmless after. */
const featureFlags = ['--extra-experimental-features', 'nix-command flakes'];

export class Nix {
  readonly #binary: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #onSpawn?: (args: readonly string[]) => void;
  #version?: Promise<NixVersion>;

  constructor(options: NixOptions = {}) {
    this.#binary = options.binary ?? 'nix';
    this.#env = options.env ?? process.env;
    this.#onSpawn = options.onSpawn;
  }

  /** The program and arguments of a nix command, for callers that run it elsewhere (in a terminal, say). */
  commandLine(args: readonly string[]): { file: string; args: string[] } {
    return { file: this.#binary, args: [...featureFlags, ...args] };
  }

  /** Runs nix and resolves with its exit code and output; rejects only when nix cannot be started. */
  run(args: readonly string[], options: RunOptions = {}): Promise<NixResult> {
    const argv = [...featureFlags, ...args];
    this.#onSpawn?.(argv);
    return new Promise((resolve, reject) => {
      const child = spawn(this.#binary, argv, {
        cwd: options.cwd,
        env: this.#env,
        signal: options.signal,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? nixMissing(this.#binary) : e));
      child.on('close', (code, signal) =>
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
    });
  }

  /** Runs nix and returns stdout, or throws a typed error built from stderr. */
  async output(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    // stdout may hold partial JSON when evaluation fails half-way: the exit code decides, not the output.
    if (result.code !== 0) throw nixFailure(result.stderr, options.sourceRoot);
    return result.stdout;
  }

  /**
   * `nix eval --json` of an installable, optionally through an `--apply` expression, with inputs of its flake
   * replaced (`--override-input name flakeref`).
   */
  async evalJson<T>(
    installable: string,
    options: RunOptions & { apply?: string; overrideInputs?: Record<string, string> } = {},
  ): Promise<T> {
    const args = ['eval', '--json', '--no-write-lock-file', '--log-format', 'internal-json', '--show-trace'];
    for (const [name, ref] of Object.entries(options.overrideInputs ?? {})) args.push('--override-input', name, ref);
    if (options.apply !== undefined) args.push('--apply', options.apply);
    args.push(installable);
    return JSON.parse(await this.output(args, options)) as T;
  }

  version(): Promise<NixVersion> {
    this.#version ??= this.run(['--version']).then((r) => parseVersion(r.stdout));
    this.#version.catch(() => (this.#version = undefined));
    return this.#version;
  }
}

export function parseVersion(text: string): NixVersion {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?\S*/.exec(text);
  if (!match) throw new ApiError({ code: 'NIX_FAILED', message: `Cannot read the Nix version from "${text.trim()}".` });
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return { version: match[0], major, minor, hasPrintOutPaths: major > 2 || (major === 2 && minor >= 9) };
}

function nixMissing(binary: string): ApiError {
  return new ApiError({
    code: 'NIX_MISSING',
    message: `Nix is not installed, or "${binary}" is not on the PATH.`,
    hint: 'Install Nix (https://nixos.org/download), then restart Flakedeck from a shell where `nix --version` works.',
  });
}

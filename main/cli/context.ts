// What every CLI command gets: parsed flags, output streams, and the services opened on demand.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import { dataDir } from '../app-paths.ts';
import { findFlakeUpwards, resolveFlakeFolder } from '../flake/flake-folder.ts';
import { Nix } from '../flake/nix.ts';
import type { KeyService } from '../keys/key-service.ts';
import type { ServiceConfig, Services } from '../services.ts';

/**
 * The folder this CLI runs from: in a checkout the repository, whose flake is the default when the current folder
 * has none; installed (npm, Nix), the package, which holds no flake.
 */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Resolves once what `out` was given has gone out: a long stream waits here instead of piling up in memory. */
  drained?(): Promise<void>;
}

export class CliContext {
  readonly io: Output;
  readonly nix = new Nix();
  /** Services settings beyond the defaults (tests point deploys at a loopback target this way). */
  readonly #config: Partial<ServiceConfig>;
  #services?: Services;

  constructor(io: Output, config: Partial<ServiceConfig> = {}) {
    this.io = io;
    this.#config = config;
  }

  /** `--flake PATH`, else the flake in the current folder (or above it), else this repository's. */
  flakeFolder(flag: string | undefined): string {
    const folder = flag ?? findFlakeUpwards(process.cwd());
    if (folder !== undefined) return resolveFlakeFolder(folder);
    if (existsSync(join(repoRoot, 'flake.nix'))) return repoRoot;
    throw new ApiError({
      code: 'NOT_A_FLAKE',
      message: `There is no flake.nix in ${process.cwd()} or the folders above it.`,
      hint: "Run the command inside your flake's folder, or name it with --flake PATH.",
    });
  }

  /** The age keys in the OS keychain (tests give a keychain of their own), without opening the services. */
  async keys(): Promise<KeyService> {
    const { KeyService } = await import('../keys/key-service.ts');
    return new KeyService(this.#config.keychain);
  }

  /**
   * The services with the history database the app also uses; opened only by commands that need it, and loaded
   * then too, so that a command without them starts without SQLite, ptys and the deploy pipeline.
   */
  async services(): Promise<Services> {
    const { createServices } = await import('../services.ts');
    if (this.#services) return this.#services;
    this.#services = createServices({
      dataDir: dataDir(),
      defaultFlake: repoRoot,
      appVersion: packageVersion(),
      ...this.#config,
    });
    const problem = this.#services.historyProblem;
    if (problem) {
      this.io.err(`flakedeck: the history is off, nothing of this command is kept: ${problem.message}\n`);
      if (problem.hint) this.io.err(`  ${problem.hint}\n`);
    }
    return this.#services;
  }

  /** `reason`: why runs still in flight end (a signal stopped the command). */
  close(reason?: string): void {
    this.#services?.close(reason);
    this.#services = undefined;
  }
}

export function printJson(io: Output, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

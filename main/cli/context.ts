// What every CLI command gets: parsed flags, output streams, and the services opened on demand.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDir } from '../app-paths.ts';
import { findFlakeUpwards, resolveFlakeFolder } from '../flake/flake-folder.ts';
import { Nix } from '../flake/nix.ts';
import { KeyService } from '../keys/key-service.ts';
import { createServices } from '../services.ts';
import type { ServiceConfig, Services } from '../services.ts';

/** The repository this CLI ships in: its flake is the default when the current folder has none. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
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
    return resolveFlakeFolder(flag ?? findFlakeUpwards(process.cwd()) ?? repoRoot);
  }

  /** The age keys in the OS keychain (tests give a keychain of their own), without opening the services. */
  keys(): KeyService {
    return new KeyService(this.#config.keychain);
  }

  /** The services with the history database the app also uses; opened only by commands that need it. */
  services(): Services {
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

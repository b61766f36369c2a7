// The system each host of a flake builds now (its toplevel's out path), evaluated without building, and kept per
// content of the flake so an unchanged flake is not evaluated again.

import { ApiError } from '../../common/api/errors.ts';
import type { ApiErrorData } from '../../common/api/errors.ts';
import { installable, sourceRootOf } from '../flake/flake-folder.ts';
import { flakeFingerprint } from '../flake/flake-fingerprint.ts';
import type { Nix } from '../flake/nix.ts';

/** A host's system as the flake builds it now, or why it does not evaluate (with the user's file and line). */
export type FlakeSystem = { path: string } | { error: ApiErrorData };
export type FlakeSystemMap = Map<string, FlakeSystem>;

const allOutPaths = 'configs: builtins.mapAttrs (name: config: config.config.system.build.toplevel.outPath) configs';

export class FlakeSystems {
  readonly #nix: Nix;
  /** Per folder: the fingerprint evaluated, and the out paths it gave (a host that failed is absent). */
  readonly #known = new Map<
    string,
    { fingerprint: string; systems: Promise<FlakeSystemMap>; resolved?: FlakeSystemMap }
  >();

  constructor(nix: Nix) {
    this.#nix = nix;
  }

  /** The out paths of the hosts' systems; a host that does not evaluate has none. */
  systems(folder: string, hosts: readonly string[]): Promise<FlakeSystemMap> {
    // A folder outside git has no fingerprint: evaluated each time.
    const fingerprint = flakeFingerprint(folder) ?? `now:${Date.now()}`;
    const known = this.#known.get(folder);
    if (known?.fingerprint === fingerprint) return known.systems;
    const entry: { fingerprint: string; systems: Promise<FlakeSystemMap>; resolved?: FlakeSystemMap } = {
      fingerprint,
      systems: this.#evaluate(folder, hosts),
    };
    this.#known.set(folder, entry);
    entry.systems.then(
      (resolved) => (entry.resolved = resolved),
      () => this.#known.delete(folder),
    );
    return entry.systems;
  }

  /** The out paths evaluated for the flake as it is now, if that evaluation has finished. */
  known(folder: string): FlakeSystemMap | undefined {
    const entry = this.#known.get(folder);
    return entry?.resolved && entry.fingerprint === flakeFingerprint(folder) ? entry.resolved : undefined;
  }

  async #evaluate(folder: string, hosts: readonly string[]): Promise<FlakeSystemMap> {
    const options = { cwd: folder, sourceRoot: sourceRootOf(folder) };
    try {
      // One process for every host: the usual case, where all of them evaluate.
      const all = await this.#nix.evalJson<Record<string, string>>(installable(folder, ['nixosConfigurations']), {
        ...options,
        apply: allOutPaths,
      });
      return new Map(Object.entries(all).map(([host, path]) => [host, { path }]));
    } catch {
      // One host's error fails the whole attribute set: ask each alone, so the others still get an answer.
      const each = await Promise.all(
        hosts.map((host) =>
          this.#nix
            .evalJson<string>(
              installable(folder, ['nixosConfigurations', host, 'config', 'system', 'build', 'toplevel', 'outPath']),
              options,
            )
            .then(
              (path): [string, FlakeSystem] => [host, { path }],
              (error: unknown): [string, FlakeSystem] => [host, { error: errorData(error) }],
            ),
        ),
      );
      return new Map(each);
    }
  }
}

function errorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData();
  return { code: 'NIX_FAILED', message: error instanceof Error ? error.message : String(error) };
}

// The system each host of a flake builds now (its toplevel's out path), evaluated without building, and kept per
// content of the flake so an unchanged flake is not evaluated again.

import { installable, sourceRootOf } from '../flake/flake-folder.ts';
import { flakeFingerprint } from '../flake/flake-fingerprint.ts';
import type { Nix } from '../flake/nix.ts';

const allOutPaths = 'configs: builtins.mapAttrs (name: config: config.config.system.build.toplevel.outPath) configs';

export class FlakeSystems {
  readonly #nix: Nix;
  /** Per folder: the fingerprint evaluated, and the out paths it gave (a host that failed is absent). */
  readonly #known = new Map<
    string,
    { fingerprint: string; systems: Promise<Map<string, string>>; resolved?: Map<string, string> }
  >();

  constructor(nix: Nix) {
    this.#nix = nix;
  }

  /** The out paths of the hosts' systems; a host that does not evaluate has none. */
  systems(folder: string, hosts: readonly string[]): Promise<Map<string, string>> {
    // A folder outside git has no fingerprint: evaluated each time.
    const fingerprint = flakeFingerprint(folder) ?? `now:${Date.now()}`;
    const known = this.#known.get(folder);
    if (known?.fingerprint === fingerprint) return known.systems;
    const entry: { fingerprint: string; systems: Promise<Map<string, string>>; resolved?: Map<string, string> } = {
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
  known(folder: string): Map<string, string> | undefined {
    const entry = this.#known.get(folder);
    return entry?.resolved && entry.fingerprint === flakeFingerprint(folder) ? entry.resolved : undefined;
  }

  async #evaluate(folder: string, hosts: readonly string[]): Promise<Map<string, string>> {
    const options = { cwd: folder, sourceRoot: sourceRootOf(folder) };
    try {
      // One process for every host: the usual case, where all of them evaluate.
      const all = await this.#nix.evalJson<Record<string, string>>(installable(folder, ['nixosConfigurations']), {
        ...options,
        apply: allOutPaths,
      });
      return new Map(Object.entries(all));
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
              (path) => [host, path] as const,
              () => null,
            ),
        ),
      );
      return new Map(each.filter((e) => e !== null));
    }
  }
}

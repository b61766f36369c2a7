// The baseline of the inspection benchmarks: the `nix eval` a person would run by hand for what an inspection reads,
// `<flake>#nixosConfigurations` through nix/inspect.nix, without the flake the app evaluates it through.

import { installable } from '../main/flake/flake-folder.ts';
import { inspectSource } from '../main/flake/inspect.ts';
import { Nix } from '../main/flake/nix.ts';

/** Runs that `nix eval` once on the flake in `folder`; rejects when it fails. */
export function bareInspectEval(folder: string): Promise<unknown> {
  return new Nix().evalJson(installable(folder, ['nixosConfigurations']), { apply: inspectSource().text, cwd: folder });
}

// Lists the NixOS hosts a flake declares, with one nix evaluation.

import type { HostSummary } from '../../common/model/flake.ts';
import { ApiError } from '../../common/api/errors.ts';
import { installable, sourceRootOf } from './flake-folder.ts';
import type { Nix } from './nix.ts';

export async function listHosts(nix: Nix, folder: string): Promise<HostSummary[]> {
  try {
    const names = await nix.evalJson<string[]>(installable(folder, ['nixosConfigurations']), {
      apply: 'builtins.attrNames',
      cwd: folder,
      sourceRoot: sourceRootOf(folder),
    });
    return names.map((name) => ({ name }));
  } catch (error) {
    // A flake without NixOS hosts is a valid flake with nothing to show, not a failure.
    if (error instanceof ApiError && /does not provide attribute .*'nixosConfigurations'/s.test(error.message))
      return [];
    throw error;
  }
}

// The Nix to add by hand for a host that does not read persist.json: impermanence's lines that keep the given paths.

import type { EntryKind, HostManifest } from '../../../common/model/manifest.ts';
import { isWithin } from '../../../common/model/path-location.ts';

export interface PathToKeep {
  path: string;
  kind: EntryKind;
}

const list = (indent: string, name: string, items: string[]) =>
  items.length ? [`${indent}${name} = [`, ...items.map((i) => `${indent}  ${JSON.stringify(i)}`), `${indent}];`] : [];

/**
 * `environment.persistence."<root>"` with the paths, those in a user's home under `users.<name>` relative to it; on
 * the host's first NixOS persistent root, else on "/persist" with the import of impermanence's module it then needs.
 */
export function persistenceSnippet(
  manifest: Pick<HostManifest, 'host' | 'persistentRoots' | 'homes'>,
  paths: readonly PathToKeep[],
): string {
  const root = manifest.persistentRoots.find((r) => r.source === 'nixos');
  const system = { directory: [] as string[], file: [] as string[] };
  const homes = new Map<string, { directory: string[]; file: string[] }>();
  for (const { path, kind } of paths) {
    const home = manifest.homes.find((h) => isWithin(path, h.home) && path !== h.home);
    if (!home) {
      system[kind].push(path);
      continue;
    }
    const lists = homes.get(home.user) ?? { directory: [], file: [] };
    lists[kind].push(path.slice(home.home.length + 1));
    homes.set(home.user, lists);
  }
  const lines = [`# In a module of ${manifest.host}:`];
  if (!root) {
    lines.push(
      '# It has no persistent root yet: import impermanence and mount a file system that is kept at /persist.',
      'imports = [ inputs.impermanence.nixosModules.impermanence ];',
    );
  }
  lines.push(`environment.persistence.${JSON.stringify(root?.storage ?? '/persist')} = {`);
  lines.push(...list('  ', 'directories', system.directory), ...list('  ', 'files', system.file));
  for (const [user, lists] of homes) {
    lines.push(`  users.${user} = {`);
    lines.push(...list('    ', 'directories', lists.directory), ...list('    ', 'files', lists.file));
    lines.push('  };');
  }
  lines.push('};');
  return lines.join('\n');
}

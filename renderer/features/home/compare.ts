// One user's home-manager environment side by side across hosts: what is the same everywhere and what differs.

import type { HomeManagerUser } from '../../../common/model/manifest.ts';

export interface CompareRow {
  key: string;
  /** Per host: the value (a version, "on", a variable's value), or null where the host lacks it. */
  values: Record<string, string | null>;
}

export interface CompareSection {
  id: 'packages' | 'programs' | 'services' | 'files' | 'sessionVariables';
  title: string;
  same: CompareRow[];
  differs: CompareRow[];
}

const present = 'on';

function section(
  id: CompareSection['id'],
  title: string,
  homes: readonly { host: string; home: HomeManagerUser }[],
  valuesOf: (home: HomeManagerUser) => Record<string, string>,
): CompareSection {
  const perHost = homes.map(({ host, home }) => ({ host, values: valuesOf(home) }));
  const keys = [...new Set(perHost.flatMap((h) => Object.keys(h.values)))].sort((a, b) => a.localeCompare(b));
  const same: CompareRow[] = [];
  const differs: CompareRow[] = [];
  for (const key of keys) {
    const values = Object.fromEntries(perHost.map((h) => [h.host, h.values[key] ?? null]));
    const all = Object.values(values);
    (all.every((v) => v !== null && v === all[0]) ? same : differs).push({ key, values });
  }
  return { id, title, same, differs };
}

/** The sections of the comparison of one user's environment on the given hosts. */
export function compareHomes(homes: readonly { host: string; home: HomeManagerUser }[]): CompareSection[] {
  const flags = (names: string[]) => Object.fromEntries(names.map((n) => [n, present]));
  return [
    section('packages', 'Packages', homes, (h) =>
      Object.fromEntries(h.packages.map((p) => [p, h.packageVersions[p] ?? present])),
    ),
    section('programs', 'Programs', homes, (h) => flags(h.programs)),
    section('services', 'Services', homes, (h) => flags(h.services)),
    section('files', 'Managed files', homes, (h) => flags(h.files)),
    section('sessionVariables', 'Session variables', homes, (h) => h.sessionVariables),
  ];
}

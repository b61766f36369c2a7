// How the hosts differ: their running systems (NixOS version, nixpkgs, kernel) and what the flake declares for them
// (stateVersion, home-manager, packages and services), side by side.

import type { DriftItem, DriftRow, FleetDrift, HostStatus } from '../../common/model/fleet.ts';
import type { HostManifest, Inspection } from '../../common/model/manifest.ts';

function row(label: string, hosts: readonly string[], value: (host: string) => string | null): DriftRow {
  const values = Object.fromEntries(hosts.map((h) => [h, value(h)]));
  // A value not known (a host not reached) is no difference.
  const known = Object.values(values).filter((v) => v !== null);
  return { label, values, differs: new Set(known).size > 1 };
}

/** Items that are not the same on every host: missing somewhere, or at another version. */
function differing(hosts: readonly string[], itemsOf: (host: string) => Map<string, string>): DriftItem[] {
  const per = new Map(hosts.map((h) => [h, itemsOf(h)]));
  const names = new Set([...per.values()].flatMap((m) => [...m.keys()]));
  return [...names]
    .sort()
    .map((name) => ({ name, values: Object.fromEntries(hosts.map((h) => [h, per.get(h)!.get(name) ?? null])) }))
    .filter(({ values }) => new Set(Object.values(values)).size > 1);
}

/** Home-manager packages of every user of a host, with versions where the package says. */
function packagesOf(manifest: HostManifest | undefined): Map<string, string> {
  const packages = new Map<string, string>();
  for (const user of Object.values(manifest?.homeManager ?? {})) {
    for (const name of user.packages) packages.set(name, user.packageVersions[name] ?? '');
  }
  return packages;
}

function servicesOf(manifest: HostManifest | undefined): Map<string, string> {
  const services = new Map<string, string>((manifest?.services ?? []).map((s) => [s.name, '']));
  for (const [user, hm] of Object.entries(manifest?.homeManager ?? {})) {
    for (const name of hm.services) services.set(`${name} (${user}, home-manager)`, '');
  }
  return services;
}

export function fleetDrift(inspection: Inspection, statuses: readonly HostStatus[]): FleetDrift {
  const hosts = Object.keys(inspection.hosts);
  const manifest = (h: string) => {
    const result = inspection.hosts[h];
    return result?.ok ? result.manifest : undefined;
  };
  const reading = (h: string) => statuses.find((s) => s.host === h)?.live?.reading ?? null;
  const homeManager = (h: string) => {
    const declared = manifest(h);
    if (!declared) return null;
    const users = Object.values(declared.homeManager);
    return users.length ? users.map((u) => `${u.username} ${u.stateVersion ?? ''}`.trim()).join(', ') : 'none';
  };
  return {
    hosts,
    rows: [
      row('NixOS version (running)', hosts, (h) => reading(h)?.nixosVersion ?? null),
      row('nixpkgs revision (running)', hosts, (h) => reading(h)?.nixpkgsRevision?.slice(0, 12) ?? null),
      row('Kernel (running)', hosts, (h) => reading(h)?.kernel ?? null),
      row('system.stateVersion', hosts, (h) => manifest(h)?.stateVersion ?? null),
      row('home-manager users', hosts, homeManager),
    ],
    packages: differing(hosts, (h) => packagesOf(manifest(h))),
    services: differing(hosts, (h) => servicesOf(manifest(h))),
    behind: statuses.filter((s) => s.freshness === 'behind').map((s) => s.host),
  };
}

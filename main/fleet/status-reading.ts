// Reads the status script's marker lines into a HostReading: running and booted systems, reboot need, generation,
// versions, failed units, uptime and disks.

import type { DiskUse, HostReading } from '../../common/model/fleet.ts';
import { storeName } from '../../common/model/system-name.ts';

interface Marker {
  name: string;
  rest: string;
  words: string[];
}

function markers(output: string): Marker[] {
  const found: Marker[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('@flakedeck ')) continue;
    const text = line.slice('@flakedeck '.length);
    const space = text.indexOf(' ');
    const name = space < 0 ? text : text.slice(0, space);
    const rest = space < 0 ? '' : text.slice(space + 1);
    found.push({ name, rest, words: rest.split(' ').filter(Boolean) });
  }
  return found;
}

const storePath = (text: string | undefined): string | null => (text && text.startsWith('/') ? text : null);

/** "24.05.20240601.abcdef1 (Uakari)" → "abcdef1": NixOS versions end with nixpkgs' short revision. */
function revisionOfVersion(version: string | null): string | null {
  const last = version?.split(' ')[0]?.split('.').at(-1);
  return last && /^[0-9a-f]{7,40}$/.test(last) ? last : null;
}

function versionJson(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** One link `find` listed: its own modification time (seconds) and where it points ("" when not a link). */
interface Link {
  seconds: number;
  target: string;
}

/** `link SECONDS TARGET<tab>PATH` markers, by path. */
function links(all: readonly Marker[]): Map<string, Link> {
  const found = new Map<string, Link>();
  for (const { name, rest } of all) {
    if (name !== 'link') continue;
    const space = rest.indexOf(' ');
    const tab = rest.indexOf('\t', space);
    if (space < 0 || tab < 0) continue;
    found.set(rest.slice(tab + 1), {
      seconds: Math.floor(Number(rest.slice(0, space))),
      target: rest.slice(space + 1, tab),
    });
  }
  return found;
}

const bootParts = ['kernel', 'initrd', 'kernel-modules'] as const;

/** The complete output of the status script (ending in its `end` marker); null when it was cut short. */
export function parseReading(output: string): HostReading | null {
  const all = markers(output);
  if (!all.some((m) => m.name === 'end')) return null;
  const one = (name: string) => all.find((m) => m.name === name);
  const currentSystem = storePath(one('current')?.rest);
  const bootedSystem = storePath(one('booted')?.rest);
  const listed = links(all);
  const store = one('store')?.rest ?? '';
  const part = (system: string | null, name: string) =>
    (system ? listed.get(`${store}${system}/${name}`)?.target : undefined) || null;
  // What NixOS itself compares to tell that a reboot is needed; a host without a booted system asks for none.
  const rebootReasons = bootParts.filter((name) => {
    const [current, booted] = [part(currentSystem, name), part(bootedSystem, name)];
    return current !== null && booted !== null && current !== booted;
  });

  // The kernel that runs is the booted system's; the current one's only waits for a reboot.
  const kernelPath = part(bootedSystem, 'kernel') ?? part(currentSystem, 'kernel');
  const profile = one('profile')?.rest ?? '';
  const generationOf = (path: string) => {
    const match = /^-(\d+)-link$/.exec(path.slice(profile.length));
    return profile && path.startsWith(profile) && match ? Number(match[1]) : null;
  };
  const generations = [...listed]
    .flatMap(([path, link]) => {
      const number = generationOf(path);
      return number === null || !Number.isFinite(link.seconds)
        ? []
        : [{ number, date: link.seconds * 1000, path: storePath(link.target) }];
    })
    .sort((a, b) => a.number - b.number);
  // The profile points at its current generation's link, by a relative name ("system-42-link").
  const currentLink = /-(\d+)-link$/.exec(listed.get(profile)?.target ?? '');
  const generation = currentLink ? Number(currentLink[1]) : null;
  const generationDate = generations.find((g) => g.number === generation)?.date ?? null;

  const json = versionJson(one('version-json')?.rest);
  const nixosVersion = stringOrNull(json.nixosVersion) ?? stringOrNull(one('version')?.rest);

  const failedStatus = one('failed-status')?.rest;
  const failedUnits = failedStatus === '0' ? all.filter((m) => m.name === 'failed').map((m) => m.rest) : null;

  const uptime = Number.parseFloat(one('uptime')?.rest ?? '');
  const disks: DiskUse[] = all
    .filter((m) => m.name === 'df' && m.words.length >= 4)
    .map(({ words: [size, used, available, ...mount] }) => ({
      mountPoint: mount.join(' '),
      size: Number(size) * 1024,
      used: Number(used) * 1024,
      available: Number(available) * 1024,
    }))
    .filter((d) => Number.isFinite(d.size) && Number.isFinite(d.used));
  // df names each file system once per path asked; the first line is /'s.
  const [root = null, ...others] = disks;
  const persistent = dedupe(others.filter((d) => d.mountPoint !== root?.mountPoint));

  return {
    currentSystem,
    bootedSystem,
    rebootNeeded: rebootReasons.length > 0,
    rebootReasons: [...rebootReasons],
    kernel: kernelPath ? storeName(kernelPath) : null,
    generation,
    generationDate,
    generations,
    nixosVersion,
    nixpkgsRevision: stringOrNull(json.nixpkgsRevision) ?? revisionOfVersion(nixosVersion),
    configurationRevision: stringOrNull(json.configurationRevision),
    failedUnits,
    uptimeSeconds: Number.isFinite(uptime) ? Math.floor(uptime) : null,
    root,
    persistent,
  };
}

function dedupe(disks: DiskUse[]): DiskUse[] {
  const seen = new Set<string>();
  return disks.filter((d) => !seen.has(d.mountPoint) && seen.add(d.mountPoint));
}

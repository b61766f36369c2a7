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

/** The complete output of the status script (ending in its `end` marker); null when it was cut short. */
export function parseReading(output: string): HostReading | null {
  const all = markers(output);
  if (!all.some((m) => m.name === 'end')) return null;
  const one = (name: string) => all.find((m) => m.name === name);
  const currentSystem = storePath(one('current')?.rest);
  const bootedSystem = storePath(one('booted')?.rest);
  const rebootReasons = all
    .filter((m) => m.name === 'boot-part')
    .filter(({ words: [, current, booted] }) => current !== '-' && booted !== '-' && current !== booted)
    .map((m) => m.words[0]!);

  // The kernel that runs is the booted system's; the current one's only waits for a reboot.
  const [, currentKernel, bootedKernel] =
    all.find((m) => m.name === 'boot-part' && m.words[0] === 'kernel')?.words ?? [];
  const kernelPath = bootedKernel && bootedKernel !== '-' ? bootedKernel : currentKernel;
  const generationWords = one('generation')?.words ?? [];
  const generation = Number.parseInt(generationWords[0] ?? '', 10);
  const generationSeconds = Number.parseInt(generationWords[1] ?? '', 10);

  const generations = all
    .filter((m) => m.name === 'profile-generation' && m.words.length >= 2)
    .map(({ words: [n, seconds, path] }) => ({
      number: Number(n),
      date: Number(seconds) * 1000,
      path: storePath(path),
    }))
    .filter((g) => Number.isInteger(g.number) && Number.isFinite(g.date))
    .sort((a, b) => a.number - b.number);

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
    // A host without a booted-system link (not booted into NixOS yet) does not ask for a reboot.
    rebootNeeded: rebootReasons.length > 0,
    rebootReasons,
    kernel: kernelPath && kernelPath !== '-' ? storeName(kernelPath) : null,
    generation: Number.isFinite(generation) ? generation : null,
    generationDate: Number.isFinite(generationSeconds) ? generationSeconds * 1000 : null,
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

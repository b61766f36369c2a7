// The live check "what will the next reboot wipe": on the host (over SSH, or this machine), list the files on its
// ephemeral root that no persistence entry covers, bounded in time and count, grouped by folder with sizes.

import { ApiError } from '../../common/api/errors.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import { coveringEntry, isWithin, normalisePath } from '../../common/model/path-location.ts';
import type { RebootDiff, WipedFile, WipedGroup } from '../../common/model/reboot-diff.ts';
import { shellQuote } from '../targets/ssh.ts';
import type { Target } from '../targets/target.ts';
import type { Targets } from '../targets/targets.ts';
import type { ManifestService } from './manifest-cache.ts';

export interface RebootCheckOptions {
  /** The folder that stands for the host's `/` (tests point it at a prepared folder). */
  rootPrefix?: string;
  /** The scan stops after this many files. */
  maxFiles?: number;
  /** The remote scan stops after this long. */
  timeoutSeconds?: number;
  connectTimeoutSeconds?: number;
}

/** Empty at every boot whatever the configuration says, or not part of the root's state. */
export const alwaysSkipped = ['/tmp', '/run', '/proc', '/sys', '/dev', '/nix', '/lost+found'];

const largestPerGroup = 20;
const maxOutputBytes = 64 * 1024 * 1024;
const maxWarnings = 20;

/** A path as a find -path pattern that matches only itself. */
function literalPattern(path: string): string {
  return path.replace(/[\\*?[\]]/g, '\\$&');
}

/** What the scan leaves out: always-ephemeral paths, other mounts, persistent roots and every persisted path. */
export function skippedPaths(manifest: HostManifest): string[] {
  const paths = new Set<string>(alwaysSkipped);
  for (const fs of manifest.fileSystems) if (fs.mountPoint !== '/' && !fs.bind) paths.add(fs.mountPoint);
  for (const root of manifest.persistentRoots) paths.add(root.storage);
  for (const entry of manifest.persistence) paths.add(entry.path);
  return [...paths].filter((p) => p !== '/').sort();
}

/** The fixed script sent on stdin; every value in it is quoted, none comes from the host. */
export function scanScript(root: string, skipped: readonly string[], maxFiles: number, timeoutSeconds: number): string {
  const prunes = skipped.map((p) => `-path ${shellQuote(`.${literalPattern(p)}`)}`).join(' -o ');
  const prune = prunes ? `\\( ${prunes} \\) -prune -o ` : '';
  return [
    'set -u',
    `cd ${shellQuote(root)} || { echo "flakedeck: cannot enter the folder" >&2; exit 3; }`,
    `if command -v timeout >/dev/null 2>&1; then limit="timeout ${timeoutSeconds}"; else limit=""; fi`,
    // Four NUL-terminated fields per file: type, size, path relative to the root, link target.
    `{ $limit find . -xdev ${prune}\\( -type f -o -type l \\) -printf '%y\\0%s\\0%P\\0%l\\0'; ` +
      `echo "flakedeck-find-status $?" >&2; } | head -z -n ${4 * (maxFiles + 1)}`,
    '',
  ].join('\n');
}

/** The folder a wiped file is grouped under: three levels deep, one more inside folders that only hold others. */
export function groupFolder(path: string): string {
  const parts = path.split('/').filter(Boolean).slice(0, -1);
  const containers = [
    /^\/var\/(lib|cache)$/,
    /^\/var\/lib\/private$/,
    /^\/home\/[^/]+$/,
    /^\/(root|home\/[^/]+)\/\.(config|cache|local)$/,
    /^\/(root|home\/[^/]+)\/\.local\/(share|state)$/,
  ];
  let depth = Math.min(parts.length, 3);
  while (depth < parts.length && containers.some((c) => c.test(`/${parts.slice(0, depth).join('/')}`))) depth++;
  return `/${parts.slice(0, depth).join('/')}`;
}

/** Links activation makes again at every boot: into the store, /etc/static or the current system. */
function regenerated(type: string, target: string): boolean {
  return type === 'l' && /^\/(nix\/store|etc\/static|run\/current-system)(\/|$)/.test(target);
}

interface ScanOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export class RebootCheck {
  readonly #manifests: ManifestService;
  readonly #targets: Targets;
  readonly #options: Required<RebootCheckOptions>;

  constructor(manifests: ManifestService, targets: Targets, options: RebootCheckOptions = {}) {
    this.#manifests = manifests;
    this.#targets = targets;
    this.#options = {
      rootPrefix: options.rootPrefix ?? '/',
      maxFiles: options.maxFiles ?? 20_000,
      timeoutSeconds: options.timeoutSeconds ?? 20,
      connectTimeoutSeconds: options.connectTimeoutSeconds ?? 10,
    };
  }

  async run(folder: string, host: string): Promise<RebootDiff> {
    const manifest = await this.#manifests.manifest(folder, host);
    // The same check of the settings as a deploy's, before anything runs.
    const target = this.#targets.fromManifest(manifest);
    const base = {
      host,
      target: target.address,
      root: this.#options.rootPrefix,
      ephemeralRoot: manifest.ephemeralRoot,
      checkedAt: Date.now(),
    };
    if (!manifest.ephemeralRoot) {
      return {
        ...base,
        files: 0,
        bytes: 0,
        groups: [],
        truncated: false,
        timedOut: false,
        regenerated: 0,
        skipped: [],
        warnings: [],
      };
    }
    const skipped = skippedPaths(manifest);
    const { maxFiles, timeoutSeconds } = this.#options;
    const output = await this.#scan(target, scanScript(this.#options.rootPrefix, skipped, maxFiles, timeoutSeconds));
    return { ...base, ...summarise(manifest, skipped, output, maxFiles), skipped };
  }

  /**
   * Runs the scan on the target: the remote command is fixed (`sh -s`), the script and its quoted values arrive on
   * stdin. On this machine it runs as root where that can be had without a terminal (pkexec's dialog, or sudo that
   * asks nothing), else as the user, whose unreadable folders the warnings name.
   */
  async #scan(target: Target, script: string): Promise<ScanOutput> {
    const { connectTimeoutSeconds, timeoutSeconds } = this.#options;
    const run = (privileged: boolean) =>
      target.run(['sh', '-s'], {
        input: script,
        privileged,
        connectTimeoutSeconds,
        timeoutMs: (connectTimeoutSeconds + timeoutSeconds + 10) * 1000,
        maxOutputBytes,
      });
    const asRoot = target.local && process.getuid?.() !== 0;
    let result = asRoot ? await run(true).catch(() => null) : null;
    if (!result || (result.code !== 0 && result.code !== 3)) result = await run(false);
    if (result.code === 3) {
      throw new ApiError({
        code: target.local ? 'NOT_FOUND' : 'SSH_FAILED',
        message: `${target.host} has no folder to scan at the root given.`,
        detail: result.stderr.trim(),
      });
    }
    if (result.code !== 0 && !result.overflowed) throw target.unreachable(result, 'list what a reboot wipes');
    return { stdout: result.stdout, stderr: result.stderr, code: result.code };
  }
}

function summarise(
  manifest: HostManifest,
  skipped: readonly string[],
  { stdout, stderr }: ScanOutput,
  maxFiles: number,
): Omit<RebootDiff, 'host' | 'target' | 'root' | 'ephemeralRoot' | 'checkedAt' | 'skipped'> {
  const fields = stdout.toString('utf8').split('\0');
  const records = Math.floor(fields.length / 4);
  const truncated = records > maxFiles;
  const groups = new Map<string, WipedGroup & { all: WipedFile[] }>();
  const homes = manifest.homes;
  let regeneratedLinks = 0;
  for (let i = 0; i < Math.min(records, maxFiles); i++) {
    const [type, size, relative, target] = fields.slice(i * 4, i * 4 + 4) as [string, string, string, string];
    if (regenerated(type, target)) {
      regeneratedLinks++;
      continue;
    }
    const path = normalisePath(`/${relative}`);
    // find pruned these already; checked again so that a pattern find read differently cannot leak them in.
    if (skipped.some((s) => isWithin(path, s)) || coveringEntry(manifest.persistence, path)) continue;
    const folder = groupFolder(path);
    let group = groups.get(folder);
    if (!group) {
      const user = homes.find((h) => isWithin(folder, h.home))?.user;
      group = { folder, files: 0, bytes: 0, ...(user && { user }), largest: [], all: [] };
      groups.set(folder, group);
    }
    const file: WipedFile = { path, size: Number(size) || 0, type: type === 'l' ? 'symlink' : 'file' };
    group.files++;
    group.bytes += file.size;
    group.all.push(file);
  }
  const status = /flakedeck-find-status (\d+)/.exec(stderr);
  const warnings = stderr
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('flakedeck-find-status'))
    .slice(0, maxWarnings);
  const list = [...groups.values()]
    .map(({ all, ...g }) => ({
      ...g,
      largest: all.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path)).slice(0, largestPerGroup),
    }))
    .sort((a, b) => b.bytes - a.bytes || a.folder.localeCompare(b.folder));
  return {
    files: list.reduce((n, g) => n + g.files, 0),
    bytes: list.reduce((n, g) => n + g.bytes, 0),
    groups: list,
    truncated,
    timedOut: status?.[1] === '124',
    regenerated: regeneratedLinks,
    warnings,
  };
}

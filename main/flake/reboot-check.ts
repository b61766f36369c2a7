// The live check "what will the next reboot wipe": over SSH, list the files on a host's ephemeral root that no
// persistence entry covers, bounded in time and count, grouped by folder with sizes.

import { spawn } from 'node:child_process';
import { ApiError } from '../../common/api/errors.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import { coveringEntry, isWithin, normalisePath } from '../../common/model/path-location.ts';
import type { RebootDiff, WipedFile, WipedGroup } from '../../common/model/reboot-diff.ts';
import type { ManifestService } from './manifest-cache.ts';

export interface RebootCheckOptions {
  /** The folder that stands for the host's `/` (tests point it at a prepared folder). */
  rootPrefix?: string;
  /** ssh options placed before the destination, e.g. `-i KEY -o UserKnownHostsFile=…`. */
  sshOptions?: readonly string[];
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

/** Quotes one word for a POSIX shell: nothing inside single quotes is special but the quote itself. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new ApiError({ code: 'INVALID_ARGUMENTS', message: 'A path cannot contain NUL.' });
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

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
  readonly #options: Required<RebootCheckOptions>;

  constructor(manifests: ManifestService, options: RebootCheckOptions = {}) {
    this.#manifests = manifests;
    this.#options = {
      rootPrefix: options.rootPrefix ?? '/',
      sshOptions: options.sshOptions ?? [],
      maxFiles: options.maxFiles ?? 20_000,
      timeoutSeconds: options.timeoutSeconds ?? 20,
      connectTimeoutSeconds: options.connectTimeoutSeconds ?? 10,
    };
  }

  async run(folder: string, host: string): Promise<RebootDiff> {
    const manifest = await this.#manifests.manifest(folder, host);
    const { targetHost, targetUser, targetPort } = manifest.deploy;
    const target = `${targetUser}@${targetHost}:${targetPort}`;
    const base = {
      host,
      target,
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
    const output = await this.#ssh(manifest, scanScript(this.#options.rootPrefix, skipped, maxFiles, timeoutSeconds));
    return { ...base, ...summarise(manifest, skipped, output, maxFiles), skipped };
  }

  #ssh(manifest: HostManifest, script: string): Promise<ScanOutput> {
    const { targetHost, targetUser, targetPort } = manifest.deploy;
    // Both come from the flake; as ssh arguments they must not be read as options.
    if (!/^[A-Za-z0-9_.:%[\]-]+$/.test(targetHost) || targetHost.startsWith('-')) {
      throw settingsError(manifest.host, `the target host "${targetHost}" is not a host name or address`);
    }
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(targetUser)) {
      throw settingsError(manifest.host, `the target user "${targetUser}" is not a user name`);
    }
    const { connectTimeoutSeconds, timeoutSeconds, sshOptions } = this.#options;
    const args = [
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${connectTimeoutSeconds}`,
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      ...sshOptions,
      '-p',
      String(targetPort),
      '--',
      `${targetUser}@${targetHost}`,
      // The remote command is fixed; the script and its quoted values arrive on stdin.
      'sh -s',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      const deadline = setTimeout(() => child.kill('SIGTERM'), (connectTimeoutSeconds + timeoutSeconds + 10) * 1000);
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxOutputBytes) child.kill('SIGTERM');
        else out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.stdin.on('error', () => {}); // ssh may exit before reading the script; its exit code says why
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(deadline);
        reject(
          error.code === 'ENOENT'
            ? new ApiError({ code: 'SSH_FAILED', message: 'ssh is not installed, or not on the PATH.' })
            : error,
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(deadline);
        const stderr = Buffer.concat(err).toString('utf8');
        const result = { stdout: Buffer.concat(out), stderr, code: code ?? (signal ? 128 : 1) };
        if (result.code === 0) resolve(result);
        else reject(sshFailure(manifest, result));
      });
      child.stdin.end(script);
    });
  }
}

function settingsError(host: string, problem: string): ApiError {
  return new ApiError({
    code: 'DEPLOY_SETTINGS',
    message: `Cannot reach ${host}: ${problem}.`,
    hint: 'Set deck.deploy.targetHost and targetUser (or deployment.* with colmena) in the host configuration.',
  });
}

function sshFailure(manifest: HostManifest, { stderr, code }: ScanOutput): ApiError {
  const { targetHost, targetUser, targetPort } = manifest.deploy;
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('flakedeck-find-status'));
  if (code === 3) {
    return new ApiError({
      code: 'SSH_FAILED',
      message: `${manifest.host} has no folder to scan at the root given.`,
      detail: stderr.trim(),
    });
  }
  const reason = lines.at(-1) ?? `ssh exited with code ${code}`;
  return new ApiError({
    code: 'SSH_FAILED',
    message: `Cannot reach ${manifest.host} over SSH (${targetUser}@${targetHost}, port ${targetPort}): ${reason}`,
    hint:
      `Check that the host is up and that \`ssh -p ${targetPort} ${targetUser}@${targetHost}\` logs in without a ` +
      'prompt: Flakedeck uses your SSH agent and ~/.ssh/config, and never asks for a password.',
    ...(stderr.trim() && { detail: stderr.trim() }),
  });
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

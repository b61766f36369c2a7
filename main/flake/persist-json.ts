// "Persist this path": adds an entry to hosts/<host>/persist.json, the machine-owned file a flake with deck.persist
// imports (the app never edits .nix files), written atomically and staged with git so nix sees it.

import { execFile } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { EntryKind, HostManifest, PersistPathResult } from '../../common/model/manifest.ts';
import { coveringEntry, isWithin, normalisePath, runtimePaths } from '../../common/model/path-location.ts';
import { readVersioned, writeAtomically } from '../secrets/atomic-file.ts';
import type { FileVersion } from '../secrets/atomic-file.ts';
import type { ManifestService } from './manifest-cache.ts';

type Section = { directories?: unknown[]; files?: unknown[] };
type PersistJson = { system?: Section; home?: Section } & Record<string, unknown>;

const safeHostFolder = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function unsupported(message: string, hint?: string): ApiError {
  return new ApiError({ code: 'PERSIST_UNSUPPORTED', message, ...(hint && { hint }) });
}

/** Where the entry goes and how it is written: absolute under "system", relative under "home". */
function placeEntry(manifest: HostManifest, path: string): { section: 'system' | 'home'; entry: string } {
  const { user, homeDirectory } = manifest.persistJson;
  if (user && homeDirectory && isWithin(path, homeDirectory)) {
    if (path === homeDirectory) {
      throw unsupported(`${path} is ${user}'s whole home.`, 'Persist the folders and files inside it instead.');
    }
    return { section: 'home', entry: path.slice(homeDirectory.length + 1) };
  }
  const other = manifest.homes.find((h) => isWithin(path, h.home));
  if (other || isWithin(path, '/home')) {
    throw unsupported(
      `${path} is in ${other ? `${other.user}'s` : 'another user’s'} home; persist.json's home section is ${user ?? 'the primary user'}'s.`,
      `Declare it in that user's environment.persistence entry in the flake's Nix files.`,
    );
  }
  return { section: 'system', entry: path };
}

function checkPath(manifest: HostManifest, raw: string): string {
  const path = normalisePath(raw);
  if (!raw.startsWith('/') || path === '/') {
    throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `"${raw}" is not an absolute path below /.` });
  }
  if (runtimePaths.some((r) => isWithin(path, r)) || isWithin(path, '/nix') || isWithin(path, '/tmp')) {
    throw unsupported(`${path} is made anew at every boot (or is the Nix store); it cannot be persisted.`);
  }
  const root = manifest.persistentRoots.find((r) => isWithin(path, r.storage));
  if (root) throw unsupported(`${path} is on the persistent root ${root.storage} already.`);
  return path;
}

function readPersistJson(file: string): { data: PersistJson; version: FileVersion | undefined } {
  if (!existsSync(file)) return { data: {}, version: undefined };
  const { bytes, version } = readVersioned(file);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ApiError({
      code: 'PERSIST_UNSUPPORTED',
      message: `${file} is not valid JSON (${(error as Error).message}); Flakedeck leaves it as it is.`,
      hint: 'Fix or remove the file, then add the path again.',
    });
  }
  const sectionOk = (s: unknown) =>
    s === undefined ||
    (typeof s === 'object' &&
      s !== null &&
      !Array.isArray(s) &&
      Object.entries(s).every(([k, v]) => (k === 'directories' || k === 'files') && Array.isArray(v)));
  const obj = data as PersistJson;
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    !sectionOk(obj.system) ||
    !sectionOk(obj.home)
  ) {
    throw new ApiError({
      code: 'PERSIST_UNSUPPORTED',
      message: `${file} is not in the persist.json format ({ "system": { "directories": [], "files": [] }, "home": … }); Flakedeck leaves it as it is.`,
    });
  }
  return { data: obj, version };
}

const entryName = (e: unknown) =>
  typeof e === 'string'
    ? e
    : typeof e === 'object' && e !== null
      ? ((e as { directory?: string; file?: string }).directory ?? (e as { file?: string }).file)
      : undefined;

function stage(folder: string, file: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['add', '--', relative(folder, file)], { cwd: folder }, (error) => resolve(!error));
  });
}

export async function addPersistPath(
  manifests: ManifestService,
  folder: string,
  request: { host: string; path: string; kind: EntryKind },
): Promise<PersistPathResult> {
  const { host, kind } = request;
  const manifest = await manifests.manifest(folder, host);
  const file = join(folder, 'hosts', host, 'persist.json');
  if (!manifest.persistJson.supported) {
    throw unsupported(
      `${host} does not read hosts/${host}/persist.json, so Flakedeck cannot add paths to it.`,
      `Flakedeck never edits .nix files. Add "${request.path}" to environment.persistence.<root>.${kind === 'directory' ? 'directories' : 'files'} yourself, or import hosts/<host>/persist.json the way this repository's nix/modules/persist.nix does.`,
    );
  }
  const path = checkPath(manifest, request.path);
  const { section, entry } = placeEntry(manifest, path);
  const result = { host, file, section, kind, entry, created: false, staged: false };
  const covering = coveringEntry(manifest.persistence, path);
  if (covering) return { ...result, alreadyPersisted: { path: covering.path, storage: covering.storage } };

  if (!safeHostFolder.test(host) || !existsSync(join(folder, 'hosts', host))) {
    throw unsupported(
      `${join(folder, 'hosts', host)} does not exist: persist.json lives in the host's folder.`,
      `Create hosts/${host}/ as this repository's hosts are laid out, or add the path in the host's Nix files.`,
    );
  }
  const { data, version } = readPersistJson(file);
  const list = ((data[section] ??= {})[kind === 'directory' ? 'directories' : 'files'] ??= []);
  if (!list.some((e) => entryName(e) === entry)) {
    list.push(entry);
    writeAtomically(file, new TextEncoder().encode(`${JSON.stringify(data, null, 2)}\n`), version);
    // A new file gets the permissions of the other files of a repository, not a secret's 0600.
    if (!version) chmodSync(file, 0o644);
  }
  const staged = await stage(folder, file);
  return {
    ...result,
    created: !version,
    staged,
    ...(!staged && {
      hint: `Nix sees only files git tracks: run \`git add hosts/${host}/persist.json\` in ${folder}.`,
    }),
  };
}

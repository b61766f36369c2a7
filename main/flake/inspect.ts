// Evaluates nix/inspect.nix over the hosts of a flake: all hosts in one nix process, and only when that fails, one
// process per host, so that the hosts that evaluate still show and the one that does not shows its own error.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { ApiErrorData } from '../../common/api/errors.ts';
import { flakeRef, installable, sourceRootOf } from './flake-folder.ts';
import { listHosts } from './hosts.ts';
import type { RawManifest } from './manifest.ts';
import type { Nix } from './nix.ts';

export interface InspectSource {
  text: string;
  /** Part of the cache key: a changed inspect.nix re-evaluates every host. */
  hash: string;
}

let source: InspectSource | undefined;

/** The text of nix/inspect.nix, read once. */
export function inspectSource(): InspectSource {
  if (!source) {
    const text = readFileSync(resolve(import.meta.dirname, '..', '..', 'nix', 'inspect.nix'), 'utf8');
    source = { text, hash: createHash('sha256').update(text).digest('hex') };
  }
  return source;
}

export type RawHostResult = { ok: true; raw: RawManifest } | { ok: false; error: ApiErrorData };

export interface FlakeMetadata {
  narHash: string;
  /** The store path of the flake's source: paths under it map back to the user's folder. */
  storePath: string;
}

export async function flakeMetadata(nix: Nix, folder: string): Promise<FlakeMetadata> {
  const text = await nix.output(
    ['flake', 'metadata', '--json', '--no-write-lock-file', '--log-format', 'internal-json', flakeRef(folder)],
    { cwd: folder, sourceRoot: sourceRootOf(folder) },
  );
  const data = JSON.parse(text) as { locked?: { narHash?: string }; path?: string };
  if (!data.locked?.narHash || !data.path) {
    throw new ApiError({ code: 'NIX_FAILED', message: `nix flake metadata gave no narHash for ${folder}.` });
  }
  return { narHash: data.locked.narHash, storePath: data.path };
}

const noHosts = /does not provide attribute .*'nixosConfigurations'/s;
const perHostConcurrency = 4;

/** Every host's raw manifest, or its evaluation error; throws when the flake itself does not evaluate. */
export async function evaluateHosts(nix: Nix, folder: string): Promise<Record<string, RawHostResult>> {
  const { text } = inspectSource();
  const sourceRoot = sourceRootOf(folder);
  try {
    const all = await nix.evalJson<Record<string, RawManifest>>(installable(folder, ['nixosConfigurations']), {
      apply: text,
      cwd: folder,
      sourceRoot,
    });
    return Object.fromEntries(Object.entries(all).map(([host, raw]) => [host, { ok: true, raw }]));
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'NIX_EVAL_ERROR') throw error;
    if (noHosts.test(error.message)) return {};
    // tryEval cannot catch a type error, so one bad host fails the whole evaluation: find which, one by one.
    const hosts = await listHosts(nix, folder);
    const apply = `host: builtins.getAttr "host" ((\n${text}\n) { host = host; })`;
    const results: Record<string, RawHostResult> = {};
    await forEachLimited(hosts, perHostConcurrency, async ({ name }) => {
      try {
        const raw = await nix.evalJson<RawManifest>(installable(folder, ['nixosConfigurations', name]), {
          apply,
          cwd: folder,
          sourceRoot,
        });
        results[name] = { ok: true, raw };
      } catch (hostError) {
        if (!(hostError instanceof ApiError) || hostError.code !== 'NIX_EVAL_ERROR') throw hostError;
        results[name] = { ok: false, error: hostError.toData() };
      }
    });
    return Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

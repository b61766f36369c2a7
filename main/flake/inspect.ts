// Evaluates nix/inspect.nix over the hosts of a flake: all hosts in one nix process, and only when that fails, halves
// of them until the broken ones are found, so that the hosts that evaluate still show and each broken one its error.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { ApiErrorData } from '../../common/api/errors.ts';
import { nixString } from '../../common/model/nix-string.ts';
import { flakeRef, installable, sourceRootOf } from './flake-folder.ts';
import { Limiter } from '../deploy/limiter.ts';
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
/** nix processes at a time while a failed evaluation is split up. */
const splitConcurrency = 2;

/**
 * Every host's raw manifest, or its evaluation error; throws when the flake itself does not evaluate.
 * All hosts evaluate in one nix process. When that fails (tryEval cannot catch a type error, so one bad host fails
 * them all), the hosts are split in halves until each failing group is one host: one broken host among N costs
 * about 2·log2(N) more evaluations, and the good hosts still show.
 */
export async function evaluateHosts(nix: Nix, folder: string): Promise<Record<string, RawHostResult>> {
  const { text } = inspectSource();
  const sourceRoot = sourceRootOf(folder);
  const attr = installable(folder, ['nixosConfigurations']);
  try {
    const all = await nix.evalJson<Record<string, RawManifest>>(attr, { apply: text, cwd: folder, sourceRoot });
    return Object.fromEntries(Object.entries(all).map(([host, raw]) => [host, { ok: true, raw }]));
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'NIX_EVAL_ERROR') throw error;
    if (noHosts.test(error.message)) return {};
    const hosts = (await listHosts(nix, folder)).map((h) => h.name);
    const limiter = new Limiter(splitConcurrency);
    const results: Record<string, RawHostResult> = {};
    const evaluateGroup = async (group: readonly string[]): Promise<void> => {
      const names = `[ ${group.map(nixString).join(' ')} ]`;
      const apply = `configs: (\n${text}\n) (builtins.intersectAttrs (builtins.listToAttrs (map (name: { inherit name; value = null; }) ${names})) configs)`;
      try {
        const raw = await limiter.run(() =>
          nix.evalJson<Record<string, RawManifest>>(attr, { apply, cwd: folder, sourceRoot }),
        );
        for (const name of group) results[name] = { ok: true, raw: raw[name]! };
      } catch (groupError) {
        if (!(groupError instanceof ApiError) || groupError.code !== 'NIX_EVAL_ERROR') throw groupError;
        if (group.length === 1) results[group[0]!] = { ok: false, error: groupError.toData() };
        else await split(group);
      }
    };
    const split = async (group: readonly string[]): Promise<void> => {
      const half = Math.ceil(group.length / 2);
      await Promise.all([evaluateGroup(group.slice(0, half)), evaluateGroup(group.slice(half))]);
    };
    // The whole evaluation failed already: split at once, and a lone host's error is that one.
    if (hosts.length === 1) results[hosts[0]!] = { ok: false, error: error.toData() };
    else await split(hosts);
    return Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
  }
}

// Evaluates nix/inspect.nix over the hosts of a flake: all hosts in one nix process, and only when that fails, halves
// of them until the broken ones are found, so that the hosts that evaluate still show and each broken one its error.
// Each evaluation also gives the narHash and store path of the source it read.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { ApiErrorData } from '../../common/api/errors.ts';
import { nixString } from '../../common/model/nix-string.ts';
import { flakeRef, installable, sourceRootOf } from './flake-folder.ts';
import { inspectFlakeRef } from './inspect-flake.ts';
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

/** nix processes at a time while a failed evaluation is split up. */
const splitConcurrency = 2;

/** What nix/inspect-flake.nix gives through an `--apply` that maps its NixOS configurations to manifests. */
interface InspectFlakeOutput {
  narHash: string;
  path: string;
  hosts: Record<string, RawManifest>;
}

export interface HostsEvaluation {
  hosts: Record<string, RawHostResult>;
  /** The source nix evaluated; undefined when the hosts were evaluated apart (then `nix flake metadata` tells it). */
  source: FlakeMetadata | undefined;
}

/**
 * Every host's raw manifest, or its evaluation error, with the narHash and store path of the source nix read them
 * from; throws when the flake itself does not evaluate. The flake is evaluated as the input of nix/inspect-flake.nix,
 * so one nix process gives the manifests of all hosts and the source's hash. When that fails (tryEval cannot catch a
 * type error, so one bad host fails them all), the hosts are split in halves until each failing group is one host:
 * one broken host among N costs about 2·log2(N) more evaluations, and the good hosts still show. The halves evaluate
 * the flake itself, as `nix eval <flake>#nixosConfigurations` does: a flake that nix cannot take as an input (a
 * relative path among its inputs' inputs, which some versions of nix cannot follow from another flake) still shows,
 * and the source's hash is then left to the caller.
 */
export async function evaluateHosts(nix: Nix, folder: string): Promise<HostsEvaluation> {
  const { text } = inspectSource();
  const sourceRoot = sourceRootOf(folder);
  const attr = `${inspectFlakeRef()}#inspection`;
  const overrideInputs = { flake: flakeRef(folder) };
  const evaluate = (configs: string) =>
    nix.evalJson<InspectFlakeOutput>(attr, {
      apply: `inspection: { inherit (inspection) narHash path; hosts = (\n${text}\n) (${configs}); }`,
      overrideInputs,
      cwd: folder,
      sourceRoot,
    });
  const sourceOf = (output: InspectFlakeOutput): FlakeMetadata => ({ narHash: output.narHash, storePath: output.path });
  try {
    const all = await evaluate('inspection.configs');
    const hosts = Object.fromEntries(
      Object.entries(all.hosts).map(([host, raw]): [string, RawHostResult] => [host, { ok: true, raw }]),
    );
    return { hosts, source: sourceOf(all) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'NIX_EVAL_ERROR') throw error;
    const hosts = (await listHosts(nix, folder)).map((h) => h.name);
    const limiter = new Limiter(splitConcurrency);
    const results: Record<string, RawHostResult> = {};
    const evaluateGroup = async (group: readonly string[]): Promise<void> => {
      const names = `[ ${group.map(nixString).join(' ')} ]`;
      const apply = `configs: (\n${text}\n) (builtins.intersectAttrs (builtins.listToAttrs (map (name: { inherit name; value = null; }) ${names})) configs)`;
      try {
        const raw = await limiter.run(() =>
          nix.evalJson<Record<string, RawManifest>>(installable(folder, ['nixosConfigurations']), {
            apply,
            cwd: folder,
            sourceRoot,
          }),
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
    // The whole evaluation failed already: split at once (a lone host is evaluated by itself, for its own error).
    if (hosts.length === 1) await evaluateGroup(hosts);
    else await split(hosts);
    return {
      hosts: Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b))),
      source: undefined,
    };
  }
}

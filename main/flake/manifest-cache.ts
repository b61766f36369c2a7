// Host manifests with a cache in the history database: an unchanged flake opens without running nix; a changed one
// shows its last manifests, marked stale, while it is evaluated again in the background.

import { readFileSync } from 'node:fs';
import { ApiError } from '../../common/api/errors.ts';
import type { HostSummary } from '../../common/model/flake.ts';
import type { HostInspection, HostManifest, Inspection } from '../../common/model/manifest.ts';
import { isWithin } from '../../common/model/path-location.ts';
import type { EventHub } from '../events/event-hub.ts';
import type { InspectionRow, ManifestStore, StoredHost } from '../history/manifest-store.ts';
import { sourceRootOf } from './flake-folder.ts';
import { flakeFingerprint, readGitSource, sourceFingerprint } from './flake-fingerprint.ts';
import { listHosts } from './hosts.ts';
import { evaluateHosts, flakeMetadata, inspectSource } from './inspect.ts';
import type { FlakeMetadata, RawHostResult } from './inspect.ts';
import { toManifest } from './manifest.ts';
import { demoLoginKeys } from '../secrets/login-material.ts';
import type { RawManifest } from './manifest.ts';
import type { Nix } from './nix.ts';
import { SourceWatch } from './source-watch.ts';

export interface InspectOptions {
  /** Only these hosts (all by default). */
  hosts?: readonly string[];
  /**
   * "allow-stale" (the app): a changed flake answers at once with its last manifests, marked stale, and the new
   * ones follow as a `hosts.manifests` event. "fresh" (the CLI, actions that write): waits for them.
   */
  freshness?: 'allow-stale' | 'fresh';
  /** Evaluate even when the cache has the answer. */
  force?: boolean;
}

interface Watched {
  watch: SourceWatch;
  fingerprint?: string;
}

export class ManifestService {
  readonly #nix: Nix;
  readonly #store: ManifestStore;
  readonly #events: EventHub;
  readonly #now: () => number;
  readonly #watchSources: boolean;
  /** Per folder, the watch that says when its fingerprint no longer holds, and that fingerprint once it is known. */
  readonly #watched = new Map<string, Watched>();
  /** One evaluation per folder at a time; later callers share it. */
  readonly #running = new Map<string, Promise<Inspection>>();
  /** Folders whose background re-evaluation will send a `hosts.manifests` event. */
  readonly #refreshing = new Set<string>();

  /**
   * `watchSources` (the app, which lives long): watch each opened flake's source, so an unchanged one is known without
   * a stat of every tracked file. The CLI runs once and stats them.
   */
  constructor(
    nix: Nix,
    store: ManifestStore,
    events: EventHub,
    options: { now?: () => number; watchSources?: boolean } = {},
  ) {
    this.#nix = nix;
    this.#store = store;
    this.#events = events;
    this.#now = options.now ?? Date.now;
    this.#watchSources = options.watchSources ?? false;
  }

  /**
   * The folder's watch, with the fingerprint known since it was reset (if one is): the one there is while nothing
   * tracked changed, else a new one. Undefined where the source cannot be watched.
   */
  async #watchOf(folder: string): Promise<Watched | undefined> {
    const known = this.#watched.get(folder);
    if (known && (await known.watch.unchanged())) return known;
    // Another call may have replaced it meanwhile.
    if (this.#watched.get(folder) !== known) return this.#watchOf(folder);
    known?.watch.close();
    this.#watched.delete(folder);
    const watch = SourceWatch.start(folder);
    if (!watch) return undefined;
    watch.reset();
    const watched: Watched = { watch };
    this.#watched.set(folder, watched);
    return watched;
  }

  /** The flake's content fingerprint: the watched one while nothing tracked changed, else computed now. */
  async #fingerprint(folder: string): Promise<string | undefined> {
    const watched = this.#watchSources ? await this.#watchOf(folder) : undefined;
    if (!watched) return flakeFingerprint(folder);
    // The watch started before the files are read: a change while they are read shows at the next check.
    watched.fingerprint ??= flakeFingerprint(folder);
    return watched.fingerprint;
  }

  close(): void {
    for (const { watch } of this.#watched.values()) watch.close();
    this.#watched.clear();
  }

  async inspect(folder: string, options: InspectOptions = {}): Promise<Inspection> {
    const { hash } = inspectSource();
    // A folder never evaluated has nothing to be found by its fingerprint: it is evaluated at once.
    const last = options.force ? undefined : this.#store.latest(folder, hash);
    if (last) {
      const fingerprint = await this.#fingerprint(folder);
      const hit = fingerprint && this.#store.findByFingerprint(folder, fingerprint, hash);
      const cached = hit && this.#fromStore(folder, hit, false);
      if (cached) return select(cached, options.hosts);
      const stale = options.freshness !== 'fresh' && this.#fromStore(folder, last, true);
      if (stale) {
        this.#refreshInBackground(folder, stale);
        return select(stale, options.hosts);
      }
    }
    return select(await this.#evaluate(folder), options.hosts);
  }

  /** The hosts of the flake: from the cache when the flake is unchanged since it was evaluated, else from nix. */
  async hosts(folder: string): Promise<HostSummary[]> {
    const { hash } = inspectSource();
    const fingerprint = this.#store.latest(folder, hash) && (await this.#fingerprint(folder));
    const hit = fingerprint && this.#store.findByFingerprint(folder, fingerprint, hash);
    if (hit) return hit.hosts.map((name) => ({ name }));
    return listHosts(this.#nix, folder);
  }

  /** One host's manifest, evaluated now if the flake changed; its evaluation error is thrown. */
  async manifest(folder: string, host: string): Promise<HostManifest> {
    const inspection = await this.inspect(folder, { hosts: [host], freshness: 'fresh' });
    const result = inspection.hosts[host]!;
    if (!result.ok) throw ApiError.fromData(result.error);
    return result.manifest;
  }

  #refreshInBackground(folder: string, shown: Inspection): void {
    if (this.#refreshing.has(folder)) return;
    this.#refreshing.add(folder);
    this.#evaluate(folder)
      .then(
        (fresh) => this.#events.emit('hosts.manifests', fresh),
        (error: unknown) => {
          const refreshError =
            error instanceof ApiError
              ? error.toData()
              : { code: 'INTERNAL' as const, message: error instanceof Error ? error.message : String(error) };
          this.#events.emit('hosts.manifests', { ...shown, refreshing: false, refreshError });
        },
      )
      .finally(() => this.#refreshing.delete(folder));
  }

  #evaluate(folder: string): Promise<Inspection> {
    let running = this.#running.get(folder);
    if (!running) {
      running = this.#evaluateNow(folder).finally(() => this.#running.delete(folder));
      this.#running.set(folder, running);
    }
    return running;
  }

  async #evaluateNow(folder: string): Promise<Inspection> {
    // The watch starts before the files are read: a change from here on shows when the evaluation ends.
    const watched = this.#watchSources ? await this.#watchOf(folder) : undefined;
    const source = watched ? watched.watch.source : readGitSource(folder);
    if (!source) return this.#evaluateByNarHash(folder);
    // A git flake: one nix process evaluates every host and gives the source's narHash, while the tracked files are
    // stat'ed here for the fingerprint.
    const evaluation = evaluateHosts(this.#nix, folder);
    evaluation.catch(() => undefined); // its failure is thrown below, once the files are stat'ed
    const fingerprint = await sourceFingerprint(source).catch(() => undefined);
    const { hosts: results, source: evaluated } = await evaluation;
    const unchanged =
      fingerprint !== undefined &&
      (watched
        ? (await watched.watch.unchanged()) && this.#watched.get(folder) === watched
        : flakeFingerprint(folder) === fingerprint);
    // Nix printed no narHash when no host evaluated: then it is asked for it.
    const metadata = evaluated ?? (await flakeMetadata(this.#nix, folder));
    const row = this.#row(folder, fingerprint ?? `narHash:${metadata.narHash}`, metadata, results);
    const stored = storedHosts(results);
    // Cache only what nix read from files that did not change meanwhile.
    if (unchanged) {
      if (watched) watched.fingerprint = fingerprint;
      this.#store.save(row, stored);
    }
    return this.#inspection(folder, row, new Map(stored.map((s) => [s.host, s])), false);
  }

  /** A flake outside git: its narHash is the only way to know whether its content is one already evaluated. */
  async #evaluateByNarHash(folder: string): Promise<Inspection> {
    const { hash } = inspectSource();
    const metadata = await flakeMetadata(this.#nix, folder);
    const known = this.#store.findByNarHash(metadata.narHash, hash);
    const cached = known && this.#fromStore(folder, { ...known, flakePath: folder }, false);
    if (cached) return cached;
    const { hosts: results } = await evaluateHosts(this.#nix, folder);
    const row = this.#row(folder, `narHash:${metadata.narHash}`, metadata, results);
    const stored = storedHosts(results);
    this.#store.save(row, stored);
    return this.#inspection(folder, row, new Map(stored.map((s) => [s.host, s])), false);
  }

  #row(
    folder: string,
    fingerprint: string,
    metadata: FlakeMetadata,
    results: Record<string, RawHostResult>,
  ): InspectionRow {
    return {
      flakePath: folder,
      fingerprint,
      inspectHash: inspectSource().hash,
      narHash: metadata.narHash,
      storePath: metadata.storePath,
      hosts: Object.keys(results),
      evaluatedAt: this.#now(),
    };
  }

  /** The stored inspection, or undefined when a host is missing from the store (then it is evaluated). */
  #fromStore(folder: string, row: InspectionRow, stale: boolean): Inspection | undefined {
    const hosts = this.#store.hosts(row.narHash, row.inspectHash);
    if (row.hosts.some((h) => !hosts.has(h))) return undefined;
    return this.#inspection(folder, row, hosts, stale);
  }

  #inspection(folder: string, row: InspectionRow, stored: Map<string, StoredHost>, stale: boolean): Inspection {
    const sourceRoot = sourceRootOf(folder);
    const localPath = (path: string) =>
      path === row.storePath || path.startsWith(`${row.storePath}/`)
        ? sourceRoot + path.slice(row.storePath.length)
        : path;
    const demoKeys = new Set(demoLoginKeys(folder).map((line) => line.split(' ')[1]!));
    const texts = new Map<string, string | undefined>();
    const readText = (file: string) => {
      if (!texts.has(file)) texts.set(file, isWithin(file, sourceRoot) ? readOptional(file) : undefined);
      return texts.get(file);
    };
    const hosts: Record<string, HostInspection> = {};
    for (const name of row.hosts) {
      const s = stored.get(name)!;
      if ('error' in s) {
        hosts[name] = { ok: false, error: s.error };
        continue;
      }
      try {
        hosts[name] = {
          ok: true,
          manifest: toManifest(name, s.raw as RawManifest, { localPath, readText, demoLoginKeys: demoKeys }),
        };
      } catch (error) {
        hosts[name] = {
          ok: false,
          error: { code: 'INTERNAL', message: `Cannot read the manifest of ${name}: ${(error as Error).message}` },
        };
      }
    }
    return { flake: folder, narHash: row.narHash, evaluatedAt: row.evaluatedAt, stale, refreshing: stale, hosts };
  }
}

/** A file's text, or undefined when it cannot be read (gone since the evaluation, say). */
function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function storedHosts(results: Record<string, RawHostResult>): StoredHost[] {
  return Object.entries(results).map(([host, r]) => (r.ok ? { host, raw: r.raw } : { host, error: r.error }));
}

function select(inspection: Inspection, hosts: readonly string[] | undefined): Inspection {
  if (!hosts || hosts.length === 0) return inspection;
  const known = Object.keys(inspection.hosts);
  const missing = hosts.filter((h) => !Object.hasOwn(inspection.hosts, h));
  if (missing.length > 0) {
    throw new ApiError({
      code: 'NOT_FOUND',
      message: `${inspection.flake} has no host named ${missing.map((h) => `"${h}"`).join(', ')}.`,
      hint: known.length ? `Its hosts are: ${known.join(', ')}.` : 'It declares no NixOS hosts.',
    });
  }
  return { ...inspection, hosts: Object.fromEntries(hosts.map((h) => [h, inspection.hosts[h]!])) };
}

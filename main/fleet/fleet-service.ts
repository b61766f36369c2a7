// The live state of a flake's hosts: checks them in the background (a bound on how many at once, a timeout each),
// keeps each answer in the history database with when it was seen, and judges each host against the flake.

import type { FleetStatus, HostLiveState, HostStatus, HostTimeline, TimelineEvent } from '../../common/model/fleet.ts';
import type { HostInspection } from '../../common/model/manifest.ts';
import type { Generation, GenerationList, RunSummary } from '../../common/model/runs.ts';
import type { EventHub } from '../events/event-hub.ts';
import { Limiter } from '../deploy/limiter.ts';
import type { ManifestService } from '../flake/manifest-cache.ts';
import type { HostStateStore } from '../history/host-state-store.ts';
import type { RunStore } from '../history/run-store.ts';
import type { Settings } from '../history/settings.ts';
import type { Targets } from '../targets/targets.ts';
import type { FlakeSystem, FlakeSystems } from './flake-systems.ts';
import { freshnessOf, originOf } from './freshness.ts';
import { probeHost } from './host-probe.ts';
import type { ProbeEnvironment } from './host-probe.ts';
import { versionOfSystem } from '../../common/model/system-name.ts';

export interface FleetEnvironment extends ProbeEnvironment {
  /** Hosts checked at the same time. */
  parallel: number;
  /** Per host, where its system links are (tests: one loopback target per host, each with its own folder). */
  hosts: Record<string, Partial<ProbeEnvironment>>;
}

export const defaultFleetEnvironment: Omit<FleetEnvironment, 'profile' | 'currentSystem' | 'store'> = {
  bootedSystem: '/run/booted-system',
  timeoutSeconds: 15,
  parallel: 8,
  hosts: {},
};

export interface FleetServiceDeps {
  manifests: ManifestService;
  runs: RunStore;
  states: HostStateStore;
  systems: FlakeSystems;
  targets: Targets;
  settings: Settings;
  events: EventHub;
  env: FleetEnvironment;
  now?: () => number;
}

/** A reading without a newer one for this long is old, whatever the refresh interval. */
const oldAfterMs = 10 * 60_000;
const defaultRefreshSeconds = 60;
const runsPerHost = 500;

export class FleetService {
  readonly #deps: FleetServiceDeps;
  readonly #limiter: Limiter;
  readonly #now: () => number;
  /** Checks under way, per folder and host: a second request joins the first. */
  readonly #checking = new Map<string, Promise<HostLiveState>>();
  #timer: NodeJS.Timeout | undefined;
  /** Set by close(): checks and evaluations still going drop their answers instead of writing to a closed database. */
  #closed = false;
  #autoFolder: (() => string) | undefined;

  constructor(deps: FleetServiceDeps) {
    this.#deps = deps;
    this.#limiter = new Limiter(deps.env.parallel);
    this.#now = deps.now ?? Date.now;
  }

  get refreshSeconds(): number {
    return this.#deps.settings.get('fleetRefreshSeconds') ?? defaultRefreshSeconds;
  }

  /** What is known now, from the database and the cached manifests: never waits for a host. */
  async status(folder: string, hosts?: readonly string[]): Promise<FleetStatus> {
    const inspection = await this.#deps.manifests.inspect(folder, hosts ? { hosts } : {});
    const names = Object.keys(inspection.hosts);
    const states = this.#deps.states.all(folder);
    const systems = this.#deps.systems.known(folder);
    if (!systems) void this.#evaluateSystems(folder, names).catch(() => {});
    return {
      flake: folder,
      refreshSeconds: this.refreshSeconds,
      hosts: names.map((host) =>
        this.#hostStatus(folder, host, inspection.hosts[host]!, states.get(host) ?? null, systems?.get(host) ?? null),
      ),
    };
  }

  /** Checks the hosts (all by default) in the background; each one's new status comes as a `fleet.host` event. */
  async refresh(folder: string, hosts?: readonly string[]): Promise<void> {
    const inspection = await this.#deps.manifests.inspect(folder, hosts ? { hosts } : {});
    void this.#refreshAll(folder, inspection.hosts).catch(() => {});
  }

  /** Checks the hosts and resolves with every status once all have answered or timed out (the CLI). */
  async refreshAndWait(folder: string, hosts?: readonly string[]): Promise<FleetStatus> {
    const inspection = await this.#deps.manifests.inspect(folder, { freshness: 'fresh', ...(hosts && { hosts }) });
    await this.#refreshAll(folder, inspection.hosts);
    return this.status(folder, hosts);
  }

  /** Refreshes the folder `current()` names every `refreshSeconds`, for as long as the process runs. */
  startAutoRefresh(current: () => string): void {
    if (this.#autoFolder) return;
    this.#autoFolder = current;
    this.#schedule();
  }

  setRefreshSeconds(seconds: number): void {
    this.#deps.settings.set('fleetRefreshSeconds', seconds);
    this.#schedule();
  }

  /** The system generations of a host, each with the run that made it, its NixOS version, booted and current. */
  annotateGenerations(folder: string, list: GenerationList): GenerationList {
    const reading = this.#deps.states.get(folder, list.host)?.reading;
    const runs = this.#deps.runs.list({ host: list.host, limit: runsPerHost });
    return {
      ...list,
      generations: list.generations.map((g): Generation => ({
        ...g,
        nixosVersion: g.path ? versionOfSystem(g.path) : null,
        booted: g.path !== null && g.path === reading?.bootedSystem,
        origin: originOf(g.path, runs),
      })),
    };
  }

  /** Commit → build → generation → boot, oldest first: from history and the host's last reading. */
  timeline(folder: string, host: string): HostTimeline {
    const runs = this.#deps.runs.list({ host, limit: runsPerHost }).filter((r) => r.flake === folder);
    const reading = this.#deps.states.get(folder, host)?.reading;
    const generations = reading?.generations ?? [];
    const events: TimelineEvent[] = runs.map((run) => ({
      at: run.startedAt,
      kind: run.kind,
      title: runTitle(run),
      revision: run.revision,
      runId: run.id,
      generation: null,
      systemPath: run.outPath,
      status: run.status,
    }));
    for (const g of generations) {
      const origin = originOf(g.path, runs);
      const current = g.number === reading?.generation;
      events.push({
        at: g.date,
        kind: 'generation',
        title: `generation ${g.number}${current ? ' (current)' : ''}`,
        revision: origin?.revision ?? null,
        runId: origin?.runId ?? null,
        generation: g.number,
        systemPath: g.path,
        status: null,
      });
    }
    for (const boot of this.#deps.states.boots(folder, host)) {
      const generation = generations.find((g) => g.path && g.path === boot.system);
      events.push({
        at: boot.bootedAt,
        kind: 'boot',
        title: generation ? `booted generation ${generation.number}` : 'booted',
        revision: null,
        runId: null,
        generation: generation?.number ?? null,
        systemPath: boot.system,
        status: null,
      });
    }
    return { host, events: events.sort((a, b) => a.at - b.at) };
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const seconds = this.refreshSeconds;
    const current = this.#autoFolder;
    if (!current || seconds <= 0) return;
    this.#timer = setInterval(() => void this.refresh(current()).catch(() => {}), seconds * 1000);
    // The timer alone never keeps the process alive.
    this.#timer.unref();
  }

  async #refreshAll(folder: string, hosts: Record<string, HostInspection>): Promise<void> {
    const names = Object.keys(hosts);
    const systems = this.#evaluateSystems(folder, names);
    await Promise.all([
      systems,
      ...names.map((host) => this.#check(folder, host, hosts[host]!).catch(() => undefined)),
    ]);
  }

  /** Evaluates what the flake builds for each host; when that changes a verdict, the hosts are sent again. */
  async #evaluateSystems(folder: string, hosts: readonly string[]): Promise<void> {
    const known = this.#deps.systems.known(folder);
    const systems = await this.#deps.systems.systems(folder, hosts).catch(() => null);
    if (!systems || known === systems || this.#closed) return;
    const inspection = await this.#deps.manifests.inspect(folder, { hosts });
    if (this.#closed) return;
    // Read after the last wait: a check that ended meanwhile has recorded its answer, which must not be sent back.
    const states = this.#deps.states.all(folder);
    for (const host of hosts) {
      const result = inspection.hosts[host];
      if (!result || this.#checking.has(key(folder, host))) continue;
      this.#emit(folder, this.#hostStatus(folder, host, result, states.get(host) ?? null, systems.get(host) ?? null));
    }
  }

  #check(folder: string, host: string, inspection: HostInspection): Promise<HostLiveState> {
    const id = key(folder, host);
    const running = this.#checking.get(id);
    if (running) return running;
    if (!inspection.ok) return Promise.reject(new Error(`${host} does not evaluate`));
    const manifest = inspection.manifest;
    const previous = this.#deps.states.get(folder, host) ?? null;
    const target = this.#deps.targets.fromManifest(manifest);
    const env = { ...this.#deps.env, ...this.#deps.env.hosts[host] };
    const persistent = [...new Set(manifest.persistentRoots.map((r) => r.mountPoint ?? r.storage))].filter(
      (p) => p !== '/',
    );
    const check = (async () => {
      // What was known before, marked as being checked: a host never checked yet reads "checking…", not unreachable.
      this.#emit(folder, { ...this.#hostStatusOf(folder, host, inspection, previous), checking: true });
      const answer = await this.#limiter.run(() => probeHost(target, env, persistent, this.#now));
      if (this.#closed) throw new Error('the services closed during the check');
      // A host that does not answer keeps what it said last, and when.
      const state: HostLiveState = {
        ...answer,
        reading: answer.reading ?? previous?.reading ?? null,
        seenAt: answer.seenAt ?? previous?.seenAt ?? null,
      };
      this.#deps.states.record(folder, state);
      return state;
    })().finally(() => this.#checking.delete(id));
    this.#checking.set(id, check);
    void check.then(
      (state) => this.#emit(folder, this.#hostStatusOf(folder, host, inspection, state)),
      () => {},
    );
    return check;
  }

  #hostStatusOf(folder: string, host: string, inspection: HostInspection, live: HostLiveState | null): HostStatus {
    return this.#hostStatus(folder, host, inspection, live, this.#deps.systems.known(folder)?.get(host) ?? null);
  }

  #hostStatus(
    folder: string,
    host: string,
    inspection: HostInspection,
    live: HostLiveState | null,
    system: FlakeSystem | null,
  ): HostStatus {
    const runs = this.#deps.runs.list({ host, limit: runsPerHost }).filter((r) => r.flake === folder);
    const reading = live?.reading ?? null;
    const runningOrigin = originOf(reading?.currentSystem ?? null, runs);
    const flakeSystem = system && 'path' in system ? system.path : null;
    const evalError = inspection.ok ? (system && 'error' in system ? system.error : null) : inspection.error;
    const { freshness, detail } = freshnessOf(reading, evalError ? null : flakeSystem, runningOrigin);
    const unanswered = live !== null && !live.reachable && !reading;
    const staleMs = Math.max(oldAfterMs, 2 * this.refreshSeconds * 1000);
    return {
      host,
      live,
      checking: this.#checking.has(key(folder, host)),
      old: live?.seenAt != null && (!live.reachable || this.#now() - live.seenAt > staleMs),
      freshness,
      freshnessDetail: evalError
        ? 'It does not evaluate: what the flake builds for it is not known.'
        : unanswered
          ? 'It has never answered, so what it runs is not known.'
          : detail,
      flakeSystem,
      runningOrigin,
      lastDeploy: runs.find((r) => r.kind === 'deploy' || r.kind === 'rollback') ?? null,
      deploy: inspection.ok ? inspection.manifest.deploy : null,
      evalError,
    };
  }

  #emit(flake: string, status: HostStatus): void {
    this.#deps.events.emit('fleet.host', { flake, status });
  }
}

function key(folder: string, host: string): string {
  return `${folder}\0${host}`;
}

function runTitle(run: RunSummary): string {
  const what = run.kind === 'deploy' ? `deploy (${run.mode ?? 'switch'})` : run.kind;
  return `${what} ${run.status}`;
}

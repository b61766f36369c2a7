// Builds, deploys, rollbacks and generations of a flake's hosts: checks the hosts, records the runs, drives each
// host's pipeline (several hosts in parallel, within a bound) and tells the window how they go.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { BatchStarted, DeployMode, GenerationList, LiveRun, RunKind } from '../../common/model/runs.ts';
import type { EventHub } from '../events/event-hub.ts';
import type { ManifestService } from '../flake/manifest-cache.ts';
import type { Nix } from '../flake/nix.ts';
import type { RunStore } from '../history/run-store.ts';
import type { Settings } from '../history/settings.ts';
import type { TerminalHost } from '../terminal/terminal-types.ts';
import { flakeRevision } from './flake-revision.ts';
import { Limiter } from './limiter.ts';
import { Pipeline } from './pipeline.ts';
import type { HostJob } from './pipeline.ts';
import { expectedBuildMs } from './build-estimate.ts';
import { explainFailure } from './failure-report.ts';
import { interruptedMessage, interruptionOf, settledRun } from './interruption.ts';
import { Run, RunFailure } from './run.ts';
import type { KeepAnswer } from './run.ts';
import { checkEnvironment, checkKeepSeconds } from './settings.ts';
import type { DeployEnvironment } from './settings.ts';
import type { Target } from '../targets/target.ts';
import type { Targets } from '../targets/targets.ts';

export interface DeployServiceDeps {
  nix: Nix;
  /** Host manifests: which hosts a flake declares, and how each is deployed. */
  manifests: ManifestService;
  /** Which machine each host is and how it is reached. */
  targets: Targets;
  terminals: TerminalHost;
  runs: RunStore;
  /** The user's settings: how long a switch of this machine asks "Keep this configuration?". */
  settings: Settings;
  events: EventHub;
  env: DeployEnvironment;
  dataDir: string;
}

export type OutputListener = (run: LiveRun, text: string) => void;

export interface DeployOptions {
  /** Lets this machine take a system built for another host name (a rename the user confirmed). */
  allowRename?: boolean;
  /** How long this machine asks "Keep this configuration?" for this run, instead of the setting. */
  keepSeconds?: number;
}

/** How long a target remembers how an activation ended: activate.sh removes its folders after a week. */
const activationKeptMs = 8 * 24 * 3600 * 1000;

/** Finished runs kept for the deploy view after they end (the history has them all). */
const keptFinished = 50;

export class DeployService {
  readonly #deps: DeployServiceDeps;
  readonly #pipeline: Pipeline;
  readonly #limiter: Limiter;
  readonly #active = new Map<number, Run>();
  readonly #finished: LiveRun[] = [];
  /** Ended runs taken off the Deploy page. */
  readonly #cleared = new Set<number>();
  readonly #outputListeners = new Set<OutputListener>();
  readonly #waiters = new Map<number, ((run: LiveRun) => void)[]>();
  /** Why no new run starts: Flakedeck is stopping. */
  #stopping: string | null = null;

  constructor(deps: DeployServiceDeps) {
    this.#deps = { ...deps, env: checkEnvironment(deps.env) };
    this.#pipeline = new Pipeline({ nix: deps.nix, env: deps.env, gcrootsDir: join(deps.dataDir, 'gcroots') });
    this.#limiter = new Limiter(deps.env.parallel);
  }

  /** Builds each host's system (prints nothing to the target, except with buildOn = "remote"). */
  async build(folder: string, hosts: readonly string[]): Promise<BatchStarted> {
    // A build activates nothing: building another machine's system here is no rename.
    return this.#start('build', folder, hosts, null, await this.#machines(folder, hosts, true), async (run, job) => {
      const out = await this.#limiter.run(() => this.#pipeline.build(run, job));
      return `Built ${out}.`;
    });
  }

  /**
   * build → diff → approve → copy → profile → activate → confirm, for each host. On this machine the confirmation
   * is the person's Keep, asked for `options.keepSeconds` or the setting's time.
   */
  async deploy(
    folder: string,
    hosts: readonly string[],
    mode: DeployMode,
    requireApproval: boolean,
    options: DeployOptions = {},
  ): Promise<BatchStarted> {
    const keepSeconds = options.keepSeconds === undefined ? this.keepSeconds : checkKeepSeconds(options.keepSeconds);
    const machines = await this.#machines(folder, hosts, options.allowRename);
    return this.#start(
      'deploy',
      folder,
      hosts,
      mode,
      machines,
      async (run, job) => {
        const onTarget = job.target.settings.buildOn === 'remote' && !job.target.local;
        const out = await this.#limiter.run(async () => {
          const built = await this.#pipeline.build(run, job);
          await this.#pipeline.diff(run, job, built, onTarget);
          return built;
        });
        // Waiting for the user holds no slot: other hosts go on meanwhile.
        await this.#pipeline.approve(run, requireApproval);
        await this.#limiter.run(async () => {
          if (onTarget) run.skip('copy', `Built on ${job.target.address}: nothing to copy.`);
          else await this.#pipeline.copy(run, job, out);
          await this.#pipeline.activate(run, job, out, mode);
        });
        return deployedMessage(job.host, mode, out);
      },
      keepSeconds,
    );
  }

  /** Switches this machine (the host of the flake that it is) through the same pipeline. */
  async switchThisMachine(
    folder: string,
    mode: DeployMode,
    requireApproval: boolean,
    options: DeployOptions = {},
  ): Promise<BatchStarted> {
    const host = await this.#deps.targets.thisMachine(folder);
    if (!host) {
      throw new ApiError({
        code: 'UNKNOWN_HOST',
        message: `No host of ${folder} is this machine (${this.#deps.targets.hostName()}).`,
        hint: "Set that host's networking.hostName to this machine's host name, or its deploy target to localhost.",
      });
    }
    return this.deploy(folder, [host], mode, requireApproval, options);
  }

  /** Returns a host to one of its system generations, with the same activation, confirmation and self-rollback. */
  async rollback(folder: string, host: string, generation: number, requireApproval: boolean): Promise<BatchStarted> {
    const { targets, hostNames } = await this.#machines(folder, [host]);
    const machine = orThrow(targets[0]!);
    const generations = await this.#pipeline.generations(machine);
    const target = generations.find((g) => g.number === generation);
    if (!target?.path) {
      throw new ApiError({
        code: 'NOT_FOUND',
        message: `${host} has no system generation ${generation}.`,
        hint: `Its generations: ${generations.map((g) => g.number).join(', ') || 'none'}.`,
      });
    }
    if (target.current) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `Generation ${generation} is already ${host}'s current one.`,
      });
    }
    const path = target.path;
    return this.#start('rollback', folder, [host], 'switch', { targets: [machine], hostNames }, async (run, job) => {
      run.setOutPath(path);
      run.skip('build', `Generation ${generation} is already on ${host}.`);
      await this.#pipeline.diff(run, job, path, true);
      await this.#pipeline.approve(run, requireApproval);
      run.skip('copy', `Generation ${generation} is already on ${host}.`);
      await this.#pipeline.activate(run, job, path, 'switch', generation);
      return `${host} is back at generation ${generation} (${path}).`;
    });
  }

  async generations(folder: string, host: string): Promise<GenerationList> {
    const target = orThrow((await this.#machines(folder, [host])).targets[0]!);
    const generations = await this.#pipeline.generations(target);
    return { host, target: target.address, generations };
  }

  approve(runId: number): void {
    this.#run(runId).approve();
  }

  /** The answer of the person at this machine to "Keep this configuration?". */
  answerKeep(runId: number, answer: KeepAnswer): void {
    this.#run(runId).answerKeep(answer);
  }

  /** Stops a run; `reason`: why, in the record of a run that waits for approval. */
  cancel(runId: number, reason?: string): void {
    this.#run(runId).cancel(reason);
  }

  /** Runs going on now, then those that ended since the app started and were not cleared, newest first. */
  status(): LiveRun[] {
    const ended = this.#finished.filter((r) => !this.#cleared.has(r.id));
    return [...[...this.#active.values()].map((r) => r.live).reverse(), ...ended];
  }

  /** Takes ended runs off the Deploy page; the history keeps them, and runs still going stay. */
  clear(runIds: readonly number[]): void {
    for (const id of runIds) if (this.#finished.some((r) => r.id === id)) this.#cleared.add(id);
  }

  /** Runs going on now, oldest first. */
  inFlight(): LiveRun[] {
    return [...this.#active.values()].map((r) => r.live);
  }

  /** How long a switch of this machine asks "Keep this configuration?": the user's setting, else the default. */
  get keepSeconds(): number {
    return this.#deps.settings.get('keepSeconds') ?? this.#deps.env.keepSeconds;
  }

  /** Sets how long a switch of this machine asks "Keep this configuration?" (the window, the tray, the CLI). */
  setKeepSeconds(seconds: number): void {
    this.#deps.settings.set('keepSeconds', checkKeepSeconds(seconds));
  }

  /** How long an unconfirmed target waits before it rolls back by itself. */
  get confirmSeconds(): number {
    return this.#deps.env.confirmSeconds;
  }

  /**
   * Flakedeck stops (`reason`: "Flakedeck quit"): no new run starts, and every run in flight ends in the history as
   * interrupted, saying where it was and what that means for its host. Builds and copies are stopped; activations
   * already started go on, detached on their targets, which roll back by themselves without a confirmation.
   */
  stop(reason: string): void {
    this.#stopping ??= reason;
    for (const run of [...this.#active.values()]) {
      run.interrupt(interruptedMessage(reason, interruptionOf(run.live, this.#deps.env.confirmSeconds)));
    }
  }

  /**
   * Completes the runs that ended interrupted while their activation went on without Flakedeck (it quit, was killed
   * or crashed): each target is asked how the activation ended (waiting while it still goes on), and the record
   * says so, e.g. "Reverted by timeout". A target that cannot be asked now is asked again next time. Resolves with
   * the number of runs completed.
   */
  async reconcile(): Promise<number> {
    const settled = await Promise.all(
      this.#deps.runs.unsettledActivations().map(async (run) => {
        // A target keeps an activation's folder for a week (activate.sh): after that, it has nothing to tell.
        if (run.startedAt < Date.now() - activationKeptMs) {
          this.#deps.runs.settleActivation(run.id, null);
          return false;
        }
        try {
          const target = await this.#deps.targets.forHost(run.flake, run.host);
          const end = await this.#pipeline.activationEnd(target, run.activation);
          if (!end) return false;
          const outcome = settledRun({ ...end, host: run.host, local: target.local });
          this.#deps.runs.settleActivation(run.id, outcome);
          return outcome !== null;
        } catch {
          // The flake or the host is gone, or Flakedeck stopped meanwhile: the record stays as it is.
          return false;
        }
      }),
    );
    return settled.filter(Boolean).length;
  }

  /** Resolves with the run once it ended. */
  finished(runId: number): Promise<LiveRun> {
    const done = this.#finished.find((r) => r.id === runId);
    if (done) return Promise.resolve(done);
    if (!this.#active.has(runId)) return Promise.reject(new Error(`run #${runId} is not one of this session's`));
    return new Promise((resolve) => this.#waiters.set(runId, [...(this.#waiters.get(runId) ?? []), resolve]));
  }

  /** What the runs' terminals show, as it comes (the CLI prints it). */
  onOutput(listener: OutputListener): () => void {
    this.#outputListeners.add(listener);
    return () => void this.#outputListeners.delete(listener);
  }

  async #start(
    kind: RunKind,
    folder: string,
    requested: readonly string[],
    mode: DeployMode | null,
    { targets, hostNames }: Machines,
    work: (run: Run, job: HostJob) => Promise<string>,
    keepSeconds = this.keepSeconds,
  ): Promise<BatchStarted> {
    this.#refuseWhileStopping();
    const hosts = [...new Set(requested)];
    const { revision, dirty, dirtyHash } = await flakeRevision(folder);
    // Flakedeck may have begun to stop while the flake was read.
    this.#refuseWhileStopping();
    const batch = randomUUID();
    const ids = this.#deps.runs.begin(
      hosts.map((host, i) => {
        const target = targets[i]!;
        return {
          batch,
          kind,
          host,
          flake: folder,
          revision,
          dirty,
          dirtyHash,
          mode,
          target:
            target instanceof ApiError || (kind === 'build' && target.settings.buildOn === 'local')
              ? null
              : target.address,
        };
      }),
    );
    const runs = ids.map((id, i) => {
      const run = new Run(this.#deps.runs.get(id), this.#deps.runs, this.#deps.terminals, {
        changed: (live, final) => this.#changed(live, final),
        output: (live, text) => this.#outputListeners.forEach((listener) => listener(live, text)),
      });
      this.#active.set(id, run);
      run.live.expectedBuildMs = expectedBuildMs(this.#deps.runs, hosts[i]!, folder);
      const target = targets[i]!;
      // A host that does not evaluate is still a run, recorded with why it failed.
      if (target instanceof ApiError) void this.#drive(run, () => failBeforeBuild(run, target));
      else void this.#drive(run, () => work(run, { host: hosts[i]!, folder, target, hostNames, keepSeconds }));
      return run.live;
    });
    return { batch, runs };
  }

  async #drive(run: Run, work: () => Promise<string>): Promise<void> {
    try {
      run.finish('succeeded', await work());
    } catch (error) {
      const failure = asRunFailure(error);
      const report = explainFailure({ ...run.failure(failure), confirmSeconds: this.#deps.env.confirmSeconds });
      run.finish(failure.status, report);
    }
  }

  #changed(live: LiveRun, final: boolean): void {
    this.#deps.events.emit('run.progress', live);
    if (!final) return;
    this.#active.delete(live.id);
    this.#finished.unshift(live);
    this.#finished.splice(keptFinished);
    this.#deps.events.emit('run.finished', live);
    for (const resolve of this.#waiters.get(live.id) ?? []) resolve(live);
    this.#waiters.delete(live.id);
  }

  #refuseWhileStopping(): void {
    if (this.#stopping === null) return;
    throw new ApiError({
      code: 'BUSY',
      message: `No new run starts: ${this.#stopping}.`,
      hint: 'Start it again once Flakedeck runs again.',
    });
  }

  #run(runId: number): Run {
    const run = this.#active.get(runId);
    if (!run) throw new ApiError({ code: 'NOT_FOUND', message: `Run #${runId} is not running.` });
    return run;
  }

  /**
   * Each host's machine, or why there is none (the flake or the host does not evaluate: still a run, recorded with
   * why), and the host names of the flake's hosts; unknown names, and this machine given another machine's system,
   * are refused before anything runs.
   */
  async #machines(folder: string, requested: readonly string[], allowRename = false): Promise<Machines> {
    // Every run starts by finding its targets: once Flakedeck stops, nothing more is looked up or started.
    this.#refuseWhileStopping();
    const hosts = [...new Set(requested)];
    if (hosts.length === 0) throw new ApiError({ code: 'INVALID_ARGUMENTS', message: 'Name at least one host.' });
    let inspection;
    try {
      inspection = await this.#deps.manifests.inspect(folder, { freshness: 'fresh' });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NIX_EVAL_ERROR') {
        return { targets: hosts.map(() => error), hostNames: {} };
      }
      throw error;
    }
    const declared = Object.keys(inspection.hosts);
    const unknown = hosts.filter((h) => !Object.hasOwn(inspection.hosts, h));
    if (unknown.length > 0) {
      throw new ApiError({
        code: 'UNKNOWN_HOST',
        message: `${unknown.map((h) => JSON.stringify(h)).join(', ')} ${unknown.length === 1 ? 'is not a host' : 'are not hosts'} of ${folder}.`,
        hint: declared.length ? `Its hosts: ${declared.join(', ')}.` : 'It declares no nixosConfigurations.',
      });
    }
    const hostNames = Object.fromEntries(
      Object.entries(inspection.hosts).map(([host, result]) => [host, result.ok ? result.manifest.hostName : null]),
    );
    const targets = hosts.map((host) => {
      const result = inspection.hosts[host]!;
      if (!result.ok) return ApiError.fromData(result.error);
      let target;
      try {
        target = this.#deps.targets.fromManifest(result.manifest);
      } catch (error) {
        if (error instanceof ApiError) return error;
        throw error;
      }
      const hostName = result.manifest.hostName;
      const here = this.#deps.targets.hostName();
      // Reached as localhost, yet built for another machine: activating it here would make this machine that one.
      if (target.local && hostName && hostName !== here && !allowRename) {
        throw new ApiError({
          code: 'HOST_MISMATCH',
          message: `${host} is built for the host name "${hostName}", and this machine is "${here}": it is not switched to another machine's system.`,
          hint: `If this machine is to become "${hostName}", confirm the rename (flakedeck switch --rename in a terminal).`,
        });
      }
      return target;
    });
    return { targets, hostNames };
  }
}

/** The machines of the hosts asked for, in their order, and every host's networking.hostName. */
interface Machines {
  targets: readonly (Target | ApiError)[];
  hostNames: Readonly<Record<string, string | null>>;
}

function orThrow(target: Target | ApiError): Target {
  if (target instanceof ApiError) throw target;
  return target;
}

/** Ends a run whose host cannot be built at all: an evaluation error fails its build step, at the user's line. */
async function failBeforeBuild(run: Run, error: ApiError): Promise<never> {
  const failure = asRunFailure(error);
  if (error.code !== 'NIX_EVAL_ERROR') throw failure;
  return run.step('build', async () => {
    run.log(`${(error.detail ?? error.message).replace(/\r?\n/g, '\r\n')}\r\n`);
    throw failure;
  });
}

function asRunFailure(error: unknown): RunFailure {
  if (error instanceof RunFailure) return error;
  if (error instanceof ApiError) return new RunFailure('failed', error.message, error.location);
  return new RunFailure('failed', error instanceof Error ? error.message : String(error));
}

function deployedMessage(host: string, mode: DeployMode, out: string): string {
  switch (mode) {
    case 'switch':
      return `${host} runs ${out}, confirmed.`;
    case 'test':
      return `${host} runs ${out} until its next boot, confirmed.`;
    case 'boot':
      return `${host} boots ${out} next time.`;
    case 'dry-activate':
      return `Dry activation of ${out} on ${host} finished; nothing changed.`;
  }
}

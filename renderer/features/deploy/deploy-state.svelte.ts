// The Deploy page: hosts and mode chosen, runs started, followed through `run.progress`, approved or cancelled;
// a host's generations and a rollback to one of them.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import { ApiError } from '../../../common/api/errors.ts';
import { batchesOf } from '../../../common/model/run-batches.ts';
import type { RunBatch } from '../../../common/model/run-batches.ts';
import { keepSecondsProblem } from '../../../common/model/runs.ts';
import type { DeployMode, GenerationList, LiveRun } from '../../../common/model/runs.ts';
import { asApiError } from '../../lib/as-api-error.ts';
import { LiveRuns } from '../../state/live-runs.svelte.ts';

export class DeployState {
  readonly #live: LiveRuns;
  /** The runs by the build or deploy that started them together, newest first. */
  batches: RunBatch[] = $derived(batchesOf(this.runs));
  selected = $state<string[]>([]);
  mode = $state<DeployMode>('switch');
  starting = $state(false);
  error = $state<ApiError | null>(null);
  generations = $state.raw<GenerationList | null>(null);
  generationsHost = $state<string | null>(null);
  generationsLoading = $state(false);
  generationsError = $state<ApiError | null>(null);
  /** How long a switch of this machine asks "Keep this configuration?" (the setting); null until read. */
  keepSeconds = $state<number | null>(null);
  /** Why the time typed was not taken (out of bounds), shown beside it. */
  keepSecondsError = $state<ApiError | null>(null);

  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
    this.#live = new LiveRuns(api);
  }

  /** Runs of this app session, newest first: going on, then ended. */
  get runs(): LiveRun[] {
    return this.#live.runs;
  }

  /** Loads the session's runs and follows them; returns the unsubscribe. */
  follow(): () => void {
    return this.#live.follow((run) => {
      if (run.kind !== 'build' && run.host === this.generationsHost) void this.loadGenerations(run.host);
    });
  }

  toggle = (host: string): void => {
    this.selected = this.selected.includes(host) ? this.selected.filter((h) => h !== host) : [...this.selected, host];
  };

  build = (): Promise<void> => this.#start(() => this.#api.build.start({ hosts: this.selected }));

  /** Starts the deploy; each host waits after its diff until approved. */
  deploy = (): Promise<void> =>
    this.#start(() => this.#api.deploy.start({ hosts: this.selected, mode: this.mode, requireApproval: true }));

  approve = (runId: number): Promise<void> => this.#call(() => this.#api.deploy.approve({ runId }));

  keep = (runId: number, keep: boolean): Promise<void> =>
    this.#call(() => (keep ? this.#api.deploy.keep({ runId }) : this.#api.deploy.revert({ runId })));

  loadKeepSeconds = (): Promise<void> =>
    this.#call(async () => {
      this.keepSeconds = (await this.#api.deploy.keepSeconds()).seconds;
    });

  /** Saves the time; one the service refuses is kept out of the setting, and why is shown. */
  setKeepSeconds = async (seconds: number): Promise<void> => {
    const problem = keepSecondsProblem(seconds);
    this.keepSecondsError = problem === null ? null : new ApiError({ code: 'INVALID_ARGUMENTS', message: problem });
    if (problem !== null) return;
    try {
      await this.#api.deploy.setKeepSeconds({ seconds });
      this.keepSeconds = seconds;
    } catch (error) {
      this.keepSecondsError = asApiError(error);
    }
  };

  cancel = (runId: number): Promise<void> => this.#call(() => this.#api.deploy.cancel({ runId }));

  /** Takes the ended runs off the page (of one batch, or all); the history keeps them. */
  clearFinished = (batch?: RunBatch): Promise<void> => {
    const ended = (batch?.runs ?? this.runs).filter((r) => r.status !== 'running').map((r) => r.id);
    return this.#call(async () => {
      await this.#api.deploy.clear({ runIds: ended });
      this.#live.remove(ended);
    });
  };

  loadGenerations = async (host: string): Promise<void> => {
    this.generationsHost = host;
    this.generationsLoading = true;
    this.generationsError = null;
    try {
      const list = await this.#api.generations.list({ host });
      if (this.generationsHost === host) this.generations = list;
    } catch (error) {
      if (this.generationsHost === host) {
        this.generations = null;
        this.generationsError = asApiError(error);
      }
    } finally {
      if (this.generationsHost === host) this.generationsLoading = false;
    }
  };

  rollback = (host: string, generation: number): Promise<void> =>
    this.#start(() => this.#api.generations.rollback({ host, generation, requireApproval: true }));

  async #start(start: () => Promise<{ runs: LiveRun[] }>): Promise<void> {
    this.starting = true;
    this.error = null;
    try {
      this.#live.add((await start()).runs);
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.starting = false;
    }
  }

  async #call(action: () => Promise<void>): Promise<void> {
    this.error = null;
    try {
      await action();
    } catch (error) {
      this.error = asApiError(error);
    }
  }
}

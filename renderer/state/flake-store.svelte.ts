// App-wide state of the opened flake and its hosts, shared by every view.

import type { FlakeState, HostSummary } from '../../common/model/flake.ts';
import type { ApiError } from '../../common/api/errors.ts';
import type { FlakedeckApi } from '../../common/api/contract.ts';
import { asApiError } from '../lib/as-api-error.ts';

export class FlakeStore {
  flake = $state<FlakeState | null>(null);
  hosts = $state<HostSummary[]>([]);
  /** The host that is the machine the app runs on, if one is. */
  thisMachine = $state<string | null>(null);
  /** The hosts with this machine first, as the Hosts and Deploy pages list them. */
  ordered = $derived(
    [...this.hosts].sort((a, b) => Number(b.name === this.thisMachine) - Number(a.name === this.thisMachine)),
  );
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<ApiError | null>(null);

  readonly #api: FlakedeckApi;
  /** Counts requests, so an answer that arrives after a newer request started is dropped. */
  #generation = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  load = (): Promise<void> => this.#run(async () => this.#api.flake.current());

  open = (path: string): Promise<void> => this.#run(async () => this.#api.flake.open({ path }));

  async #run(selectFlake: () => Promise<FlakeState>): Promise<void> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    this.status = 'loading';
    this.error = null;
    try {
      const flake = await selectFlake();
      if (!current()) return;
      this.flake = flake;
      const list = await this.#api.hosts.list();
      if (!current()) return;
      // Which host is this machine is a nicety: a failure to tell leaves the hosts as they are.
      const here = await this.#api.deploy.thisMachine().catch(() => ({ host: null }));
      if (!current()) return;
      this.hosts = list.hosts;
      this.thisMachine = here.host;
      this.status = 'ready';
    } catch (error) {
      if (!current()) return;
      this.hosts = [];
      this.error = asApiError(error);
      this.status = 'error';
    }
  }
}

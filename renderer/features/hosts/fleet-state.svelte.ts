// The Hosts page's live state: the last known state of every host at once (from the database), then each host's
// new state as its check ends (`fleet.host`), so the page never waits for a host.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { FleetStatus, HostStatus } from '../../../common/model/fleet.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export class FleetState {
  status = $state.raw<FleetStatus | null>(null);
  error = $state<ApiError | null>(null);
  /** Ticks while the page is open, so ages ("seen 3 min ago") move on. */
  now = $state(Date.now());
  readonly #api: FlakedeckApi;
  #generation = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  host(name: string): HostStatus | undefined {
    return this.status?.hosts.find((h) => h.host === name);
  }

  /** Follows host updates and ticks the clock; returns the unsubscribe. */
  follow(): () => void {
    const off = this.#api.events.on('fleet.host', ({ flake, status }) => {
      if (this.status && flake === this.status.flake) this.#put(status);
    });
    const tick = setInterval(() => (this.now = Date.now()), 15_000);
    return () => {
      off();
      clearInterval(tick);
    };
  }

  /** The last known state, then a check of every host in the background. */
  load = async (): Promise<void> => {
    const generation = ++this.#generation;
    try {
      const status = await this.#api.fleet.status({});
      if (generation !== this.#generation) return;
      this.status = status;
      this.error = null;
      await this.refresh();
    } catch (error) {
      if (generation === this.#generation) this.error = asApiError(error);
    }
  };

  refresh = async (hosts?: string[]): Promise<void> => {
    try {
      await this.#api.fleet.refresh(hosts ? { hosts } : {});
    } catch (error) {
      this.error = asApiError(error);
    }
  };

  setInterval = async (seconds: number): Promise<void> => {
    try {
      await this.#api.fleet.setRefreshInterval({ seconds: seconds as 0 | 30 | 60 | 300 | 900 });
      if (this.status) this.status = { ...this.status, refreshSeconds: seconds };
    } catch (error) {
      this.error = asApiError(error);
    }
  };

  #put(status: HostStatus): void {
    const current = this.status!;
    const known = current.hosts.some((h) => h.host === status.host);
    this.status = {
      ...current,
      hosts: known ? current.hosts.map((h) => (h.host === status.host ? status : h)) : [...current.hosts, status],
    };
  }
}

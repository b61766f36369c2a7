// The host manifests of the opened flake, shared by the hosts, persistence and home views: loaded once per flake,
// replaced when a background re-evaluation sends newer ones.

import type { FlakedeckApi } from '../../common/api/contract.ts';
import type { ApiError } from '../../common/api/errors.ts';
import type { HostInspection, Inspection } from '../../common/model/manifest.ts';
import { asApiError } from '../lib/as-api-error.ts';

export class ManifestStore {
  inspection = $state.raw<Inspection | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state<ApiError | null>(null);
  readonly #api: FlakedeckApi;
  /** The flake the manifests (or the load under way) are for. */
  #flake: string | undefined;
  #generation = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
    api.events.on('hosts.manifests', (inspection) => {
      if (inspection.flake === this.#flake) this.#take(inspection);
    });
  }

  get hostNames(): string[] {
    return Object.keys(this.inspection?.hosts ?? {});
  }

  host(name: string | undefined): HostInspection | undefined {
    return name === undefined ? undefined : this.inspection?.hosts[name];
  }

  /** The host a view shows: the one its address names (`#home/<host>`) when the flake has it, else the first. */
  shownHost(param: string | undefined): string | undefined {
    return param && this.host(param) ? param : this.hostNames[0];
  }

  /** Loads the manifests of `flake` unless they are loaded or loading already. */
  ensure(flake: string | undefined): void {
    if (flake && flake !== this.#flake) void this.load(flake);
  }

  /** `force` evaluates again even when the flake did not change. */
  load = async (flake = this.#flake, force = false): Promise<void> => {
    if (!flake) return;
    const generation = ++this.#generation;
    if (flake !== this.#flake) this.inspection = null;
    this.#flake = flake;
    this.status = 'loading';
    this.error = null;
    try {
      const inspection = await this.#api.hosts.inspect({ force });
      if (generation !== this.#generation) return;
      this.#take(inspection);
      this.status = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = asApiError(error);
      this.status = 'error';
    }
  };

  /** Loads again (after a change the app made, e.g. a path added to persist.json). */
  reload = (): Promise<void> => this.load(this.#flake);

  /** An evaluation's manifests, unless newer ones of the same flake came first (a reply can trail an event). */
  #take(inspection: Inspection): void {
    const shown = this.inspection;
    if (shown && shown.flake === inspection.flake && shown.evaluatedAt > inspection.evaluatedAt) return;
    this.inspection = inspection;
  }
}

let store: ManifestStore | undefined;

/** The window's one store, made when manifests are first needed. */
export function manifestStore(api: FlakedeckApi): ManifestStore {
  store ??= new ManifestStore(api);
  return store;
}

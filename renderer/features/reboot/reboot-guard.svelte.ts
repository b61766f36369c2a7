// The reboot guard's state: what the reboot of this machine wipes (with persist, from the persistence view's
// actions), copying files out to a chosen folder, the generation to boot once, and the reboot.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { CopyOutResult, RebootOptions, RebootStarted } from '../../../common/model/reboot.ts';
import type { EntryKind } from '../../../common/model/manifest.ts';
import { asApiError } from '../../lib/as-api-error.ts';
import type { ManifestStore } from '../../state/manifest-store.svelte.ts';
import { PersistenceActions } from '../persistence/persistence-actions.svelte.ts';

export class RebootGuardState {
  readonly host: string;
  /** The check of what the reboot wipes and persisting from it: the persistence view's. */
  readonly actions: PersistenceActions;
  /** The path persisted last from here, whose files are still only on the tmpfs root. */
  persistedPath = $state<string | null>(null);
  options = $state<RebootOptions | null>(null);
  optionsError = $state<ApiError | null>(null);
  /** Where files are copied out to, chosen in the desktop's folder dialog. */
  destination = $state<string | null>(null);
  copying = $state<string | null>(null);
  copied = $state<CopyOutResult | null>(null);
  copyError = $state<ApiError | null>(null);
  /** The generation to boot once; null: the boot loader's default. */
  generation = $state<number | null>(null);
  rebooting = $state(false);
  rebooted = $state<RebootStarted | null>(null);
  rebootError = $state<ApiError | null>(null);
  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi, manifests: ManifestStore, host: string) {
    this.#api = api;
    this.host = host;
    this.actions = new PersistenceActions(api, manifests);
  }

  get diff() {
    return this.actions.diffs[this.host] ?? null;
  }

  /** The generations that can be booted once (those with a boot entry). */
  get bootable() {
    return this.options?.generations.filter((g) => g.bootEntry !== null) ?? [];
  }

  load = async (): Promise<void> => {
    await Promise.all([
      this.actions.check(this.host),
      this.#api.reboot.options().then(
        (options) => (this.options = options),
        (error: unknown) => (this.optionsError = asApiError(error)),
      ),
    ]);
  };

  /** Persists a path, then checks again: what is now kept leaves the list. */
  persist = async (path: string, kind: EntryKind): Promise<void> => {
    this.persistedPath = null;
    await this.actions.persist(this.host, path, kind);
    if (this.actions.persistError) return;
    if (!this.actions.persisted?.alreadyPersisted) this.persistedPath = path;
    await this.actions.check(this.host);
  };

  /** Copies a path out to `to`, else to the folder chosen (asking for one the first time). */
  copyOut = async (path: string, to?: string): Promise<void> => {
    this.copyError = null;
    if (!to && !this.destination && !(await this.chooseDestination())) return;
    this.copying = path;
    try {
      this.copied = await this.#api.reboot.copyOut({ paths: [path], destination: to ?? this.destination! });
    } catch (error) {
      this.copyError = asApiError(error);
    } finally {
      this.copying = null;
    }
  };

  chooseDestination = async (): Promise<boolean> => {
    try {
      const { path } = await this.#api.app.chooseFolder({ title: 'Copy files out to' });
      if (path) this.destination = path;
      return path !== null;
    } catch (error) {
      this.copyError = asApiError(error);
      return false;
    }
  };

  reboot = async (): Promise<void> => {
    this.rebooting = true;
    this.rebootError = null;
    try {
      this.rebooted = await this.#api.reboot.now(this.generation === null ? {} : { generation: this.generation });
    } catch (error) {
      this.rebootError = asApiError(error);
    } finally {
      this.rebooting = false;
    }
  };
}

// The actions of the persistence view: the live reboot check of a host, and adding a path to its persist.json.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { EntryKind, PersistPathResult } from '../../../common/model/manifest.ts';
import type { RebootDiff } from '../../../common/model/reboot-diff.ts';
import { asApiError } from '../../lib/as-api-error.ts';
import type { ManifestStore } from '../../state/manifest-store.svelte.ts';

/** Whole top-level folders are never offered: persisting /etc or /var would keep far more than the wiped files. */
export const tooBroad = (folder: string): boolean => folder.split('/').filter(Boolean).length < 2;

export class PersistenceActions {
  /** The last check per host. */
  diffs = $state<Record<string, RebootDiff>>({});
  checking = $state<string | null>(null);
  checkError = $state<{ host: string; error: ApiError } | null>(null);
  /** The last "persist this path" outcome, shown until the next. */
  persisted = $state<PersistPathResult | null>(null);
  persistError = $state<ApiError | null>(null);
  persisting = $state<string | null>(null);
  readonly #api: FlakedeckApi;
  readonly #manifests: ManifestStore;

  constructor(api: FlakedeckApi, manifests: ManifestStore) {
    this.#api = api;
    this.#manifests = manifests;
  }

  check = async (host: string): Promise<void> => {
    this.checking = host;
    this.checkError = null;
    try {
      this.diffs = { ...this.diffs, [host]: await this.#api.hosts.rebootDiff({ host }) };
    } catch (error) {
      this.checkError = { host, error: asApiError(error) };
    } finally {
      this.checking = null;
    }
  };

  persist = async (host: string, path: string, kind: EntryKind): Promise<void> => {
    this.persisting = path;
    this.persistError = null;
    this.persisted = null;
    try {
      this.persisted = await this.#api.persistence.add({ host, path, kind });
      // The flake changed: the last manifests show, stale, until the re-evaluation arrives.
      await this.#manifests.reload();
    } catch (error) {
      this.persistError = asApiError(error);
    } finally {
      this.persisting = null;
    }
  };
}

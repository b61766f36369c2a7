// The flake's secret files with their recipients, the hosts' keys, and the checks against the hosts' manifests;
// one per window, so the file open in the editor survives a visit to another view.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { HostRecipient } from '../../../common/model/keys.ts';
import type { DemoMaterial } from '../../../common/model/make-yours.ts';
import type { SecretChecks } from '../../../common/model/secret-checks.ts';
import type { SecretFileSummary } from '../../../common/model/secrets.ts';
import { asApiError } from '../../lib/as-api-error.ts';
import type { UnsavedGuard } from '../../state/unsaved-work.svelte.ts';
import { SecretEditor } from './secret-editor.svelte.ts';

export class SecretsStore {
  files = $state.raw<SecretFileSummary[]>([]);
  hosts = $state.raw<HostRecipient[]>([]);
  /** Where the flake still uses published demo keys: "make this repository yours" is offered only then. */
  demo = $state.raw<DemoMaterial | null>(null);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<ApiError | null>(null);

  checks = $state.raw<SecretChecks | null>(null);
  checksStatus = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  checksError = $state<ApiError | null>(null);
  /** The file whose updatekeys runs now. */
  updating = $state<string | null>(null);
  actionError = $state<ApiError | null>(null);

  readonly editor: SecretEditor;
  readonly #api: FlakedeckApi;
  #flake: string | undefined;
  #generation = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
    this.editor = new SecretEditor(api);
    api.events.on('secrets.saved', () => void this.load());
  }

  /**
   * Loads once per flake: a newly opened flake closes the editor and starts over. A file with unsaved changes stays
   * open (it is saved where it is): another flake may have been opened from the menu or the command line.
   */
  ensure(flake: string | undefined): void {
    if (!flake || flake === this.#flake) return;
    this.#flake = flake;
    if (!this.editor.dirty) void this.editor.close();
    this.checks = null;
    this.checksStatus = 'idle';
    void this.load();
  }

  load = async (): Promise<void> => {
    const generation = ++this.#generation;
    try {
      const [list, hosts, demo] = await Promise.all([
        this.#api.secrets.list(),
        this.#api.keys.hostRecipients({}),
        this.#api.secrets.demoMaterial(),
      ]);
      if (generation !== this.#generation) return;
      this.files = list.files;
      this.demo = demo;
      this.hosts = hosts;
      this.error = null;
      this.status = 'ready';
      if (this.checksStatus === 'ready') void this.loadChecks();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = asApiError(error);
      this.status = 'error';
    }
  };

  /** The checks need the hosts' manifests: the first run evaluates the flake. */
  loadChecks = async (): Promise<void> => {
    this.checksStatus = 'loading';
    try {
      this.checks = await this.#api.secrets.checks();
      this.checksError = null;
      this.checksStatus = 'ready';
    } catch (error) {
      this.checksError = asApiError(error);
      this.checksStatus = 'error';
    }
  };

  /** Re-wraps the file's data key for the recipients .sops.yaml names now. */
  updateKeys = async (file: string): Promise<void> => {
    this.updating = file;
    this.actionError = null;
    try {
      await this.#api.secrets.updatekeys({ file });
      await this.load();
    } catch (error) {
      this.actionError = asApiError(error);
    } finally {
      this.updating = null;
    }
  };
}

let store: SecretsStore | undefined;

export function secretsStore(api: FlakedeckApi, unsaved: UnsavedGuard): SecretsStore {
  if (!store) {
    const editor = (store = new SecretsStore(api)).editor;
    unsaved.register({
      unsaved: () => (editor.dirty ? `your changes to ${editor.file ?? 'the secrets file'}` : null),
      save: () => editor.save(),
      discard: () => editor.close(),
    });
  }
  return store;
}

// The Keys page: the age identities in the system keychain (public halves only), importing and generating them,
// the hosts' keys in the flake against the ones the hosts offer, and a shell given the key on request.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { HostRecipient, ImportedKeys, KeychainStatus } from '../../../common/model/keys.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export class KeysState {
  status = $state.raw<KeychainStatus | null>(null);
  loading = $state(true);
  loadError = $state<ApiError | null>(null);
  busy = $state(false);
  error = $state<ApiError | null>(null);
  /** The last import, until the user decides about the file it came from. */
  imported = $state.raw<(ImportedKeys & { path: string }) | null>(null);
  hosts = $state.raw<HostRecipient[]>([]);
  addresses = $state<Record<string, string>>({});
  scanned = $state(false);
  scanning = $state(false);

  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  load = async (): Promise<void> => {
    this.loading = true;
    try {
      const [status, hosts] = await Promise.all([this.#api.keys.status(), this.#api.keys.hostRecipients({})]);
      this.status = status;
      if (!this.scanned) this.hosts = hosts;
      this.loadError = null;
    } catch (error) {
      this.loadError = asApiError(error);
    } finally {
      this.loading = false;
    }
  };

  generate = (label: string): Promise<boolean> =>
    this.#act(async () => {
      await this.#api.keys.generate({ label });
    });

  importFile = (path: string, label: string): Promise<boolean> =>
    this.#act(async () => {
      this.imported = { ...(await this.#api.keys.import({ path, label, deleteFile: false })), path };
    });

  /** Deletes the key file just imported: the import is repeated with deletion, which main does only once stored. */
  deleteImportedFile = (): Promise<boolean> =>
    this.#act(async () => {
      const last = this.imported;
      if (!last) return;
      const again = await this.#api.keys.import({
        path: last.path,
        label: last.imported[0]?.label ?? 'imported',
        deleteFile: true,
      });
      this.imported = null;
      if (!again.deletedFile) throw new Error(`${last.path} was not deleted.`);
    });

  keepImportedFile = (): void => {
    this.imported = null;
  };

  delete = (label: string, publicKey: string): Promise<boolean> =>
    this.#act(async () => {
      await this.#api.keys.delete({ label, confirmPublicKey: publicKey });
    });

  /** Asks every host for its SSH host key (ssh-keyscan) at the address given, else at its name. */
  scan = async (): Promise<void> => {
    this.scanning = true;
    this.error = null;
    try {
      const addresses = Object.fromEntries(
        Object.entries(this.addresses)
          .map(([host, address]) => [host, address.trim()] as const)
          .filter(([, address]) => address !== ''),
      );
      this.hosts = await this.#api.keys.hostRecipients({ scan: true, addresses });
      this.scanned = true;
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.scanning = false;
    }
  };

  /** A shell whose environment holds SOPS_AGE_KEY; resolves to its terminal id. */
  openShellWithKey = async (): Promise<string | undefined> => {
    let id: string | undefined;
    await this.#act(async () => {
      id = (await this.#api.terminal.open({ withAgeKey: true })).id;
    }, false);
    return id;
  };

  async #act(work: () => Promise<void>, reload = true): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      if (reload) await this.load();
      return true;
    } catch (error) {
      this.error = asApiError(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

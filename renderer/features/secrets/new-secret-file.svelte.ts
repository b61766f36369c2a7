// "New secrets file": a path, the creation rule of .sops.yaml that matches it and who will read the file (asked of
// main as the path is typed), then the file created encrypted with its first value.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { NewSecretFilePreview } from '../../../common/model/secrets.ts';
import { asApiError } from '../../lib/as-api-error.ts';

export class NewSecretFile {
  path = $state('secrets/');
  key = $state('');
  value = $state('');
  preview = $state.raw<NewSecretFilePreview | null>(null);
  /** Why a file cannot be created at the path typed. */
  refusal = $state<ApiError | null>(null);
  error = $state<ApiError | null>(null);
  busy = $state(false);

  readonly #api: FlakedeckApi;
  #asked = 0;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  /** A rule matches the path typed now (each keystroke asks again), and a first key is named. */
  get ready(): boolean {
    return !!this.preview && this.key.trim() !== '';
  }

  /** Asks main which rule the path gets; only the answer for the latest path counts. */
  check = async (): Promise<void> => {
    const asked = ++this.#asked;
    const file = this.path.trim();
    this.preview = null;
    this.refusal = null;
    if (file === '' || file.endsWith('/')) return;
    try {
      const preview = await this.#api.secrets.previewNewFile({ file });
      if (asked === this.#asked) this.preview = preview;
    } catch (error) {
      if (asked === this.#asked) this.refusal = asApiError(error);
    }
  };

  /** Creates the file; resolves to its path relative to the flake, or null when it failed (see `error`). */
  create = async (): Promise<string | null> => {
    if (!this.ready || this.busy) return null;
    this.busy = true;
    this.error = null;
    try {
      const { file } = await this.#api.secrets.createFile({ file: this.path.trim(), key: this.key.trim(), value: this.value });
      this.value = '';
      return file;
    } catch (error) {
      this.error = asApiError(error);
      return null;
    } finally {
      this.busy = false;
    }
  };
}

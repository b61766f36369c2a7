// The file open in the secrets editor: its masked tree from main, the values the user revealed (and only those),
// and the edits; plaintext is dropped from here after saving, on closing, and when the editor is left.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError } from '../../../common/api/errors.ts';
import type { EditorSession, NewValue, SecretPath } from '../../../common/model/secrets.ts';
import { asApiError } from '../../lib/as-api-error.ts';

/** Where a value is: its document and key path, as one string. */
export function valueId(document: number, path: SecretPath): string {
  return `${document}:${JSON.stringify(path)}`;
}

export class SecretEditor {
  /** The file asked for, relative to the flake (the session names it by its absolute path). */
  file = $state<string | null>(null);
  session = $state.raw<EditorSession | null>(null);
  status = $state<'closed' | 'opening' | 'open' | 'error'>('closed');
  /** Why the file did not open. */
  error = $state<ApiError | null>(null);
  /** Why the last edit, reveal or save failed; the file stays open. */
  actionError = $state<ApiError | null>(null);
  busy = $state(false);
  /** Revealed plaintext by value id. */
  revealed = $state<Record<string, string>>({});
  /** The last save, for the "saved" note. */
  savedAt = $state<number | null>(null);
  /** Files seen failing their integrity check (MAC) in this window, for the list and the checks to say so. */
  failedIntegrity = $state<string[]>([]);

  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
  }

  get dirty(): boolean {
    return this.session?.dirty ?? false;
  }

  /**
   * Opens `file`; `allowMacFailure` opens one that fails its integrity check read-only. The file is named at once, so
   * nothing that follows the file shown (the view's address) takes the reopening for a request to open it again.
   */
  open = async (file: string, allowMacFailure = false): Promise<void> => {
    const previous = this.session;
    this.session = null;
    this.revealed = {};
    this.actionError = null;
    this.savedAt = null;
    this.file = file;
    this.status = 'opening';
    this.error = null;
    if (previous) await this.#api.secrets.close({ sessionId: previous.sessionId }).catch(() => undefined);
    try {
      const session = await this.#api.secrets.open({ file, allowMacFailure });
      if (this.file !== file || this.status !== 'opening') {
        // Another file was asked for meanwhile.
        await this.#api.secrets.close({ sessionId: session.sessionId }).catch(() => undefined);
        return;
      }
      this.session = session;
      this.status = 'open';
      this.#noteIntegrity(file, !session.readOnly);
    } catch (error) {
      if (this.file !== file) return;
      this.error = asApiError(error);
      this.status = 'error';
      if (this.error.code === 'MAC_MISMATCH') this.#noteIntegrity(file, false);
    }
  };

  #noteIntegrity(file: string, verified: boolean): void {
    const others = this.failedIntegrity.filter((f) => f !== file);
    this.failedIntegrity = verified ? others : [...others, file];
  }

  isRevealed(document: number, path: SecretPath): boolean {
    return valueId(document, path) in this.revealed;
  }

  reveal = (document: number, path: SecretPath): Promise<boolean> =>
    this.#act(async (sessionId) => {
      const value = await this.#api.secrets.reveal({ sessionId, document, path });
      this.revealed = { ...this.revealed, [valueId(document, path)]: value.text };
    });

  hide = (document: number, path: SecretPath): void => {
    const { [valueId(document, path)]: _dropped, ...rest } = this.revealed;
    this.revealed = rest;
  };

  /** Masks every value again. */
  hideAll = (): void => {
    this.revealed = {};
  };

  set = (document: number, path: SecretPath, value: NewValue): Promise<boolean> =>
    this.#edit(path, async (sessionId) => this.#api.secrets.set({ sessionId, document, path, value }));

  rename = (document: number, path: SecretPath, newKey: string): Promise<boolean> =>
    this.#edit(path, async (sessionId) => this.#api.secrets.rename({ sessionId, document, path, newKey }));

  remove = (document: number, path: SecretPath): Promise<boolean> =>
    this.#edit(path, async (sessionId) => this.#api.secrets.remove({ sessionId, document, path }));

  save = (): Promise<boolean> =>
    this.#act(async (sessionId) => {
      this.session = await this.#api.secrets.save({ sessionId });
      this.revealed = {};
      this.savedAt = Date.now();
    });

  /** Ends the session in main (which drops the plaintext there) and here. */
  close = async (): Promise<void> => {
    const session = this.session;
    this.session = null;
    this.revealed = {};
    this.file = null;
    this.status = 'closed';
    this.actionError = null;
    this.savedAt = null;
    if (session) await this.#api.secrets.close({ sessionId: session.sessionId }).catch(() => undefined);
  };

  /** An edit changes the tree: revealed values at or under the edited key are masked again. */
  #edit(path: SecretPath, work: (sessionId: string) => Promise<EditorSession>): Promise<boolean> {
    return this.#act(async (sessionId) => {
      this.session = await work(sessionId);
      this.savedAt = null;
      const prefix = JSON.stringify(path).slice(0, -1);
      this.revealed = Object.fromEntries(
        Object.entries(this.revealed).filter(([id]) => !id.slice(id.indexOf(':') + 1).startsWith(prefix)),
      );
    });
  }

  async #act(work: (sessionId: string) => Promise<void>): Promise<boolean> {
    const session = this.session;
    if (!session) return false;
    this.busy = true;
    this.actionError = null;
    try {
      await work(session.sessionId);
      return true;
    } catch (error) {
      this.actionError = asApiError(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

// Work the user has not saved (the secrets editor's edits), and the question asked before anything would drop it:
// opening another flake, reloading, closing the window, quitting. Keep editing, save, or discard.

export interface UnsavedWork {
  /** What is unsaved, for the question ("your changes to secrets/web.yaml"); null when nothing is. */
  unsaved(): string | null;
  /** Saves; false when saving failed (the work stays, with its error shown where it is edited). */
  save(): Promise<boolean>;
  discard(): Promise<void>;
}

export type LeaveChoice = 'keep' | 'save' | 'discard';

export interface LeaveQuestion {
  /** What would happen: "open another flake", "reload the window". */
  action: string;
  what: string;
  answer(choice: LeaveChoice): void;
}

export class UnsavedGuard {
  /** The question on screen, if any. */
  question = $state<LeaveQuestion | null>(null);
  /** Not state: the sources are read when asked, and their own state says what is unsaved. */
  #sources: UnsavedWork[] = [];

  register(source: UnsavedWork): () => void {
    this.#sources = [...this.#sources, source];
    return () => void (this.#sources = this.#sources.filter((s) => s !== source));
  }

  /** What is unsaved now, in words; null when nothing is. */
  unsaved(): string | null {
    for (const source of this.#sources) {
      const what = source.unsaved();
      if (what) return what;
    }
    return null;
  }

  /**
   * Asks before `action` when something is unsaved; resolves true when the action may go on (nothing was unsaved,
   * or the user saved it, or chose to discard it), false when they keep editing or saving failed.
   */
  async confirm(action: string): Promise<boolean> {
    const what = this.unsaved();
    if (!what) return true;
    const choice = await new Promise<LeaveChoice>((resolve) => {
      this.question = { action, what, answer: resolve };
    });
    this.question = null;
    if (choice === 'keep') return false;
    return choice === 'save' ? this.saveAll() : (await this.#discardAll(), true);
  }

  /** Saves everything unsaved; false when something could not be saved. */
  async saveAll(): Promise<boolean> {
    for (const source of this.#sources) {
      if (source.unsaved() && !(await source.save())) return false;
    }
    return true;
  }

  async #discardAll(): Promise<void> {
    for (const source of this.#sources) if (source.unsaved()) await source.discard();
  }
}

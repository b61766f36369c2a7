// Closing the window, reloading it or quitting while the page holds unsaved work (it blocks the unload): asks
// keep editing, save or discard, and says what follows. Plain logic without Electron, so it is tested under Node.

import type { AppCommand } from '../../common/model/app-command.ts';

export type Leaving = 'close' | 'reload' | 'quit';

const buttons = ['Keep editing', 'Save', 'Discard'] as const;

const actions: Record<Leaving, string> = {
  close: 'closing the window',
  reload: 'reloading the window',
  quit: 'quitting Flakedeck',
};

/** The question, as Electron's dialog.showMessageBox takes it: Keep editing is the default and what Escape picks. */
export function leaveQuestion(leaving: Leaving) {
  return {
    type: 'warning' as const,
    title: 'Unsaved changes',
    message: 'You have unsaved changes.',
    detail: `They are lost by ${actions[leaving]}, unless you save them first.`,
    buttons: [...buttons],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}

export interface LeaveDecision {
  /** Let the blocked unload go on now. */
  proceed: boolean;
  /** Ask the page to save, then to do what the user asked (it closes or reloads itself once saved). */
  command: AppCommand | null;
}

/** Remembers what the user is doing when the page blocks the unload: the window's close and the app's quit come first. */
export class LeaveGuard {
  #leaving: Leaving = 'reload';
  #quitWhenClosed = false;

  /** The window is about to close (Electron emits this before the page's beforeunload). */
  closing(): void {
    if (this.#leaving !== 'quit') this.#leaving = 'close';
  }

  quitting(): void {
    this.#leaving = 'quit';
  }

  /** What the page's blocked unload is part of. */
  get leaving(): Leaving {
    return this.#leaving;
  }

  /** The user answered `response` (an index of the buttons) to the question about `leaving`. */
  answer(response: number): LeaveDecision {
    const leaving = this.#leaving;
    this.#leaving = 'reload';
    switch (buttons[response]) {
      case 'Discard':
        return { proceed: true, command: null };
      case 'Save':
        this.#quitWhenClosed = leaving === 'quit';
        return { proceed: false, command: { command: 'save-unsaved', then: leaving } };
      default:
        return { proceed: false, command: null };
    }
  }

  /** The window closed: after "Save" on quitting, the quit goes on. */
  closed(): boolean {
    const quit = this.#quitWhenClosed;
    this.#quitWhenClosed = false;
    return quit;
  }
}

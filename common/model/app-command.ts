// Commands the app's menus, shortcuts and tray send to the window.

export type AppCommand =
  /** Show a view, e.g. { view: 'history', param: '12' }. */
  | { command: 'navigate'; view: string; param?: string }
  /** Open a shell in the flake's folder and show it. */
  | { command: 'new-terminal' }
  /** Go to the deploy view for the host the window shows now (or the first host). */
  | { command: 'deploy-current-host' }
  /** The user chose Save when closing, reloading or quitting with unsaved work: save, then do that. */
  | { command: 'save-unsaved'; then: 'close' | 'reload' | 'quit' };

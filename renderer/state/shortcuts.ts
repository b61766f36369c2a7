// The page's own keyboard shortcuts, the same as the application menu's, so they work in every window (and where
// the menu is not there): Ctrl+1…9 for the views, Ctrl+O to open another flake, Ctrl+Shift+D to deploy this host.

import type { AppCommand } from '../../common/model/app-command.ts';

export type Shortcut = AppCommand | { command: 'open-flake' };

type Keys = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** What a key press asks for, or null; `viewIds` in sidebar order. */
export function shortcutFor(event: Keys, viewIds: readonly string[]): Shortcut | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  // By the physical key: Shift or a keyboard layout may change the character of a digit.
  const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
  if (digit && !event.shiftKey) {
    const view = viewIds[Number(digit) - 1];
    return view ? { command: 'navigate', view } : null;
  }
  const key = event.key.toLowerCase();
  if (key === 'o' && !event.shiftKey) return { command: 'open-flake' };
  if (key === 'd' && event.shiftKey) return { command: 'deploy-current-host' };
  return null;
}

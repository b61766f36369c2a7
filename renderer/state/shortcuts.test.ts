// The page's shortcuts: views by position, open a flake, deploy this host; nothing else is taken.

import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts.ts';

const views = ['hosts', 'persistence', 'home', 'secrets', 'keys', 'deploy', 'history', 'terminals'];
const press = (key: string, code: string, mods: Partial<KeyboardEvent> = {}) =>
  shortcutFor({ key, code, ctrlKey: true, metaKey: false, shiftKey: false, altKey: false, ...mods }, views);

describe('page shortcuts', () => {
  it('goes to the views by position with Ctrl+1…8', () => {
    expect(press('1', 'Digit1')).toEqual({ command: 'navigate', view: 'hosts' });
    expect(press('&', 'Digit4')).toEqual({ command: 'navigate', view: 'secrets' });
    expect(press('8', 'Digit8')).toEqual({ command: 'navigate', view: 'terminals' });
    expect(press('9', 'Digit9')).toBeNull();
  });

  it('opens a flake with Ctrl+O and deploys this host with Ctrl+Shift+D; leaves other keys alone', () => {
    expect(press('o', 'KeyO')).toEqual({ command: 'open-flake' });
    expect(press('D', 'KeyD', { shiftKey: true })).toEqual({ command: 'deploy-current-host' });
    expect(press('d', 'KeyD')).toBeNull();
    expect(press('1', 'Digit1', { ctrlKey: false })).toBeNull();
    expect(press('1', 'Digit1', { altKey: true })).toBeNull();
  });
});

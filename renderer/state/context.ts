// The app-wide state every view reads, handed down through Svelte context.

import { getContext, setContext } from 'svelte';
import type { FlakedeckApi } from '../../common/api/contract.ts';
import type { FlakeStore } from './flake-store.svelte.ts';
import type { Navigation } from './navigation.svelte.ts';
import type { UnsavedGuard } from './unsaved-work.svelte.ts';

export interface AppContext {
  api: FlakedeckApi;
  flake: FlakeStore;
  navigation: Navigation;
  /** Asks before unsaved work would be dropped. */
  unsaved: UnsavedGuard;
}

const key = Symbol('flakedeck-app');

export function setAppContext(context: AppContext): void {
  setContext(key, context);
}

export function useApp(): AppContext {
  return getContext<AppContext>(key);
}

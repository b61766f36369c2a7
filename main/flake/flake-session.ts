// Which flake the app shows: the last one opened if it is still a flake, else the repository's own.

import type { FlakeState } from '../../common/model/flake.ts';
import type { EventHub } from '../events/event-hub.ts';
import type { Settings } from '../history/settings.ts';
import { resolveFlakeFolder } from './flake-folder.ts';

export class FlakeSession {
  readonly #settings: Settings;
  readonly #events: EventHub;
  readonly #defaultFolder: string;
  #current?: FlakeState;

  constructor(settings: Settings, events: EventHub, defaultFolder: string) {
    this.#settings = settings;
    this.#events = events;
    this.#defaultFolder = defaultFolder;
  }

  current(): FlakeState {
    this.#current ??= this.#initial();
    return this.#current;
  }

  open(path: string): FlakeState {
    const folder = resolveFlakeFolder(path);
    this.#current = { path: folder, source: 'opened' };
    this.#settings.set('lastFlake', folder);
    this.#events.emit('flake.changed', this.#current);
    return this.#current;
  }

  #initial(): FlakeState {
    const last = this.#settings.get('lastFlake');
    if (last) {
      try {
        return { path: resolveFlakeFolder(last), source: 'last-opened' };
      } catch {
        // The last flake was moved or deleted since: fall back to the repository's own.
      }
    }
    return { path: this.#defaultFolder, source: 'default' };
  }
}

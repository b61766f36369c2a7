// Reads the activation script's output: its "@flakedeck" markers become facts and readable lines, the rest shows.

import type { ClosurePath } from './closure-diff.ts';

export type Marker = { name: string; words: string[] };

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;
const green = (s: string) => `\x1b[32m${s}\x1b[0m`;

function describe({ name, words }: Marker): string | null {
  const [first = ''] = words;
  switch (name) {
    case 'current':
      return first ? dim(`the host runs ${first}`) : null;
    case 'previous':
      return dim(first ? `the profile is at generation ${first}` : 'the profile has no generation yet');
    case 'profile-done':
      return `profile set to generation ${bold(first)}`;
    case 'profile-skipped':
      return dim('the profile stays as it is in this mode');
    case 'detached':
      return dim(`activation detached from this connection (${first})`);
    case 'switch-start':
      return bold(`switch-to-configuration ${first}`);
    case 'switch-done':
      return first === '0'
        ? green('switch-to-configuration finished')
        : red(`switch-to-configuration exited with ${first}`);
    case 'awaiting-confirmation':
      return `the target waits ${first} s for a confirmation over a new connection, else it rolls back`;
    case 'confirm-timeout':
      return red('no confirmation in time');
    case 'rollback-start':
      return red('rolling back to the previous generation');
    case 'rollback-done':
      return `rolled back${first ? ` to generation ${first}` : ''}`;
    case 'rollback-failed':
      return red(words.length ? `the rollback failed: ${words.join(' ')}` : 'the rollback failed');
    case 'rollback-error':
      return red(`the rollback had failed: ${words.join(' ')}`);
    case 'busy':
      return red(`another activation (${first}) is running on the target`);
    case 'confirm':
      return first === 'confirmed' ? green('confirmed over a new connection') : dim(`confirmation: ${first}`);
    case 'status':
      return dim(`status: ${first}`);
    case 'missing':
      return dim(`${first} is not on the target`);
    case 'confirmed':
      return green('confirmed');
    default:
      return null;
  }
}

export class RemoteOutput {
  readonly markers: Marker[] = [];
  readonly closures = new Map<string, ClosurePath[]>();
  readonly #onMarker: ((marker: Marker) => void) | undefined;
  #closure: ClosurePath[] | null = null;

  constructor(onMarker?: (marker: Marker) => void) {
    this.#onMarker = onMarker;
  }

  line(text: string): string | null {
    if (!text.startsWith('@flakedeck ')) return text;
    const [name = '', ...words] = text.slice('@flakedeck '.length).split(' ');
    if (name === 'path') {
      const [size, path] = words;
      if (this.#closure && path) this.#closure.push({ path, size: Number(size) });
      return null;
    }
    if (name === 'closure' && words[0]) this.closures.set(words[0], (this.#closure = []));
    const marker = { name, words };
    this.markers.push(marker);
    this.#onMarker?.(marker);
    return describe(marker);
  }

  /** The words of the last marker of this name. */
  last(name: string): string[] | undefined {
    return this.markers.findLast((m) => m.name === name)?.words;
  }

  has(name: string): boolean {
    return this.markers.some((m) => m.name === name);
  }
}

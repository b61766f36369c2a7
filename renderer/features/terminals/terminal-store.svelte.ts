// Every terminal tab of the window, alive while other views show: sessions keep streaming into their xterm.

import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ApiError, SourceLocation } from '../../../common/api/errors.ts';
import type { TerminalInfo } from '../../../common/model/terminal.ts';
import { asApiError } from '../../lib/as-api-error.ts';
import { darkScheme } from './terminal-theme.ts';
import { TerminalTab } from './terminal-tab.svelte.ts';
import type { LinkRequest } from './terminal-tab.svelte.ts';

export class TerminalStore {
  tabs = $state.raw<TerminalTab[]>([]);
  /** The link waiting for the user's yes or no. */
  link = $state<LinkRequest | null>(null);
  error = $state<ApiError | null>(null);
  /** The tab shown last, so the view comes back to it. */
  lastShown: string | undefined;
  readonly #api: FlakedeckApi;

  constructor(api: FlakedeckApi) {
    this.#api = api;
    api.events.on('terminal.opened', (info) => this.#add(info));
    api.events.on('terminal.data', (event) => this.find(event.id)?.receive(event));
    api.events.on('terminal.exit', ({ id, ...status }) => this.find(id)?.exited(status));
    api.events.on('terminal.closed', ({ id }) => this.#remove(id));
    matchMedia(darkScheme).addEventListener('change', () => this.tabs.forEach((tab) => tab.setTheme()));
    void this.#guard(async () => (await api.terminal.list()).forEach((info) => this.#add(info)));
  }

  find(id: string | undefined): TerminalTab | undefined {
    return this.tabs.find((tab) => tab.id === id);
  }

  /** A shell in the flake's folder, sized like the terminal that shows now; resolves to its id. */
  openShell = async (size?: { cols: number; rows: number }): Promise<string | undefined> =>
    this.#guard(async () => this.#add(await this.#api.terminal.open(size ?? {})).id);

  close = (id: string): Promise<void> =>
    this.#guard(async () => {
      await this.#api.terminal.close({ id });
      this.#remove(id);
    });

  requestLink = (link: LinkRequest): void => {
    this.link = link;
  };

  /** Opens a file:line from a terminal in the user's editor; a terminal editor's own tab is then shown. */
  openSource = (location: SourceLocation): Promise<void> =>
    this.#guard(async () => {
      const { terminalId } = await this.#api.app.openInEditor(location);
      if (terminalId) window.location.hash = `terminals/${encodeURIComponent(terminalId)}`;
    });

  openLink = (url: string): Promise<void> =>
    this.#guard(async () => {
      await this.#api.app.openExternal({ url });
      this.link = null;
    });

  async #guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      this.error = null;
      return await work();
    } catch (error) {
      this.error = asApiError(error);
      return undefined;
    }
  }

  /** A tab for a session, made once whichever comes first: the opened event or the call that opened it. */
  #add(info: TerminalInfo): TerminalTab {
    const existing = this.find(info.id);
    if (existing) return existing;
    const tab = new TerminalTab(this.#api, info, this.requestLink, this.openSource);
    this.tabs = [...this.tabs, tab];
    void this.#guard(() => tab.attach());
    return tab;
  }

  #remove(id: string): void {
    const tab = this.find(id);
    if (!tab) return;
    tab.dispose();
    this.tabs = this.tabs.filter((t) => t !== tab);
  }
}

let store: TerminalStore | undefined;

/** The window's one store, made when terminals are first needed. */
export function terminalStore(api: FlakedeckApi): TerminalStore {
  store ??= new TerminalStore(api);
  return store;
}

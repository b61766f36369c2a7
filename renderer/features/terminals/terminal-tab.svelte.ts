// One terminal tab: an xterm.js terminal fed by a pty session, acknowledging what it has drawn.

import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import type { IBufferRange, ILink } from '@xterm/xterm';
import type { SourceLocation } from '../../../common/api/errors.ts';
import type { FlakedeckApi } from '../../../common/api/contract.ts';
import type { ExitStatus, TerminalData, TerminalInfo } from '../../../common/model/terminal.ts';
import { sourceParts } from '../../lib/source-links.ts';
import { ParsePace } from './parse-pace.ts';
import { sanitizePaste } from './paste.ts';
import { terminalOptions } from './terminal-options.ts';
import { terminalTheme } from './terminal-theme.ts';
import { loadWebglRenderer } from './webgl-renderer.ts';

/** Acknowledge consumed output in steps of this many characters, and whatever is left once xterm has caught up. */
const ackStep = 32_768;
/** Output is handed to xterm in pieces of at most this many characters, each acknowledged when parsed. */
const writePiece = 32_768;

export interface LinkRequest {
  uri: string;
  /** What the terminal showed for it, when that is not the URI itself (OSC 8 hyperlinks). */
  text?: string;
}

export class TerminalTab {
  info: TerminalInfo;
  readonly element = document.createElement('div');
  readonly terminal: Terminal;
  readonly search = new SearchAddon();

  readonly #api: FlakedeckApi;
  readonly #fit = new FitAddon();
  #opened = false;
  /** Offset of the next character this terminal expects; output before it is already shown. */
  #next = 0;
  /** Output from here on was sent after this window attached, so main counts it and waits for our ack. */
  #countedFrom = 0;
  #unacked = 0;
  /** Counted characters handed to xterm and not parsed yet. */
  #parsing = 0;
  /** Counts attachments: pieces written before the latest one are no longer main's to count. */
  #attachment = 0;
  /** Sent with acknowledgements, so main bounds what it sends by how long xterm takes over it, not by length. */
  readonly #pace = new ParsePace();
  #sync: Promise<void> | undefined;
  #queued: TerminalData[] = [];

  constructor(
    api: FlakedeckApi,
    info: TerminalInfo,
    onLink: (link: LinkRequest) => void,
    onSource: (location: SourceLocation) => void,
  ) {
    this.#api = api;
    this.info = $state(info);
    this.element.className = 'terminal-host';
    this.terminal = new Terminal({
      ...terminalOptions(),
      // OSC 8 hyperlinks: only http(s) reach the handler, which asks before anything opens.
      linkHandler: {
        activate: (_event, uri, range) => onLink({ uri, text: this.#textAt(range) }),
        hover: (_event, uri) => (this.element.title = uri),
        leave: () => this.element.removeAttribute('title'),
      },
    });
    this.terminal.loadAddon(this.#fit);
    this.terminal.loadAddon(this.search);
    this.terminal.loadAddon(
      new WebLinksAddon((_event, uri) => onLink({ uri }), {
        hover: (_event, uri) => (this.element.title = uri),
        leave: () => this.element.removeAttribute('title'),
      }),
    );
    // file:line, as nix names a place in the user's flake: opens in their editor.
    this.terminal.registerLinkProvider({
      provideLinks: (y, callback) => callback(this.#sourceLinks(y, onSource)),
    });
    this.terminal.onData((data) => this.running && void this.#api.terminal.write({ id: this.id, data }));
    this.terminal.onResize(
      ({ cols, rows }) => this.running && void this.#api.terminal.resize({ id: this.id, cols, rows }),
    );
    // Capture runs before xterm's own paste listener on its textarea, which would paste the text unchecked.
    this.element.addEventListener('paste', (event) => this.#paste(event), { capture: true });
  }

  get id(): string {
    return this.info.id;
  }

  get running(): boolean {
    return this.info.exited === null;
  }

  /** Puts the terminal into `container` (opening it the first time) and sizes it to fit. */
  show(container: HTMLElement): void {
    if (this.element.parentElement !== container) container.append(this.element);
    if (!this.#opened) {
      this.terminal.open(this.element);
      loadWebglRenderer(this.terminal);
      this.#opened = true;
    }
    this.fit();
    this.terminal.focus();
  }

  hide(): void {
    this.element.remove();
  }

  fit(): void {
    if (this.#opened && this.element.isConnected && this.element.clientWidth > 0) this.#fit.fit();
  }

  /** Size to open a session with, before the terminal is on screen: what fit would choose. */
  proposedSize(): { cols: number; rows: number } | undefined {
    return this.#fit.proposeDimensions();
  }

  setTheme(): void {
    this.terminal.options.theme = terminalTheme();
  }

  exited(status: ExitStatus): void {
    this.info = { ...this.info, exited: status };
    this.#ended();
  }

  /** A `terminal.data` event for this session. */
  receive(event: TerminalData): void {
    if (this.#sync) this.#queued.push(event);
    else this.#write(event);
  }

  /** (Re)starts from main's scrollback: when the tab opens, and when output went missing (a gap in offsets). */
  attach(): Promise<void> {
    this.#sync ??= this.#attach().finally(() => {
      this.#sync = undefined;
      const queued = this.#queued;
      this.#queued = [];
      for (const event of queued) this.receive(event);
    });
    return this.#sync;
  }

  dispose(): void {
    this.terminal.dispose();
    this.element.remove();
  }

  async #attach(): Promise<void> {
    const { info, scrollback, offset } = await this.#api.terminal.attach({ id: this.id });
    // The exit event may have come in while this reply, older than it, waited for its turn: an exit stays.
    this.info = { ...info, exited: info.exited ?? this.info.exited };
    this.terminal.reset();
    this.terminal.write(scrollback);
    if (this.info.exited) this.#ended();
    this.#next = offset;
    this.#countedFrom = offset;
    this.#unacked = 0;
    this.#parsing = 0;
    this.#attachment++;
  }

  #write({ data, offset }: TerminalData): void {
    if (offset > this.#next) return void this.attach();
    const end = offset + data.length;
    if (end <= this.#next) return;
    const fresh = offset < this.#next ? data.slice(this.#next - offset) : data;
    this.#next = end;
    const counted = offset >= this.#countedFrom;
    const attachment = this.#attachment;
    // In pieces, so acknowledgements leave while xterm is still parsing and main refills in time.
    for (let at = 0; at < fresh.length; at += writePiece) {
      const piece = fresh.slice(at, at + writePiece);
      if (counted) this.#parsing += piece.length;
      this.#pace.handed(piece.length);
      this.terminal.write(piece, () => {
        this.#pace.parsed(piece.length);
        if (counted && attachment === this.#attachment) this.#consumed(piece.length);
      });
    }
  }

  /** Nothing runs any more: no cursor, no input. */
  #ended(): void {
    this.terminal.write('\x1b[?25l');
    this.terminal.options.disableStdin = true;
  }

  #consumed(chars: number): void {
    this.#parsing -= chars;
    this.#unacked += chars;
    // Once xterm has caught up, everything is acknowledged, whatever main's low watermark is.
    if (this.#unacked < ackStep && this.#parsing > 0) return;
    const acked = this.#unacked;
    this.#unacked = 0;
    const rate = this.#pace.take();
    void this.#api.terminal.ack(rate ? { id: this.id, chars: acked, rate } : { id: this.id, chars: acked });
  }

  #paste(event: ClipboardEvent): void {
    event.preventDefault();
    event.stopImmediatePropagation();
    const text = event.clipboardData?.getData('text/plain');
    if (text) this.terminal.paste(sanitizePaste(text));
  }

  #sourceLinks(y: number, onSource: (location: SourceLocation) => void): ILink[] | undefined {
    const text = this.terminal.buffer.active.getLine(y - 1)?.translateToString(true) ?? '';
    const links: ILink[] = [];
    let x = 1;
    for (const part of sourceParts(text)) {
      const location = part.location;
      if (location) {
        links.push({
          text: part.text,
          range: { start: { x, y }, end: { x: x + part.text.length - 1, y } },
          activate: () => onSource(location),
          hover: () => (this.element.title = 'Open in your editor'),
          leave: () => this.element.removeAttribute('title'),
        });
      }
      x += part.text.length;
    }
    return links.length ? links : undefined;
  }

  #textAt(range: IBufferRange): string | undefined {
    const lines: string[] = [];
    for (let y = range.start.y; y <= range.end.y; y++) {
      const line = this.terminal.buffer.active.getLine(y - 1)?.translateToString(true) ?? '';
      const from = y === range.start.y ? range.start.x - 1 : 0;
      const to = y === range.end.y ? range.end.x : line.length;
      lines.push(line.slice(from, to));
    }
    return lines.join('') || undefined;
  }
}

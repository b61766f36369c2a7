// Benchmark page script: a bare xterm.js terminal like the app's, with the renderer asked for, fed as fast as it takes
// text (the baseline).

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { terminalOptions } from '../../renderer/features/terminals/terminal-options.ts';
import { loadWebglRenderer } from '../../renderer/features/terminals/webgl-renderer.ts';

/** Text queued in xterm at most: enough that its parser never waits, far below its 50 MB discard limit. */
const inFlightLimit = 4 << 20;
const pieceSize = 64 << 10;

interface Baseline {
  load(chunk: string): void;
  /**
   * Lays a terminal over `rect` (the app's terminal), drawn by WebGL if asked for and offered, and writes everything
   * loaded; resolves once parsed, with the renderer that draws it. Without `rect`, the terminal is never opened: xterm
   * parses into its buffer and draws nothing.
   */
  replay(rect?: Rect, webgl?: boolean): Promise<'webgl' | 'dom' | 'none'>;
  /** Removes the terminal; what was loaded stays for another replay. */
  dispose(): void;
  unload(): void;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

declare global {
  interface Window {
    xtermBaseline: Baseline;
  }
}

let chunks: string[] = [];
let terminal: Terminal | undefined;
let host: HTMLDivElement | undefined;

function open(rect: Rect, webgl: boolean): { term: Terminal; drawnWith: 'webgl' | 'dom' } {
  host = document.createElement('div');
  host.dataset.testid = 'xterm-baseline';
  Object.assign(host.style, {
    position: 'fixed',
    left: `${rect.x}px`,
    top: `${rect.y}px`,
    width: `${rect.width}px`,
    height: `${rect.height}px`,
    zIndex: '1000',
  });
  document.body.append(host);
  const term = new Terminal(terminalOptions());
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  const drawnWith = webgl && loadWebglRenderer(term) ? 'webgl' : 'dom';
  fit.fit();
  return { term, drawnWith };
}

window.xtermBaseline = {
  load(chunk) {
    chunks.push(chunk);
  },

  async replay(rect, webgl = false) {
    const { term, drawnWith } = rect
      ? open(rect, webgl)
      : { term: new Terminal(terminalOptions()), drawnWith: 'none' as const };
    terminal = term;
    let inFlight = 0;
    let drained: (() => void) | undefined;
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += pieceSize) {
        if (inFlight > inFlightLimit) await new Promise<void>((resolve) => (drained = resolve));
        const piece = chunk.slice(at, at + pieceSize);
        inFlight += piece.length;
        term.write(piece, () => {
          inFlight -= piece.length;
          if (inFlight <= inFlightLimit / 2) drained?.();
        });
      }
    }
    await new Promise<void>((resolve) => term.write('', resolve));
    return drawnWith;
  },

  dispose() {
    terminal?.dispose();
    host?.remove();
    terminal = undefined;
    host = undefined;
  },

  unload() {
    chunks = [];
  },
};

// Draws an opened terminal with xterm's WebGL renderer where the browser offers WebGL2, and leaves it to xterm's DOM
// renderer where it does not or once the GPU takes the context away.

import { WebglAddon } from '@xterm/addon-webgl';
import type { Terminal } from '@xterm/xterm';

/** Loads the WebGL renderer into `terminal` (opened already); false when the DOM renderer stays. */
export function loadWebglRenderer(terminal: Terminal): boolean {
  try {
    const webgl = new WebglAddon();
    // A lost context (a GPU reset, too many contexts) is not given back: the DOM renderer takes over, the text stays.
    webgl.onContextLoss(() => webgl.dispose());
    terminal.loadAddon(webgl);
    return true;
  } catch {
    return false;
  }
}

// What the confirmation step shows while it tries again every second: each thing ssh says once, not once a try, and
// once the target's own window has passed, one line saying what the target does by itself.

export interface ConfirmWindow {
  /** When the target stops waiting and rolls back by itself (milliseconds since the epoch). */
  endsAt: number;
  seconds: number;
  /** When the app stops trying (milliseconds since the epoch). */
  giveUpAt: number;
  now?: () => number;
}

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;

/** Wraps a line reader: a line it has shown before is read again (for what it records) but not shown again. */
export function quietRetries(read: (line: string) => string | null, window: ConfirmWindow) {
  const seen = new Set<string>();
  const now = window.now ?? Date.now;
  let toldWindowPassed = false;
  return (line: string): string | null => {
    const shown = read(line);
    if (shown === null) return null;
    if (seen.has(shown)) {
      if (toldWindowPassed || now() < window.endsAt) return null;
      toldWindowPassed = true;
      const until = new Date(window.giveUpAt).toLocaleTimeString();
      return dim(
        `The target's ${window.seconds} s confirmation window has passed: unconfirmed, it goes back to its previous ` +
          `generation by itself. Checking quietly whether it did, until ${until}.`,
      );
    }
    seen.add(shown);
    return shown;
  };
}

// API of terminal sessions: shells the user opens, and runs that services start (builds, deploys).
// The renderer can open a shell only; which programs run is decided in main.

import { z } from 'zod';
import { event, method, noParams } from '../define.ts';
import type { TerminalAttachment, TerminalData, TerminalExit, TerminalInfo } from '../../model/terminal.ts';

const sessionId = z.string().min(1).max(64);
const cols = z.int().min(2).max(1000);
const rows = z.int().min(1).max(500);

export const terminalMethods = {
  /**
   * A shell (the user's $SHELL, else /bin/sh) in the opened flake's folder. `withAgeKey`: the user asked for the
   * keychain's age keys in this one shell's environment (SOPS_AGE_KEY), for the `sops` commands they run there.
   */
  'terminal.open': method<TerminalInfo>()(
    z.strictObject({ cols: cols.optional(), rows: rows.optional(), withAgeKey: z.boolean().default(false) }),
  ),
  'terminal.list': method<TerminalInfo[]>()(noParams),
  /** Starts delivering the session's output to this window, beginning with its bounded scrollback. */
  'terminal.attach': method<TerminalAttachment>()(z.strictObject({ id: sessionId })),
  /**
   * The window consumed this many characters of `terminal.data`: flow control lets the program go on. `rate`: the
   * characters a millisecond the window's terminal works through while it has output queued, when it has measured
   * it, so that what is owed is bounded in time.
   */
  'terminal.ack': method<void>()(
    z.strictObject({
      id: sessionId,
      chars: z.int().min(0).max(100_000_000),
      rate: z.number().positive().max(10_000_000).optional(),
    }),
  ),
  'terminal.write': method<void>()(z.strictObject({ id: sessionId, data: z.string().max(1_048_576) })),
  'terminal.resize': method<void>()(z.strictObject({ id: sessionId, cols, rows })),
  'terminal.kill': method<void>()(
    z.strictObject({ id: sessionId, signal: z.enum(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL']).optional() }),
  ),
  /** Ends the session if it still runs and forgets it (closing its tab). */
  'terminal.close': method<void>()(z.strictObject({ id: sessionId })),
};

export const terminalEvents = {
  /** Output, batched for a few milliseconds; the window acknowledges it with `terminal.ack`. */
  'terminal.data': event<TerminalData>(),
  'terminal.exit': event<TerminalExit>(),
  /** A session started, by the user or by a service: it gets a tab, shared with its run's other steps. */
  'terminal.opened': event<TerminalInfo>(),
  'terminal.closed': event<{ id: string }>(),
};

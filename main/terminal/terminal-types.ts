// The terminal service's contract with the rest of main: what a deploy or a shell asks of a pty session.

import type { Unsubscribe } from '../../common/api/contract.ts';
import type { ExitStatus, TerminalInfo, TerminalKind } from '../../common/model/terminal.ts';

// The renderer sees sessions through the API, so their shapes live in common/ and are re-exported here.
export type { ExitStatus, TerminalInfo, TerminalKind };

export interface SpawnSpec {
  /** Program and arguments: an argument array, never a shell string. */
  file: string;
  args: readonly string[];
  cwd?: string;
  /** Added to (or, with `replaceEnv`, instead of) the app's environment. */
  env?: Record<string, string>;
  replaceEnv?: boolean;
  /** Shown on the terminal's tab. */
  title: string;
  cols?: number;
  rows?: number;
  /** A plain interactive shell, or a step of a build or deploy (read-only for the user unless it asks for input). */
  kind: TerminalKind;
  /** The run this program is a step of: its sessions share one tab (TerminalInfo.group). */
  group?: string;
  /**
   * Rewrites output before the renderer sees it, e.g. nix's internal-json log into readable lines.
   * Listeners of `onRawData` still get the program's own bytes.
   */
  filter?: OutputFilter;
}

export interface OutputFilter {
  /** Returns what to show for this chunk of the program's output (may hold back a partial line). */
  write(chunk: string): string;
  /** Returns what is left to show when the program exits. */
  end(): string;
}

export interface TerminalHost {
  spawn(spec: SpawnSpec): TerminalInfo;
  write(id: string, data: string): void;
  resize(id: string, cols: number, rows: number): void;
  kill(id: string, signal?: NodeJS.Signals): void;
  list(): TerminalInfo[];
  /** Resolves when the program exits. */
  exited(id: string): Promise<ExitStatus>;
  /** The program's raw output, for pipelines that parse it (the renderer gets the filtered, batched stream). */
  onRawData(id: string, listener: (data: string) => void): Unsubscribe;
}

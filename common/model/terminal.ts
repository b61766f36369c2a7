// Domain types of terminal sessions, as the API hands them to the renderer.

/** A plain interactive shell, or a step of a build or deploy (read-only for the user unless it asks for input). */
export type TerminalKind = 'shell' | 'run';

export interface ExitStatus {
  exitCode: number;
  signal?: number;
}

export interface TerminalInfo {
  id: string;
  title: string;
  kind: TerminalKind;
  /** Sessions of one build or deploy share a group, named for the run ("deploy web #12"), and one tab. */
  group?: string;
  pid: number;
  exited: ExitStatus | null;
}

/** A chunk of a session's output; `offset` counts the characters the session showed before it. */
export interface TerminalData {
  id: string;
  data: string;
  offset: number;
}

export interface TerminalExit extends ExitStatus {
  id: string;
}

/** What a tab opened now needs: the session, its bounded scrollback, and where the live stream continues. */
export interface TerminalAttachment {
  info: TerminalInfo;
  scrollback: string;
  /** The offset of the first character after `scrollback`; later `terminal.data` events start here. */
  offset: number;
}

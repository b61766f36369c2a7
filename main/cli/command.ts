// The shape of a CLI command: its flags for node:util parseArgs, and what it runs; and how the list names one.

import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context.ts';

export interface ParsedCommandLine {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves to the process exit code. */
  run(ctx: CliContext, args: ParsedCommandLine): Promise<number>;
}

/** A command as `flakedeck --help` lists it; its module is loaded only when the command runs or shows its help. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

// The shape of a CLI command: its flags for node:util parseArgs, and what it runs.

import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context.ts';

export interface ParsedCommandLine {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves to the process exit code. */
  run(ctx: CliContext, args: ParsedCommandLine): Promise<number>;
}

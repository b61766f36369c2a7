// The `flakedeck` command line: the same services as the app, for shells and scripts.

import { constants } from 'node:os';
import { parseArgs } from 'node:util';
import { ApiError } from '../common/api/errors.ts';
import type { Command } from './cli/command.ts';
import { CliContext, packageVersion } from './cli/context.ts';
import type { Output } from './cli/context.ts';
import { buildCommand } from './cli/build-command.ts';
import { deployCommand } from './cli/deploy-command.ts';
import { generationsCommand, rollbackCommand } from './cli/generations-command.ts';
import { historyCommand } from './cli/history-command.ts';
import type { ServiceConfig } from './services.ts';
import { hostsCommand } from './cli/hosts-command.ts';
import { inspectCommand } from './cli/inspect-command.ts';
import { keysCommand } from './cli/keys-command.ts';
import { makeYoursCommand } from './cli/make-yours-command.ts';
import { rebootDiffCommand } from './cli/reboot-diff-command.ts';
import { secretsCommand } from './cli/secrets-command.ts';
import { statusCommand } from './cli/status-command.ts';

const commands: readonly Command[] = [
  hostsCommand,
  statusCommand,
  inspectCommand,
  rebootDiffCommand,
  buildCommand,
  deployCommand,
  generationsCommand,
  rollbackCommand,
  historyCommand,
  secretsCommand,
  makeYoursCommand,
  keysCommand,
];

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'flakedeck: a control center for a NixOS flake',
    '',
    'Usage: flakedeck <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help     Show help (also after a command)',
    '  --version  Print the version',
    '',
    'Commands that read a flake take --flake PATH (default: the flake in the current folder, else this repository).',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n`;
}

function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return `flakedeck: ${error instanceof Error ? error.message : String(error)}\n`;
  const lines = [`flakedeck: ${error.message}`];
  if (error.location) {
    const { file, line, column } = error.location;
    lines.push(`  at ${file}:${line}${column ? `:${column}` : ''}`);
  }
  if (error.hint) lines.push(`  ${error.hint}`);
  return `${lines.join('\n')}\n`;
}

/** The signals that stop the `flakedeck` process; its runs in flight are recorded as interrupted first. */
export const processStopSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * `stopSignals`: signals that stop the command (the process's own run gives SIGINT, SIGTERM and SIGHUP): its runs in
 * flight end in the history as interrupted, saying why, before the process exits.
 */
export async function runCli(
  argv: readonly string[],
  io: Output,
  config: Partial<ServiceConfig> = {},
  stopSignals: readonly NodeJS.Signals[] = [],
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`flakedeck: unknown command "${name}". Run \`flakedeck --help\` for the list.\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`flakedeck ${name}: ${(error as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  const ctx = new CliContext(io, config);
  const stop = (signal: NodeJS.Signals) => {
    ctx.close(`flakedeck was stopped (${signal})`);
    process.exit(128 + constants.signals[signal]);
  };
  for (const signal of stopSignals) process.once(signal, stop);
  try {
    return await command.run(ctx, parsed);
  } catch (error) {
    io.err(describeError(error));
    return 1;
  } finally {
    for (const signal of stopSignals) process.off(signal, stop);
    ctx.close();
  }
}

if (import.meta.main) {
  const io: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  process.exitCode = await runCli(process.argv.slice(2), io, {}, processStopSignals);
}

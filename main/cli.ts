// The `flakedeck` command line: the same services as the app, for shells and scripts.

import { constants } from 'node:os';
import { parseArgs } from 'node:util';
import { ApiError } from '../common/api/errors.ts';
import type { Command, CommandEntry } from './cli/command.ts';
import type { Output } from './cli/context.ts';
import type { ServiceConfig } from './services.ts';

// Every command's module (and what it needs: nix, SQLite, the keychain, the secrets codec) is imported only when
// that command runs, so `--help` and each command start without loading the others.
const commands: readonly CommandEntry[] = [
  {
    name: 'hosts',
    summary: 'List the NixOS hosts of a flake',
    load: async () => (await import('./cli/hosts-command.ts')).hostsCommand,
  },
  {
    name: 'status',
    summary: 'Check the hosts over SSH: up to date, reboot needed, failed units (exit 0 when all are up to date)',
    load: async () => (await import('./cli/status-command.ts')).statusCommand,
  },
  {
    name: 'inspect',
    summary: 'Show what each host keeps, wipes at boot, runs and how it is deployed (docs/manifest.md)',
    load: async () => (await import('./cli/inspect-command.ts')).inspectCommand,
  },
  {
    name: 'reboot-diff',
    summary:
      'List what the next reboot of a host will wipe (this machine without HOST): files on its tmpfs root that nothing persists',
    load: async () => (await import('./cli/reboot-diff-command.ts')).rebootDiffCommand,
  },
  {
    name: 'build',
    summary: "Build hosts' systems; prints each out path, in the order of the hosts",
    load: async () => (await import('./cli/build-command.ts')).buildCommand,
  },
  {
    name: 'deploy',
    summary: 'Deploy hosts: build, show what changes and ask, copy, switch, confirm (an unconfirmed host rolls back)',
    load: async () => (await import('./cli/deploy-command.ts')).deployCommand,
  },
  {
    name: 'switch',
    summary: 'Switch this machine to its system in the flake: build, show what changes and ask, switch, keep or revert',
    load: async () => (await import('./cli/switch-command.ts')).switchCommand,
  },
  {
    name: 'reboot',
    summary: 'Reboot this machine after showing what the reboot wipes; --generation N boots that one once',
    load: async () => (await import('./cli/reboot-command.ts')).rebootCommand,
  },
  {
    name: 'generations',
    summary: "List a host's system generations (over SSH)",
    load: async () => (await import('./cli/generations-command.ts')).generationsCommand,
  },
  {
    name: 'rollback',
    summary: 'Switch a host back to a generation (the one before the current by default), confirmed like a deploy',
    load: async () => (await import('./cli/generations-command.ts')).rollbackCommand,
  },
  {
    name: 'history',
    summary: 'List recorded builds, deploys and rollbacks, or show one run (with --log, its whole log)',
    load: async () => (await import('./cli/history-command.ts')).historyCommand,
  },
  {
    name: 'secrets',
    summary: 'Decrypt, encrypt, updatekeys and rotate sops files (age)',
    load: async () => (await import('./cli/secrets-command.ts')).secretsCommand,
  },
  {
    name: 'make-yours',
    summary: "Replace the published demo keys with your age key and your hosts' keys, and rotate every secret file",
    load: async () => (await import('./cli/make-yours-command.ts')).makeYoursCommand,
  },
  {
    name: 'keys',
    summary: 'Manage the age keys in the OS keychain (generate, import, list, public, delete)',
    load: async () => (await import('./cli/keys-command.ts')).keysCommand,
  },
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

function commandHelp(entry: CommandEntry, command: Command): string {
  return `${entry.summary}\n\nUsage: ${command.usage}\n`;
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

let readerWatched = false;

/** A reader that stops reading (`| head`) ends the command quietly, as it ends any other command. */
function watchReader(): void {
  if (readerWatched) return;
  readerWatched = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

/** The process's own streams. */
export const processOutput: Output = {
  out: (text) => {
    watchReader();
    process.stdout.write(text);
  },
  err: (text) => void process.stderr.write(text),
  drained: () =>
    process.stdout.writableNeedDrain
      ? new Promise((resolve) => process.stdout.once('drain', resolve))
      : Promise.resolve(),
};

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
    const { packageVersion } = await import('./cli/context.ts');
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`flakedeck: unknown command "${name}". Run \`flakedeck --help\` for the list.\n`);
    return 2;
  }
  const command = await entry.load();
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
    io.out(commandHelp(entry, command));
    return 0;
  }
  const { CliContext } = await import('./cli/context.ts');
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
  process.exitCode = await runCli(process.argv.slice(2), processOutput, {}, processStopSignals);
}

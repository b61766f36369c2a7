// `flakedeck keys`: the age identities in the OS keychain. Only public keys are ever printed.

import { ApiError } from '../../common/api/errors.ts';
import type { Command, ParsedCommandLine } from './command.ts';
import { printJson } from './context.ts';

function usageError(message: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, hint: `Usage: ${keysCommand.usage}` });
}

function operand(args: ParsedCommandLine, what: string): string {
  const value = args.positionals[1];
  if (value === undefined || args.positionals.length > 2)
    throw usageError(`"${args.positionals[0]}" takes one ${what}.`);
  return value;
}

export const keysCommand: Command = {
  usage: [
    'flakedeck keys generate [--label LABEL]',
    '       flakedeck keys import FILE [--label LABEL] [--delete-file]',
    '       flakedeck keys list [--json]',
    '       flakedeck keys public [--label LABEL]',
    '       flakedeck keys delete LABEL --yes',
  ].join('\n'),
  options: {
    label: { type: 'string' },
    'delete-file': { type: 'boolean' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
  },
  async run(ctx, args) {
    const keys = await ctx.keys();
    const label = args.values.label as string | undefined;
    switch (args.positionals[0]) {
      case 'generate': {
        const identity = await keys.generate(label ?? 'default');
        ctx.io.out(`${identity.publicKey}\n`);
        ctx.io.err(`Generated age key "${identity.label}" in the keychain; add the public key above to .sops.yaml.\n`);
        return 0;
      }
      case 'import': {
        const file = operand(args, 'FILE');
        const result = await keys.importFile(file, label ?? 'imported', args.values['delete-file'] === true);
        for (const k of result.imported) ctx.io.out(`${k.label}\t${k.publicKey}\n`);
        ctx.io.err(
          result.deletedFile
            ? `Deleted ${file}: the keys now live only in the keychain.\n`
            : `${file} was kept; pass --delete-file to remove it.\n`,
        );
        return 0;
      }
      case 'list': {
        const list = await keys.list();
        if (args.values.json) printJson(ctx.io, list);
        else if (list.length === 0)
          ctx.io.out('The keychain holds no age key. Run `flakedeck keys generate` or `flakedeck keys import FILE`.\n');
        else ctx.io.out(list.map((k) => `${k.label}\t${k.publicKey}\n`).join(''));
        return 0;
      }
      case 'public':
        ctx.io.out(`${(await keys.publicKey(label)).publicKey}\n`);
        return 0;
      case 'delete': {
        const target = operand(args, 'LABEL');
        const identity = await keys.publicKey(target);
        if (args.values.yes !== true) {
          throw usageError(
            `Deleting "${target}" (${identity.publicKey}) cannot be undone: files encrypted only to it become unreadable. Add --yes to confirm.`,
          );
        }
        await keys.delete(target, identity.publicKey);
        ctx.io.out(`Deleted age key "${target}" (${identity.publicKey}).\n`);
        return 0;
      }
      default:
        throw usageError(args.positionals[0] ? `Unknown subcommand "${args.positionals[0]}".` : 'Give a subcommand.');
    }
  },
};

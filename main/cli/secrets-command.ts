// `flakedeck secrets`: decrypt, encrypt, updatekeys and rotate sops files, as the sops commands of the same names.

import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { ApiError } from '../../common/api/errors.ts';
import type { SecretFormat } from '../../common/model/secrets.ts';
import { cliIdentities } from '../keys/cli-identities.ts';
import {
  decryptFile,
  encryptFile,
  encryptFileInPlace,
  rotateFile,
  updateKeysFile,
} from '../secrets/file-operations.ts';
import { decryptedBytes } from '../secrets/sops-file.ts';
import type { Command, ParsedCommandLine } from './command.ts';
import type { CliContext } from './context.ts';

const formats: readonly SecretFormat[] = ['yaml', 'json', 'dotenv', 'ini', 'binary'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

function usageError(message: string): ApiError {
  return new ApiError({ code: 'INVALID_ARGUMENTS', message, hint: `Usage: ${secretsCommand.usage}` });
}

function formatFlag(value: unknown, flag: string): SecretFormat | undefined {
  if (value === undefined) return undefined;
  if (!formats.includes(value as SecretFormat)) throw usageError(`--${flag} must be one of ${formats.join(', ')}.`);
  return value as SecretFormat;
}

function files(args: ParsedCommandLine, atLeast: number, atMost = Infinity): string[] {
  const list = args.positionals.slice(1);
  if (list.length < atLeast || list.length > atMost)
    throw usageError(`"${args.positionals[0]}" takes ${atMost === 1 ? 'one FILE' : 'one or more FILEs'}.`);
  return list;
}

/**
 * Plaintext the user asked to put on disk: readable by its owner only, also when the file was there before (its old
 * mode could be world-readable). The mode changes before the old content is cut and the new one written.
 */
function writePrivate(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600);
  try {
    if (fstatSync(fd).isFile()) {
      fchmodSync(fd, 0o600);
      ftruncateSync(fd, 0);
    }
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
}

function print(ctx: CliContext, bytes: Uint8Array, output: string | undefined): void {
  if (output) {
    writePrivate(output, bytes);
    return;
  }
  try {
    ctx.io.out(utf8.decode(bytes));
  } catch {
    throw new ApiError({
      code: 'INVALID_ARGUMENTS',
      message: 'The decrypted data is binary and cannot be printed.',
      hint: 'Write it to a file with --output FILE.',
    });
  }
}

export const secretsCommand: Command = {
  usage: [
    'flakedeck secrets decrypt FILE [--output-type FORMAT] [--input-type FORMAT] [--output FILE] [--ignore-mac]',
    '       flakedeck secrets encrypt FILE [--in-place] [--input-type FORMAT]',
    '       flakedeck secrets updatekeys FILE...',
    '       flakedeck secrets rotate FILE...',
    '',
    'FORMAT is yaml, json, dotenv, ini or binary (default: from the extension).',
    'Keys: SOPS_AGE_KEY or SOPS_AGE_KEY_FILE when set, else the age keys in the OS keychain.',
    '.sops.yaml is looked up from the current folder upwards, as sops does.',
  ].join('\n'),
  options: {
    'output-type': { type: 'string' },
    'input-type': { type: 'string' },
    output: { type: 'string' },
    'ignore-mac': { type: 'boolean' },
    'in-place': { type: 'boolean' },
  },
  async run(ctx, args) {
    const { values } = args;
    const identities = async () => cliIdentities(process.env, await ctx.keys());
    const inputType = formatFlag(values['input-type'], 'input-type');
    switch (args.positionals[0]) {
      case 'decrypt': {
        const [file] = files(args, 1, 1) as [string];
        const ignoreMac = values['ignore-mac'] === true;
        const opened = await decryptFile(file, { identities: await identities(), format: inputType, ignoreMac });
        if (!opened.macVerified)
          ctx.io.err(`flakedeck: warning: ${file} failed its MAC check; printed anyway because of --ignore-mac.\n`);
        for (const damaged of opened.damaged) {
          const where = damaged.line ? ` (line ${damaged.line})` : '';
          ctx.io.err(`flakedeck: warning: ${damaged.key}${where} does not decrypt (changed or damaged): left out.\n`);
        }
        print(
          ctx,
          decryptedBytes(opened, formatFlag(values['output-type'], 'output-type')),
          values.output as string | undefined,
        );
        return 0;
      }
      case 'encrypt': {
        const [file] = files(args, 1, 1) as [string];
        const options = { identities: [], configStart: process.cwd(), format: inputType };
        if (values['in-place']) {
          await encryptFileInPlace(file, options);
          ctx.io.err(`Encrypted ${file} in place.\n`);
        } else ctx.io.out(new TextDecoder().decode((await encryptFile(file, options)).bytes));
        return 0;
      }
      case 'updatekeys': {
        const keys = await identities();
        for (const file of files(args, 1)) {
          const { changed } = await updateKeysFile(file, {
            identities: keys,
            configStart: process.cwd(),
            format: inputType,
          });
          ctx.io.out(`${file}: ${changed ? 'keys updated to the creation rules' : 'already up to date'}\n`);
        }
        return 0;
      }
      case 'rotate': {
        const keys = await identities();
        for (const file of files(args, 1)) {
          await rotateFile(file, { identities: keys, format: inputType });
          ctx.io.out(`${file}: new data key, every value re-encrypted\n`);
        }
        return 0;
      }
      default:
        throw usageError(args.positionals[0] ? `Unknown subcommand "${args.positionals[0]}".` : 'Give a subcommand.');
    }
  },
};

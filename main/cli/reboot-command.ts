// `flakedeck reboot`: this machine, after showing what the reboot wipes and asking; with --generation N, into that
// generation for the next boot only (where the boot loader can).

import { ApiError } from '../../common/api/errors.ts';
import type { Command } from './command.ts';
import { Questions } from './questions.ts';
import { printWipeList } from './wipe-list.ts';

export const rebootCommand: Command = {
  usage: 'flakedeck reboot [--flake PATH] [--generation N] [--yes]',
  options: {
    flake: { type: 'string' },
    generation: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
  },
  async run(ctx, { values, positionals }) {
    if (positionals.length > 0) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: 'reboot takes no host: it reboots this machine.',
        hint: `Usage: ${rebootCommand.usage}`,
      });
    }
    const raw = values.generation as string | undefined;
    const generation = raw === undefined ? undefined : Number(raw);
    if (generation !== undefined && (!Number.isInteger(generation) || generation < 1)) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `--generation ${raw}: a generation is a number from 1 up (flakedeck generations lists them).`,
      });
    }
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    // Refused before the question when the boot loader cannot start the generation once.
    const { host, command } = await services.rebootGuard.command(folder, generation);
    printWipeList(ctx.io, await services.rebootCheck.run(folder, host));
    if (values.yes !== true) {
      const questions = new Questions(ctx.io);
      const into = generation === undefined ? '' : `, into generation ${generation} for the next boot only`;
      const yes = await questions.ask(`\nReboot this machine (${host}) now${into}? [y/N] `);
      questions.close();
      if (!yes) {
        ctx.io.err('Not rebooted.\n');
        return 1;
      }
    }
    await services.rebootGuard.reboot(folder, generation);
    ctx.io.out(`Rebooting ${host} (${command.join(' ')}).\n`);
    return 0;
  },
};

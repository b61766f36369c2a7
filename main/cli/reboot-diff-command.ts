// `flakedeck reboot-diff [HOST]`: what the next reboot of a host with an ephemeral root will wipe (this machine when
// no host is named, over SSH for the others).

import { ApiError } from '../../common/api/errors.ts';
import { RebootCheck } from '../flake/reboot-check.ts';
import { Targets } from '../targets/targets.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';
import { printWipeList } from './wipe-list.ts';

export const rebootDiffCommand: Command = {
  usage: 'flakedeck reboot-diff [HOST] [--flake PATH] [--json] [--root PATH] [--ssh-option OPTION]...',
  options: {
    flake: { type: 'string' },
    json: { type: 'boolean' },
    root: { type: 'string' },
    'ssh-option': { type: 'string', multiple: true },
  },
  async run(ctx, { values, positionals }) {
    if (positionals.length > 1) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: 'reboot-diff takes one host, or none for this machine.',
        hint: `Usage: ${rebootDiffCommand.usage}`,
      });
    }
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    const extra = ((values['ssh-option'] as string[] | undefined) ?? []).flatMap((o) => ['-o', o]);
    const targets = new Targets(services.manifests, {
      ...services.targets.env,
      sshOptions: [...services.targets.env.sshOptions, ...extra],
    });
    const host = positionals[0] ?? (await targets.requireThisMachine(folder));
    const check = new RebootCheck(services.manifests, targets, {
      ...services.config.rebootCheck,
      ...(typeof values.root === 'string' && { rootPrefix: values.root }),
    });
    const diff = await check.run(folder, host);
    if (values.json) printJson(ctx.io, diff);
    else printWipeList(ctx.io, diff);
    return 0;
  },
};

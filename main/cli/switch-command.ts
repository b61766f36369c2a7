// `flakedeck switch`: this machine, through the same pipeline as a deploy, then "Keep this configuration?".

import { ApiError } from '../../common/api/errors.ts';
import { keepSecondsRange } from '../../common/model/runs.ts';
import type { DeployMode } from '../../common/model/runs.ts';
import { checkKeepSeconds } from '../deploy/settings.ts';
import type { Command } from './command.ts';
import { approvalOf, approvalOptions, followRuns, reportRuns } from './follow-runs.ts';

const modes: readonly DeployMode[] = ['switch', 'boot', 'test'];

export const switchCommand: Command = {
  // --keep-seconds: how long "Keep this configuration?" waits for this switch, instead of the window's setting.
  usage: `flakedeck switch [--flake PATH] [--mode ${modes.join('|')}] [--yes [--allow-other-system]] [--rename] [--keep-seconds ${keepSecondsRange.min}-${keepSecondsRange.max}]`,
  options: {
    flake: { type: 'string' },
    mode: { type: 'string' },
    'keep-seconds': { type: 'string' },
    ...approvalOptions,
    rename: { type: 'boolean' },
  },
  async run(ctx, { values, positionals }) {
    if (positionals.length > 0) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: 'switch takes no host: it switches this machine.',
        hint: 'To switch another machine, use flakedeck deploy HOST.',
      });
    }
    const mode = (values.mode ?? 'switch') as DeployMode;
    if (!modes.includes(mode)) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `--mode ${String(mode)}: the modes are ${modes.join(', ')}.`,
      });
    }
    const given = values['keep-seconds'] as string | undefined;
    // Checked before anything starts: "abc" and "1.5" are refused with the bounds, as the window's setting is.
    const keepSeconds = given === undefined ? undefined : checkKeepSeconds(/^\d+$/.test(given) ? Number(given) : given);
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    const batch = await services.deploy.switchThisMachine(folder, mode, true, {
      allowRename: values.rename === true,
      keepSeconds,
    });
    const runs = await followRuns(services, ctx.io, batch, { ...approvalOf(values), action: `Switch (${mode})` });
    return reportRuns(ctx.io, runs);
  },
};

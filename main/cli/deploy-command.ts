// `flakedeck deploy HOST...`: build, diff, approve, copy, activate and confirm, each host in parallel.

import { ApiError } from '../../common/api/errors.ts';
import { deployModes } from '../../common/model/runs.ts';
import type { DeployMode } from '../../common/model/runs.ts';
import type { Command } from './command.ts';
import { approvalOf, approvalOptions, followRuns, reportRuns } from './follow-runs.ts';

export const deployCommand: Command = {
  usage: `flakedeck deploy HOST... [--flake PATH] [--mode ${deployModes.join('|')}] [--yes [--allow-other-system]]`,
  options: { flake: { type: 'string' }, mode: { type: 'string' }, ...approvalOptions },
  async run(ctx, { values, positionals }) {
    if (positionals.length === 0) throw new ApiError({ code: 'INVALID_ARGUMENTS', message: 'Name at least one host.' });
    const mode = (values.mode ?? 'switch') as DeployMode;
    if (!deployModes.includes(mode)) {
      throw new ApiError({
        code: 'INVALID_ARGUMENTS',
        message: `--mode ${String(mode)}: the modes are ${deployModes.join(', ')}.`,
      });
    }
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    const batch = await services.deploy.deploy(folder, positionals, mode, true);
    const runs = await followRuns(services, ctx.io, batch, { ...approvalOf(values), action: `Deploy (${mode}) to` });
    return reportRuns(ctx.io, runs);
  },
};

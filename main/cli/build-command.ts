// `flakedeck build HOST...`: builds the hosts' systems, shows the build on stderr, prints each out path on stdout.

import { ApiError } from '../../common/api/errors.ts';
import type { Command } from './command.ts';
import { followRuns, reportRuns } from './follow-runs.ts';

export const buildCommand: Command = {
  usage: 'flakedeck build HOST... [--flake PATH]',
  options: { flake: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    if (positionals.length === 0) throw new ApiError({ code: 'INVALID_ARGUMENTS', message: 'Name at least one host.' });
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    const batch = await services.deploy.build(folder, positionals);
    const runs = await followRuns(services, ctx.io, batch, { yes: true, action: 'build' });
    const code = reportRuns({ out: () => {}, err: (t) => ctx.io.err(t) }, runs);
    for (const run of runs) if (run.status === 'succeeded' && run.outPath) ctx.io.out(`${run.outPath}\n`);
    return code;
  },
};

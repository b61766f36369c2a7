// `flakedeck generations HOST` and `flakedeck rollback HOST [GENERATION]`: a host's system generations, and going
// back to one of them (confirmed like a deploy, rolled back by the target if unconfirmed).

import { ApiError } from '../../common/api/errors.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';
import { approvalOf, approvalOptions, followRuns, reportRuns } from './follow-runs.ts';

function oneHost(positionals: string[], usage: string, max = 1): void {
  if (positionals.length < 1 || positionals.length > max) {
    throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `Usage: ${usage}` });
  }
}

export const generationsCommand: Command = {
  usage: 'flakedeck generations HOST [--flake PATH] [--json]',
  options: { flake: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    oneHost(positionals, this.usage);
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const { deploy } = await ctx.services();
    const list = await deploy.generations(folder, positionals[0]!);
    if (values.json) printJson(ctx.io, list);
    else if (list.generations.length === 0) ctx.io.out(`${list.host} (${list.target}) has no system generations.\n`);
    else {
      for (const g of list.generations) {
        ctx.io.out(
          `${String(g.number).padStart(5)}  ${g.date}  ${g.current ? '(current)' : '         '}  ${g.path ?? ''}\n`,
        );
      }
    }
    return 0;
  },
};

export const rollbackCommand: Command = {
  usage: 'flakedeck rollback HOST [GENERATION] [--flake PATH] [--yes [--allow-other-system]]',
  options: { flake: { type: 'string' }, ...approvalOptions },
  async run(ctx, { values, positionals }) {
    oneHost(positionals, this.usage, 2);
    const [host, wanted] = positionals as [string, string | undefined];
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const services = await ctx.services();
    let generation = wanted === undefined ? undefined : Number(wanted);
    if (generation !== undefined && (!Number.isInteger(generation) || generation < 1)) {
      throw new ApiError({ code: 'INVALID_ARGUMENTS', message: `"${wanted}" is not a generation number.` });
    }
    if (generation === undefined) {
      const { generations } = await services.deploy.generations(folder, host);
      const current = generations.findIndex((g) => g.current);
      generation = current > 0 ? generations[current - 1]!.number : undefined;
      if (generation === undefined) {
        throw new ApiError({ code: 'NOT_FOUND', message: `${host} has no generation before its current one.` });
      }
    }
    const batch = await services.deploy.rollback(folder, host, generation, true);
    const runs = await followRuns(services, ctx.io, batch, {
      ...approvalOf(values),
      action: `Roll back to generation ${generation} on`,
    });
    return reportRuns(ctx.io, runs);
  },
};

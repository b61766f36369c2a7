// `flakedeck reboot-diff [HOST]`: what the next reboot of a host with an ephemeral root will wipe (this machine when
// no host is named, over SSH for the others).

import { ApiError } from '../../common/api/errors.ts';
import { formatBytes } from '../../common/model/reboot-diff.ts';
import type { RebootDiff } from '../../common/model/reboot-diff.ts';
import { RebootCheck } from '../flake/reboot-check.ts';
import { Targets } from '../targets/targets.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';
import type { Output } from './context.ts';
import { plural } from './wording.ts';

function describe(io: Output, diff: RebootDiff): void {
  if (!diff.ephemeralRoot) {
    io.out(`${diff.host}: its root is not a tmpfs, so a reboot wipes nothing.\n`);
    return;
  }
  const more = diff.truncated || diff.timedOut ? ' (at least: the scan stopped at its limit)' : '';
  io.out(
    `${diff.host} (${diff.target}): the next reboot wipes ${plural(diff.files, 'file')}, ${formatBytes(diff.bytes)}${more}\n`,
  );
  const width = Math.max(0, ...diff.groups.map((g) => formatBytes(g.bytes).length));
  for (const g of diff.groups) {
    io.out(`  ${formatBytes(g.bytes).padStart(width)}  ${plural(g.files, 'file').padEnd(10)}  ${g.folder}\n`);
  }
  if (diff.regenerated) io.out(`${plural(diff.regenerated, 'link')} into the Nix store are made again at boot.\n`);
  for (const w of diff.warnings) io.out(`warning: ${w}\n`);
}

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
    else describe(ctx.io, diff);
    return 0;
  },
};

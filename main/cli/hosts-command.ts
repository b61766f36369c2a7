// `flakedeck hosts`: the NixOS hosts a flake declares (from the manifest cache when the flake is unchanged).

import type { CliContext } from './context.ts';
import { printJson } from './context.ts';
import type { Command } from './command.ts';

export const hostsCommand: Command = {
  usage: 'flakedeck hosts [--flake PATH] [--json]',
  options: { flake: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx: CliContext, { values }) {
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const hosts = await (await ctx.services()).manifests.hosts(folder);
    if (values.json) printJson(ctx.io, { flake: folder, hosts: hosts.map((h) => h.name) });
    else if (hosts.length === 0)
      ctx.io.out(`${folder} declares no NixOS hosts (nixosConfigurations is empty or missing).\n`);
    else ctx.io.out(hosts.map((h) => `${h.name}\n`).join(''));
    return 0;
  },
};

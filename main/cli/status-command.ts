// `flakedeck status [HOST…]`: every host's live state as a table or JSON; exit 0 only when each is reachable and
// runs what the flake builds now (for a shell prompt or a cron job).

import { isHealthy } from '../../common/model/fleet.ts';
import { freshnessLabels, statusNotes } from '../../common/model/fleet-format.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';

export const statusCommand: Command = {
  usage: 'flakedeck status [HOST…] [--flake PATH] [--json]',
  options: { flake: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const hosts = positionals.length ? positionals : undefined;
    const status = await (await ctx.services()).fleet.refreshAndWait(folder, hosts);
    if (values.json) printJson(ctx.io, status);
    else {
      const width = Math.max(4, ...status.hosts.map((h) => h.host.length));
      const now = Date.now();
      for (const host of status.hosts) {
        const verdict = freshnessLabels[host.freshness].padEnd(14);
        ctx.io.out(`${host.host.padEnd(width)}  ${verdict}  ${statusNotes(host, now).join(', ')}\n`);
      }
    }
    return status.hosts.every(isHealthy) ? 0 : 1;
  },
};

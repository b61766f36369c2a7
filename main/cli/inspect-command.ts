// `flakedeck inspect`: the manifest of each host (what it keeps, wipes, runs), from the cache when the flake is unchanged.

import type { ApiErrorData } from '../../common/api/errors.ts';
import { describeTarget } from '../../common/model/manifest.ts';
import type { HostManifest } from '../../common/model/manifest.ts';
import type { Command } from './command.ts';
import { printJson } from './context.ts';
import type { Output } from './context.ts';
import { plural } from './wording.ts';

function describeHost(io: Output, m: HostManifest): void {
  const root = m.fileSystems.find((fs) => fs.mountPoint === '/');
  io.out(
    `${m.host}  ${m.system ?? 'unknown system'}  ${m.ephemeralRoot ? 'tmpfs root: wiped at every boot' : `root on ${root?.fsType ?? 'an undeclared file system'}`}\n`,
  );
  for (const r of m.persistentRoots) {
    const entries = m.persistence.filter((e) => e.storage === r.storage);
    io.out(`  keeps on ${r.storage}: ${plural(entries.length, 'path')}${r.hideMounts ? ' (mounts hidden)' : ''}\n`);
  }
  for (const [user, hm] of Object.entries(m.homeManager)) {
    io.out(
      `  home-manager ${user}: ${plural(hm.packages.length, 'package')}, ${plural(hm.programs.length, 'program')}, ${plural(hm.services.length, 'service')}, ${plural(hm.files.length, 'file')}\n`,
    );
  }
  if (m.secrets.length) io.out(`  secrets: ${m.secrets.map((s) => s.name).join(', ')}\n`);
  for (const s of m.unpersistedState)
    io.out(`  warning: ${s.service} keeps state in ${s.path}, which a reboot wipes\n`);
  const d = m.deploy;
  io.out(
    `  deploy: ${describeTarget(d)} (from ${d.source}), built ${d.buildOn === 'local' ? 'locally' : 'on the host'}\n`,
  );
}

function describeError(io: Output, host: string, error: ApiErrorData): void {
  const where = error.location ? ` (at ${error.location.file}:${error.location.line})` : '';
  io.out(`${host}  does not evaluate: ${error.message}${where}\n`);
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show what each host keeps, wipes at boot, runs and how it is deployed (docs/manifest.md)',
  usage: 'flakedeck inspect [--flake PATH] [HOST...] [--json] [--refresh]',
  options: { flake: { type: 'string' }, json: { type: 'boolean' }, refresh: { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const folder = ctx.flakeFolder(values.flake as string | undefined);
    const inspection = await ctx.services().manifests.inspect(folder, {
      hosts: positionals,
      freshness: 'fresh',
      force: values.refresh === true,
    });
    const hosts: Record<string, HostManifest> = {};
    const errors: Record<string, ApiErrorData> = {};
    for (const [name, result] of Object.entries(inspection.hosts)) {
      if (result.ok) hosts[name] = result.manifest;
      else errors[name] = result.error;
    }
    if (values.json) {
      printJson(ctx.io, {
        flake: folder,
        narHash: inspection.narHash,
        hosts,
        ...(Object.keys(errors).length > 0 && { errors }),
      });
    } else {
      if (Object.keys(inspection.hosts).length === 0) ctx.io.out(`${folder} declares no NixOS hosts.\n`);
      for (const [name, result] of Object.entries(inspection.hosts)) {
        if (result.ok) describeHost(ctx.io, result.manifest);
        else describeError(ctx.io, name, result.error);
      }
    }
    for (const [name, error] of Object.entries(errors))
      ctx.io.err(`flakedeck: ${name} does not evaluate: ${error.message}\n`);
    return Object.keys(errors).length > 0 ? 1 : 0;
  },
};

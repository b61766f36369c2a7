// What the next reboot of a host wipes, as the command line prints it: a line per folder, largest first.

import { formatBytes } from '../../common/model/reboot-diff.ts';
import type { RebootDiff } from '../../common/model/reboot-diff.ts';
import type { Output } from './context.ts';
import { plural } from './wording.ts';

export function printWipeList(io: Output, diff: RebootDiff): void {
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

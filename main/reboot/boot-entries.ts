// The boot loader's entries as systemd lists them, and the command that reboots this machine: plainly, or once into
// a chosen generation where the boot loader allows it (systemd-boot's one-shot entry; the default stays as it was).

import { ApiError } from '../../common/api/errors.ts';
import { lastLine } from '../targets/ssh.ts';
import type { Target } from '../targets/target.ts';

export interface BootEntries {
  /** Entry ids, e.g. `nixos-generation-12.conf`. */
  entries: string[];
  /** Why no generation can be chosen for the next boot, when none can. */
  noOneShot: string | null;
}

/**
 * logind's list of boot loader entries (`systemctl --boot-loader-entry=help`, as the user): the entries systemd-boot
 * reported at boot and those on the ESP. GRUB, as NixOS installs it, reports none.
 */
export async function readBootEntries(target: Target): Promise<BootEntries> {
  let result;
  try {
    result = await target.run(['systemctl', '--boot-loader-entry=help'], { timeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') {
      return {
        entries: [],
        noOneShot: 'systemctl is not installed here, so no boot entry can be chosen for one boot.',
      };
    }
    throw error;
  }
  const entries = result.stdout
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (result.code !== 0 || entries.length === 0) {
    const why = lastLine(result.stderr) || 'it lists no entries';
    return {
      entries: [],
      noOneShot:
        `The boot loader offers no choice for the next boot only (${why}): that needs systemd-boot, and GRUB as ` +
        'NixOS installs it has none. A reboot starts the default generation.',
    };
  }
  return { entries, noOneShot: null };
}

/** The entry of generation N of the system profile, as NixOS names it (nixpkgs' systemd-boot-builder.py). */
export function entryOfGeneration(entries: readonly string[], generation: number): string | null {
  const name = `nixos-generation-${generation}`;
  return entries.find((entry) => entry === `${name}.conf` || entry === name) ?? null;
}

/** `systemctl reboot`, with the entry to boot once (logind sets systemd-boot's LoaderEntryOneShot). */
export function rebootArgv(entry: string | null): string[] {
  return entry ? ['systemctl', 'reboot', `--boot-loader-entry=${entry}`] : ['systemctl', 'reboot'];
}

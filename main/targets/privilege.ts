// How this machine's privileged steps become root: polkit's pkexec where a desktop session has an agent to ask the
// password in a dialog, else sudo asking in the run's terminal; a clear error when neither is there.

import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ApiError } from '../../common/api/errors.ts';
import type { LocalPrivilege } from './settings.ts';

/**
 * Processes that are polkit authentication agents (polkit keeps no public list of registered agents): the
 * desktops' own (GNOME Shell and Cinnamon carry one inside) and the stand-alone ones window managers start.
 */
const agents = new Set([
  'gnome-shell',
  'cinnamon',
  'polkit-gnome-authentication-agent-1',
  'polkit-kde-authentication-agent-1',
  'polkit-mate-authentication-agent-1',
  'lxpolkit',
  'lxqt-policykit-agent',
  'xfce-polkit',
  'hyprpolkitagent',
  'polkit-agent-helper-1',
  'budgie-polkit-dialog',
  'io.elementary.desktop.agent-polkit',
  'soteria',
  'mate-polkit',
]);

export function onPath(program: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** Whether a polkit agent runs for this user (a /proc scan: names of processes owned by this uid). */
function agentRunning(uid = process.getuid?.() ?? -1): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) continue;
      if (agents.has(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) return true;
    } catch {
      // the process ended meanwhile
    }
  }
  return false;
}

export type Elevation = 'root' | 'pkexec' | 'sudo';

/** How a privileged step runs now; throws a message saying what to install when nothing can make it root. */
export function chooseElevation(wanted: LocalPrivilege, env: NodeJS.ProcessEnv = process.env): Elevation {
  if (process.getuid?.() === 0 && wanted === 'auto') return 'root';
  const desktop = Boolean(env.WAYLAND_DISPLAY || env.DISPLAY);
  const pkexec = onPath('pkexec', env.PATH);
  const sudo = onPath('sudo', env.PATH);
  if (wanted === 'pkexec' || (wanted === 'auto' && pkexec && desktop && agentRunning())) {
    if (pkexec) return 'pkexec';
  }
  if (sudo && wanted !== 'pkexec') return 'sudo';
  throw new ApiError({
    code: 'PRIVILEGE',
    message: `Switching this machine needs root, and ${wanted === 'pkexec' ? 'pkexec is' : 'neither a polkit agent nor sudo is'} available.`,
    hint:
      'On NixOS, keep security.polkit.enable (with a desktop, its agent asks for the password) or ' +
      'security.sudo.enable with your user in the wheel group; elsewhere install sudo or polkit.',
  });
}

/** sudo's password prompt, naming the user and the machine (the run's terminal shows it). */
export const sudoPrompt = '[sudo] password for %u on %H: ';

/** argv run as root through the chosen elevation. */
export function elevate(elevation: Elevation, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  switch (elevation) {
    case 'root':
      return [...argv];
    case 'sudo':
      return ['sudo', '-p', sudoPrompt, '--', ...argv];
    case 'pkexec':
      // pkexec empties the environment and sets a PATH of its own, which on NixOS has no coreutils: ours goes along.
      return ['pkexec', onPath('env', env.PATH) ?? '/usr/bin/env', `PATH=${env.PATH ?? ''}`, ...argv];
  }
}

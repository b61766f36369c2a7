// A shell on a host over ssh, in a terminal tab, reached as its deploys reach it (the tray and the Hosts page).

import { checkSettings, defaultEnvironment } from '../deploy/settings.ts';
import { sshArgs } from '../deploy/ssh.ts';
import type { Services } from '../services.ts';

export async function openHostShell(services: Services, folder: string, host: string): Promise<string> {
  const manifest = await services.manifests.manifest(folder, host);
  const target = checkSettings(host, manifest.deploy);
  const terminal = services.terminals.spawn({
    file: 'ssh',
    args: sshArgs(target, { ...defaultEnvironment, ...services.config.deploy }, { tty: true }),
    title: `ssh ${target.targetUser}@${target.targetHost}`,
    kind: 'shell',
  });
  return terminal.id;
}

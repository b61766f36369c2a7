// Each host's age recipient from its SSH ed25519 host key: the copy in hosts/<name>/ (this repository's convention
// for where a host's key is kept) and, if asked, what the host offers to ssh-keyscan.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostRecipient } from '../../common/model/keys.ts';
import { scanHostKey } from '../targets/host-key.ts';
import type { KeyScanner } from '../targets/host-key.ts';
import { sshPublicKeyToAge } from './ssh-to-age.ts';

export const hostKeyFile = 'ssh_host_ed25519_key.pub';

function fromFile(flake: string, host: string): { recipient?: string; problem?: string } {
  const file = join(flake, 'hosts', host, hostKeyFile);
  if (!existsSync(file)) return {};
  try {
    return { recipient: sshPublicKeyToAge(readFileSync(file, 'utf8')) };
  } catch (error) {
    return { problem: `hosts/${host}/${hostKeyFile}: ${(error as Error).message}` };
  }
}

/** The folders of `hosts/` in the flake: its hosts where nothing better (its nixosConfigurations) is known. */
export function hostFolders(flake: string): string[] {
  const dir = join(flake, 'hosts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface HostRecipientOptions {
  /** The flake's hosts, its nixosConfigurations entries (default: the folders of hosts/). */
  names?: readonly string[];
  /** Ask each host for its key with ssh-keyscan, at this address per host (default: the host's name). */
  scan?: boolean;
  addresses?: Record<string, string>;
  /** Only these hosts (all of them by default). */
  hosts?: readonly string[];
  scanner?: KeyScanner;
}

export async function hostRecipients(flake: string, options: HostRecipientOptions = {}): Promise<HostRecipient[]> {
  const scanner = options.scanner ?? scanHostKey;
  return Promise.all(
    [...(options.names ?? hostFolders(flake))]
      .sort()
      .filter((host) => !options.hosts || options.hosts.includes(host))
      .map(async (host): Promise<HostRecipient> => {
        const file = fromFile(flake, host);
        const problems = file.problem ? [file.problem] : [];
        let fromScan: string | undefined;
        let scannedKey: string | undefined;
        if (options.scan) {
          const address = options.addresses?.[host] ?? host;
          try {
            const line = (await scanner(address)).split('\n').find((l) => l.includes(' ssh-ed25519 '));
            if (!line) throw new Error(`${address} offered no ssh-ed25519 host key`);
            fromScan = sshPublicKeyToAge(line);
            // The key itself, without the address ssh-keyscan puts first: what hosts/<name>/ would hold.
            scannedKey = line.trim().split(/\s+/).slice(1, 3).join(' ');
          } catch (error) {
            problems.push(`ssh-keyscan ${address}: ${(error as Error).message}`);
          }
        }
        return {
          host,
          ...(file.recipient && { fromFile: file.recipient }),
          ...(fromScan && { fromScan }),
          ...(scannedKey && { scannedKey }),
          differs: !!file.recipient && !!fromScan && file.recipient !== fromScan,
          ...(problems.length && { problem: problems.join('; ') }),
        };
      }),
  );
}

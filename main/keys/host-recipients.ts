// Each host's age recipient from its SSH ed25519 host key: the copy in hosts/<name>/ and, if asked, ssh-keyscan.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostRecipient } from '../../common/model/keys.ts';
import { sshPublicKeyToAge } from './ssh-to-age.ts';

export const hostKeyFile = 'ssh_host_ed25519_key.pub';

/** Runs `ssh-keyscan -t ed25519 ADDRESS` and resolves with its stdout (injectable for tests). */
export type KeyScanner = (address: string) => Promise<string>;

/** `host` or `host:port` (a bare IPv6 address has several colons and no port). */
function splitAddress(address: string): { host: string; port?: string } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m && !m[1]!.includes(':') ? { host: m[1]!, port: m[2]! } : { host: address };
}

export const sshKeyscan: KeyScanner = (address) =>
  new Promise((resolve, reject) => {
    const { host, port } = splitAddress(address);
    // "--" keeps a host name that starts with "-" from being read as an option.
    const args = ['-T', '5', '-t', 'ed25519', ...(port ? ['-p', port] : []), '--', host];
    execFile('ssh-keyscan', args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (stdout.trim()) resolve(stdout);
      else
        reject(
          new Error(
            error?.code === 'ENOENT' ? 'ssh-keyscan is not installed' : stderr.trim() || `no answer from ${address}`,
          ),
        );
    });
  });

function fromFile(flake: string, host: string): { recipient?: string; problem?: string } {
  const file = join(flake, 'hosts', host, hostKeyFile);
  if (!existsSync(file)) return {};
  try {
    return { recipient: sshPublicKeyToAge(readFileSync(file, 'utf8')) };
  } catch (error) {
    return { problem: `hosts/${host}/${hostKeyFile}: ${(error as Error).message}` };
  }
}

/** Hosts are the folders of `hosts/` in the flake. */
export function hostFolders(flake: string): string[] {
  const dir = join(flake, 'hosts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface HostRecipientOptions {
  /** Ask each host for its key with ssh-keyscan, at this address per host (default: the host's name). */
  scan?: boolean;
  addresses?: Record<string, string>;
  /** Only these hosts (all folders of hosts/ by default). */
  hosts?: readonly string[];
  scanner?: KeyScanner;
}

export async function hostRecipients(flake: string, options: HostRecipientOptions = {}): Promise<HostRecipient[]> {
  const scanner = options.scanner ?? sshKeyscan;
  return Promise.all(
    hostFolders(flake)
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

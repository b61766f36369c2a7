// A host's SSH host key as it offers it (ssh-keyscan), at the address and port its deploys use.

import type { DeploySettings } from './settings.ts';
import { runProcess } from './process.ts';

/** Runs `ssh-keyscan -t ed25519` at an address (`host`, `host:port`, `[v6]:port`) and resolves with its stdout. */
export type KeyScanner = (address: string) => Promise<string>;

/** `host` or `host:port` (a bare IPv6 address has several colons and no port). */
function splitAddress(address: string): { host: string; port?: string } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m && !m[1]!.includes(':') ? { host: m[1]!, port: m[2]! } : { host: address };
}

/** Where ssh-keyscan asks a host (it reads no ~/.ssh/config: a port the flake leaves out is 22). */
export function keyScanAddress(settings: Pick<DeploySettings, 'targetHost' | 'targetPort'>): string {
  if (settings.targetPort === null) return settings.targetHost;
  const host = settings.targetHost.includes(':') ? `[${settings.targetHost}]` : settings.targetHost;
  return `${host}:${settings.targetPort}`;
}

export const scanHostKey: KeyScanner = async (address) => {
  const { host, port } = splitAddress(address);
  // "--" keeps a host name that starts with "-" from being read as an option.
  const args = ['-T', '5', '-t', 'ed25519', ...(port ? ['-p', port] : []), '--', host];
  const result = await runProcess('ssh-keyscan', args, { timeoutMs: 15_000 });
  const stdout = result.stdout.toString('utf8');
  if (stdout.trim()) return stdout;
  throw new Error(result.stderr.trim() || `no answer from ${address}`);
};

// Hosts' age recipients from hosts/<name>/, against the keys the hosts offer to ssh-keyscan.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecipients } from './host-recipients.ts';
import { repoRoot } from '../../tests/support/fixture-flake.ts';

const vps = 'age1dsp2gt9au6dswg9w9cmr469ftnhtqvtkhfd095w0mvy23z3jhvsslvjzzk';
const laptop = 'age1vl6mgk472t2dardalqp8dj70mw7zv9tvjzealmh58vws3vk5gcjq6lgcwl';
const hasHosts = existsSync(join(repoRoot, 'hosts', 'vps', 'ssh_host_ed25519_key.pub'));

describe.skipIf(!hasHosts)("hosts' age recipients", () => {
  it('converts each hosts/<name>/ssh_host_ed25519_key.pub', async () => {
    const hosts = await hostRecipients(repoRoot);
    expect(hosts.find((h) => h.host === 'vps')).toEqual({ host: 'vps', fromFile: vps, differs: false });
    expect(hosts.find((h) => h.host === 'laptop')?.fromFile).toBe(laptop);
  });

  it('shows when the key a host offers differs from the flake copy', async () => {
    const pub = (name: string) => readFileSync(join(repoRoot, 'hosts', name, 'ssh_host_ed25519_key.pub'), 'utf8');
    const scanner = async (address: string) =>
      `${address} ${pub(address === 'vps' ? 'vps' : 'desktop')
        .split(' ')
        .slice(0, 2)
        .join(' ')}\n`;
    const hosts = await hostRecipients(repoRoot, { scan: true, scanner });
    expect(hosts.find((h) => h.host === 'vps')).toMatchObject({ fromFile: vps, fromScan: vps, differs: false });
    expect(hosts.find((h) => h.host === 'laptop')).toMatchObject({ fromFile: laptop, differs: true });
  });

  it('scans only the hosts asked for, and hands back the key the host offered, without its address', async () => {
    const pub = readFileSync(join(repoRoot, 'hosts', 'vps', 'ssh_host_ed25519_key.pub'), 'utf8');
    const offered = pub.split(' ').slice(0, 2).join(' ');
    const asked: string[] = [];
    const scanner = async (address: string) => {
      asked.push(address);
      return `# ${address}:22 SSH-2.0-OpenSSH_9.2\n[${address}]:2222 ${offered}\n`;
    };
    const hosts = await hostRecipients(repoRoot, {
      scan: true,
      hosts: ['vps'],
      addresses: { vps: 'vps.lan:2222' },
      scanner,
    });
    expect(asked).toEqual(['vps.lan:2222']);
    expect(hosts).toEqual([{ host: 'vps', fromFile: vps, fromScan: vps, scannedKey: offered, differs: false }]);
  });

  it('reports a host that does not answer instead of failing the others', async () => {
    const hosts = await hostRecipients(repoRoot, {
      scan: true,
      scanner: async (a) => Promise.reject(new Error(`no answer from ${a}`)),
    });
    expect(hosts.find((h) => h.host === 'vps')).toMatchObject({
      fromFile: vps,
      differs: false,
      problem: 'ssh-keyscan vps: no answer from vps',
    });
  });
});

const sshd = '/usr/sbin/sshd';
const demoKey = join(repoRoot, 'tests', 'demo-keys', 'vps.ssh_host_ed25519_key.DEMO');

describe.skipIf(!existsSync(sshd) || !existsSync(demoKey) || !hasHosts)(
  'ssh-keyscan against a real sshd on loopback',
  () => {
    let dir: string;
    let server: ChildProcess;
    let port: number;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'flakedeck-sshd-'));
      copyFileSync(demoKey, join(dir, 'host_key'));
      chmodSync(join(dir, 'host_key'), 0o600);
      port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      writeFileSync(
        join(dir, 'sshd_config'),
        `Port ${port}\nListenAddress 127.0.0.1\nHostKey ${join(dir, 'host_key')}\nPidFile ${join(dir, 'sshd.pid')}\nUsePAM no\nPasswordAuthentication no\nAuthenticationMethods publickey\n`,
      );
      mkdirSync('/run/sshd', { recursive: true });
      server = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
      // Until sshd listens: seconds on a loaded machine.
      for (const end = Date.now() + 60_000; Date.now() < end;) {
        const up = await new Promise((resolve) => {
          const socket = createServer();
          socket.once('error', () => resolve(true)).listen(port, '127.0.0.1', () => socket.close(() => resolve(false)));
        });
        if (up) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    afterAll(() => {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it("fetches the host's key with ssh-keyscan and matches it with the flake's copy", async () => {
      // Every host is scanned at the loopback sshd (which has the vps key): nothing leaves this machine.
      const loopback = `127.0.0.1:${port}`;
      const addresses = Object.fromEntries(['desktop', 'homelab', 'laptop', 'vps'].map((h) => [h, loopback]));
      const hosts = await hostRecipients(repoRoot, { scan: true, addresses });
      expect(hosts.find((h) => h.host === 'vps')).toMatchObject({ fromFile: vps, fromScan: vps, differs: false });
      expect(hosts.find((h) => h.host === 'laptop')).toMatchObject({ fromFile: laptop, fromScan: vps, differs: true });
    });
  },
);

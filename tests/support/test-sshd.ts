// A throwaway sshd on 127.0.0.1 for tests: its own host key, client key and config, key auth only; /etc/ssh untouched.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshdOptions {
  /** Extra environment for every session (sshd's SetEnv); values must not contain spaces or quotes. */
  setEnv?:
    | Record<string, string>
    | ((sshd: { dir: string; authorizedKeys: string; pidFile: string }) => Record<string, string>);
  /** Extra nix.conf lines for nix on the "remote" side, e.g. sandbox-paths for builds into a chroot store. */
  nixConfig?: string;
  /** The account sshArgs() and run() log in as (root by default); another one must exist on this machine. */
  user?: string;
  /**
   * Runs sshd in a session of its own, so the scheduler shares the CPU between it and the test as between two
   * machines (Linux's autogroups): for benchmarks of many hosts at once, whose work would otherwise come out of the
   * app's own share of a busy machine.
   */
  ownSession?: boolean;
}

export interface TestSshd {
  host: '127.0.0.1';
  user: string;
  port: number;
  /** The folder holding keys, config and log; removed by stop(). */
  dir: string;
  identityFile: string;
  authorizedKeys: string;
  /** The listening sshd's pid file (its children are the per-connection processes). */
  pidFile: string;
  pid: number;
  /** ssh options that reach this sshd without prompts, except the port: `-i KEY -o …`. No spaces inside one. */
  sshOptions: string[];
  /** `ssh` arguments up to the destination: the options, `-p PORT`, and `USER@127.0.0.1`. */
  sshArgs(): string[];
  /** Runs a command on the target over a fresh connection and returns its stdout. */
  run(command: string): string;
  /** Stops sshd and ends the connections it has open. */
  stop(): Promise<void>;
}

const sshdBinary = '/usr/sbin/sshd';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The nix settings the caller runs with, so `nix-store --serve` and nix-env on the "remote" behave the same. */
function remoteNixConf(extra: string | undefined): string {
  const system = existsSync('/etc/nix/nix.conf') ? readFileSync('/etc/nix/nix.conf', 'utf8') : '';
  return [system, process.env.NIX_CONFIG ?? '', extra ?? ''].join('\n');
}

export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  if (!existsSync(sshdBinary)) throw new Error(`${sshdBinary} is missing: install openssh-server`);
  const dir = mkdtempSync(join(tmpdir(), 'flakedeck-sshd-'));
  const identityFile = join(dir, 'id_ed25519');
  const authorizedKeys = join(dir, 'authorized_keys');
  const pidFile = join(dir, 'sshd.pid');
  const nixConfDir = join(dir, 'nix-conf');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', identityFile]);
  writeFileSync(authorizedKeys, readFileSync(`${identityFile}.pub`));
  mkdirSync(nixConfDir);
  writeFileSync(join(nixConfDir, 'nix.conf'), remoteNixConf(options.nixConfig));
  const user = options.user ?? 'root';
  // sshd reads the authorized keys as the user logging in, and their nix reads nix-conf/: let them through the
  // folder (its private keys stay 0600).
  if (user !== 'root') chmodSync(dir, 0o711);
  // sshd started as root refuses to run without its privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true });

  // The remote side of `nix copy` does not inherit the caller's NIX_CONFIG: give sessions a nix.conf of their own.
  const extraEnv =
    typeof options.setEnv === 'function' ? options.setEnv({ dir, authorizedKeys, pidFile }) : options.setEnv;
  const env = { NIX_CONF_DIR: nixConfDir, ...extraEnv };
  for (const [name, value] of Object.entries(env)) {
    if (/[\s"']/.test(value)) throw new Error(`SetEnv ${name}: "${value}" has spaces or quotes`);
  }

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${pidFile}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        'StrictModes no',
        'MaxStartups 100',
        'MaxSessions 100',
        `SetEnv ${Object.entries(env)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
        '',
      ].join('\n'),
    );
    // -D: stays our child, so stop() knows its pid and waits for it.
    const child = spawn(sshdBinary, ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], {
      stdio: 'ignore',
      detached: options.ownSession ?? false,
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await listening(child, port)) return handle(child, exited, port);
    await exited;
    if (attempt >= 5) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${readFileSync(join(dir, 'sshd.log'), 'utf8')}`);
    }
  }

  function handle(child: ChildProcess, exited: Promise<void>, port: number): TestSshd {
    const sshOptions = [
      '-i',
      identityFile,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'BatchMode=yes',
    ];
    const sshArgs = () => [...sshOptions, '-p', String(port), `${user}@127.0.0.1`];
    return {
      host: '127.0.0.1',
      user,
      port,
      dir,
      identityFile,
      authorizedKeys,
      pidFile,
      pid: child.pid!,
      sshOptions,
      sshArgs,
      run: (command) => execFileSync('ssh', [...sshArgs(), command], { encoding: 'utf8' }),
      async stop() {
        // A host that goes away takes its connections with it (also the ones an ssh master keeps open).
        if (child.exitCode === null) for (const pid of childrenOf(child.pid!)) endProcess(pid);
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** The processes whose parent is `pid`: the listening sshd's one per open connection. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // "pid (name) state ppid …": the name may hold spaces, so fields are counted after its ")".
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === pid ? [Number(entry)] : [];
      } catch {
        return [];
      }
    });
}

/** Ends a process that may have ended by itself meanwhile. */
function endProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function listening(child: ChildProcess, port: number): Promise<boolean> {
  // A loaded machine may take seconds to start sshd: wait for it to listen or to exit, within a generous bound.
  for (const end = Date.now() + 60_000; Date.now() < end;) {
    if (child.exitCode !== null) return false;
    if (await canConnect(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

// A fleet on loopback for tests and benchmarks: one test sshd per host, each with its own system links (current,
// booted, profile) and a stand-in `systemctl` on its PATH, and the deploy fixture flake pointed at them.

import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetEnvironment } from '../../main/fleet/fleet-service.ts';
import type { ProbeEnvironment } from '../../main/fleet/host-probe.ts';
import type { Services } from '../../main/services.ts';
import { startDeployTarget } from './deploy-target.ts';
import type { DeployTarget } from './deploy-target.ts';
import { makeFlakeRepo } from './fixture-flake.ts';
import type { FlakeRepo } from './fixture-flake.ts';

export interface FleetHost {
  /** The fixture's host spec without `deploy` (a Nix attribute set's body), e.g. `kernel = "6.6.1";`. */
  spec: string;
  /** No sshd: the port refuses connections. */
  unreachable?: boolean;
  /** What the stand-in `systemctl --failed` lists. */
  failedUnits?: string[];
}

export interface FleetTestbed {
  repo: FlakeRepo;
  targets: Map<string, DeployTarget>;
  /** The services' fleet settings: each host's system links in its own target's folder. */
  fleet: Partial<FleetEnvironment>;
  /** ssh options that log into every host's sshd (with one key all of them accept): the services' `deploy.sshOptions`. */
  sshOptions: string[];
  /** Rewrites the hosts' specs (keeping where each is reached) and commits, as a new revision of the flake. */
  commitHosts(hosts: Record<string, string>, message: string): void;
  /** Builds the hosts' systems with nix (not through the app): host → out path. */
  build(hosts: readonly string[]): Record<string, string>;
  /** Points a host's system links: what it runs, what it booted, and its profile's generation. */
  setSystem(host: string, current: string, booted?: string, generation?: number): void;
  close(): Promise<void>;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=tests@flakedeck.invalid', '-c', 'user.name=tests', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

export async function startFleetTestbed(hosts: Record<string, FleetHost>): Promise<FleetTestbed> {
  const targets = new Map<string, DeployTarget>();
  const ports = new Map<string, number>();
  const envs: Record<string, Partial<ProbeEnvironment>> = {};
  const folders: string[] = [];
  await Promise.all(
    Object.entries(hosts).map(async ([name, host]) => {
      if (host.unreachable) {
        ports.set(name, await closedPort());
        return;
      }
      const bin = mkdtempSync(join(tmpdir(), 'flakedeck-fleet-bin-'));
      const home = mkdtempSync(join(tmpdir(), 'flakedeck-fleet-home-'));
      folders.push(bin, home);
      // An empty home: the login shell sshd starts reads no ~/.bashrc of this machine's root (which may start
      // programs of its own, seconds of work on every command), as on a NixOS host.
      // Each host in a session of its own: its work shares the CPU with the app as another machine's would.
      const target = await startDeployTarget({
        setEnv: { PATH: `${bin}:/usr/bin:/bin`, HOME: home },
        ownSession: true,
      });
      const listing = (host.failedUnits ?? []).map((u) => `echo '${u} loaded failed failed ${u}'`).join('\n');
      writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\n# stand-in: systemctl --failed\n${listing}\nexit 0\n`);
      chmodSync(join(bin, 'systemctl'), 0o755);
      targets.set(name, target);
      ports.set(name, target.sshd.port);
      envs[name] = {
        currentSystem: join(target.root, 'current-system'),
        bootedSystem: join(target.root, 'booted-system'),
        profile: target.profile,
        store: '',
      };
    }),
  );
  const repo = makeFlakeRepo('deploy', 'flakedeck-fleet-flake-');
  const writeHosts = (specs: Record<string, string>) =>
    repo.write(
      'hosts.nix',
      `{\n${Object.entries(specs)
        .map(([name, spec]) => `  ${name} = { ${spec} deploy = { targetPort = ${ports.get(name)}; }; };`)
        .join('\n')}\n}\n`,
    );
  const commitHosts = (specs: Record<string, string>, message: string) => {
    writeHosts(specs);
    git(repo.path, 'commit', '-q', '-m', message);
  };
  commitHosts(Object.fromEntries(Object.entries(hosts).map(([name, h]) => [name, h.spec])), 'fleet');

  // One key logs into every host, as a user's key would: offering each host's own key in turn would cost every
  // host a try per key before its own, and past sshd's MaxAuthTries (6) the last hosts would refuse it.
  const first = [...targets.values()][0]?.sshd;
  for (const target of targets.values()) {
    if (first && target.sshd !== first)
      appendFileSync(target.sshd.authorizedKeys, readFileSync(`${first.identityFile}.pub`));
  }
  const keys = first ? ['-i', first.identityFile] : [];
  const common = first?.sshOptions.slice(2) ?? [];
  return {
    repo,
    targets,
    fleet: { hosts: envs, timeoutSeconds: 20 },
    sshOptions: [...keys, ...common],
    commitHosts,
    build(names) {
      // One host per call: nix's --json lists several results in an order of its own.
      const outOf = (name: string) => {
        const installable = `${repo.path}#nixosConfigurations.${name}.config.system.build.toplevel`;
        const out = execFileSync('nix', ['build', '--json', '--no-link', installable], { encoding: 'utf8' });
        return (JSON.parse(out) as { outputs: { out: string } }[])[0]!.outputs.out;
      };
      return Object.fromEntries(names.map((name) => [name, outOf(name)]));
    },
    setSystem(host, current, booted = current, generation = 1) {
      const target = targets.get(host)!;
      const link = (to: string, at: string) => {
        rmSync(at, { force: true });
        symlinkSync(to, at);
      };
      link(current, join(target.root, 'current-system'));
      link(booted, join(target.root, 'booted-system'));
      link(current, `${target.profile}-${generation}-link`);
      link(`system-${generation}-link`, target.profile);
    },
    async close() {
      repo.remove();
      await Promise.all([...targets.values()].map((t) => t.stop()));
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The hosts of the scenario most fleet tests look at: one of each state the dashboard tells apart. */
export const scenarioHosts = {
  current: 'packages = { ripgrep = "14.1.0"; };',
  behind: 'packages = { ripgrep = "14.0.0"; };',
  gone: '',
  reboot: 'kernel = "6.1.0";',
  failing: 'packages = { git = "2.45.1"; };',
};

export function startScenarioTestbed(extra: Record<string, FleetHost> = {}): Promise<FleetTestbed> {
  return startFleetTestbed({
    current: { spec: scenarioHosts.current },
    behind: { spec: scenarioHosts.behind },
    gone: { spec: scenarioHosts.gone, unreachable: true },
    reboot: { spec: scenarioHosts.reboot },
    failing: { spec: scenarioHosts.failing, failedUnits: ['broken.service'] },
    ...extra,
  });
}

/**
 * Brings the scenario's hosts to their states: the app builds behind's first system (so the history knows it), the
 * flake moves on a commit (behind gets a newer ripgrep, reboot a newer kernel), and each host runs its system:
 * current, reboot and failing the newest, reboot booted into its older one, behind still its first.
 */
export async function setUpScenario(
  bed: FleetTestbed,
  services: Services,
  extraSpecs: Record<string, string> = {},
): Promise<void> {
  const folder = bed.repo.path;
  const { runs } = await services.deploy.build(folder, ['behind']);
  const built = await services.deploy.finished(runs[0]!.id);
  if (built.status !== 'succeeded') throw new Error(`building behind failed: ${built.message}`);
  const old = bed.build(['behind', 'reboot']);
  bed.commitHosts(
    { ...scenarioHosts, behind: 'packages = { ripgrep = "14.1.0"; };', reboot: 'kernel = "6.6.1";', ...extraSpecs },
    'newer',
  );
  const now = bed.build(['current', 'reboot', 'failing']);
  bed.setSystem('current', now.current!);
  bed.setSystem('behind', old.behind!);
  bed.setSystem('reboot', now.reboot!, old.reboot!, 2);
  bed.setSystem('failing', now.failing!);
}

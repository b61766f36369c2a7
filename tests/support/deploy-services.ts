// The app's services pointed at a loopback deploy target, with their own history, for tests and benchmarks.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployMode, LiveRun } from '../../common/model/runs.ts';
import type { DeployEnvironment } from '../../main/deploy/settings.ts';
import { createServices } from '../../main/services.ts';
import type { ServiceConfig, Services } from '../../main/services.ts';
import { deployFixture, startDeployTarget } from './deploy-target.ts';
import type { DeployFixture, DeployTarget } from './deploy-target.ts';

export interface DeployServices {
  services: Services;
  dataDir: string;
  /** A JSON file with the same settings, for tests/support/cli-with-config.ts. */
  configFile: string;
  /** The ends of every run, as `run.finished` announced them. */
  finished: LiveRun[];
  close(): void;
}

export function deployServices(
  target: Pick<DeployTarget, 'env'>,
  flake: string,
  env: Partial<DeployEnvironment> = {},
  more: Partial<ServiceConfig> = {},
): DeployServices {
  const dataDir = mkdtempSync(join(tmpdir(), 'flakedeck-deploy-data-'));
  const config: ServiceConfig = {
    dataDir,
    defaultFlake: flake,
    appVersion: '0.0.0-test',
    deploy: { ...target.env, ...env },
    ...more,
  };
  const services = createServices(config);
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const finished: LiveRun[] = [];
  services.events.connect((channel, payload) => {
    if (channel === 'run.finished') finished.push(structuredClone(payload as LiveRun));
  });
  return {
    services,
    dataDir,
    configFile,
    finished,
    close() {
      services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface DeployTestbed {
  target: DeployTarget;
  fixture: DeployFixture;
  app: DeployServices;
  /** Stops the services, removes the fixture, stops the target. */
  close(): Promise<void>;
}

/**
 * What a deploy test starts from: a loopback target (logged into as `user`, root by default), the deploy fixture
 * (with `hosts`, in a folder named from `folderPrefix`) pointed at it, the services.
 */
export async function deployTestbed(
  options: { hosts?: string; env?: Partial<DeployEnvironment>; user?: string; folderPrefix?: string } = {},
): Promise<DeployTestbed> {
  const target = await startDeployTarget({ user: options.user });
  const fixture = deployFixture(target, options.hosts, options.folderPrefix);
  const app = deployServices(target, fixture.repo.path, options.env);
  return {
    target,
    fixture,
    app,
    async close() {
      app.close();
      fixture.repo.remove();
      await target.stop();
    },
  };
}

/** A testbed that is closed when the test ends (`cleanups`: the test file's, from cleanupsAfterEach). */
export async function openDeployTestbed(
  cleanups: (() => unknown)[],
  options: Parameters<typeof deployTestbed>[0] = {},
): Promise<DeployTestbed> {
  const bed = await deployTestbed(options);
  cleanups.push(() => bed.close());
  return bed;
}

/** Resolves when a run reaches the state `until` looks for (or has already), as `run.progress` tells it. */
export function runReaches(app: DeployServices, runId: number, until: (run: LiveRun) => boolean): Promise<LiveRun> {
  return new Promise((resolve) => {
    const check = (run: LiveRun | undefined) => {
      if (!run || run.id !== runId || !until(run)) return false;
      stop();
      resolve(structuredClone(run));
      return true;
    };
    const stop = app.services.events.connect((channel, payload) => {
      if (channel === 'run.progress') check(payload as LiveRun);
    });
    check(app.services.deploy.status().find((r) => r.id === runId));
  });
}

/** Whether a run's step `name` is going on now (for runReaches). */
export const stepRunning = (name: string) => (run: LiveRun) =>
  run.steps.some((s) => s.name === name && s.status === 'running');

/** Deploys one host of `folder` without asking, and resolves with the run as it ended. */
export async function deployHost(
  app: DeployServices,
  folder: string,
  host = 'web',
  mode: DeployMode = 'switch',
): Promise<LiveRun> {
  const { runs } = await app.services.deploy.deploy(folder, [host], mode, false);
  return app.services.deploy.finished(runs[0]!.id);
}

/** A run's steps as `name:status`, in order. */
export const stepsOf = (run: LiveRun): string[] => run.steps.map((s) => `${s.name}:${s.status}`);

/** The steps of a remote deploy that needed no approval and went through, as `stepsOf` gives them. */
export const unattendedDeploySteps = [
  'build:succeeded',
  'diff:succeeded',
  'approve:skipped',
  'copy:succeeded',
  'profile:succeeded',
  'activate:succeeded',
  'confirm:succeeded',
];

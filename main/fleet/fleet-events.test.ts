// The order of a host's `fleet.host` events: whatever finishes first (its check or the flake's evaluation), the last
// event a window gets carries the check's answer. Real services, nix and this machine's local check.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostStatus } from '../../common/model/fleet.ts';
import { deployServices } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { makeFlakeRepo } from '../../tests/support/fixture-flake.ts';
import type { FlakeRepo } from '../../tests/support/fixture-flake.ts';

let repo: FlakeRepo;
let machine: string;
let app: DeployServices;

beforeAll(() => {
  repo = makeFlakeRepo('deploy', 'flakedeck-fleet-events-');
  repo.write('hosts.nix', '{ web = { }; }');
  machine = mkdtempSync(join(tmpdir(), 'flakedeck-fleet-events-machine-'));
  // web is this machine by its host name: checked here, without ssh. It has no current system, so it answers at once.
  app = deployServices(
    {
      env: {
        profile: join(machine, 'profile'),
        currentSystem: join(machine, 'current-system'),
        stateDir: join(machine, 'state'),
        store: '',
        thisHostName: 'web',
      },
    },
    repo.path,
  );
});

afterAll(() => {
  app?.close();
  repo?.remove();
  rmSync(machine, { recursive: true, force: true });
});

it('a check that ends while the flake is still being evaluated is not undone by that evaluation', async () => {
  const { services } = app;
  const sent: HostStatus[] = [];
  let evaluated!: () => void;
  const evaluating = new Promise<void>((resolve) => (evaluated = resolve));
  let answered!: () => void;
  const answer = new Promise<void>((resolve) => (answered = resolve));
  services.events.connect((channel, payload) => {
    if (channel !== 'fleet.host') return;
    const { status } = payload as { status: HostStatus };
    sent.push(structuredClone(status));
    if (status.live?.reading) answered();
  });
  // The worst order: the evaluation has its systems and reads the flake once more; the check answers just then.
  const { manifests, targets } = services;
  const inspect = manifests.inspect.bind(manifests);
  let inspections = 0;
  manifests.inspect = async (...args) => {
    if (++inspections > 1) {
      evaluated();
      await answer;
    }
    return inspect(...args);
  };
  const fromManifest = targets.fromManifest.bind(targets);
  targets.fromManifest = (manifest) => {
    const target = fromManifest(manifest);
    const run = target.run.bind(target);
    target.run = async (...args) => {
      await evaluating;
      return run(...args);
    };
    return target;
  };
  try {
    await services.fleet.refresh(repo.path);
    await answer;
    // The evaluation then sends the host too, after the answer: it must still hold the answer.
    await expect.poll(() => sent.filter((s) => !s.checking).length, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
    const last = sent.at(-1)!;
    expect(last).toMatchObject({ host: 'web', checking: false, freshness: 'not-nixos' });
    expect(last.live?.reading).not.toBeNull();
  } finally {
    manifests.inspect = inspect;
    targets.fromManifest = fromManifest;
  }
}, 180_000);

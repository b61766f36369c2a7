// The tray and the notifications against the real services: a real nix, a loopback sshd as the target.

import { describe, expect, it } from 'vitest';
import type { LiveRun } from '../../common/model/runs.ts';
import { cleanupsAfterEach } from '../../tests/support/cleanups.ts';
import { deployHost, deployTestbed, runReaches } from '../../tests/support/deploy-services.ts';
import type { DeployServices } from '../../tests/support/deploy-services.ts';
import { notifyRunEnds } from '../notify/run-notifier.ts';
import type { RunNotification } from '../notify/run-notifier.ts';
import { TrayController } from './tray-controller.ts';
import type { DeployQuestion, TrayPorts } from './tray-controller.ts';
import type { TrayItem, TrayMenu } from './tray-menu.ts';

const cleanups = cleanupsAfterEach();

async function setup(hosts?: string) {
  const bed = await deployTestbed({ hosts });
  cleanups.push(() => bed.close());
  return bed;
}

class RecordingPorts implements TrayPorts {
  menus: TrayMenu[] = [];
  questions: DeployQuestion[] = [];
  opened: (string | undefined)[] = [];
  errors: string[] = [];
  answer = true;
  render = (menu: TrayMenu) => void this.menus.push(menu);
  confirmDeploy = async (question: DeployQuestion) => (this.questions.push(question), this.answer);
  openWindow = (route?: string) => void this.opened.push(route);
  quit = () => {};
  reportError = (title: string, error: unknown) => void this.errors.push(`${title}: ${(error as Error).message}`);
}

function nextEnd(app: DeployServices): Promise<LiveRun> {
  return new Promise((resolve) => {
    const stop = app.services.events.connect((channel, payload) => {
      if (channel === 'run.finished') {
        stop();
        resolve(payload as LiveRun);
      }
    });
  });
}

const hostItems = (menu: TrayMenu, host: string): TrayItem[] => {
  const item = menu.items.find((i) => i.type === 'submenu' && i.label.startsWith(host));
  return item?.type === 'submenu' ? item.items : [];
};

describe('tray controller', () => {
  it('lists the flake hosts, and a tray deploy asks with the diff, then runs exactly as the window’s', async () => {
    const { target, app } = await setup();
    const ports = new RecordingPorts();
    const tray = new TrayController(app.services, ports);
    await tray.start();
    cleanups.push(() => tray.dispose());
    expect(
      tray
        .menu()
        .items.filter((i) => i.type === 'submenu')
        .map((i) => i.label),
    ).toEqual(['db', 'web']);

    const ended = nextEnd(app);
    await tray.dispatch({ kind: 'deploy', host: 'web', mode: 'switch' });
    const run = await ended;

    // The question showed what the deploy changes before anything reached the target.
    expect(ports.questions).toHaveLength(1);
    expect(ports.questions[0]).toMatchObject({ host: 'web', action: 'Deploy (switch)' });
    expect(ports.questions[0]!.diff.join('\n')).toMatch(/\+ ripgrep 14\.1\.0/);
    expect(run).toMatchObject({ host: 'web', kind: 'deploy', mode: 'switch', status: 'succeeded' });
    expect(target.profileTarget()).toBe(run.outPath);

    // Recorded in the history the window reads, like any deploy.
    const [recorded] = app.services.runs.list({ host: 'web' });
    expect(recorded).toMatchObject({ id: run.id, kind: 'deploy', status: 'succeeded', mode: 'switch' });
    // The menu followed the run: running while it went, then its result.
    expect(ports.menus.some((m) => m.state === 'running')).toBe(true);
    // Only changes reach the tray, not every progress event of the run.
    const shapes = ports.menus.map((m) => JSON.stringify(m));
    expect(shapes.every((shape, i) => i === 0 || shape !== shapes[i - 1])).toBe(true);
    expect(tray.menu().state).toBe('idle');
    expect(hostItems(tray.menu(), 'web').at(-1)).toMatchObject({
      label: 'Last: deploy (switch) succeeded',
      action: { kind: 'show-run', runId: run.id },
    });
    // Reboot… opens the window's reboot guard: a native menu cannot list what the reboot wipes.
    await tray.dispatch({ kind: 'reboot', host: 'web' });
    expect(ports.opened).toEqual(['hosts/reboot']);
    expect(ports.errors).toEqual([]);
  });

  it('cancels a tray deploy the user declines: nothing reaches the target', async () => {
    const { target, app } = await setup();
    const ports = new RecordingPorts();
    ports.answer = false;
    const tray = new TrayController(app.services, ports);
    await tray.start();
    cleanups.push(() => tray.dispose());
    const ended = nextEnd(app);
    await tray.dispatch({ kind: 'deploy', host: 'db', mode: 'test' });
    expect((await ended).status).toBe('cancelled');
    expect(target.profileTarget()).toBeNull();
    expect(target.activations('db')).toEqual([]);
  });

  it("sends a tray deploy over another host's system to the window's Deploy page, where it waits unapproved", async () => {
    const { target, fixture, app } = await setup('{ web = { }; db = { }; }');
    // Both hosts share the test target: after this deploy it runs db's system.
    const db = await deployHost(app, fixture.repo.path, 'db');
    const ports = new RecordingPorts();
    const tray = new TrayController(app.services, ports);
    await tray.start();
    cleanups.push(() => tray.dispose());

    await tray.dispatch({ kind: 'deploy', host: 'web', mode: 'switch' });
    const web = app.services.deploy.status().find((r) => r.host === 'web')!;
    await runReaches(app, web.id, (r) => r.awaitingApproval);
    // No native question, which could not ask for the confirmation apart: the window's page for web instead.
    expect(ports.questions).toEqual([]);
    expect(ports.opened).toEqual(['deploy/web']);
    expect(app.services.deploy.status().find((r) => r.id === web.id)).toMatchObject({ awaitingApproval: true });
    expect(target.running()).toBe(db.outPath);

    app.services.deploy.cancel(web.id);
    expect((await app.services.deploy.finished(web.id)).status).toBe('cancelled');
    expect(ports.errors).toEqual([]);
  });

  it('shows a failed build as failed, notifies it with the failing step, and the click opens its log', async () => {
    const { app } = await setup('{ web = { packages = { git = "2.45.1"; }; buildFails = true; }; }\n');
    const ports = new RecordingPorts();
    const tray = new TrayController(app.services, ports);
    await tray.start();
    cleanups.push(() => tray.dispose());
    const shown: { notification: RunNotification; click: () => void }[] = [];
    const opened: number[] = [];
    cleanups.push(
      notifyRunEnds(app.services.events, { show: (notification, click) => shown.push({ notification, click }) }, (id) =>
        opened.push(id),
      ),
    );

    const ended = nextEnd(app);
    await tray.dispatch({ kind: 'build', host: 'web' });
    const run = await ended;
    expect(run.status).toBe('failed');
    expect(tray.menu().state).toBe('failed');
    expect(hostItems(tray.menu(), 'web ✗').at(-1)).toMatchObject({ label: 'Last: build failed at build' });

    expect(shown.map((s) => s.notification)).toEqual([
      { title: 'web: Build failed at build', body: run.message ?? '', runId: run.id, failed: true },
    ]);
    shown[0]!.click();
    expect(opened).toEqual([run.id]);
  });

  it('notifies a successful build, and a new tray shows the last results from the history', async () => {
    const { app } = await setup();
    const shown: RunNotification[] = [];
    cleanups.push(notifyRunEnds(app.services.events, { show: (n) => shown.push(n) }, () => {}));
    const ended = nextEnd(app);
    await app.services.deploy.build(app.services.flake.current().path, ['db']);
    const run = await ended;
    expect(shown).toEqual([{ title: 'db: Build succeeded', body: run.message ?? '', runId: run.id, failed: false }]);

    const tray = new TrayController(app.services, new RecordingPorts());
    await tray.start();
    cleanups.push(() => tray.dispose());
    expect(hostItems(tray.menu(), 'db').at(-1)).toMatchObject({ label: 'Last: build succeeded' });
    expect(hostItems(tray.menu(), 'web').some((i) => i.type === 'action' && i.action.kind === 'show-run')).toBe(false);
  });
});

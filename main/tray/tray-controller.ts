// Drives the tray: keeps each host's newest run, re-renders the menu as runs progress, and carries out its actions
// through the same services the window uses. The Electron glue supplies the ports (no electron import here).

import { otherSystemWarning } from '../../common/model/runs.ts';
import type { LiveRun, RunDetail } from '../../common/model/runs.ts';
import { describeDiff } from '../deploy/closure-diff.ts';
import type { Services } from '../services.ts';
import { userShell } from '../terminal/user-shell.ts';
import { buildTrayMenu } from './tray-menu.ts';
import type { RunBrief, TrayAction, TrayHost, TrayMenu } from './tray-menu.ts';

export interface DeployQuestion {
  host: string;
  /** e.g. "Deploy (switch)". */
  action: string;
  /** describeDiff's lines: what the deploy changes on the host. */
  diff: string[];
}

export interface TrayPorts {
  render(menu: TrayMenu): void;
  /** Asks the user to go ahead with a deploy, showing what it changes. */
  confirmDeploy(question: DeployQuestion): Promise<boolean>;
  /** Shows the window, at a view (`history/12`) when given. */
  openWindow(route?: string): void;
  quit(): void;
  /** Where errors of tray actions go, since there is no window to show them in. */
  reportError(title: string, error: unknown): void;
}

function briefOf(run: RunDetail): RunBrief {
  const step =
    run.steps.find((s) => s.status === 'running') ??
    run.steps.find((s) => s.status === 'failed' || s.status === 'interrupted');
  return { id: run.id, kind: run.kind, status: run.status, mode: run.mode, ...(step && { step: step.name }) };
}

export class TrayController {
  readonly #services: Services;
  readonly #ports: TrayPorts;
  #hosts: string[] = [];
  #thisMachine: string | null = null;
  readonly #lastRuns = new Map<string, RunBrief>();
  /** Runs started from the tray that wait for the user's go-ahead, asked once each. */
  readonly #askFor = new Set<number>();
  #disconnect?: () => void;
  /** The menu last rendered, as JSON. */
  #rendered = '';

  constructor(services: Services, ports: TrayPorts) {
    this.#services = services;
    this.#ports = ports;
  }

  async start(): Promise<void> {
    this.#disconnect = this.#services.events.connect((channel, payload) => {
      if (channel === 'run.progress' || channel === 'run.finished') this.#onRun(payload as LiveRun);
      if (channel === 'flake.changed') void this.refresh();
    });
    await this.refresh();
  }

  dispose(): void {
    this.#disconnect?.();
  }

  /** Re-reads the hosts of the opened flake and their newest runs from the history. */
  async refresh(): Promise<void> {
    const folder = this.#folder();
    try {
      this.#hosts = (await this.#services.manifests.hosts(folder)).map((h) => h.name);
      this.#thisMachine = await this.#services.targets.thisMachine(folder).catch(() => null);
    } catch {
      // A flake that does not evaluate has no hosts to offer; the window shows why.
      this.#hosts = [];
      this.#thisMachine = null;
    }
    this.#lastRuns.clear();
    for (const summary of this.#services.runs.list({ limit: 500 })) {
      if (summary.flake !== folder || this.#lastRuns.has(summary.host)) continue;
      this.#lastRuns.set(summary.host, briefOf(this.#services.runs.get(summary.id)));
    }
    this.#render();
  }

  /** The menu as it is now (also what the Electron smoke test compares with the hosts). */
  menu(): TrayMenu {
    // This machine first: its section leads the menu, and its host leads the list.
    const names = [...this.#hosts].sort((a, b) => Number(b === this.#thisMachine) - Number(a === this.#thisMachine));
    const hosts: TrayHost[] = names.map((name) => {
      const lastRun = this.#lastRuns.get(name);
      return { name, ...(name === this.#thisMachine && { thisMachine: true }), ...(lastRun && { lastRun }) };
    });
    return buildTrayMenu(hosts);
  }

  async dispatch(action: TrayAction): Promise<void> {
    const { deploy } = this.#services;
    try {
      switch (action.kind) {
        case 'build':
          await deploy.build(this.#folder(), [action.host]);
          return;
        case 'deploy':
          this.#ask(await deploy.deploy(this.#folder(), [action.host], action.mode, true));
          return;
        case 'deploy-all':
          this.#ask(await deploy.deploy(this.#folder(), this.#hosts, 'switch', true));
          return;
        case 'rollback':
          // Choosing a generation needs the list: the deploy view has it.
          this.#ports.openWindow(`deploy/${encodeURIComponent(action.host)}`);
          return;
        case 'reboot-check':
          // The persistence view holds the check, its grouping and the one-click persist.
          this.#ports.openWindow(`persistence/${encodeURIComponent(action.host)}`);
          return;
        case 'reboot':
          // What the reboot wipes, with persist and copy out, needs a window: the Hosts view holds the guard.
          this.#ports.openWindow('hosts/reboot');
          return;
        case 'terminal':
          this.#ports.openWindow(`terminals/${encodeURIComponent(await this.#hostShell(action.host))}`);
          return;
        case 'show-run':
          this.#ports.openWindow(`history/${action.runId}`);
          return;
        case 'open-window':
          this.#ports.openWindow();
          return;
        case 'quit':
          this.#ports.quit();
          return;
      }
    } catch (error) {
      this.#ports.reportError(`Flakedeck could not ${action.kind.replace('-', ' ')}`, error);
    }
  }

  #folder(): string {
    return this.#services.flake.current().path;
  }

  #ask(batch: { runs: LiveRun[] }): void {
    for (const run of batch.runs) {
      this.#askFor.add(run.id);
      this.#onRun(run);
    }
  }

  #onRun(run: LiveRun): void {
    this.#lastRuns.set(run.host, briefOf(run));
    this.#render();
    if (run.awaitingApproval && this.#askFor.delete(run.id)) void this.#confirm(run);
    if (run.status !== 'running') this.#askFor.delete(run.id);
  }

  async #confirm(run: LiveRun): Promise<void> {
    // A target that runs another host's system is confirmed apart, which a native dialog cannot ask: the window's
    // Deploy page shows the run waiting there, with the warning and its checkbox.
    if (run.diff && otherSystemWarning(run.host, run.diff)) {
      return this.#ports.openWindow(`deploy/${encodeURIComponent(run.host)}`);
    }
    const action = run.kind === 'rollback' ? 'Roll back' : `Deploy (${run.mode})`;
    const diff = run.diff
      ? describeDiff(run.diff, run.host)
      : ['No diff: the host’s current system could not be read.'];
    const yes = await this.#ports.confirmDeploy({ host: run.host, action, diff });
    try {
      if (yes) this.#services.deploy.approve(run.id);
      else this.#services.deploy.cancel(run.id);
    } catch {
      // The run ended meanwhile (cancelled from the window, say).
    }
  }

  /** A shell on the host as its deploys reach it: over ssh, or the user's own shell on this machine. */
  async #hostShell(host: string): Promise<string> {
    const { targets, terminals } = this.#services;
    const shell = targets.shell(await targets.forHost(this.#folder(), host), userShell());
    return terminals.spawn({ ...shell, kind: 'shell' }).id;
  }

  /** Hands the menu to the tray when it changed: progress comes ten times a second, a native menu is rebuilt. */
  #render(): void {
    const menu = this.menu();
    const shape = JSON.stringify(menu);
    if (shape === this.#rendered) return;
    this.#rendered = shape;
    this.#ports.render(menu);
  }
}

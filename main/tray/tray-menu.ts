// The tray menu as data, built by a pure function from the hosts and their runs; the Electron glue renders it.

import type { DeployMode, RunKind, RunStatus } from '../../common/model/runs.ts';

export interface RunBrief {
  id: number;
  kind: RunKind;
  status: RunStatus;
  mode?: DeployMode | null;
  /** The step that is running, or the one that failed. */
  step?: string;
}

export interface TrayHost {
  name: string;
  /** The machine the app runs on: its own section, first. */
  thisMachine?: boolean;
  /** The host's newest run, if any. */
  lastRun?: RunBrief;
}

export type TrayAction =
  | { kind: 'build'; host: string }
  | { kind: 'deploy'; host: string; mode: Exclude<DeployMode, 'dry-activate'> }
  | { kind: 'rollback'; host: string }
  | { kind: 'terminal'; host: string }
  | { kind: 'reboot-check'; host: string }
  /** This machine only: the window's reboot guard (what it wipes, persist or copy out, then reboot). */
  | { kind: 'reboot'; host: string }
  | { kind: 'show-run'; runId: number }
  | { kind: 'deploy-all' }
  | { kind: 'open-window' }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { type: 'submenu'; label: string; items: TrayItem[] }
  | { type: 'label'; label: string }
  | { type: 'separator' };

/** idle: nothing ran or all is well; running: something runs; failed: the newest run of some host failed. */
export type TrayState = 'idle' | 'running' | 'failed';

export interface TrayMenu {
  state: TrayState;
  tooltip: string;
  items: TrayItem[];
}

const statusWords: Record<RunStatus, string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled back',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
};

const failedStatuses: readonly RunStatus[] = ['failed', 'rolled-back', 'interrupted'];

function describeRun(run: RunBrief): string {
  const what = run.kind === 'deploy' && run.mode ? `${run.kind} (${run.mode})` : run.kind;
  const step = run.step && (run.status === 'running' || failedStatuses.includes(run.status)) ? ` at ${run.step}` : '';
  return `Last: ${what} ${statusWords[run.status]}${step}`;
}

function hostMenu(host: TrayHost): TrayItem {
  const busy = host.lastRun?.status === 'running';
  const act = (label: string, action: TrayAction): TrayItem => ({ type: 'action', label, action, enabled: !busy });
  const items: TrayItem[] = [
    act('Build', { kind: 'build', host: host.name }),
    act('Deploy (switch)', { kind: 'deploy', host: host.name, mode: 'switch' }),
    act('Deploy on next boot (boot)', { kind: 'deploy', host: host.name, mode: 'boot' }),
    act('Try without making it the default (test)', { kind: 'deploy', host: host.name, mode: 'test' }),
    act('Roll back…', { kind: 'rollback', host: host.name }),
    { type: 'separator' },
    {
      type: 'action',
      label: 'Open a terminal on the host',
      action: { kind: 'terminal', host: host.name },
      enabled: true,
    },
  ];
  if (host.lastRun) {
    items.push({
      type: 'action',
      label: describeRun(host.lastRun),
      action: { kind: 'show-run', runId: host.lastRun.id },
      enabled: true,
    });
  }
  const status = host.lastRun?.status;
  const marker = status === 'running' ? ' ⟳' : status && failedStatuses.includes(status) ? ' ✗' : '';
  return { type: 'submenu', label: `${host.name}${marker}`, items };
}

/** This machine's section: its actions at the top level, named as one says them of the machine one sits at. */
function thisMachineSection(host: TrayHost): TrayItem[] {
  const busy = host.lastRun?.status === 'running';
  const act = (label: string, action: TrayAction): TrayItem => ({ type: 'action', label, action, enabled: !busy });
  return [
    { type: 'label', label: `This machine (${host.name})${busy ? ' ⟳' : ''}` },
    act('Switch', { kind: 'deploy', host: host.name, mode: 'switch' }),
    act('Test (until the next boot)', { kind: 'deploy', host: host.name, mode: 'test' }),
    act('Boot (at the next boot)', { kind: 'deploy', host: host.name, mode: 'boot' }),
    act('Roll back…', { kind: 'rollback', host: host.name }),
    {
      type: 'action',
      label: 'What a reboot wipes…',
      action: { kind: 'reboot-check', host: host.name },
      enabled: true,
    },
    act('Reboot…', { kind: 'reboot', host: host.name }),
    ...(host.lastRun
      ? [
          {
            type: 'action',
            label: describeRun(host.lastRun),
            action: { kind: 'show-run', runId: host.lastRun.id },
            enabled: true,
          } as const,
        ]
      : []),
    { type: 'separator' },
  ];
}

export function trayState(hosts: readonly TrayHost[]): TrayState {
  if (hosts.some((h) => h.lastRun?.status === 'running')) return 'running';
  if (hosts.some((h) => h.lastRun && failedStatuses.includes(h.lastRun.status))) return 'failed';
  return 'idle';
}

function tooltipFor(state: TrayState, hosts: readonly TrayHost[]): string {
  const names = (status: RunStatus[]) =>
    hosts.filter((h) => h.lastRun && status.includes(h.lastRun.status)).map((h) => h.name);
  if (state === 'running') return `Flakedeck: running on ${names(['running']).join(', ')}`;
  if (state === 'failed') return `Flakedeck: last run failed on ${names([...failedStatuses]).join(', ')}`;
  return 'Flakedeck';
}

export function buildTrayMenu(hosts: readonly TrayHost[]): TrayMenu {
  const state = trayState(hosts);
  const items: TrayItem[] = [
    { type: 'action', label: 'Open Flakedeck', action: { kind: 'open-window' }, enabled: true },
    { type: 'separator' },
    ...hosts.filter((h) => h.thisMachine).flatMap(thisMachineSection),
    ...(hosts.length === 0 ? [{ type: 'label', label: 'No hosts in this flake' } as const] : hosts.map(hostMenu)),
    { type: 'separator' },
    {
      type: 'action',
      label: 'Deploy all (switch)…',
      action: { kind: 'deploy-all' },
      enabled: hosts.length > 0 && !hosts.some((h) => h.lastRun?.status === 'running'),
    },
    { type: 'separator' },
    { type: 'action', label: 'Quit', action: { kind: 'quit' }, enabled: true },
  ];
  return { state, tooltip: tooltipFor(state, hosts), items };
}

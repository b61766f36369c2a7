// The tray menu model: each host's actions, and the tray's state while runs go and after they fail.

import { describe, expect, it } from 'vitest';
import { buildTrayMenu } from './tray-menu.ts';
import type { TrayHost, TrayItem } from './tray-menu.ts';

const hosts = (runs: Record<string, TrayHost['lastRun']>): TrayHost[] =>
  Object.entries(runs).map(([name, lastRun]) => (lastRun ? { name, lastRun } : { name }));

function submenu(items: TrayItem[], label: string): TrayItem[] {
  const item = items.find((i) => i.type === 'submenu' && i.label.startsWith(label));
  if (!item || item.type !== 'submenu') throw new Error(`no submenu ${label}`);
  return item.items;
}

const labels = (items: TrayItem[]) => items.map((i) => ('label' in i ? i.label : '—'));

describe('tray menu model', () => {
  it('has one submenu per host with build, deploy modes, rollback and terminal, plus deploy all and quit', () => {
    const menu = buildTrayMenu(hosts({ desktop: undefined, laptop: undefined, vps: undefined }));
    expect(menu.state).toBe('idle');
    expect(menu.tooltip).toBe('Flakedeck');
    expect(labels(menu.items)).toEqual([
      'Open Flakedeck',
      '—',
      'desktop',
      'laptop',
      'vps',
      '—',
      'Deploy all (switch)…',
      '—',
      'Quit',
    ]);
    const laptop = submenu(menu.items, 'laptop');
    expect(labels(laptop)).toEqual([
      'Build',
      'Deploy (switch)',
      'Deploy on next boot (boot)',
      'Try without making it the default (test)',
      'Roll back…',
      '—',
      'Open a terminal on the host',
    ]);
    expect(laptop[1]).toMatchObject({ action: { kind: 'deploy', host: 'laptop', mode: 'switch' }, enabled: true });
    expect(laptop[2]).toMatchObject({ action: { kind: 'deploy', host: 'laptop', mode: 'boot' } });
    expect(laptop[3]).toMatchObject({ action: { kind: 'deploy', host: 'laptop', mode: 'test' } });
  });

  it('shows a running host: state running, its actions disabled, deploy all disabled, others still usable', () => {
    const menu = buildTrayMenu(
      hosts({ desktop: undefined, vps: { id: 7, kind: 'deploy', mode: 'switch', status: 'running', step: 'copy' } }),
    );
    expect(menu.state).toBe('running');
    expect(menu.tooltip).toBe('Flakedeck: running on vps');
    const vps = submenu(menu.items, 'vps');
    const runActions = vps.filter((i) => i.type === 'action' && !['terminal', 'show-run'].includes(i.action.kind));
    expect(runActions.map((i) => i.type === 'action' && i.enabled)).toEqual([false, false, false, false, false]);
    expect(vps.at(-1)).toMatchObject({
      label: 'Last: deploy (switch) running at copy',
      action: { kind: 'show-run', runId: 7 },
    });
    expect(submenu(menu.items, 'desktop')[0]).toMatchObject({ enabled: true });
    expect(menu.items.find((i) => i.type === 'action' && i.action.kind === 'deploy-all')).toMatchObject({
      enabled: false,
    });
  });

  it('shows a failed host with the failing step, and the tray in the failed state', () => {
    const menu = buildTrayMenu(
      hosts({
        desktop: { id: 3, kind: 'build', status: 'succeeded' },
        homelab: { id: 4, kind: 'deploy', mode: 'test', status: 'failed', step: 'activate' },
      }),
    );
    expect(menu.state).toBe('failed');
    expect(menu.tooltip).toBe('Flakedeck: last run failed on homelab');
    expect(labels(menu.items)).toContain('homelab ✗');
    expect(submenu(menu.items, 'homelab').at(-1)).toMatchObject({ label: 'Last: deploy (test) failed at activate' });
    expect(submenu(menu.items, 'desktop').at(-1)).toMatchObject({ label: 'Last: build succeeded' });
  });

  it('says so when the flake has no hosts', () => {
    const menu = buildTrayMenu([]);
    expect(labels(menu.items)).toEqual([
      'Open Flakedeck',
      '—',
      'No hosts in this flake',
      '—',
      'Deploy all (switch)…',
      '—',
      'Quit',
    ]);
    expect(menu.items.find((i) => i.type === 'action' && i.action.kind === 'deploy-all')).toMatchObject({
      enabled: false,
    });
  });

  it('counts an interrupted run as a failure to look at', () => {
    expect(
      buildTrayMenu(hosts({ vps: { id: 1, kind: 'deploy', status: 'interrupted', step: 'activate' } })).state,
    ).toBe('failed');
  });

  it('puts "This machine" first, with switch, test, boot, roll back, the reboot check and Reboot…', () => {
    const menu = buildTrayMenu([
      { name: 'laptop', thisMachine: true, lastRun: { id: 7, kind: 'deploy', status: 'succeeded', mode: 'switch' } },
      { name: 'vps' },
    ]);
    expect(labels(menu.items)).toEqual([
      'Open Flakedeck',
      '—',
      'This machine (laptop)',
      'Switch',
      'Test (until the next boot)',
      'Boot (at the next boot)',
      'Roll back…',
      'What a reboot wipes…',
      'Reboot…',
      'Last: deploy (switch) succeeded',
      '—',
      'laptop',
      'vps',
      '—',
      'Deploy all (switch)…',
      '—',
      'Quit',
    ]);
    const actions = menu.items.flatMap((i) => (i.type === 'action' ? [i.action] : []));
    expect(actions.slice(1, 7)).toEqual([
      { kind: 'deploy', host: 'laptop', mode: 'switch' },
      { kind: 'deploy', host: 'laptop', mode: 'test' },
      { kind: 'deploy', host: 'laptop', mode: 'boot' },
      { kind: 'rollback', host: 'laptop' },
      { kind: 'reboot-check', host: 'laptop' },
      { kind: 'reboot', host: 'laptop' },
    ]);
    // While it switches, its actions wait.
    const busy = buildTrayMenu([
      { name: 'laptop', thisMachine: true, lastRun: { id: 8, kind: 'deploy', status: 'running' } },
    ]);
    const switchItem = busy.items.find((i) => i.type === 'action' && i.label === 'Switch');
    expect(switchItem).toMatchObject({ enabled: false });
    // Nor does it reboot half switched.
    expect(busy.items.find((i) => i.type === 'action' && i.label === 'Reboot…')).toMatchObject({ enabled: false });
    expect(labels(busy.items)).toContain('This machine (laptop) ⟳');
  });
});

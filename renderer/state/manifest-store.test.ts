// The manifest store keeps the newest evaluation when an answer trails the event that announced a newer one.

import { describe, expect, it } from 'vitest';
import type { FlakedeckApi } from '../../common/api/contract.ts';
import type { Inspection } from '../../common/model/manifest.ts';
import { ManifestStore } from './manifest-store.svelte.ts';

/** Just what the store uses of the API: the inspect call, answered when the test says, and the manifests event. */
function fakeApi() {
  const listeners: ((inspection: Inspection) => void)[] = [];
  let answer!: (inspection: Inspection) => void;
  const api = {
    events: { on: (_channel: string, listener: (inspection: Inspection) => void) => listeners.push(listener) },
    hosts: { inspect: () => new Promise<Inspection>((resolve) => (answer = resolve)) },
  };
  return {
    api: api as unknown as FlakedeckApi,
    announce: (inspection: Inspection) => listeners.forEach((listener) => listener(inspection)),
    answer: (inspection: Inspection) => answer(inspection),
  };
}

const inspection = (evaluatedAt: number, flake = '/flake'): Inspection => ({
  flake,
  narHash: `sha256-${evaluatedAt}`,
  evaluatedAt,
  stale: false,
  refreshing: false,
  hosts: {},
});

describe('ManifestStore', () => {
  it('keeps manifests announced while an older answer was on its way', async () => {
    const { api, announce, answer } = fakeApi();
    const store = new ManifestStore(api);
    const loading = store.load('/flake');
    announce(inspection(2));
    answer({ ...inspection(1), stale: true, refreshing: true });
    await loading;
    expect(store.inspection?.evaluatedAt).toBe(2);
    expect(store.status).toBe('ready');
  });

  it('takes a newer evaluation from an answer or an event, and ignores events about another flake', async () => {
    const { api, announce, answer } = fakeApi();
    const store = new ManifestStore(api);
    const loading = store.load('/flake');
    answer(inspection(1));
    await loading;
    announce(inspection(3, '/other'));
    expect(store.inspection?.evaluatedAt).toBe(1);
    announce(inspection(3));
    expect(store.inspection?.evaluatedAt).toBe(3);
  });
});
